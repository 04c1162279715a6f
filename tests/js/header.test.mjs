// The header box's pure parts (indexer/site/js/header.js, meaning.js, highlight.js): when the
// model is offered instead of loaded, what the offer says, the excerpt a result shows and the
// address it opens, and the words a page marks from a hostile `?h=`. The box itself is driven
// in chromium by tests/site/test_search_browser.py.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { excerpt, resultHref } from "../../indexer/site/js/header.js";
import { wordsOf } from "../../indexer/site/js/highlight.js";
import { queryWords } from "../../indexer/site/js/words.js";
import { modelBytes, modelPolicy, offerLabel, remember } from "../../indexer/site/js/meaning.js";

function fakeWindow({ width = 1280, coarse = false, saveData = false, storage = new Map(), blocked = false } = {}) {
  const localStorage = {
    getItem(key) {
      if (blocked) throw new Error("SecurityError");
      return storage.has(key) ? storage.get(key) : null;
    },
    setItem(key, value) {
      if (blocked) throw new Error("SecurityError");
      storage.set(key, value);
    },
  };
  return {
    navigator: { connection: saveData ? { saveData: true } : undefined },
    matchMedia: (query) => ({
      matches: query.includes("max-width") ? width <= 719 : query.includes("coarse") ? coarse : false,
    }),
    get localStorage() {
      return localStorage;
    },
  };
}

describe("the model policy (meaning.js)", () => {
  test("a desktop loads the model itself; a phone, a coarse pointer and Save-Data are offered it", () => {
    assert.equal(modelPolicy(fakeWindow()).load, "auto");
    assert.deepEqual(modelPolicy(fakeWindow({ width: 390 })), { load: "offer", reason: "small-screen" });
    assert.equal(modelPolicy(fakeWindow({ coarse: true })).load, "offer");
    assert.deepEqual(modelPolicy(fakeWindow({ saveData: true })), { load: "offer", reason: "save-data" });
  });

  test("the reader's choice is remembered, and blocked storage costs only the memory", () => {
    const storage = new Map();
    remember(fakeWindow({ storage }));
    assert.deepEqual(modelPolicy(fakeWindow({ width: 390, storage })), { load: "auto", reason: "chosen" });
    assert.doesNotThrow(() => remember(fakeWindow({ blocked: true })));
    assert.equal(modelPolicy(fakeWindow({ width: 390, blocked: true })).load, "offer");
  });

  test("the size comes from model_transfer_bytes, else the model's content-length, else is unknown", async () => {
    const head = (length, ok = true) => async (url, init) => {
      assert.equal(init.method, "HEAD");
      assert.ok(url.startsWith("http://h/kb-search/model/model.onnx"), url);
      return { ok, headers: { get: (name) => (name === "content-length" ? length : null) } };
    };
    const assets = "http://h/kb-search/";
    assert.equal(await modelBytes({ model_transfer_bytes: 17_600_000 }, assets, { fetch: head("1") }), 17_600_000);
    assert.equal(await modelBytes({ model_file: "model/model.onnx?v=1" }, assets, { fetch: head("23456789") }), 23456789);
    assert.equal(await modelBytes({}, assets, { fetch: head(null) }), null);
    assert.equal(await modelBytes({}, assets, { fetch: head("5", false) }), null);
    assert.equal(await modelBytes({}, assets, { fetch: async () => { throw new TypeError("offline"); } }), null);
    assert.equal(offerLabel(17_600_000), "Search by meaning: about 18 MB, once");
    assert.equal(offerLabel(null), "Search by meaning: a large download, once");
  });
});

describe("a result's line and address (header.js)", () => {
  const isQueryWord = (w) => ["co-location", "achieves"].includes(w.toLowerCase());

  test("the excerpt is cut around the first matched word, whose words it reports", () => {
    const text = `${"Earlier words fill the start of this passage. ".repeat(8)}Co-location achieves more &amp; better. ${"Later words. ".repeat(30)}`;
    const [shown, words] = excerpt(text, isQueryWord);
    assert.ok(shown.startsWith("… ") && shown.endsWith(" …"), shown);
    assert.ok(shown.includes("Co-location achieves more & better."), shown);
    assert.ok(shown.length <= 210, `${shown.length} characters`);
    assert.deepEqual(words, ["co-location", "achieves"]); // "co-" stays with its word, as the tokenizer folds it
    assert.deepEqual(excerpt("A short passage.", isQueryWord), ["A short passage.", []]);
  });

  test("a text word is a query word when the tokenizer gives it a query stem ('co-location' = 'colocation')", () => {
    const tokenize = (t) => (t.toLowerCase().replace(/\bco-(?=\p{L})/gu, "co").match(/[\p{L}\p{N}_]{2,}/gu) || []);
    const engine = { lexical: { tokenize } };
    const isWord = queryWords(engine, "what does co-location achieve");
    assert.ok(isWord("Co-location") && isWord("colocation") && isWord("achieve"));
    assert.ok(!isWord("location") && !isWord("co"));
  });

  test("the link keeps the section's anchor and carries the matched words", () => {
    const href = resultHref("findings/x/#what-it-achieves", "http://h/kb/", ["co", "location"]);
    assert.equal(href, "http://h/kb/findings/x/?h=co+location#what-it-achieves");
    assert.equal(resultHref("glossary/y/", "http://h/kb/", []), "http://h/kb/glossary/y/");
  });
});

describe("the words a page marks (highlight.js)", () => {
  test("plain words only: markup, patterns and huge parameters give nothing to run", () => {
    assert.deepEqual(wordsOf("co location+achieves"), ["co", "location", "achieves"]);
    assert.deepEqual(wordsOf('<img src=x onerror="alert(1)"> co-location </mark><script>'), ["co-location"]);
    assert.deepEqual(wordsOf("((((a+)+)+)+$ .* \\d"), []);
    assert.deepEqual(wordsOf(null), []);
    assert.equal(wordsOf("word ".repeat(10_000)).length, 1);
    assert.equal(wordsOf(Array.from({ length: 50 }, (_, n) => `w${n}`).join(" ")).length, 12);
    assert.deepEqual(wordsOf("Zusammenarbeit تعاون 合作"), ["zusammenarbeit", "تعاون", "合作"]);
  });
});
