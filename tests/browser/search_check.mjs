// The site's in-browser search in Debian's chromium (playwright-core, no downloaded browser).
//
//   node tests/browser/search_check.mjs CONFIG.json
//
// CONFIG: {"base": "http://127.0.0.1:PORT/kb/", "out": "screenshot folder", "chromium": path,
//          "queries": ["..."], "firstQuery": "...", "xssQuery": "...", "runs": 5}
// Prints one JSON object (last line): checks, timings, per-query embeddings and rankings,
// every request made (path and when), and any request to another host (aborted).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, guardOrigin, launchChromium, makeChecks, median } from "./harness.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = config.base;
const origin = new URL(base).origin;
const out = config.out;
const { checks, check } = makeChecks();
const external = [];
const requests = [];
const consoleErrors = [];
const report = { checks, external, requests, consoleErrors };



// the model's files (vendor/stemmer* belongs to the word matches, loaded with the index)
const modelFiles = (list) => list.filter((r) => /\/kb-search\/(model\/|vendor\/(?!stemmer)|vectors\.bin|embed\.js)/.test(r.url));

const { context, close: closeBrowser } = await launchChromium(config.chromium);
const started = Date.now();
try {
  await guardOrigin(context, origin, external);
  const page = context.pages()[0] || (await context.newPage());
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (["data:", "blob:"].includes(url.protocol)) return;
    if (url.origin !== origin && !external.includes(request.url())) external.push(request.url());
    requests.push({ url: request.url(), at: Date.now() - started });
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  page.on("dialog", (dialog) => {
    consoleErrors.push(`dialog opened: ${dialog.message()}`);
    dialog.dismiss();
  });

  // 1. the home page: a link to the search in the header, nothing of the search loaded
  await page.goto(base, { waitUntil: "networkidle" });
  await check("header_link", async () => {
    const href = await page.getAttribute("header a.kb-search-link", "href");
    assert(href && !href.startsWith("/"), `header link is not relative: ${href}`);
    return href;
  });
  await page.click("header a.kb-search-link");
  await page.waitForURL(/\/ask\/?/);
  await page.evaluate(() => window.kbSearch.ready);
  await page.waitForLoadState("networkidle");
  await check("nothing_of_model_before_search", () => {
    const early = modelFiles(requests);
    assert(early.length === 0, `fetched before any search: ${early.map((r) => r.url).join(", ")}`);
    return requests.filter((r) => r.url.includes("/kb-search/")).map((r) => new URL(r.url).pathname);
  });
  await check("relative_urls_under_subpath", () => {
    const outside = requests.filter((r) => !new URL(r.url).pathname.startsWith(new URL(base).pathname));
    assert(outside.length === 0, `outside the sub-path: ${outside.map((r) => r.url).join(", ")}`);
  });
  await page.screenshot({ path: join(out, "search-empty.png") });

  // 2. the first search: word matches at once, then the model loads
  const firstSearchAt = Date.now() - started;
  const t0 = Date.now();
  await page.fill("#kb-search-query", config.firstQuery);
  await page.waitForSelector("#kb-search-results li.kb-search__result");
  report.firstLexicalMs = Date.now() - t0; // includes the 120 ms typing pause
  await check("loading_status", async () => {
    const status = await page.textContent("#kb-search-status");
    await page.screenshot({ path: join(out, "search-loading.png") });
    return status;
  });
  await page.screenshot({ path: join(out, "search-lexical.png") });
  const state = await page.waitForFunction(() => ["ready", "failed"].includes(window.kbSearch.state.model) && window.kbSearch.state.model, null, { timeout: 60000 });
  const modelState = await state.jsonValue();
  await page.waitForFunction(() => /meaning/.test(document.getElementById("kb-search-status").textContent) && !/Loading/.test(document.getElementById("kb-search-status").textContent));
  report.firstSemanticMs = Date.now() - t0;
  await check("model_ready", () => {
    assert(modelState === "ready", `model: ${modelState}: ${consoleErrors.join(" | ")}`);
    return modelState;
  });
  await check("model_fetched_after_search", () => {
    const files = modelFiles(requests);
    assert(files.length > 0, "the model was never fetched");
    assert(files.every((r) => r.at >= firstSearchAt), "part of the model was fetched before the first search");
    return files.map((r) => new URL(r.url).pathname.split("/kb-search/")[1]);
  });
  report.status = await page.textContent("#kb-search-status");
  await page.screenshot({ path: join(out, "search-semantic.png") });
  await check("results_shown", async () => {
    const first = await page.$eval("#kb-search-results li.kb-search__result", (li) => ({
      title: li.querySelector(".kb-search__title").textContent,
      href: li.querySelector(".kb-search__title").getAttribute("href"),
      kind: li.querySelector(".kb-search__kind").textContent,
      marks: li.querySelectorAll(".kb-search__snippet mark").length,
      sources: [...li.querySelectorAll(".kb-search__sources a")].map((a) => ({ text: a.textContent, title: a.title, href: a.getAttribute("href") })),
    }));
    assert(first.href.startsWith(base) && first.href.includes("#"), `result link: ${first.href}`);
    assert(first.sources.length > 0 && first.sources.every((s) => s.title.length > s.text.length), "sources without full references");
    return first;
  });
  await check("source_tooltip", async () => {
    await page.hover("#kb-search-results li.kb-search__result .kb-search__sources a");
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(out, "search-source-hover.png") });
  });

  // 3. the dev queries through the page: embeddings, semantic and hybrid rankings, timings
  report.queries = await page.evaluate(async ({ queries, runs }) => {
    const out = [];
    for (const q of queries) {
      const semantic = await window.kbSearch.search(q, { mode: "semantic", topK: 10 });
      const hybrid = await window.kbSearch.search(q, { mode: "hybrid", topK: 10 });
      const lexicalTimes = [];
      const warm = [];
      for (let i = 0; i < runs; i++) {
        const l = await window.kbSearch.search(q, { mode: "lexical", topK: 10 });
        lexicalTimes.push(l.timing.total);
        const h = await window.kbSearch.search(q, { mode: "hybrid", topK: 10 });
        warm.push(h.timing.total);
      }
      out.push({
        query: q,
        text: semantic.expansion.text,
        vector: Array.from(semantic.queryVector),
        semantic: semantic.hits.map((h) => h.chunk.id),
        hybrid: hybrid.hits.map((h) => h.chunk.id),
        lexical: (await window.kbSearch.search(q, { mode: "lexical", topK: 10 })).hits.map((h) => h.chunk.id),
        warmMs: warm,
        lexicalMs: lexicalTimes,
      });
    }
    return out;
  }, { queries: config.queries, runs: config.runs || 5 });
  report.warmMedianMs = median(report.queries.flatMap((q) => q.warmMs));
  report.lexicalMedianMs = median(report.queries.flatMap((q) => q.lexicalMs));
  report.embeddings = await page.evaluate(async (texts) => {
    const out = [];
    for (const t of texts) out.push(Array.from(await window.kbSearch.embed(t)));
    return out;
  }, config.embedTexts || []);

  // 4. filters, export, escaping
  await check("kind_filter", async () => {
    await page.fill("#kb-search-query", config.firstQuery);
    await page.check('#kb-search-kinds input[value="term"]');
    await page.waitForFunction(() => [...document.querySelectorAll("#kb-search-results .kb-search__kind")].length > 0 && [...document.querySelectorAll("#kb-search-results .kb-search__kind")].every((k) => k.textContent === "Glossary term"));
    await page.screenshot({ path: join(out, "search-filter.png") });
    await page.uncheck('#kb-search-kinds input[value="term"]');
  });
  await check("tag_filter", async () => {
    const tag = config.tag || "co-location";
    const ids = await page.evaluate(async (t) => (await window.kbSearch.search("working together", { tags: [t] })).hits.map((h) => h.chunk.tags.includes(t)), tag);
    assert(ids.length > 0 && ids.every(Boolean), `tag filter: ${ids}`);
  });
  await check("export_bibtex", async () => {
    await page.fill("#kb-search-query", config.firstQuery);
    await page.waitForFunction(() => !document.querySelector(".kb-search__export").hidden);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('.kb-search__export button[data-format="bibtex"]')]);
    const path = await download.path();
    const text = readFileSync(path, "utf8");
    assert(/@\w+\{/.test(text), "no BibTeX entry in the download");
    const [ris] = await Promise.all([page.waitForEvent("download"), page.click('.kb-search__export button[data-format="ris"]')]);
    const risText = readFileSync(await ris.path(), "utf8");
    assert(/^TY {2}- /m.test(risText), "no RIS record in the download");
    return { name: download.suggestedFilename(), bibtex: text, ris: risText };
  });
  if (config.xssQuery) {
    await check("escaped", async () => {
      await page.selectOption("#kb-search-mode", "lexical");
      await page.fill("#kb-search-query", config.xssQuery);
      await page.waitForFunction(() => /zebrafinch/i.test(document.getElementById("kb-search-results").textContent));
      await page.screenshot({ path: join(out, "search-escaped.png") });
      const seen = await page.evaluate(() => ({
        xss: window.__kbXss === undefined ? null : window.__kbXss,
        images: document.querySelectorAll("#kb-search-results img, #kb-search-results script, #kb-search-results b, #kb-search-results em").length,
        text: document.getElementById("kb-search-results").textContent,
      }));
      assert(seen.xss === null, `script ran: ${seen.xss}`);
      assert(seen.images === 0, "markup from the corpus became elements");
      assert(seen.text.includes("<em>stays text</em>"), "the title's markup is not shown as text");
      await page.selectOption("#kb-search-mode", "hybrid");
      return seen.text.slice(0, 400);
    });
  }

  // 5. a second visit: the model comes from the cache
  await check("model_cached", async () => {
    const before = requests.length;
    await page.goto(`${base}ask/?query=${encodeURIComponent(config.firstQuery)}`, { waitUntil: "networkidle" });
    await page.evaluate(() => window.kbSearch.loadModel());
    const cached = await page.evaluate(() => window.kbSearch.state.embedder && window.kbSearch.state.embedder.cached);
    const again = requests.slice(before).filter((r) => r.url.includes("model/model.onnx"));
    assert(cached === true, `model not from the Cache API (requests: ${again.length})`);
    return { secondLoadSeconds: await page.evaluate(() => window.kbSearch.state.modelSeconds) };
  });
  // 6. a browser that cannot load the model: an honest message, and the word matches stay
  await check("model_failure", async () => {
    const other = await context.newPage();
    await other.route("**/vendor/ort.wasm.min.mjs", (route) => route.abort());
    await other.goto(`${base}ask/?query=${encodeURIComponent(config.firstQuery)}`, { waitUntil: "networkidle" });
    await other.waitForFunction(() => window.kbSearch && window.kbSearch.state.model === "failed", null, { timeout: 30000 });
    await other.waitForFunction(() => /not available/.test(document.getElementById("kb-search-status").textContent));
    const status = await other.textContent("#kb-search-status");
    const results = await other.$$eval("#kb-search-results li.kb-search__result", (items) => items.length);
    assert(results > 0, "no word matches left when the model failed");
    assert(status.includes("vendor/ort.wasm.min.mjs"), `the status does not name the file that failed: ${status}`);
    await other.screenshot({ path: join(out, "search-model-failed.png") });
    await other.close();
    return { status, results };
  });
  // 7. a file of the lexical stage missing (404): the status names it; no uncaught error
  await check("asset_404_named", async () => {
    const other = await context.newPage();
    const errors = [];
    other.on("pageerror", (error) => errors.push(String(error)));
    await other.route("**/vendor/stemmer_bg.wasm", (route) => route.fulfill({ status: 404, body: "not found" }));
    await other.goto(`${base}ask/`, { waitUntil: "networkidle" });
    const loaded = await other.evaluate(() => window.kbSearch.ready);
    const status = await other.textContent("#kb-search-status");
    await other.close();
    assert(loaded === false, "the page reported itself ready without its stemmer");
    assert(status.includes("vendor/stemmer_bg.wasm: HTTP 404"), `the status does not name the missing file: ${status}`);
    assert(errors.length === 0, `uncaught errors: ${errors.join(" | ")}`);
    return { status };
  });
} finally {
  await closeBrowser();
}
console.log(JSON.stringify(report));
