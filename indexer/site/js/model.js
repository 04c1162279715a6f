// The query model itself, as it runs inside the search's Web Worker (embed-worker.js):
// all-MiniLM-L6-v2 with onnxruntime-web (WebAssembly) and @huggingface/tokenizers, as
// indexer/search/embedding.py does it: at most 256 word pieces ([CLS] + 254 + [SEP]), mean
// pooling over the tokens, L2 normalisation. No DOM here: the same code runs in a worker, and
// in Node for the tests (every loader takes `fetch`, `importModule` and `caches`).
//
// Every file comes from the site's own folder (`assets`): no CDN. The model bytes are kept in
// the Cache API (when the context allows it) so a second visit does not download them; storage
// that is blocked or full only costs the next visit a download.

import { AssetError, fetchAsset, fetchJson, fileName, firstMissing, importAsset, webAssemblySupported } from "./assets.js";

export const CACHE = "kb-search-model";
const PROGRESS_MS = 250;
// onnxruntime-web's WebAssembly build, the only one shipped (kb-search/vendor/): it fetches it itself
export const WASM_FILES = ["ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];

function describe(error) {
  return String(error && error.message ? error.message : error);
}

async function fetchBytes(url, onProgress, options) {
  const response = await fetchAsset(url, options);
  const total = Number(response.headers.get("content-length")) || 0;
  if (!response.body || !onProgress) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const parts = [];
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      loaded += value.length;
      onProgress(loaded, total);
    }
  } catch (error) {
    throw new AssetError(fileName(url), `download interrupted (${describe(error)})`);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/**
 * The bytes at `url`, from the Cache API when there, else fetched (and cached). Returns
 * {bytes, cached, storage}: `storage` is "cache", or "blocked" when the Cache API cannot be
 * used here (not a secure context, storage disabled, quota full): the bytes are still returned.
 */
export async function cachedBytes(url, onProgress, { fetch, caches = globalThis.caches } = {}) {
  let cache;
  let storage = "blocked";
  try {
    cache = caches ? await caches.open(CACHE) : null;
    if (cache) storage = "cache";
  } catch {
    cache = null; // not a secure context, or storage disabled
  }
  if (cache) {
    try {
      const hit = await cache.match(url);
      if (hit) return { bytes: new Uint8Array(await hit.arrayBuffer()), cached: true, storage };
    } catch {
      storage = "blocked";
    }
  }
  const bytes = await fetchBytes(url, onProgress, fetch ? { fetch } : {});
  if (cache) {
    try {
      await cache.put(url, new Response(bytes, { headers: { "content-type": "application/octet-stream" } }));
    } catch {
      storage = "blocked"; // a full quota only costs the next visit a download
    }
  }
  return { bytes, cached: false, storage };
}

/** Mean pooling over the `n` tokens of `hidden` (n x dim), then L2 normalisation. */
export function poolAndNormalise(hidden, n) {
  const dim = hidden.length / n;
  const pooled = new Float32Array(dim);
  for (let t = 0; t < n; t++) for (let j = 0; j < dim; j++) pooled[j] += hidden[t * dim + j];
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    pooled[j] /= n;
    norm += pooled[j] * pooled[j];
  }
  norm = Math.max(Math.sqrt(norm), 1e-12);
  for (let j = 0; j < dim; j++) pooled[j] /= norm;
  return pooled;
}

/**
 * Load the tokenizer and the model from `assets` (a URL ending in "/"); returns
 * {embed(text) -> Promise<Float32Array>, maxTokens, cached, storage, seconds}.
 * `onProgress(loaded, total)` reports the model's download. Rejects with a message that names
 * the file that failed (an AssetError) or says what is missing (WebAssembly).
 */
export async function loadModel(assets, { modelFile, maxTokens = 256, onProgress, fetch, importModule, caches } = {}) {
  if (!webAssemblySupported()) throw new Error("this browser cannot run WebAssembly");
  const started = performance.now();
  const vendor = new URL("vendor/", assets).href;
  const fetchOptions = fetch ? { fetch } : {};
  const importOptions = importModule ? { importModule } : {};
  // every request settled before the first failure is reported: the page may end this worker
  const settled = await Promise.allSettled([
    importAsset(new URL("ort.wasm.min.mjs", vendor).href, importOptions),
    importAsset(new URL("tokenizers.min.mjs", vendor).href, importOptions),
    fetchJson(new URL("model/tokenizer.json", assets).href, fetchOptions),
    fetchJson(new URL("model/tokenizer_config.json", assets).href, fetchOptions),
  ]);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  const [ort, tokenizers, tokenizerJson, tokenizerConfig] = settled.map((r) => r.value);
  ort.env.wasm.wasmPaths = vendor;
  // threads need cross-origin isolation (COOP/COEP headers), which static hosts rarely give;
  // one thread is what a visitor gets on GitHub Pages, and the worker keeps it off the page
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, globalThis.navigator?.hardwareConcurrency || 1) : 1;
  ort.env.wasm.proxy = false; // already in a worker
  ort.env.logLevel = "error";
  const tokenizer = new tokenizers.Tokenizer(tokenizerJson, tokenizerConfig);
  const modelUrl = new URL(modelFile || "model/model.onnx", assets).href;
  const { bytes, cached, storage } = await cachedBytes(modelUrl, onProgress, { fetch, caches });
  let session;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "all",
      // fold the quantised weights' DequantizeLinear into float weights once, at load
      extra: { session: { disable_quant_qdq: "1" } },
    });
  } catch (error) {
    // onnxruntime fetches its own wasm: name that file when it is what failed
    const missing = await firstMissing(WASM_FILES.map((f) => new URL(f, vendor).href), fetchOptions);
    throw missing || new AssetError(fileName(modelUrl), `could not be loaded by onnxruntime (${describe(error)})`);
  }
  const cls = tokenizerJson.model.vocab["[CLS]"];
  const sep = tokenizerJson.model.vocab["[SEP]"];
  const inputs = new Set(session.inputNames);

  async function embed(text) {
    const pieces = tokenizer.encode(String(text), { add_special_tokens: false }).ids.slice(0, maxTokens - 2);
    const ids = [cls, ...pieces, sep];
    const n = ids.length;
    const shape = [1, n];
    const feeds = {
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids, (x) => BigInt(x)), shape),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(n).fill(1n), shape),
      token_type_ids: new ort.Tensor("int64", new BigInt64Array(n), shape),
    };
    for (const name of Object.keys(feeds)) if (!inputs.has(name)) delete feeds[name];
    const output = await session.run(feeds);
    return poolAndNormalise(output[session.outputNames[0]].data, n);
  }

  await embed("warm up");
  return { embed, maxTokens, cached, storage, seconds: (performance.now() - started) / 1000 };
}

/**
 * The worker's side of the messages (embed-worker.js calls it with `self`):
 *   in:  {type: "load", assets, modelFile, maxTokens}, then {type: "embed", id, text}
 *   out: {type: "progress", loaded, total}; {type: "ready", cached, storage, seconds, maxTokens}
 *        or {type: "failed", message, file}; {type: "vector", id, vector, ms} or {type: "error", id, message}
 * An embed request that arrives while the model loads waits for it. Nothing is left unhandled.
 */
export function serve(port, options = {}) {
  let model = null;
  let lastProgress = -Infinity;
  const post = (message, transfer) => port.postMessage(message, transfer || []);
  async function load(message) {
    try {
      const loaded = await loadModel(message.assets, {
        ...options,
        modelFile: message.modelFile,
        maxTokens: message.maxTokens || 256,
        onProgress: (loadedBytes, total) => {
          // at most four a second (and the last): each one is a status line redrawn on the page
          const now = performance.now();
          if (now - lastProgress < PROGRESS_MS && !(total && loadedBytes >= total)) return;
          lastProgress = now;
          post({ type: "progress", loaded: loadedBytes, total });
        },
      });
      const { cached, storage, seconds, maxTokens } = loaded;
      post({ type: "ready", cached, storage, seconds, maxTokens });
      return loaded;
    } catch (error) {
      post({ type: "failed", message: describe(error), file: error instanceof AssetError ? error.file : null });
      return null;
    }
  }
  async function embed(message) {
    try {
      const loaded = model && (await model);
      if (!loaded) throw new Error("the model is not loaded");
      const started = performance.now();
      const vector = await loaded.embed(message.text);
      post({ type: "vector", id: message.id, vector, ms: performance.now() - started }, [vector.buffer]);
    } catch (error) {
      post({ type: "error", id: message.id, message: describe(error) });
    }
  }
  port.onmessage = (event) => {
    const message = event.data || {};
    if (message.type === "load") {
      if (!model) model = load(message);
    } else if (message.type === "embed") {
      embed(message);
    } else {
      post({ type: "error", id: message.id ?? null, message: `unknown message ${JSON.stringify(message.type)}` });
    }
  };
}
