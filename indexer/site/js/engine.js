// The search engine of the site, in the browser: the same steps as `kb search`.
//
//   query -> whitespace folded, cut at 2,000 characters -> glossary expansion
//         -> BM25 (Snowball English stems, English stop words; Lucene variant as bm25s)
//         -> dense ranking (inner product with the chunk vectors) once the model is ready
//         -> score fusion (each ranking of 100 candidates scaled to 0..1, dense weighing
//            index.results.dense_weight against BM25 weighted by how much of the query its best
//            passages hold: `fusionWeight`), as indexer/search/query.py.
//
// Pure functions over the data of index.json: no DOM here (page.js shows the results).
// tests/js/ checks them against the Python engine on fixtures written by indexer/.

const MAX_QUERY_CHARS = 2000;
const QUOTES = { "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"' };
const SEPARATORS = /[^\p{L}\p{N}_']+/gu;
const PAREN = /\s*\([^()]*\)\s*/g;
const ACRONYM = /^[A-Z][A-Z0-9&]*[A-Z0-9]s?$/;
const WORD = /[\p{L}\p{N}_]{2,}/gu;
// lexical.py `fold`: the hyphen of a word-initial "co-" dropped ("co-ordinate" = "coordinate")
const CO_HYPHEN = /(?<![\p{L}\p{N}_])co[-\u2010\u2011](?=\p{L})/gu;

// -- glossary expansion (indexer/search/expansion.py) ------------------------------------------

export function normalise(text) {
  const folded = text.replace(/[\u2018\u2019\u201c\u201d]/g, (c) => QUOTES[c]).toLowerCase();
  return folded.replace(SEPARATORS, " ").split(/\s+/).filter(Boolean).join(" ");
}

export function isAcronym(name) {
  return ACRONYM.test(name);
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function mentions(query, padded, term, name) {
  const key = normalise(name);
  if (!key) return false;
  if (name === term.abbreviation && name.length <= 2) {
    return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(name)}(?![\\p{L}\\p{N}_])`, "u").test(query);
  }
  return padded.includes(` ${key} `) || padded.includes(` ${key}s `);
}

const WORD_INDEXES = new WeakMap();

/** expansion.py `ExpansionTable.by_word` and `short`: terms by the first word of each name. */
function wordIndex(table) {
  let found = WORD_INDEXES.get(table);
  if (found) return found;
  const byWord = new Map();
  const short = new Set();
  (table.terms || []).forEach((term, number) => {
    for (const name of term.names) {
      const key = normalise(name);
      if (key) {
        const word = key.split(" ", 1)[0];
        if (!byWord.has(word)) byWord.set(word, new Set());
        byWord.get(word).add(number);
      }
      if (name === term.abbreviation && name.length <= 2) short.add(number);
    }
  });
  found = { byWord, short };
  WORD_INDEXES.set(table, found);
  return found;
}

/** expansion.py `candidates`: the terms (in table order) whose names may be in `padded`. */
function candidateTerms(table, padded) {
  const { byWord, short } = wordIndex(table);
  const found = new Set(short);
  for (const word of padded.split(" ").filter(Boolean)) {
    for (const n of byWord.get(word) || []) found.add(n);
    if (word.endsWith("s")) for (const n of byWord.get(word.slice(0, -1)) || []) found.add(n);
  }
  return [...found].sort((a, b) => a - b);
}

/** The query with the glossary names it implies: {query, added, decoded, text, extra}. */
export function expand(table, query) {
  const padded = ` ${normalise(query)} `;
  const added = new Map();
  const decoded = [];
  for (const number of candidateTerms(table, padded)) {
    const term = table.terms[number];
    const title = term.names[0];
    const titles = new Set([title, title.replace(PAREN, " ").trim()]);
    const named = term.names.filter((n) => mentions(query, padded, term, n));
    if (!named.length) continue;
    if (!named.some((n) => titles.has(n))) {
      if (!added.has(normalise(title))) added.set(normalise(title), title);
      if (named.some(isAcronym)) decoded.push(title);
    } else if (term.abbreviation && !named.includes(term.abbreviation)) {
      if (!added.has(normalise(term.abbreviation))) added.set(normalise(term.abbreviation), term.abbreviation);
    }
  }
  const uniqueDecoded = [...new Set(decoded)];
  const addedNames = [...added.values()];
  return {
    query,
    added: addedNames,
    decoded: uniqueDecoded,
    text: uniqueDecoded.length ? `${query} (${uniqueDecoded.join("; ")})` : query,
    extra: addedNames.filter((n) => !uniqueDecoded.includes(n)).join(" ; "),
  };
}

// -- BM25 (indexer/search/lexical.py: bm25s, method "lucene") ----------------------------------

export function embedText(chunk) {
  const head = chunk.section_path.length ? `${chunk.title}: ${chunk.section_path.join(" > ")}` : chunk.title;
  return `${head}\n${chunk.text}`;
}

/**
 * BM25 over the chunk texts, tokenised as indexer/search/lexical.py does: lowercase words of two or
 * more characters, the stop words of index.json, and `stem`, Snowball English (assets.js
 * `loadStemmer`, the algorithm PyStemmer runs), so any word gets the stem `kb search` gives it.
 * k1 and b come from index.json (lexical.BM25_K1, BM25_B).
 */
export class Lexical {
  constructor(settings, texts, stem) {
    if (typeof stem !== "function") throw new TypeError("Lexical needs a stem(word) function");
    this.k1 = settings.k1;
    this.b = settings.b;
    this.stop = new Set(settings.stopwords);
    this.stemWord = stem;
    this.stems = new Map(); // word -> stem, as met
    this.postings = new Map(); // term -> [[doc, tf], ...]
    this.lengths = new Float32Array(texts.length);
    texts.forEach((text, doc) => {
      const counts = new Map();
      const tokens = this.tokenize(text);
      for (const t of tokens) counts.set(t, (counts.get(t) || 0) + 1);
      this.lengths[doc] = tokens.length;
      for (const [t, tf] of counts) {
        if (!this.postings.has(t)) this.postings.set(t, []);
        this.postings.get(t).push([doc, tf]);
      }
    });
    this.size = texts.length;
    this.avgdl = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.size);
  }

  stem(word) {
    let stem = this.stems.get(word);
    if (stem === undefined) {
      stem = this.stemWord(word);
      this.stems.set(word, stem);
    }
    return stem;
  }

  tokenize(text) {
    const words = text.toLowerCase().replace(CO_HYPHEN, "co").match(WORD) || [];
    return words.filter((w) => !this.stop.has(w)).map((w) => this.stem(w));
  }

  /**
   * lexical.py `coverage`: the idf of the stems of `text` (each once) that the best of `docs`
   * (chunk numbers) contains, over the idf of them all (0 with no stems or no docs).
   */
  coverage(text, docs) {
    const stems = [...new Set(this.tokenize(text))];
    if (!stems.length || !docs.length) return 0.0;
    const at = new Map(docs.map((d, n) => [d, n]));
    const found = new Array(docs.length).fill(0.0);
    let total = 0.0;
    for (const stem of stems) {
      const list = this.postings.get(stem) || [];
      const weight = Math.log(1.0 + (this.size - list.length + 0.5) / (list.length + 0.5));
      total += weight;
      for (const [doc] of list) {
        const n = at.get(doc);
        if (n !== undefined) found[n] += weight;
      }
    }
    return Math.max(...found) / total;
  }

  /** Every chunk's BM25 score for `text` (Float32Array), computed as bm25s stores it. */
  scores(text) {
    const out = new Float32Array(this.size);
    for (const term of this.tokenize(text)) {
      const list = this.postings.get(term);
      if (!list) continue;
      // bm25s: idf kept as float32, the term-frequency part in float64, the product as float32
      const idf = Math.fround(Math.log(1 + (this.size - list.length + 0.5) / (list.length + 0.5)));
      for (const [doc, tf] of list) {
        const tfc = tf / (this.k1 * (1 - this.b + (this.b * this.lengths[doc]) / this.avgdl) + tf);
        out[doc] += Math.fround(idf * tfc);
      }
    }
    return out;
  }
}

// -- ranking -----------------------------------------------------------------------------

/** Whether candidate a ranks before b: the higher score, then the lower index. */
function before(scores, a, b) {
  return scores[a] > scores[b] || (scores[a] === scores[b] && a < b);
}

/** The best `depth` (index, score) pairs, best first, ties by index (`allowed` may be null), by
 * partial selection: a heap of the `depth` best so far (root: the worst), n log(depth). */
export function top(scores, allowed, depth, positive) {
  const heap = [];
  const worse = (a, b) => before(scores, b, a); // heap order: the root is the worst kept
  const down = (n) => {
    for (;;) {
      const l = 2 * n + 1;
      const r = l + 1;
      let m = n;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === n) return;
      [heap[n], heap[m]] = [heap[m], heap[n]];
      n = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (allowed && !allowed[i]) continue;
    if (positive && !(scores[i] > 0)) continue;
    if (scores[i] === -Infinity) continue;
    if (heap.length < depth) {
      heap.push(i);
      for (let n = heap.length - 1; n > 0; ) {
        const parent = (n - 1) >> 1;
        if (!worse(heap[n], heap[parent])) break;
        [heap[n], heap[parent]] = [heap[parent], heap[n]];
        n = parent;
      }
    } else if (depth > 0 && before(scores, i, heap[0])) {
      heap[0] = i;
      down(0);
    }
  }
  heap.sort((a, b) => scores[b] - scores[a] || a - b);
  return heap.map((i) => [i, scores[i]]);
}

export function reciprocalRankFusion(rankings, k) {
  const scores = new Map();
  for (const ranking of rankings) {
    ranking.forEach((doc, n) => scores.set(doc, (scores.get(doc) || 0) + 1 / (k + n + 1)));
  }
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/** Scores scaled to 0..1: the first candidate 1, the last 0 (all 1 when they are equal). */
function scaled(ranking) {
  if (!ranking.length) return [];
  const high = ranking[0][1];
  const low = ranking[ranking.length - 1][1];
  const span = high - low;
  return ranking.map(([i, s]) => [i, span > 0 ? (s - low) / span : 1.0]);
}

/** indexer/search/query.py `score_fusion`: weight x scaled dense + (1 - weight) x scaled lexical. */
export function scoreFusion(dense, lexical, weight) {
  const scores = new Map();
  for (const [ranking, w] of [[dense, weight], [lexical, 1.0 - weight]]) {
    for (const [doc, s] of scaled(ranking)) scores.set(doc, (scores.has(doc) ? scores.get(doc) : 0.0) + w * s);
  }
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/** query.py `fusion_weight`: the dense share of the fused score when the best BM25 passages hold
 * `coverage` of the query's words (`settings`: index.json `results`). */
export function fusionWeight(coverage, settings) {
  const dense = settings.dense_weight;
  const lexical = (1.0 - dense) * coverage ** settings.coverage_power;
  return dense / (dense + lexical);
}

/** Chunks that pass the filters: any of the kinds, all of the tags. */
export function allowedMask(chunks, kinds, tags) {
  if (!kinds.size && !tags.size) return null;
  return chunks.map((c) => (!kinds.size || kinds.has(c.kind)) && [...tags].every((t) => c.tags.includes(t)));
}

export function cleanQuery(query) {
  return query.split(/\s+/).filter(Boolean).join(" ").slice(0, MAX_QUERY_CHARS);
}

export class Engine {
  /** `index`: the parsed index.json; `stem`: Snowball English (assets.js `loadStemmer`). */
  constructor(index, stem) {
    this.index = index;
    this.chunks = index.chunks;
    this.depth = index.fusion.depth;
    this.rrfK = index.fusion.rrf_k;
    this.lexical = new Lexical(index.bm25, index.chunks.map(embedText), stem);
    this.extraWeight = index.bm25.extra_weight;
    this.vectors = null; // Float32Array, count x dim, once loaded
    this.dim = index.dim;
  }

  /** The glossary expansion `search` uses for `query` (its `text` is what the model embeds). */
  expand(query) {
    return expand(this.index.expansion, cleanQuery(query));
  }

  setVectors(vectors) {
    this.vectors = vectors;
  }

  lexicalRanking(expansion, allowed) {
    let scores = this.lexical.scores(expansion.text);
    if (expansion.extra) {
      const extra = this.lexical.scores(expansion.extra);
      scores = scores.map((s, i) => s + this.extraWeight * extra[i]);
    }
    return top(scores, allowed, this.depth, true);
  }

  denseRanking(queryVector, allowed) {
    const n = this.chunks.length;
    const dim = this.dim;
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      const base = i * dim;
      for (let j = 0; j < dim; j++) s += this.vectors[base + j] * queryVector[j];
      scores[i] = s;
    }
    return top(scores, allowed, this.depth, false);
  }

  /** query.py `demote_notes`: a passage of notes or lists alone at note_factor of its score. */
  demoteNotes(ranked) {
    const results = this.index.results;
    if (!results || !results.roles) return ranked;
    const out = ranked.map(([i, score]) => {
      const roles = results.roles[this.chunks[i].id];
      const text = !roles || roles.includes("t") || roles.includes("s");
      return [i, text ? score : score * results.note_factor];
    });
    return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  /**
   * Rank chunks for `query`. `mode` is hybrid, semantic or lexical; `queryVector` is the
   * embedding of `expansion.text` (null: lexical results only).
   * Returns {expansion, mode, hits: [{chunk, index, score, rank}]}.
   */
  search(query, { mode = "hybrid", topK = 10, kinds = new Set(), tags = new Set(), queryVector = null } = {}) {
    const cleaned = cleanQuery(query);
    const expansion = expand(this.index.expansion, cleaned);
    const allowed = allowedMask(this.chunks, kinds, tags);
    const depth = Math.max(this.depth, topK);
    let ranked;
    let used = mode;
    if (!cleaned) return { expansion, mode, hits: [], candidates: [], cosines: new Map() };
    const dense = queryVector && this.vectors && mode !== "lexical";
    if (!dense) used = "lexical";
    let denseRanked = [];
    if (used === "lexical") {
      ranked = this.lexicalRanking(expansion, allowed);
    } else if (mode === "semantic") {
      ranked = denseRanked = this.denseRanking(queryVector, allowed);
    } else {
      denseRanked = this.denseRanking(queryVector, allowed);
      const l = this.lexicalRanking(expansion, allowed);
      const results = this.index.results;
      const weight = () => {
        const docs = l.slice(0, results.coverage_depth).map(([i]) => i);
        return fusionWeight(this.lexical.coverage(expansion.text, docs), results);
      };
      ranked = results
        ? scoreFusion(denseRanked, l, weight())
        : reciprocalRankFusion([denseRanked.map(([i]) => i), l.map(([i]) => i)], this.rrfK);
    }
    ranked = this.demoteNotes(ranked);
    const candidates = ranked.map(([i, score], n) => ({ chunk: this.chunks[i], index: i, score, rank: n + 1 }));
    const hits = candidates.slice(0, Math.min(topK, depth));
    const cosines = new Map(denseRanked.map(([i, s]) => [i, s]));
    return { expansion, mode: used, hits, candidates, cosines };
  }
}

let halfTable = null; // the float of each of the 65,536 float16 bit patterns, made once

function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** float16 little-endian bytes -> Float32Array; a table lookup, so decoding the whole
 * index stays a few milliseconds of the page's main thread. */
export function decodeFloat16(buffer) {
  // the browser's own conversion where it has float16 arrays (chromium 135+, Firefox 129+)
  const Half = globalThis.Float16Array;
  if (typeof Half === "function") return new Float32Array(new Half(buffer));
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  const half = new Uint16Array(buffer);
  const out = new Float32Array(half.length);
  for (let i = 0; i < half.length; i++) out[i] = halfTable[half[i]];
  return out;
}
