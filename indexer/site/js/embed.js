// Query embeddings in the browser: all-MiniLM-L6-v2 (int8 weights) with onnxruntime-web
// (WebAssembly) and @huggingface/tokenizers, as indexer/search/embedding.py does it: at most 256
// word pieces ([CLS] + 254 + [SEP]), mean pooling over the tokens, L2 normalisation.
//
// Nothing here is fetched until `loadEmbedder` is called (on the first search). Every file
// comes from the site's own folder (`assets`): no CDN, and the model bytes are kept in the
// Cache API (when the page is in a secure context) so a second visit does not download them.

import { fetchAsset, fetchJson, firstMissing, importAsset } from "./assets.js";

const CACHE = "kb-search-model";

async function fetchBytes(url, onProgress) {
  const response = await fetchAsset(url);
  const total = Number(response.headers.get("content-length")) || 0;
  if (!response.body || !onProgress) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const parts = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.length;
    onProgress(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** The bytes at `url`, from the Cache API when there, else fetched (and cached). */
export async function cachedBytes(url, onProgress) {
  let cache;
  try {
    cache = typeof caches !== "undefined" ? await caches.open(CACHE) : null;
  } catch {
    cache = null; // not a secure context, or storage disabled
  }
  if (cache) {
    const hit = await cache.match(url);
    if (hit) return { bytes: new Uint8Array(await hit.arrayBuffer()), cached: true };
  }
  const bytes = await fetchBytes(url, onProgress);
  if (cache) {
    try {
      await cache.put(url, new Response(bytes, { headers: { "content-type": "application/octet-stream" } }));
    } catch {
      // a full quota only costs the next visit a download
    }
  }
  return { bytes, cached: false };
}

export function webAssemblySupported() {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  } catch {
    return false;
  }
}

/**
 * Load the tokenizer and the model from `assets` (a URL ending in "/"); returns
 * {embed(text) -> Float32Array, maxTokens, seconds}. `onProgress(loaded, total)` reports the
 * model's download.
 */
export async function loadEmbedder(assets, { modelFile, maxTokens = 256, onProgress } = {}) {
  if (!webAssemblySupported()) throw new Error("this browser cannot run WebAssembly");
  const started = performance.now();
  const vendor = new URL("vendor/", assets).href;
  const [ort, tokenizers, tokenizerJson, tokenizerConfig] = await Promise.all([
    importAsset(new URL("ort.wasm.min.mjs", vendor).href),
    importAsset(new URL("tokenizers.min.mjs", vendor).href),
    fetchJson(new URL("model/tokenizer.json", assets).href),
    fetchJson(new URL("model/tokenizer_config.json", assets).href),
  ]);
  ort.env.wasm.wasmPaths = vendor;
  // threads need cross-origin isolation (COOP/COEP), which static hosts rarely give
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.logLevel = "error";
  const tokenizer = new tokenizers.Tokenizer(tokenizerJson, tokenizerConfig);
  const { bytes, cached } = await cachedBytes(new URL(modelFile || "model/model.onnx", assets).href, onProgress);
  let session;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "all",
      // fold the int8 weights' DequantizeLinear into float weights once, at load
      extra: { session: { disable_quant_qdq: "1" } },
    });
  } catch (error) {
    // onnxruntime fetches its own wasm: name that file when it is what failed
    const wasmFiles = ["ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"].map((f) => new URL(f, vendor).href);
    throw (await firstMissing(wasmFiles)) || error;
  }
  const cls = tokenizerJson.model.vocab["[CLS]"];
  const sep = tokenizerJson.model.vocab["[SEP]"];
  const inputs = new Set(session.inputNames);

  async function embed(text) {
    const pieces = tokenizer.encode(text, { add_special_tokens: false }).ids.slice(0, maxTokens - 2);
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
    const hidden = output[session.outputNames[0]].data; // 1 x n x dim
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

  await embed("warm up");
  return { embed, maxTokens, cached, seconds: (performance.now() - started) / 1000 };
}
