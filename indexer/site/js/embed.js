// Query embeddings for the page, computed off the main thread: `loadEmbedder` starts the
// search's Web Worker (embed-worker.js, a module worker from the site's own folder), which loads
// all-MiniLM-L6-v2 (quantised weights) with onnxruntime-web and @huggingface/tokenizers
// (model.js) and embeds each query there; typing never waits on the model.
//
// Nothing here is fetched until `loadEmbedder` is called (on the first search). Every file
// comes from the site's own folder (`assets`): no CDN, and the model bytes are kept in the
// Cache API (by the worker) so a second visit does not download them.

import { AssetError, firstMissing, webAssemblySupported } from "./assets.js";

export { webAssemblySupported };

/** The worker's own modules, named when the worker cannot start. */
export const WORKER_FILES = ["embed-worker.js", "model.js", "assets.js"];

function defaultWorker(url) {
  return new Worker(url, { type: "module", name: "kb-search-model" });
}

/**
 * Start the worker and load the tokenizer and the model from `assets` (a URL ending in "/");
 * resolves to {embed(text) -> Promise<Float32Array>, maxTokens, cached, storage, seconds,
 * workerSeconds, timings (the worker's ms for each recent embedding), close()}. `onProgress(loaded, total)` reports the model's download. Rejects with a message
 * that names the file that failed (`vendor/ort.wasm.min.mjs: HTTP 404`), or says that this
 * browser lacks WebAssembly or workers, or that the worker failed. `createWorker(url)` is for
 * the tests.
 */
export function loadEmbedder(assets, { modelFile, maxTokens = 256, onProgress, createWorker = defaultWorker, fetch } = {}) {
  if (!webAssemblySupported()) return Promise.reject(new Error("this browser cannot run WebAssembly"));
  if (createWorker === defaultWorker && typeof Worker === "undefined") {
    return Promise.reject(new Error("this browser cannot run the search's worker (no Web Workers)"));
  }
  const started = performance.now();
  const workerUrl = new URL("embed-worker.js", assets).href;
  const pending = new Map();
  const timings = []; // the worker's time for each of the last 100 embeddings (ms)
  let nextId = 1;
  let dead = null; // the error that ended the worker
  let worker;
  try {
    worker = createWorker(workerUrl);
  } catch (error) {
    return Promise.reject(new Error(`the search's worker could not be started (${error && error.message ? error.message : error})`));
  }
  function close(reason) {
    if (!dead) dead = reason || new Error("the search's worker was closed");
    for (const { reject } of pending.values()) reject(dead);
    pending.clear();
    worker.terminate();
  }
  function embed(text) {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ type: "embed", id, text: String(text) });
    });
  }
  return new Promise((resolve, reject) => {
    let ready = false;
    const fail = (error) => {
      close(error);
      if (!ready) reject(error);
    };
    worker.onmessage = (event) => {
      const message = event.data || {};
      if (message.type === "progress") {
        if (onProgress) onProgress(message.loaded, message.total);
      } else if (message.type === "ready") {
        ready = true;
        resolve({
          embed,
          maxTokens: message.maxTokens || maxTokens,
          cached: message.cached,
          storage: message.storage,
          workerSeconds: message.seconds,
          seconds: (performance.now() - started) / 1000,
          timings,
          close: () => close(),
        });
      } else if (message.type === "failed") {
        fail(message.file ? new AssetError(message.file, message.message.slice(message.file.length + 2)) : new Error(message.message));
      } else if (message.type === "vector" || message.type === "error") {
        const waiting = pending.get(message.id);
        if (!waiting) return;
        pending.delete(message.id);
        if (message.type === "vector") {
          timings.push(message.ms);
          if (timings.length > 100) timings.shift();
          waiting.resolve(message.vector);
        }
        else waiting.reject(new Error(`the query could not be embedded (${message.message})`));
      }
    };
    worker.onerror = (event) => {
      if (event && typeof event.preventDefault === "function") event.preventDefault();
      const detail = event && event.message ? event.message : "";
      // a module worker that cannot load says nothing about why: name the file that is missing
      const urls = WORKER_FILES.map((f) => new URL(f, assets).href);
      firstMissing(urls, fetch ? { fetch } : {}).then(
        (missing) => fail(missing || new Error(`the search's worker failed${detail ? ` (${detail})` : ""}`)),
        () => fail(new Error(`the search's worker failed${detail ? ` (${detail})` : ""}`)),
      );
    };
    worker.onmessageerror = () => fail(new Error("the search's worker sent a message that could not be read"));
    worker.postMessage({ type: "load", assets: String(assets), modelFile, maxTokens });
  });
}
