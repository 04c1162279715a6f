// The search page's cards (one per entry) and extractive answer, as DOM nodes. Every text
// from the index is inserted with textContent (a passage containing HTML shows as text);
// character references kept in the passages (&lt;) are decoded to the characters they stand for.
import { shownText } from "./results.js";

export const KIND_LABELS = {
  finding: "Finding",
  event: "Timeline event",
  term: "Glossary term",
  "case-study": "Case study",
  strategy: "Practice strategy",
  procedure: "Procedure",
  source: "Source",
  theme: "Theme",
};

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function citeLinks(keys, references, siteRoot) {
  const box = el("span", "");
  keys.forEach((key, n) => {
    const ref = references[key] || { cite: key, full: key };
    const link = el("a", "citation-ref", ref.cite);
    link.href = new URL(`bibliography/#${encodeURIComponent(key)}`, siteRoot).href;
    link.title = ref.full;
    if (n) box.append("; ");
    box.append(link);
  });
  return box;
}

const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: "\u00a0", ndash: "\u2013",
  mdash: "\u2014", hellip: "\u2026", lsquo: "\u2018", rsquo: "\u2019", ldquo: "\u201c", rdquo: "\u201d" };

/** A passage's HTML character references (`&lt;`, `&#8212;`) as the page shows them: the
 * passages keep them as written in the Markdown. Text only: nothing is parsed as markup. */
export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Text with the query's words marked, appended to `out`. */
function marked(out, raw, isQueryWord) {
  return markWords(out, decodeEntities(raw), isQueryWord);
}

/** The words of a text as the marks see them: a word-initial "co-" stays with its word
 * ("co-location" is one word, as the tokenizer folds it to "colocation"). */
export const TEXT_WORDS = /(?<![\p{L}\p{N}_])co[-\u2010\u2011]\p{L}[\p{L}\p{N}_]*|[\p{L}\p{N}_]{2,}/giu;

/** Plain `text` (entities already decoded) appended to `out`, the query's words in <mark>. */
export function markWords(out, text, isQueryWord) {
  let last = 0;
  for (const m of text.matchAll(TEXT_WORDS)) {
    if (!isQueryWord(m[0])) continue;
    out.append(text.slice(last, m.index));
    out.append(el("mark", "", m[0]));
    last = m.index + m[0].length;
  }
  out.append(text.slice(last));
  return out;
}

/** The passage a card shows, whole (clamped by CSS), the query's words marked; the editors'
 * synthesis set apart from the sources' text. `lines`: [[text, role], ...]. */
function passage(lines, isQueryWord) {
  const out = el("p", "kb-search__snippet");
  lines.forEach(([text, role], n) => {
    if (n) out.append("\n");
    out.append(marked(el("span", role === "s" ? "kb-search__synthesis" : ""), text, isQueryWord));
  });
  return out;
}

/**
 * One entry's card: title (linked to the passage shown), kind, theme, year, summary, the
 * passage ([data-kb-result]), sources, and "n more passages". `view`: {isQueryWord, index, siteRoot}.
 */
export function card(group, { isQueryWord, index, siteRoot }) {
  const c = group.hits[0].chunk;
  const item = el("li", "kb-search__result");
  item.dataset.id = c.path_id;
  const link = el("a", "kb-search__title", c.title);
  link.href = new URL(c.url, siteRoot).href; // the passage shown, in its section
  const heading = el("h3", "");
  heading.append(link);
  const meta = el("p", "kb-search__meta");
  meta.append(el("span", "kb-search__kind", KIND_LABELS[c.kind] || c.kind));
  const theme = (index.results && index.results.themes && index.results.themes[c.path_id]) || c.tags.join(", ");
  if (theme) meta.append(" · ", el("span", "kb-search__theme", theme));
  if (c.year) meta.append(" · ", el("span", "kb-search__year", String(c.year)));
  item.append(heading, meta);
  if (group.summary) item.append(el("p", "kb-search__summary", decodeEntities(group.summary)));
  const best = el("div", "kb-search__passage");
  best.setAttribute("data-kb-result", "");
  Object.assign(best.dataset, { id: c.path_id, title: c.title, section: c.section, url: c.url });
  const where = el("a", "kb-search__section", group.synthesis ? "Editors' synthesis" : c.section || "Summary");
  where.href = new URL(c.url, siteRoot).href;
  const roles = group.roles[0];
  let lines = c.text.split("\n").map((line, n) => [line, roles[n]]).filter(([, role]) => role === "t" || role === "s");
  if (!lines.length) lines = [[group.summary, "t"]];
  if (!c.section && lines.length > 1 && lines[0][0] === group.summary) lines = lines.slice(1);
  best.append(where, passage(lines, isQueryWord));
  item.append(best);
  if (c.cites.length) {
    const box = el("p", "kb-search__sources");
    box.append("Sources: ", citeLinks(c.cites, index.references, siteRoot));
    item.append(box);
  }
  if (group.hits.length > 1) {
    const more = el("details", "kb-search__further");
    const n = group.hits.length - 1;
    more.append(el("summary", "", `${n} more passage${n === 1 ? "" : "s"}`));
    const inner = el("ul", "");
    group.hits.slice(1).forEach((hit, k) => {
      const li = el("li", "");
      const a = el("a", "", hit.chunk.section || "Summary");
      a.href = new URL(hit.chunk.url, siteRoot).href;
      const words = shownText(group, k + 1);
      const plain = decodeEntities(words);
      li.append(a, " — ", plain.length > 240 ? `${plain.slice(0, 240).replace(/\s+\S*$/, "")} …` : plain);
      inner.append(li);
    });
    more.append(inner);
    item.append(more);
  }
  return item;
}

/** The extractive answer in `answerBox` ([data-kb-answer]); `found` null hides it. */
export function showAnswer(answerBox, found, siteRoot) {
  answerBox.replaceChildren();
  if (!found) {
    answerBox.hidden = true;
    return;
  }
  answerBox.hidden = false;
  if (!found.sentences.length) {
    answerBox.dataset.answered = "false";
    answerBox.append(el("p", "kb-search__no-answer", "No good answer: nothing in the knowledge base answers this well. The closest passages are below."));
    return;
  }
  answerBox.dataset.answered = "true";
  const n = found.entries;
  answerBox.append(el("h2", "kb-search__answer-title", `Answer, quoted from ${n} entr${n === 1 ? "y" : "ies"}`));
  const sentences = el("ul", "kb-search__answer-sentences");
  for (const s of found.sentences) {
    const li = el("li", "");
    li.setAttribute("data-kb-answer-sentence", "");
    li.dataset.id = s.chunk.path_id;
    li.dataset.url = s.chunk.url;
    li.append(el("q", "kb-search__quote", decodeEntities(s.text)));
    if (s.cite) li.append(" ", el("span", "kb-search__cite", s.cite));
    const link = el("a", "kb-search__from", s.chunk.title);
    link.href = new URL(s.chunk.url, siteRoot).href;
    li.append(" — ", link);
    sentences.append(li);
  }
  answerBox.append(sentences);
}
