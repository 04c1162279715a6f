// Results grouped by entry and the extractive answer (indexer/site/js/results.js) against the
// Python engine (indexer/search/grouping.py, answer.py), on the fixtures of tests/js/jsfixtures.py:
// the same groups in the same order for every query, the same candidate sentences (split,
// filtered, cited as Python does), and, given the same sentence vectors, the same answer.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { loadIndex, loadStemmer } from "../../indexer/site/js/assets.js";
import { Engine } from "../../indexer/site/js/engine.js";
import { answerCandidates, groupHits, selectAnswer, splitSentences } from "../../indexer/site/js/results.js";
import { wordSearch } from "../../indexer/site/js/words.js";
import { NEEDS_FIXTURES, fileFetch, fixtureUrl, loadCases, loadVectors } from "./helpers.mjs";

describe("grouping and answers equal the Python engine's", { skip: NEEDS_FIXTURES }, () => {
  let cases;
  let engine;

  before(async () => {
    cases = loadCases();
    const options = { fetch: fileFetch };
    const stem = await loadStemmer(fixtureUrl("vendor", ""), options);
    engine = new Engine(await loadIndex(fixtureUrl(""), options), stem);
    engine.setVectors(loadVectors());
  });

  function groupsOf(q) {
    const result = engine.search(q.query, { mode: "hybrid", topK: cases.top, queryVector: Float32Array.from(q.vector) });
    return groupHits(engine.index, result.candidates, cases.top);
  }

  test("the same entries in the same order, each with the same passages, roles and summary", () => {
    let grouped = 0;
    for (const q of cases.queries) {
      const groups = groupsOf(q);
      assert.deepEqual(groups.map((g) => g.pathId), q.groups.map((g) => g.id), q.query);
      groups.forEach((g, n) => {
        const expected = q.groups[n];
        assert.deepEqual(g.hits.map((h) => h.index), expected.hits, `${q.query}: ${g.pathId}`);
        assert.deepEqual(g.roles, expected.roles, `${q.query}: ${g.pathId} roles`);
        assert.equal(g.summary, expected.summary);
        assert.equal(g.synthesis, expected.synthesis);
        assert.ok(Math.abs(g.score - expected.score) <= 1e-5 * Math.max(1, expected.score), `${q.query}: score`);
      });
      if (groups.length) grouped += 1;
    }
    assert.ok(grouped >= 100, `only ${grouped} queries with groups`);
  });

  test("word matches from any page (BM25 alone, no model): the entries of kb search --mode lexical", () => {
    const words = wordSearch(engine);
    let found = 0;
    const started = performance.now();
    for (const q of cases.queries) {
      const got = words.search(q.query, cases.top);
      assert.deepEqual(got.map((g) => g.pathId), q.lexical_groups, q.query);
      found += got.length ? 1 : 0;
    }
    const perQuery = (performance.now() - started) / cases.queries.length;
    assert.ok(found >= 80, `only ${found} queries with word matches`);
    assert.ok(perQuery < 50, `${perQuery.toFixed(1)} ms per word search`);
  });

  test("editorial notes and synthesis are known per line, as in Python", () => {
    const roles = Object.values(engine.index.results.roles).join("");
    for (const letter of ["n", "s"]) assert.ok(roles.includes(letter), `no line with role ${letter}`);
  });

  test("the same candidate sentences, split, filtered and cited as in Python", () => {
    let total = 0;
    for (const q of cases.queries) {
      const pool = answerCandidates(engine.index, groupsOf(q));
      const got = pool.map((c) => ({ text: c.text, chunk: engine.chunks.indexOf(c.chunk), line: c.line, cite: c.cite,
        citations: c.citations.map((r) => r.key) }));
      assert.deepEqual(got, q.candidates.map(({ share: _share, ...c }) => c), q.query);
      // the entry's share of the best entry's score (fused scores travel as float32: to 1e-5)
      pool.forEach((c, n) => assert.ok(Math.abs(c.share - q.candidates[n].share) <= 1e-5, `${q.query}: share`));
      total += pool.length;
    }
    assert.ok(total >= 600, `only ${total} candidate sentences`);
  });

  test("the same answer given the same sentence vectors (or the same refusal)", () => {
    let answered = 0;
    let refused = 0;
    for (const q of cases.queries) {
      const pool = answerCandidates(engine.index, groupsOf(q));
      const chosen = selectAnswer(engine.index, pool, q.candidate_vectors, q.vector);
      assert.deepEqual(chosen.indices, q.answer.sentences, q.query);
      assert.equal(chosen.reason, q.answer.reason, q.query);
      if (pool.length) assert.ok(Math.abs(chosen.best - q.answer.best) <= 1e-9, `${q.query}: best`);
      if (chosen.sentences.length) answered += 1;
      else refused += 1;
    }
    assert.ok(answered >= 10 && refused >= 10, `answered ${answered}, refused ${refused}`);
  });

  test("sentence splitting keeps citations, abbreviations and initials whole", () => {
    const abbreviations = new Set(engine.index.results.answer.abbreviations);
    assert.deepEqual(
      splitSentences("Staff met (McInnes, 2007, p. 21). Atkinson et al. found more. J. Smith agreed! Then? no.", abbreviations),
      ["Staff met (McInnes, 2007, p. 21).", "Atkinson et al. found more.", "J. Smith agreed!", "Then? no."],
    );
  });
});
