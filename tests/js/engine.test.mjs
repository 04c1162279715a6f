// The browser's search engine (indexer/site/js/engine.js) against the Python engine, on
// fixtures that tests/js/jsfixtures.py writes from the real corpus (fake embedder vectors):
// tokens and Snowball stems, BM25 scores, fusion, glossary expansion, and the top 10 of the
// lexical, semantic and hybrid modes given the same query vector.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { loadIndex, loadStemmer } from "../../indexer/site/js/assets.js";
import { Engine, expand, reciprocalRankFusion, top } from "../../indexer/site/js/engine.js";
import { FIXTURES, NEEDS_FIXTURES, fileFetch, fixtureUrl, loadCases, loadVectors } from "./helpers.mjs";

const SCORE_TOLERANCE = 1e-5; // relative; both sides store float32

function close(actual, expected, what) {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= SCORE_TOLERANCE * scale, `${what}: ${actual} != ${expected}`);
}

describe("the JS engine equals the Python engine", { skip: NEEDS_FIXTURES }, () => {
  let cases;
  let engine;
  let stem;

  before(async () => {
    cases = loadCases();
    const options = { fetch: fileFetch };
    stem = await loadStemmer(fixtureUrl("vendor", ""), options);
    const index = await loadIndex(fixtureUrl(""), options);
    engine = new Engine(index, stem);
    engine.setVectors(loadVectors());
  });

  test("fixtures are there and large enough", () => {
    assert.ok(FIXTURES);
    assert.ok(cases.words.length >= 5000, `${cases.words.length} words`);
    assert.ok(cases.queries.length >= 100, `${cases.queries.length} queries`);
    assert.equal(engine.vectors.length, engine.chunks.length * engine.dim);
  });

  test("Snowball stems of every corpus word and every out-of-vocabulary word", () => {
    const wrong = [];
    cases.words.forEach((word, n) => {
      if (stem(word) !== cases.stems[n]) wrong.push(`${word}: ${stem(word)} != ${cases.stems[n]}`);
    });
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${cases.words.length} stems differ`);
  });

  test("tokens (stop words, token pattern, stems) of every word and odd text", () => {
    const wrong = [];
    cases.words.forEach((word, n) => {
      const got = engine.lexical.tokenize(word);
      if (JSON.stringify(got) !== JSON.stringify(cases.word_tokens[n])) wrong.push(`${word}: ${got} != ${cases.word_tokens[n]}`);
    });
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} words tokenised differently`);
    for (const { text, tokens } of cases.texts) assert.deepEqual(engine.lexical.tokenize(text), tokens, text);
    for (const q of cases.queries) assert.deepEqual(engine.lexical.tokenize(q.expansion.text), q.tokens, q.query);
  });

  test("BM25 scores of every chunk for every query (k1, b from index.json)", () => {
    assert.equal(engine.lexical.k1, engine.index.bm25.k1);
    assert.equal(engine.lexical.b, engine.index.bm25.b);
    let compared = 0;
    for (const q of cases.queries) {
      const scores = engine.lexical.scores(q.expansion.text);
      assert.equal(scores.length, q.bm25.length);
      q.bm25.forEach((s, i) => close(scores[i], s, `${q.query} chunk ${i}`));
      if (q.bm25_extra) {
        const extra = engine.lexical.scores(q.expansion.extra);
        q.bm25_extra.forEach((s, i) => close(extra[i], s, `${q.query} (extra) chunk ${i}`));
      }
      compared += scores.length;
    }
    assert.ok(compared > 100000, `${compared} scores compared`);
  });

  test("reciprocal rank fusion", () => {
    for (const { rankings, k, fused } of cases.fusion) {
      const got = reciprocalRankFusion(rankings, k);
      assert.deepEqual(got.map(([i]) => i), fused.map(([i]) => i));
      got.forEach(([, s], n) => close(s, fused[n][1], `fusion ${n}`));
    }
  });

  test("glossary expansion", () => {
    for (const q of cases.queries) {
      const e = expand(engine.index.expansion, engine.expand(q.query).query);
      assert.deepEqual(
        { text: e.text, extra: e.extra, added: e.added, decoded: e.decoded },
        q.expansion,
        q.query,
      );
    }
  });

  for (const mode of ["lexical", "semantic", "hybrid"]) {
    test(`identical top 10 in ${mode} mode, given the same query vector`, () => {
      let nonEmpty = 0;
      for (const q of cases.queries) {
        const vector = Float32Array.from(q.vector);
        const result = engine.search(q.query, { mode, topK: cases.top, queryVector: vector });
        assert.equal(result.mode, mode, q.query);
        assert.deepEqual(result.hits.map((h) => h.index), q[mode].map(([i]) => i), `${mode}: ${q.query}`);
        result.hits.forEach((h, n) => close(h.score, q[mode][n][1], `${mode}: ${q.query} rank ${n + 1}`));
        if (q[mode].length) nonEmpty += 1;
      }
      assert.ok(nonEmpty >= 80, `only ${nonEmpty} queries with results in ${mode} mode`);
    });
  }

  test("lexical mode without a query vector, as before the model has loaded", () => {
    for (const q of cases.queries.slice(0, 20)) {
      const result = engine.search(q.query, { mode: "hybrid", topK: cases.top });
      assert.equal(result.mode, "lexical");
      assert.deepEqual(result.hits.map((h) => h.index), q.lexical.map(([i]) => i), q.query);
    }
  });
});

describe("the partial selection of the best passages", () => {
  // a small deterministic generator, so that a failure can be replayed
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

  function sorted(scores, allowed, depth, positive) {
    const all = [...scores.keys()].filter(
      (i) => (!allowed || allowed[i]) && (!positive || scores[i] > 0) && scores[i] !== -Infinity,
    );
    all.sort((a, b) => scores[b] - scores[a] || a - b);
    return all.slice(0, depth).map((i) => [i, scores[i]]);
  }

  test("keeps what a full sort keeps, in the same order (ties by index)", () => {
    for (let round = 0; round < 300; round++) {
      const n = Math.floor(random() * 400);
      const scores = Float32Array.from({ length: n }, () => (random() < 0.3 ? 0 : Math.round(random() * 20) / 4));
      if (n > 3) scores[1] = -Infinity;
      const allowed = random() < 0.3 ? Array.from({ length: n }, () => random() < 0.5) : null;
      const depth = [0, 1, 10, 100, 1000][round % 5];
      const positive = round % 2 === 0;
      assert.deepEqual(top(scores, allowed, depth, positive), sorted(scores, allowed, depth, positive));
    }
  });
});
