// The search's model worker without a browser: embed.js (the page's side) with a fake Worker,
// model.js (the worker's side, `serve`) with a fake port, fake onnxruntime, tokenizer, fetch and
// Cache API. Checked: the messages both ways, every error path named (a 404 on any file, the
// worker failing to start or dying, onnxruntime refusing the model, storage blocked), and no
// unhandled promise rejection anywhere.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { AssetError, fileName } from "../../indexer/site/js/assets.js";
import { loadEmbedder, webAssemblySupported } from "../../indexer/site/js/embed.js";
import { CACHE, cachedBytes, loadModel, poolAndNormalise, serve } from "../../indexer/site/js/model.js";

const ASSETS = "https://example.org/kb/kb-search/";
const DIM = 4;

/** A fetch answering `files` (name under kb-search/ -> body, status number or Error), 404 otherwise. */
function fakeFetch(files) {
  const asked = [];
  const fetch = async (url, init = {}) => {
    const name = fileName(url);
    asked.push(`${init.method || "GET"} ${name}`);
    const body = files[name];
    if (body === undefined) return new Response("missing", { status: 404 });
    if (typeof body === "number") return new Response("error", { status: body });
    if (body instanceof Error) throw body;
    return new Response(init.method === "HEAD" ? null : body, { status: 200 });
  };
  return { fetch, asked };
}

const MODEL_FILES = {
  "model/tokenizer.json": JSON.stringify({ model: { vocab: { "[CLS]": 101, "[SEP]": 102 } } }),
  "model/tokenizer_config.json": "{}",
  "model/model.onnx": new Uint8Array([1, 2, 3, 4]),
  "vendor/ort-wasm-simd-threaded.mjs": "// runtime",
  "vendor/ort-wasm-simd-threaded.wasm": new Uint8Array([0, 97, 115, 109]),
};

/** onnxruntime-web and the tokenizer as the worker imports them; `fail` makes the session refuse. */
function fakeModules({ fail = null, runs = [] } = {}) {
  class Tensor {
    constructor(type, data, dims) {
      Object.assign(this, { type, data, dims });
    }
  }
  const ort = {
    env: { wasm: {} },
    Tensor,
    InferenceSession: {
      async create(bytes) {
        if (fail) throw new Error(fail);
        assert.ok(bytes instanceof Uint8Array && bytes.length === 4);
        return {
          inputNames: ["input_ids", "attention_mask"],
          outputNames: ["last_hidden_state"],
          async run(feeds) {
            runs.push(Object.keys(feeds));
            const n = feeds.input_ids.dims[1];
            const data = new Float32Array(n * DIM);
            for (let t = 0; t < n; t++) data[t * DIM + (t % DIM)] = 1; // token t points along axis t % 4
            return { last_hidden_state: { data } };
          },
        };
      },
    },
  };
  const tokenizers = {
    Tokenizer: class {
      encode(text) {
        return { ids: String(text).split(/\s+/).filter(Boolean).map((w, i) => 1000 + i) };
      }
    },
  };
  return async (url) => {
    const name = fileName(url);
    if (name === "vendor/ort.wasm.min.mjs") return ort;
    if (name === "vendor/tokenizers.min.mjs") return tokenizers;
    throw new TypeError(`Failed to fetch dynamically imported module: ${url}`);
  };
}

/** A Cache API: `blocked` makes open() throw as a browser with storage disabled does. */
function fakeCaches({ blocked = false } = {}) {
  const stores = new Map();
  return {
    stores,
    async open(name) {
      if (blocked) throw new DOMException("The operation is insecure.", "SecurityError");
      if (!stores.has(name)) {
        const entries = new Map();
        stores.set(name, {
          entries,
          async match(url) {
            return entries.has(url) ? new Response(entries.get(url)) : undefined;
          },
          async put(url, response) {
            entries.set(url, new Uint8Array(await response.arrayBuffer()));
          },
        });
      }
      return stores.get(name);
    },
  };
}

/** The worker's side on a fake port; returns {send(message), received, next(type)}. */
function fakePort(options) {
  const received = [];
  const waiting = [];
  const port = {
    postMessage(message) {
      received.push(message);
      for (const w of waiting.splice(0)) w();
    },
  };
  serve(port, options);
  async function next(type) {
    for (;;) {
      const found = received.find((m) => m.type === type && !m.seen);
      if (found) {
        found.seen = true;
        return found;
      }
      await new Promise((resolve) => waiting.push(resolve));
    }
  }
  return { send: (data) => port.onmessage({ data }), received, next };
}

/** A Worker for embed.js: `reply(message, worker)` answers what the page posts. */
function fakeWorker(reply) {
  const worker = {
    posted: [],
    terminated: false,
    postMessage(message) {
      worker.posted.push(message);
      queueMicrotask(() => reply(message, worker));
    },
    terminate() {
      worker.terminated = true;
    },
    send(data) {
      worker.onmessage({ data });
    },
  };
  return worker;
}

describe("the model worker", () => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  before(() => process.on("unhandledRejection", onUnhandled));
  after(() => {
    process.off("unhandledRejection", onUnhandled);
    assert.deepEqual(unhandled, [], "unhandled promise rejections");
  });

  test("pooling: the mean of the tokens, unit length", () => {
    const v = poolAndNormalise(new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]), 3);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-6);
    assert.ok(Math.abs(v[1] / v[0] - 2) < 1e-6 && v[2] === 0 && v[3] === 0);
  });

  test("serve: load, progress, ready, then an embedding (and one asked for while loading)", async () => {
    const runs = [];
    const caches = fakeCaches();
    const port = fakePort({ fetch: fakeFetch(MODEL_FILES).fetch, importModule: fakeModules({ runs }), caches });
    port.send({ type: "load", assets: ASSETS, modelFile: "model/model.onnx?v=1", maxTokens: 4 });
    port.send({ type: "embed", id: 7, text: "one two three four five" }); // before ready: waits
    const ready = await port.next("ready");
    assert.equal(ready.cached, false);
    assert.equal(ready.storage, "cache");
    assert.equal(ready.maxTokens, 4);
    assert.ok(port.received.some((m) => m.type === "progress" && m.loaded === 4));
    const vector = await port.next("vector");
    assert.equal(vector.id, 7);
    assert.ok(vector.vector instanceof Float32Array && vector.vector.length === DIM && vector.ms >= 0);
    // 4 tokens at most: [CLS] one two [SEP], along axes 0, 1, 2, 3
    assert.deepEqual(Array.from(vector.vector, (x) => x.toFixed(3)), ["0.500", "0.500", "0.500", "0.500"]);
    assert.deepEqual(runs.at(-1), ["input_ids", "attention_mask"]); // token_type_ids dropped: not an input
    assert.ok(caches.stores.get(CACHE).entries.has(`${ASSETS}model/model.onnx?v=1`));
  });

  test("serve: a second load of the model comes from the cache", async () => {
    const caches = fakeCaches();
    const options = { fetch: fakeFetch(MODEL_FILES).fetch, importModule: fakeModules(), caches };
    const first = await loadModel(ASSETS, { ...options, modelFile: "model/model.onnx?v=2" });
    const second = await loadModel(ASSETS, { ...options, modelFile: "model/model.onnx?v=2" });
    assert.deepEqual([first.cached, second.cached], [false, true]);
  });

  test("serve: storage blocked still loads the model, and says so", async () => {
    const port = fakePort({ fetch: fakeFetch(MODEL_FILES).fetch, importModule: fakeModules(), caches: fakeCaches({ blocked: true }) });
    port.send({ type: "load", assets: ASSETS });
    const ready = await port.next("ready");
    assert.deepEqual([ready.cached, ready.storage], [false, "blocked"]);
    const got = await cachedBytes(`${ASSETS}model/model.onnx`, null, { fetch: fakeFetch(MODEL_FILES).fetch, caches: null });
    assert.deepEqual([got.cached, got.storage, got.bytes.length], [false, "blocked", 4]);
  });

  for (const missing of ["model/tokenizer.json", "model/tokenizer_config.json", "model/model.onnx"]) {
    test(`serve: a 404 on ${missing} is named`, async () => {
      const files = { ...MODEL_FILES };
      delete files[missing];
      const port = fakePort({ fetch: fakeFetch(files).fetch, importModule: fakeModules(), caches: fakeCaches() });
      port.send({ type: "load", assets: ASSETS });
      const failed = await port.next("failed");
      assert.deepEqual([failed.file, failed.message], [missing, `${missing}: HTTP 404`]);
      port.send({ type: "embed", id: 1, text: "x" });
      assert.match((await port.next("error")).message, /not loaded/);
    });
  }

  test("serve: a runtime module that cannot be imported is named", async () => {
    const modules = fakeModules();
    const importModule = (url) => (url.endsWith("tokenizers.min.mjs") ? Promise.reject(new TypeError("Failed to fetch")) : modules(url));
    const port = fakePort({ fetch: fakeFetch(MODEL_FILES).fetch, importModule, caches: fakeCaches() });
    port.send({ type: "load", assets: ASSETS });
    const failed = await port.next("failed");
    assert.equal(failed.file, "vendor/tokenizers.min.mjs");
    assert.match(failed.message, /^vendor\/tokenizers\.min\.mjs: could not be loaded \(Failed to fetch\)/);
  });

  test("serve: onnxruntime refusing the model names its wasm when that is missing, else the model", async () => {
    const files = { ...MODEL_FILES };
    delete files["vendor/ort-wasm-simd-threaded.wasm"];
    const noWasm = fakePort({ fetch: fakeFetch(files).fetch, importModule: fakeModules({ fail: "no backend" }), caches: fakeCaches() });
    noWasm.send({ type: "load", assets: ASSETS });
    assert.equal((await noWasm.next("failed")).message, "vendor/ort-wasm-simd-threaded.wasm: HTTP 404");
    const bad = fakePort({ fetch: fakeFetch(MODEL_FILES).fetch, importModule: fakeModules({ fail: "protobuf parsing failed" }), caches: fakeCaches() });
    bad.send({ type: "load", assets: ASSETS });
    const failed = await bad.next("failed");
    assert.equal(failed.file, "model/model.onnx");
    assert.match(failed.message, /could not be loaded by onnxruntime \(protobuf parsing failed\)/);
  });

  test("serve: an unknown message is answered with an error, not thrown", async () => {
    const port = fakePort({});
    port.send({ type: "nonsense", id: 3 });
    const error = await port.next("error");
    assert.equal(error.id, 3);
    assert.match(error.message, /unknown message "nonsense"/);
  });
});

describe("loadEmbedder (the page's side)", () => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  before(() => process.on("unhandledRejection", onUnhandled));
  after(() => {
    process.off("unhandledRejection", onUnhandled);
    assert.deepEqual(unhandled, [], "unhandled promise rejections");
  });

  const working = (message, worker) => {
    if (message.type === "load") {
      worker.send({ type: "progress", loaded: 2, total: 4 });
      worker.send({ type: "ready", cached: false, storage: "cache", seconds: 0.5, maxTokens: 256 });
    } else if (message.type === "embed") {
      if (message.text === "bad") worker.send({ type: "error", id: message.id, message: "out of memory" });
      else worker.send({ type: "vector", id: message.id, vector: new Float32Array([message.text.length, 0, 0, 0]), ms: 3 });
    }
  };

  test("WebAssembly is there in Node", () => assert.equal(webAssemblySupported(), true));

  test("the worker is a module worker on embed-worker.js; the API is the one the page uses", async () => {
    const progress = [];
    let made = null;
    const embedder = await loadEmbedder(ASSETS, {
      modelFile: "model/model.onnx?v=1",
      onProgress: (loaded, total) => progress.push([loaded, total]),
      createWorker: (url) => {
        made = fakeWorker(working);
        made.url = url;
        return made;
      },
    });
    assert.equal(made.url, `${ASSETS}embed-worker.js`);
    assert.deepEqual(made.posted[0], { type: "load", assets: ASSETS, modelFile: "model/model.onnx?v=1", maxTokens: 256 });
    assert.deepEqual(progress, [[2, 4]]);
    assert.equal(embedder.maxTokens, 256);
    assert.equal(embedder.cached, false);
    assert.ok(embedder.seconds >= 0 && embedder.workerSeconds === 0.5);
    const [a, b] = await Promise.all([embedder.embed("abc"), embedder.embed("abcdef")]);
    assert.deepEqual([a[0], b[0]], [3, 6]); // each answer goes to its own question
    assert.deepEqual(embedder.timings, [3, 3]);
    await assert.rejects(embedder.embed("bad"), /the query could not be embedded \(out of memory\)/);
    embedder.close();
    assert.equal(made.terminated, true);
    await assert.rejects(embedder.embed("after"), /closed/);
  });

  test("a file the worker could not load is named (an AssetError)", async () => {
    const createWorker = () => fakeWorker((message, worker) => {
      if (message.type === "load") worker.send({ type: "failed", file: "model/model.onnx", message: "model/model.onnx: HTTP 404" });
    });
    await assert.rejects(loadEmbedder(ASSETS, { createWorker }), (error) => {
      assert.ok(error instanceof AssetError);
      assert.equal(error.file, "model/model.onnx");
      assert.equal(error.message, "model/model.onnx: HTTP 404");
      return true;
    });
    const plain = () => fakeWorker((message, worker) => worker.send({ type: "failed", file: null, message: "this browser cannot run WebAssembly" }));
    await assert.rejects(loadEmbedder(ASSETS, { createWorker: plain }), /^Error: this browser cannot run WebAssembly$/);
  });

  test("a worker that cannot start names the missing script", async () => {
    for (const [missing, expected] of [["embed-worker.js", "embed-worker.js: HTTP 404"], ["model.js", "model.js: HTTP 404"]]) {
      const files = { "embed-worker.js": "", "model.js": "", "assets.js": "" };
      delete files[missing];
      const { fetch, asked } = fakeFetch(files);
      let prevented = false;
      const createWorker = () => fakeWorker((message, worker) => worker.onerror({ preventDefault: () => (prevented = true) }));
      await assert.rejects(loadEmbedder(ASSETS, { createWorker, fetch }), (error) => error instanceof AssetError && error.message === expected);
      assert.ok(prevented && asked.every((a) => a.startsWith("HEAD ")));
    }
    const { fetch } = fakeFetch({ "embed-worker.js": "", "model.js": "", "assets.js": "" });
    const crashing = () => fakeWorker((message, worker) => worker.onerror({ message: "Uncaught RangeError: out of memory" }));
    await assert.rejects(loadEmbedder(ASSETS, { createWorker: crashing, fetch }), /the search's worker failed \(Uncaught RangeError: out of memory\)/);
  });

  test("a worker that dies after start-up rejects what was asked and what is asked later", async () => {
    let theWorker;
    const createWorker = () => (theWorker = fakeWorker((message, worker) => {
      if (message.type === "load") worker.send({ type: "ready", cached: true, seconds: 0.1 });
    }));
    const { fetch } = fakeFetch({ "embed-worker.js": "", "model.js": "", "assets.js": "" });
    const embedder = await loadEmbedder(ASSETS, { createWorker, fetch });
    assert.equal(embedder.cached, true);
    const asked = embedder.embed("never answered");
    theWorker.onerror({ message: "Aborted()" });
    await assert.rejects(asked, /the search's worker failed \(Aborted\(\)\)/);
    await assert.rejects(embedder.embed("later"), /the search's worker failed/);
    assert.equal(theWorker.terminated, true);
  });

  test("no Worker at all, or one that throws when made: a clear rejection", async () => {
    assert.equal(typeof Worker, "undefined"); // Node has none: the browser's check
    await assert.rejects(loadEmbedder(ASSETS), /this browser cannot run the search's worker \(no Web Workers\)/);
    const throwing = () => {
      throw new DOMException("Access is denied", "SecurityError");
    };
    await assert.rejects(loadEmbedder(ASSETS, { createWorker: throwing }), /the search's worker could not be started \(Access is denied\)/);
  });
});
