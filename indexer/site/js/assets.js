// Fetching the search's files from the site's own folder, with errors that name the file.
//
// Every loader takes `fetch` (and `importModule`) as options, so the Node tests can drive the
// error paths with a fake fetch: a 404 on any file rejects with an AssetError naming it, and
// the page shows that message in its status line.

/** A file of the search (index, vectors, model, tokenizer, stemmer) that could not be loaded. */
export class AssetError extends Error {
  constructor(file, detail) {
    super(`${file}: ${detail}`);
    this.name = "AssetError";
    this.file = file;
  }
}

/** The file name of `url` for messages: its path after `kb-search/` (or its last part). */
export function fileName(url) {
  const path = new URL(url).pathname;
  const at = path.lastIndexOf("/kb-search/");
  return decodeURIComponent(at >= 0 ? path.slice(at + "/kb-search/".length) : path.slice(path.lastIndexOf("/") + 1));
}

/** The response for `url`; rejects with an AssetError on a network failure or an HTTP error. */
export async function fetchAsset(url, { fetch: fetchImpl = globalThis.fetch } = {}) {
  const name = fileName(url);
  let response;
  try {
    response = await fetchImpl(url);
  } catch (error) {
    throw new AssetError(name, `could not be fetched (${error && error.message ? error.message : error})`);
  }
  if (!response.ok) throw new AssetError(name, `HTTP ${response.status}`);
  return response;
}

export async function fetchJson(url, options = {}) {
  const response = await fetchAsset(url, options);
  try {
    return await response.json();
  } catch (error) {
    throw new AssetError(fileName(url), `is not valid JSON (${error.message})`);
  }
}

export async function fetchArrayBuffer(url, options = {}) {
  const response = await fetchAsset(url, options);
  return response.arrayBuffer();
}

/** `import(url)`, rejecting with an AssetError naming the module. */
export async function importAsset(url, { importModule = (u) => import(u) } = {}) {
  try {
    return await importModule(url);
  } catch (error) {
    throw new AssetError(fileName(url), `could not be loaded (${error && error.message ? error.message : error})`);
  }
}

/**
 * The first of `urls` that cannot be fetched, as an AssetError (null when all answer): for
 * files that a library fetches itself (onnxruntime-web's wasm), so its failure names the file.
 */
export async function firstMissing(urls, { fetch: fetchImpl = globalThis.fetch } = {}) {
  for (const url of urls) {
    try {
      const response = await fetchImpl(url, { method: "HEAD" });
      if (!response.ok) return new AssetError(fileName(url), `HTTP ${response.status}`);
    } catch (error) {
      return new AssetError(fileName(url), `could not be fetched (${error && error.message ? error.message : error})`);
    }
  }
  return null;
}

/** Whether this browser (or worker) can compile WebAssembly at all. */
export function webAssemblySupported() {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  } catch {
    return false;
  }
}

/**
 * Snowball English (Porter 2), the stemmer of `kb search` (PyStemmer), compiled to WebAssembly
 * (the npm package multilingual-stemmer, copied to `vendor/`). Returns `stem(word) -> string`.
 */
export async function loadStemmer(vendor, options = {}) {
  const wasmUrl = new URL("stemmer_bg.wasm", vendor).href;
  const [snowball, bytes] = await Promise.all([
    importAsset(new URL("stemmer.mjs", vendor).href, options),
    fetchArrayBuffer(wasmUrl, options),
  ]);
  try {
    await snowball.default({ module_or_path: bytes });
  } catch (error) {
    throw new AssetError(fileName(wasmUrl), `is not a usable WebAssembly module (${error.message})`);
  }
  const stemmer = new snowball.Stemmer(snowball.Languages.English);
  return (word) => stemmer.stem(word);
}

const INDEX_FIELDS = ["chunks", "dim", "fusion", "bm25", "expansion"];

/** The search's index.json under `assets` (a URL ending in "/"), its fields checked. */
export async function loadIndex(assets, options = {}) {
  const index = await fetchJson(new URL("index.json", assets).href, options);
  const missing = INDEX_FIELDS.filter((f) => !(index && typeof index === "object" && f in index));
  if (missing.length) throw new AssetError("index.json", `lacks ${missing.join(", ")} (rebuild the site)`);
  for (const f of ["k1", "b", "stopwords"]) {
    if (!(f in index.bm25)) throw new AssetError("index.json", `lacks bm25.${f} (rebuild the site)`);
  }
  return index;
}
