// Word matches from any page, before (or without) the model: the BM25 of the search index,
// results grouped by entry. For a search box outside the search page (the header box):
//
//   const words = await openWordSearch(new URL("kb-search/", siteRoot));
//   words.search("lead professional", 5) -> [{rank, pathId, title, kind, url, section, text}]
//
// Loads index.json and the stemmer only (no vectors, no model, no onnxruntime).
import { loadIndex, loadStemmer } from "./assets.js";
import { Engine } from "./engine.js";
import { groupHits, shownText, summaries } from "./results.js";

/** A word-only search over the index under `assets` (a URL ending in "/"). */
export async function openWordSearch(assets, options = {}) {
  const base = new URL(assets, typeof document !== "undefined" ? document.baseURI : undefined).href;
  const [index, stem] = await Promise.all([loadIndex(base, options), loadStemmer(new URL("vendor/", base).href, options)]);
  return wordSearch(new Engine(index, stem));
}

/** `search(query, topK)` over an Engine (BM25 alone), one result per entry. */
export function wordSearch(engine) {
  const intro = summaries(engine.chunks);
  return {
    engine,
    search(query, topK = 8) {
      const result = engine.search(query, { mode: "lexical", topK: Math.max(topK, engine.depth) });
      return groupHits(engine.index, result.candidates, topK, intro).map((g) => {
        const c = g.hits[0].chunk;
        return { rank: g.rank, pathId: g.pathId, title: c.title, kind: c.kind, url: c.url, section: c.section,
          summary: g.summary, text: shownText(g) };
      });
    },
  };
}
