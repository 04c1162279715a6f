// When the page loads the model for meaning-based search, and what it says of its size: one
// policy for the header box (header.js) and the Ask page (page.js).
//
//   modelPolicy() -> {load: "auto" | "offer", reason}
//     "auto" on a desktop (the first search loads the model), "offer" on a small screen
//     (narrow viewport or coarse pointer) and with Save-Data: word results first, the model on
//     an explicit choice, remembered (`remember()`) so that the next page loads it itself.
//   modelBytes(index, assets) -> bytes to download, or null when unknown
//   offerLabel(bytes) -> "Search by meaning: about 18 MB, once"
//   loadMeaning(engine, assets, onProgress) -> the query embedder, the engine's vectors set
import { fetchArrayBuffer, importAsset } from "./assets.js";
import { decodeFloat16 } from "./engine.js";

const CHOICE_KEY = "kb-search-meaning";
export const NARROW = "(max-width: 44.9375em)";

function matches(win, query) {
  try {
    return typeof win.matchMedia === "function" && win.matchMedia(query).matches;
  } catch {
    return false;
  }
}

/** Whether the reader chose meaning-based search before (false when storage is blocked). */
export function chosen(win = globalThis) {
  try {
    return win.localStorage.getItem(CHOICE_KEY) === "yes";
  } catch {
    return false;
  }
}

/** Remember the reader's choice of meaning-based search (nothing when storage is blocked). */
export function remember(win = globalThis) {
  try {
    win.localStorage.setItem(CHOICE_KEY, "yes");
  } catch {
    // storage blocked: the choice lasts for this page only
  }
}

export function modelPolicy(win = globalThis) {
  if (chosen(win)) return { load: "auto", reason: "chosen" };
  const connection = win.navigator && win.navigator.connection;
  if (connection && connection.saveData) return { load: "offer", reason: "save-data" };
  if (matches(win, NARROW) || matches(win, "(pointer: coarse)")) return { load: "offer", reason: "small-screen" };
  return { load: "auto", reason: "desktop" };
}

/**
 * The model's transfer size: the index document's `model_transfer_bytes` (model and wasm,
 * compressed as served) when it has one, else the model file's content-length, else null.
 */
export async function modelBytes(index, assets, { fetch: fetchImpl = globalThis.fetch } = {}) {
  const stated = Number(index && index.model_transfer_bytes);
  if (stated > 0) return stated;
  try {
    const url = new URL((index && index.model_file) || "model/model.onnx", assets).href;
    const response = await fetchImpl(url, { method: "HEAD" });
    const length = Number(response.headers.get("content-length"));
    return response.ok && length > 0 ? length : null;
  } catch {
    return null;
  }
}

export function offerLabel(bytes) {
  if (!bytes) return "Search by meaning: a large download, once";
  return `Search by meaning: about ${Math.max(1, Math.round(bytes / 1e6))} MB, once`;
}

/**
 * Meaning-based search for `engine` (an Engine over the index under `assets`, a URL ending in
 * "/"): the passages' vectors set on it and the query embedder loaded (embed.js, in a worker).
 * `onProgress(loaded, total)` follows the model's download. One path for the box and the page.
 */
export async function loadMeaning(engine, assets, onProgress) {
  const [{ loadEmbedder }, vectors] = await Promise.all([
    importAsset(new URL("embed.js", assets).href),
    fetchArrayBuffer(new URL("vectors.bin", assets).href),
  ]);
  engine.setVectors(decodeFloat16(vectors));
  return loadEmbedder(assets.href, { modelFile: engine.index.model_file, maxTokens: engine.index.max_tokens, onProgress });
}
