// Results grouped by entry and the extractive answer, in the browser: the same steps as
// indexer/search/grouping.py and indexer/search/answer.py, with their settings and the role
// of every line of a passage from index.json ("results", written by indexer/search/respond.py).
//
// Pure functions (no DOM); tests/js/ checks them against the Python engine.

const TEXT = "t";
const SYNTHESIS = "s";

/** Role letters of each line of `chunk` ("t" text, "n" note, "s" synthesis, "l" list). */
export function rolesOf(index, chunk) {
  const known = index.results && index.results.roles ? index.results.roles[chunk.id] : undefined;
  return known !== undefined ? known : TEXT.repeat(chunk.text.split("\n").length);
}

/** Each entry's summary: the first line of its passage before the first heading. */
export function summaries(chunks) {
  const out = new Map();
  for (const c of chunks) if (c.id === c.path_id) out.set(c.path_id, c.text.split("\n", 1)[0]);
  return out;
}

function passageWeight(hit) {
  return hit.score; // a passage of notes alone comes lowered by the engine (engine.js `demoteNotes`)
}

function entryScore(weights, bonus) {
  const ordered = [...weights].sort((a, b) => b - a);
  const bonuses = [bonus, bonus / 2];
  let further = 0;
  for (let n = 0; n < bonuses.length && n + 1 < ordered.length; n++) further += bonuses[n] * ordered[n + 1];
  return ordered[0] + further;
}

/**
 * The first `topK` entries of the ranking `candidates` ([{chunk, index, score, rank}]), as
 * indexer/search/grouping.py `group_hits`: [{rank, score, pathId, hits, roles, summary, synthesis}].
 */
export function groupHits(index, candidates, topK = 10, intro = summaries(index.chunks)) {
  const settings = index.results;
  const byEntry = new Map();
  for (const hit of candidates.slice(0, settings.group_depth)) {
    const id = hit.chunk.path_id;
    if (!byEntry.has(id)) byEntry.set(id, []);
    byEntry.get(id).push([hit, rolesOf(index, hit.chunk)]);
  }
  const scored = [];
  let order = 0;
  for (const [pathId, members] of byEntry) {
    const weights = members.map(([h]) => passageWeight(h));
    let shown = members.findIndex(([, r]) => r.includes(TEXT));
    if (shown < 0) shown = 0;
    const ordered = [members[shown], ...members.filter((_m, n) => n !== shown)];
    scored.push({ score: entryScore(weights, settings.further_bonus), order: order++, pathId, ordered });
  }
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.slice(0, topK).map((s, n) => {
    const roles = s.ordered.map(([, r]) => r);
    return {
      rank: n + 1,
      score: s.score,
      pathId: s.pathId,
      hits: s.ordered.map(([h]) => h),
      roles,
      summary: intro.get(s.pathId) || "",
      synthesis: !roles[0].includes(TEXT) && roles[0].includes(SYNTHESIS),
    };
  });
}

/** The text a card shows of passage `n` of `group`: its text and synthesis lines. */
export function shownText(group, n = 0) {
  const lines = group.hits[n].chunk.text.split("\n");
  const roles = group.roles[n];
  const kept = lines.filter((_line, i) => roles[i] === TEXT || roles[i] === SYNTHESIS);
  return kept.length ? kept.join("\n") : group.summary;
}

// -- the extractive answer (indexer/search/answer.py) ------------------------------------------

const BOUNDARY = /[.!?]["'\u201d\u2019)\]]*\s+/g;
const NEXT = /["'\u201c\u2018([]?[A-Z0-9]/y;
const WORD_BEFORE = /([\p{L}\p{N}_.]+)[.!?]["'\u201d\u2019)\]]*$/u;
const CITE = /\([^()]*\b(?:1[5-9]|20)\d\d[a-z]?\b[^()]*\)|\([^()]*\bn\.d\.[^()]*\)/g;
// a narrative citation's bracket, "(2006)" or "(2006, p. 4)": its author stands outside it, so a
// sentence without a citation of its own never borrows it (as in Python)
const YEAR_ONLY = /^\((?:(?:1[5-9]|20)\d\d[a-z]?|n\.d\.)(?:,[^()]*)?\)$/;
const WORDS = /[\p{L}\p{N}_]+/gu;
const POINTER = /^(?:See|For more|For details|Compare)\b|\b(?:is|are) (?:set out|discussed|described) in\b/;

function count(text, char) {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/** Sentences of one paragraph, split as answer.py `split_sentences` does. */
export function splitSentences(text, abbreviations) {
  const out = [];
  let start = 0;
  for (const match of text.matchAll(BOUNDARY)) {
    const end = match.index + match[0].length;
    NEXT.lastIndex = end;
    if (!NEXT.test(text)) continue;
    const head = text.slice(start, end).trimEnd();
    if (count(head, "(") > count(head, ")")) continue;
    const before = WORD_BEFORE.exec(head);
    if (before) {
      const word = before[1];
      const bare = word.toLowerCase().replace(/\.+$/, "");
      const initial = word.length === 1 && word === word.toUpperCase() && word !== word.toLowerCase();
      if (abbreviations.has(bare) || initial) continue;
    }
    out.push(head);
    start = end;
  }
  const tail = text.slice(start).trim();
  if (tail) out.push(tail);
  return out;
}

/** {key, author, year} of each work `chunk` cites, from index.json's references. */
function citationsOf(index, chunk) {
  return chunk.cites.map((key) => {
    const label = (index.references[key] || { cite: key }).cite;
    const m = /^(.*) \(([^()]*)\)$/s.exec(label);
    return m ? { key, author: m[1], year: m[2] } : { key, author: label, year: "" };
  });
}

function cited(refs, context) {
  const words = new Set(context.match(WORDS) || []);
  const found = refs.filter((ref) => {
    const first = ref.author.match(WORDS);
    return first && words.has(first[0]) && (!ref.year || context.includes(ref.year));
  });
  if (found.length) return found;
  // a narrative citation whose author stands outside the sentence: its year alone, when unique
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const byYear = refs.filter((ref) => ref.year && new RegExp(`\\b${escape(ref.year)}\\b`).test(context));
  return byYear.length === 1 ? byYear : [];
}

function sentenceCandidates(line, chunk, number, group, refs, settings, abbreviations, share) {
  const spans = [...line.matchAll(CITE)].map((m) => [m.index, m.index + m[0].length, m[0]]);
  const out = [];
  let cursor = 0;
  for (const sentence of splitSentences(line, abbreviations)) {
    let at = line.indexOf(sentence, cursor);
    if (at < 0) at = cursor;
    cursor = at + sentence.length;
    const words = sentence.match(WORDS) || [];
    if (
      words.length < settings.min_words ||
      sentence.length > settings.max_chars ||
      sentence.endsWith(":") ||
      sentence.endsWith("?") ||
      sentence.includes(" | ") ||
      POINTER.test(sentence)
    ) {
      continue;
    }
    const own = spans.filter((s) => s[0] >= at && s[1] <= cursor);
    let cite = "";
    let context = sentence;
    if (!own.length) {
      const named = spans.filter((s) => !YEAR_ONLY.test(s[2]));
      const after = named.filter((s) => s[0] >= cursor);
      const before = named.filter((s) => s[1] <= at);
      const pick = after.length ? after[0] : before.length ? before[before.length - 1] : null;
      if (!pick) continue; // a paragraph that cites nothing cannot say where the sentence comes from
      cite = pick[2];
      context = `${sentence} ${cite}`;
    }
    out.push({ text: sentence, chunk, line: number, group, cite, citations: cited(refs, context), share });
  }
  return out;
}

/** The sentences the answer is chosen from, as answer.py `candidates`. */
export function answerCandidates(index, groups) {
  const settings = index.results.answer;
  const abbreviations = new Set(settings.abbreviations);
  const out = [];
  const top = groups.length ? groups[0].score : 0.0;
  for (const group of groups.slice(0, settings.entries)) {
    const share = top > 0 ? group.score / top : 1.0;
    let taken = 0;
    for (let p = 0; p < group.hits.length; p++) {
      if (taken === settings.passages_per_entry) break;
      const roles = group.roles[p];
      if (!roles.includes(TEXT)) continue;
      taken++;
      const chunk = group.hits[p].chunk;
      const refs = citationsOf(index, chunk);
      chunk.text.split("\n").forEach((line, number) => {
        if (roles[number] === TEXT) {
          out.push(...sentenceCandidates(line, chunk, number, group.rank, refs, settings, abbreviations, share));
        }
      });
    }
  }
  return out.slice(0, settings.max_candidates);
}

function dot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Choose the answer from `pool` given each candidate's unit vector and the query's, as
 * answer.py `select`: {sentences: [{...candidate, relevance}], best, reason, entries}.
 */
export function selectAnswer(index, pool, vectors, query) {
  const settings = index.results.answer;
  const none = (best, reason) => ({ sentences: [], indices: [], best, reason, entries: 0 });
  if (!pool.length) return none(0, "no passage with text of its own was found");
  const relevance = vectors.map((v) => dot(v, query));
  const best = Math.max(...relevance);
  if (best < settings.min_relevance) return none(best, "nothing in the knowledge base answers this well");
  const floor = Math.max(settings.min_relevance, best - settings.max_drop);
  const first = relevance.indexOf(best);
  const chosen = [];
  const paragraph = (c) => `${c.chunk.id}\n${c.line}`;
  while (chosen.length < settings.max_sentences) {
    let pick = -1;
    let pickScore = -Infinity;
    pool.forEach((candidate, n) => {
      if (chosen.includes(n) || relevance[n] < floor) return;
      if (candidate.share < settings.entry_share && n !== first) return; // a weaker entry: only its best
      if (chosen.some((c) => paragraph(pool[c]) === paragraph(candidate))) return;
      if (chosen.filter((c) => pool[c].chunk.path_id === candidate.chunk.path_id).length >= settings.per_entry) return;
      let likeness = 0.0;
      if (chosen.length) likeness = Math.max(...chosen.map((c) => dot(vectors[n], vectors[c])));
      const score = settings.mmr_lambda * relevance[n] - (1 - settings.mmr_lambda) * likeness;
      if (score > pickScore) {
        pick = n;
        pickScore = score;
      }
    });
    if (pick < 0) break;
    chosen.push(pick);
  }
  const sentences = chosen.map((n) => ({ ...pool[n], relevance: relevance[n] }));
  return { sentences, indices: chosen, best, reason: "", entries: new Set(sentences.map((s) => s.chunk.path_id)).size };
}

/** The answer to the groups of a query: `embed(text)` gives a sentence's unit vector. */
export async function answer(index, groups, queryVector, embed) {
  if (!queryVector || !embed) {
    return { sentences: [], indices: [], best: 0, reason: "the answer needs the meaning-based search", entries: 0 };
  }
  const pool = answerCandidates(index, groups);
  const vectors = [];
  for (const candidate of pool) vectors.push(await embed(candidate.text));
  return selectAnswer(index, pool, vectors, queryVector);
}
