// The loaders of indexer/site/js/assets.js on their error paths, with a fake fetch: a 404 or a
// network failure on any file rejects with an AssetError naming that file, and nothing is left
// as an unhandled promise rejection. No fixtures needed.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  AssetError,
  fetchArrayBuffer,
  fetchJson,
  fileName,
  firstMissing,
  importAsset,
  loadIndex,
  loadStemmer,
} from "../../indexer/site/js/assets.js";
import { decodeFloat16 } from "../../indexer/site/js/engine.js";

const ASSETS = "https://example.org/kb/kb-search/";
const VENDOR = `${ASSETS}vendor/`;

/** A fetch that answers `files` (name under kb-search/ -> body or status number) and 404 otherwise. */
function fakeFetch(files) {
  const asked = [];
  const fetch = async (url) => {
    const name = fileName(url);
    asked.push(name);
    const body = files[name];
    if (body === undefined) return new Response("missing", { status: 404 });
    if (typeof body === "number") return new Response("error", { status: body });
    if (body instanceof Error) throw body;
    return new Response(body, { status: 200 });
  };
  return { fetch, asked };
}

async function rejectsNaming(promise, file, detail) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof AssetError, `${error}`);
    assert.equal(error.file, file);
    assert.match(error.message, new RegExp(`^${file.replace(/[.]/g, "\\.")}: ${detail}`));
    return true;
  });
}

describe("asset errors name the file", () => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  before(() => process.on("unhandledRejection", onUnhandled));
  after(() => {
    process.off("unhandledRejection", onUnhandled);
    assert.deepEqual(unhandled, [], "unhandled promise rejections");
  });

  test("file names are the path under kb-search/", () => {
    assert.equal(fileName(`${ASSETS}index.json`), "index.json");
    assert.equal(fileName(`${ASSETS}model/model.onnx?v=0123`), "model/model.onnx");
    assert.equal(fileName("https://example.org/other/file%20name.bin"), "file name.bin");
  });

  test("a 404 on index.json", async () => {
    await rejectsNaming(loadIndex(ASSETS, fakeFetch({})), "index.json", "HTTP 404");
  });

  test("a 500 on vectors.bin, a 404 on the model and on the tokenizer", async () => {
    const { fetch } = fakeFetch({ "vectors.bin": 500 });
    await rejectsNaming(fetchArrayBuffer(`${ASSETS}vectors.bin`, { fetch }), "vectors.bin", "HTTP 500");
    await rejectsNaming(fetchArrayBuffer(`${ASSETS}model/model.onnx?v=1`, { fetch }), "model/model.onnx", "HTTP 404");
    await rejectsNaming(fetchJson(`${ASSETS}model/tokenizer.json`, { fetch }), "model/tokenizer.json", "HTTP 404");
  });

  test("a network failure", async () => {
    const { fetch } = fakeFetch({ "index.json": new TypeError("Failed to fetch") });
    await rejectsNaming(loadIndex(ASSETS, { fetch }), "index.json", "could not be fetched \\(Failed to fetch\\)");
  });

  test("index.json that is not JSON, or lacks the BM25 parameters", async () => {
    await rejectsNaming(loadIndex(ASSETS, fakeFetch({ "index.json": "<html>" })), "index.json", "is not valid JSON");
    const partial = { chunks: [], dim: 4, fusion: {}, expansion: {}, bm25: { b: 0.75, stopwords: [] } };
    await rejectsNaming(loadIndex(ASSETS, fakeFetch({ "index.json": JSON.stringify(partial) })), "index.json",
      "lacks bm25.k1");
    await rejectsNaming(loadIndex(ASSETS, fakeFetch({ "index.json": "{}" })), "index.json",
      "lacks chunks, dim, fusion, bm25, expansion");
  });

  test("a 404 on the stemmer's wasm or module", async () => {
    const module = { default: async () => {}, Stemmer: class {}, Languages: { English: 7 } };
    const importModule = async () => module;
    await rejectsNaming(loadStemmer(VENDOR, { ...fakeFetch({}), importModule }), "vendor/stemmer_bg.wasm", "HTTP 404");
    const failing = async () => {
      throw new Error("Failed to fetch dynamically imported module");
    };
    const { fetch } = fakeFetch({ "vendor/stemmer_bg.wasm": "\0asm" });
    await rejectsNaming(loadStemmer(VENDOR, { fetch, importModule: failing }), "vendor/stemmer.mjs", "could not be loaded");
  });

  test("a stemmer wasm that does not compile", async () => {
    const module = {
      default: async () => {
        throw new WebAssembly.CompileError("expected magic word");
      },
    };
    const { fetch } = fakeFetch({ "vendor/stemmer_bg.wasm": "not wasm" });
    await rejectsNaming(loadStemmer(VENDOR, { fetch, importModule: async () => module }), "vendor/stemmer_bg.wasm",
      "is not a usable WebAssembly module");
  });

  test("firstMissing names the file a library failed to fetch (onnxruntime's wasm)", async () => {
    const urls = [`${VENDOR}ort-wasm-simd-threaded.mjs`, `${VENDOR}ort-wasm-simd-threaded.wasm`];
    const { fetch, asked } = fakeFetch({ "vendor/ort-wasm-simd-threaded.mjs": "glue" });
    const missing = await firstMissing(urls, { fetch });
    assert.ok(missing instanceof AssetError);
    assert.equal(missing.message, "vendor/ort-wasm-simd-threaded.wasm: HTTP 404");
    assert.deepEqual(asked, ["vendor/ort-wasm-simd-threaded.mjs", "vendor/ort-wasm-simd-threaded.wasm"]);
    const all = fakeFetch({ "vendor/ort-wasm-simd-threaded.mjs": "glue", "vendor/ort-wasm-simd-threaded.wasm": "wasm" });
    assert.equal(await firstMissing(urls, all), null);
    const offline = fakeFetch({ "vendor/ort-wasm-simd-threaded.mjs": new TypeError("offline") });
    assert.equal((await firstMissing(urls, offline)).message, "vendor/ort-wasm-simd-threaded.mjs: could not be fetched (offline)");
  });

  test("importAsset names the module (embed.js, onnxruntime, tokenizers)", async () => {
    const importModule = async (url) => {
      throw new TypeError(`404 ${url}`);
    };
    await rejectsNaming(importAsset(`${VENDOR}ort.wasm.min.mjs`, { importModule }), "vendor/ort.wasm.min.mjs", "could not be loaded");
    await rejectsNaming(importAsset(`${ASSETS}embed.js`, { importModule }), "embed.js", "could not be loaded");
  });
});

test("float16 vectors decode as numpy writes them", () => {
  // 1.0, -2.0, 0.5, 65504 (largest), smallest subnormal, +inf
  const half = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00]);
  assert.deepEqual([...decodeFloat16(half.buffer)], [1, -2, 0.5, 65504, 2 ** -24, Infinity]);
});
