// Shared by the Node suite: the fixture folder written by tests/js/jsfixtures.py, and a fetch
// that serves file: URLs (Node's own fetch does not), so the site's loaders run unchanged.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const FIXTURES = process.env.KB_JS_FIXTURES || "";
export const NEEDS_FIXTURES = FIXTURES
  ? false
  : "KB_JS_FIXTURES is not set: pytest tests/js/test_js_engine.py writes the fixtures and runs this suite";

/** fetch for file: URLs: 200 with the bytes, 404 for a missing file. */
export async function fileFetch(url) {
  try {
    const bytes = await readFile(fileURLToPath(url));
    return new Response(bytes, { status: 200, headers: { "content-type": "application/octet-stream" } });
  } catch {
    return new Response("not found", { status: 404 });
  }
}

export function fixtureUrl(...parts) {
  const url = pathToFileURL(join(FIXTURES, ...parts)).href;
  return parts.length && parts.at(-1) === "" ? `${url}/` : url;
}

let cases = null;
export function loadCases() {
  cases ??= JSON.parse(readFileSync(join(FIXTURES, "cases.json"), "utf8"));
  return cases;
}

export function loadVectors() {
  const bytes = readFileSync(join(FIXTURES, "vectors.f32"));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
