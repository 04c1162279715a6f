// Word matches from any page, before (or without) the model: the BM25 of the search index,
// results grouped by entry. For a search box outside the search page (the header box):
//
//   const words = await openWordSearch(new URL("kb-search/", siteRoot));
//   words.search("lead professional", 5) -> [{rank, pathId, title, kind, url, section, text}]
//   words.rank("lead professional", 5, queryVector) -> {mode, expansion, entries}  (hybrid
//     once the vectors are set on words.engine and a query vector is given)
//
// Loads index.json (the passages, BM25 settings, expansion and grouping tables: about 250 KB
// compressed for 1,057 passages) and the stemmer only: no vectors, no model, no onnxruntime.
import { loadIndex, loadStemmer } from "./assets.js";
import { Engine } from "./engine.js";
import { groupHits, shownText, summaries } from "./results.js";

/**
 * A word search over the index under `assets` (a URL ending in "/"). With `fallbackStem`
 * (a function), a stemmer that cannot be loaded (no WebAssembly) is replaced by it, and the
 * returned search says so in `stemmed: false`.
 */
export async function openWordSearch(assets, options = {}) {
  const base = new URL(assets, typeof document !== "undefined" ? document.baseURI : undefined).href;
  const vendor = new URL("vendor/", base).href;
  const stemmer = loadStemmer(vendor, options).then(
    (stem) => ({ stem, stemmed: true }),
    (error) => {
      if (!options.fallbackStem) throw error;
      return { stem: options.fallbackStem, stemmed: false, error };
    },
  );
  const [index, { stem, stemmed, error }] = await Promise.all([loadIndex(base, options), stemmer]);
  return { ...wordSearch(new Engine(index, stem)), stemmed, stemError: error };
}

/** `search(query, topK)` over an Engine (BM25 alone), one result per entry; `rank` also hybrid. */
export function wordSearch(engine) {
  const intro = summaries(engine.chunks);
  function rank(query, topK = 8, queryVector = null) {
    const mode = queryVector && engine.vectors ? "hybrid" : "lexical";
    const result = engine.search(query, { mode, topK: Math.max(topK, engine.depth), queryVector });
    const entries = groupHits(engine.index, result.candidates, topK, intro).map((g) => {
      const c = g.hits[0].chunk;
      return { rank: g.rank, pathId: g.pathId, title: c.title, kind: c.kind, url: c.url, section: c.section,
        summary: g.summary, synthesis: g.synthesis, text: shownText(g) };
    });
    return { mode: result.mode, expansion: result.expansion, entries };
  }
  return {
    engine,
    rank,
    search(query, topK = 8) {
      return rank(query, topK).entries;
    },
  };
}

/** `isQueryWord(word)`: whether `word` has the stem of one of the words of `text` (stop words out). */
export function queryWords(engine, text) {
  const stems = new Set(engine.lexical.tokenize(text));
  // the word through the same tokenizer ("co-location" folds to one stem, as in the index)
  return (word) => engine.lexical.tokenize(word).some((stem) => stems.has(stem));
}
