// The page a search result opens: the words of `?h=` marked in the article, and the passage
// scrolled into view. Imported by the header's loader only when the address has `h`.
//
// The parameter is never markup: it is cut to a few plain words (letters, digits, hyphens,
// apostrophes), matched against the article's text nodes, and each match is wrapped in a
// <mark> made with createElement; nothing from the address is parsed as HTML.

const MAX_PARAM = 400;
const MAX_WORDS = 12;
const MAX_MARKS = 300;
const SKIP = new Set(["SCRIPT", "STYLE", "MARK", "TEXTAREA", "INPUT", "SELECT", "BUTTON", "SVG", "NOSCRIPT"]);

/** The words of the `h` parameter: plain words of 2 to 40 characters, at most 12. */
export function wordsOf(param) {
  const words = [];
  for (const word of String(param || "").slice(0, MAX_PARAM).toLowerCase().split(/[\s+,]+/)) {
    if (/^[\p{L}\p{N}][\p{L}\p{N}_'’-]{1,39}$/u.test(word) && !words.includes(word)) words.push(word);
    if (words.length === MAX_WORDS) break;
  }
  return words;
}

function pattern(words) {
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).sort((a, b) => b.length - a.length);
  const any = `(?:${escaped.join("|")})`; // "co" and "location" mark "co-location" as one
  return new RegExp(`(?<![\\p{L}\\p{N}_])${any}(?:-${any})*(?![\\p{L}\\p{N}_])`, "giu");
}

/** Mark `words` in the text under `root`; returns the marks made, in document order. */
export function markIn(root, words) {
  if (!root || !words.length) return [];
  const re = pattern(words);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let p = node.parentElement; p && p !== root; p = p.parentElement) {
        if (SKIP.has(p.tagName.toUpperCase()) || p.classList.contains("headerlink") || p.classList.contains("kb-pop")) {
          return NodeFilter.FILTER_REJECT;
        }
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const nodes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
  const marks = [];
  for (const node of nodes) {
    const text = node.nodeValue;
    re.lastIndex = 0;
    let last = 0;
    const parts = [];
    for (const m of text.matchAll(re)) {
      if (marks.length + parts.length / 2 >= MAX_MARKS) break;
      parts.push(document.createTextNode(text.slice(last, m.index)));
      const mark = document.createElement("mark");
      mark.className = "kb-hit";
      mark.textContent = m[0];
      parts.push(mark);
      last = m.index + m[0].length;
    }
    if (!parts.length) continue;
    parts.push(document.createTextNode(text.slice(last)));
    node.replaceWith(...parts);
    for (const part of parts) if (part.nodeType === 1) marks.push(part);
    if (marks.length >= MAX_MARKS) break;
  }
  return marks;
}

/** The section the address names (#anchor), or null. */
function section() {
  let id;
  try {
    id = decodeURIComponent(location.hash.slice(1));
  } catch {
    return null;
  }
  return id ? document.getElementById(id) : null;
}

/** The next heading of the same or a higher level after `heading` (the section's end), or null. */
function sectionEnd(heading) {
  const level = Number(heading.tagName[1]) || 6;
  for (let n = heading.nextElementSibling; n; n = n.nextElementSibling) {
    if (/^H[1-6]$/.test(n.tagName) && Number(n.tagName[1]) <= level) return n;
  }
  return null;
}

const follows = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);

/** Mark the words of `?h=` in the article and scroll to the first one in the section. */
export function highlightPage() {
  const words = wordsOf(new URLSearchParams(location.search).get("h"));
  const article = document.querySelector("article") || document.querySelector("main");
  const marks = markIn(article, words);
  const heading = section();
  const end = heading && sectionEnd(heading);
  const first = heading ? marks.find((m) => follows(heading, m) && (!end || follows(m, end))) : marks[0];
  if (first) first.scrollIntoView({ block: "center" });
  else if (heading) heading.scrollIntoView({ block: "start" });
  document.documentElement.dataset.kbHighlighted = String(marks.length);
  return marks;
}
