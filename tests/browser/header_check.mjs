// The header's search box of every page in Debian's chromium (playwright-core), through the
// DOM contract (docs/search.md): [data-kb-results] (data-kb-state, data-kb-mode) and
// [data-kb-result] (data-id, data-title, data-section, data-url).
//
//   node tests/browser/header_check.mjs CONFIG.json
//
// CONFIG: {"base": "http://127.0.0.1:PORT/kb/", "out": "screenshot folder", "chromium": path,
//          "page": "a page to start from", "query": "...", "queries": [{id, q, all, set}],
//          "bad": ["..."]}
// Prints one JSON object (last line): named checks, what was fetched before and after the
// box was focused, the latency of word results, each query's first results (words, hybrid),
// console errors and any request to another host (aborted).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, guardOrigin, launchChromium, makeChecks, median } from "./harness.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = config.base;
const origin = new URL(base).origin;
const { checks, check } = makeChecks();
const external = [];
const consoleErrors = [];
const report = { checks, external, consoleErrors, quality: [] };
const BOX = "#kb-box-q";
const MODEL = /\/kb-search\/(model\/|vendor\/(?!stemmer)|vectors\.bin|embed\.js)/;

const { context, close } = await launchChromium(config.chromium);

function watch(page, requests) {
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (["data:", "blob:"].includes(url.protocol)) return;
    requests.push({ url: request.url(), path: url.pathname, request });
  });
  // a file the test itself answers with 404 is the browser's message, not the page's error
  page.on("console", (msg) => msg.type() === "error" && !/^Failed to load resource/.test(msg.text()) && consoleErrors.push(msg.text()));
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  return page;
}

async function fresh(options = {}) {
  const requests = [];
  const page = watch(await context.newPage(), requests);
  await page.setViewportSize(options.viewport || { width: 1280, height: 800 });
  if (options.init) await page.addInitScript(options.init);
  return { page, requests };
}

/** The box's results as the DOM contract shows them. */
const seen = (page) => page.evaluate(() => {
  const list = document.querySelector("[data-kb-results]");
  return {
    state: list.dataset.kbState, mode: list.dataset.kbMode || "",
    status: document.querySelector(".kb-box__status").textContent,
    results: [...list.querySelectorAll("[data-kb-result]")].map((r) => ({
      id: r.dataset.id, title: r.dataset.title, section: r.dataset.section, url: r.dataset.url, text: r.textContent,
      marks: r.querySelectorAll("mark").length, href: r.closest("a").getAttribute("href"),
    })),
    shown: (window.kbHeader ? window.kbHeader.state.shown : []).map((e) => `${e.title} ${e.section} ${e.text}`),
  };
});

/** Put `query` in the box (as typing does) and wait until its results are final. */
async function ask(page, query, { final = true } = {}) {
  await page.evaluate((q) => {
    const input = document.querySelector("#kb-box-q");
    input.value = q;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, query);
  if (final) {
    await page.waitForFunction((q) => window.kbHeader.state.query === q
      && document.querySelector("[data-kb-results]").dataset.kbState === "done", query, { timeout: 60000 });
  }
  return seen(page);
}

/** Wait for the box's module (imported on focus) to have loaded the word index. */
async function ready(page) {
  await page.waitForFunction(() => window.kbHeader, null, { timeout: 30000 });
  return page.evaluate(() => window.kbHeader.ready);
}

async function clearModelCache(page) {
  await page.evaluate(() => caches.delete("kb-search-model").catch(() => false));
}

try {
  await guardOrigin(context, origin, external);
  const start = new URL(config.page, base).href;

  // 1. a page view: nothing of the search until the box is focused; S focuses it
  const { page, requests } = await fresh();
  await page.goto(start, { waitUntil: "networkidle" });
  await check("nothing_before_focus", async () => {
    const early = requests.filter((r) => r.path.includes("/kb-search/"));
    assert(early.length === 0, `fetched before focus: ${early.map((r) => r.path).join(", ")}`);
    let bytes = 0;
    for (const r of requests) bytes += (await r.request.sizes()).responseBodySize;
    return { requests: requests.length, bytes };
  });
  await check("box_named", () => page.evaluate(() => {
    const input = document.querySelector("#kb-box-q");
    const label = document.querySelector('label[for="kb-box-q"]').textContent.trim();
    const ask = document.querySelector("header a.kb-search-link").getAttribute("aria-label");
    if (input.type !== "search" || !label) throw new Error(`box: type ${input.type}, label "${label}"`);
    if (!/Ask/.test(ask)) throw new Error(`the Ask link's name: ${ask}`);
    if (document.querySelector(".md-search")) throw new Error("Material's search is still on the page");
    return { label, role: input.getAttribute("role"), listbox: document.querySelector("[role=listbox]").id };
  }));
  await check("s_and_slash_focus_the_box", async () => {
    await page.keyboard.press("s");
    const first = await page.evaluate(() => document.activeElement.id);
    await page.keyboard.press("Escape");
    await page.locator("article").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("/");
    const second = await page.evaluate(() => document.activeElement.id);
    assert(first === "kb-box-q" && second === "kb-box-q", `focus after S: ${first}, after /: ${second}`);
    const typed = await page.inputValue(BOX);
    assert(typed === "", `the shortcut key was typed into the box: "${typed}"`);
  });
  await ready(page);
  await page.waitForLoadState("networkidle");
  const onFocus = requests.filter((r) => r.path.includes("/kb-search/")).map((r) => r.path.split("/kb-search/")[1]);
  report.fetchedOnFocus = onFocus;
  await check("focus_loads_words_only", () => {
    const model = requests.filter((r) => MODEL.test(r.path));
    assert(onFocus.includes("index.json") && onFocus.includes("vendor/stemmer_bg.wasm"), `on focus: ${onFocus}`);
    assert(model.length === 0, `model fetched before any search: ${model.map((r) => r.path)}`);
    return onFocus;
  });

  // 2. typing: word matches at once, while the model loads (delayed here, so they show)
  await clearModelCache(page);
  let releaseVectors;
  const vectorsHeld = new Promise((resolve) => { releaseVectors = resolve; });
  await page.route("**/kb-search/vectors.bin", async (route) => {
    await vectorsHeld;
    await route.continue().catch(() => {});
  });
  await page.evaluate(() => {
    window.__kbLatency = [];
    document.querySelector("#kb-box-q").addEventListener("input", (e) => window.__kbLatency.push(performance.now() - e.timeStamp));
  });
  await page.focus(BOX);
  await page.keyboard.type(config.query, { delay: 40 });
  await check("word_results_while_the_model_loads", async () => {
    const now = await seen(page);
    assert(now.state === "words" && now.mode === "lexical", `state ${now.state}, mode ${now.mode}`);
    assert(now.results.length > 0 && now.results.every((r) => r.id && r.title && r.url && r.text), "results lack the contract's attributes");
    assert(now.results.some((r) => r.marks > 0), "no word marked");
    assert(/Loading meaning-based search/.test(now.status), `status: ${now.status}`);
    await page.screenshot({ path: join(config.out, "header-words-desktop.png") });
    return { status: now.status, first: now.results[0] };
  });
  report.latencyMs = await page.evaluate(() => window.__kbLatency);
  report.engineMs = await page.evaluate(() => window.kbHeader.state.timings);
  releaseVectors();
  await check("hybrid_results_replace_them", async () => {
    await page.waitForFunction(() => document.querySelector("[data-kb-results]").dataset.kbMode === "hybrid"
      && document.querySelector("[data-kb-results]").dataset.kbState === "done", null, { timeout: 90000 });
    const now = await seen(page);
    await page.screenshot({ path: join(config.out, "header-hybrid-desktop.png") });
    const late = requests.filter((r) => MODEL.test(r.path)).map((r) => r.path.split("/kb-search/")[1]);
    return { status: now.status, first: now.results[0].id, modelFiles: late };
  });

  // 3. keyboard: arrows, Enter on a result (the page marks the words), Escape, Enter with none
  await check("arrows_and_enter_open_a_result", async () => {
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    const chosen = await page.evaluate(() => {
      const option = document.querySelector("[role=option][aria-selected=true]");
      return option && { id: option.id, active: document.querySelector("#kb-box-q").getAttribute("aria-activedescendant"),
        href: option.querySelector("a").href, index: [...option.parentElement.children].indexOf(option) };
    });
    assert(chosen && chosen.index === 0 && chosen.active === chosen.id, `highlighted: ${JSON.stringify(chosen)}`);
    await Promise.all([page.waitForURL((u) => u.href === chosen.href), page.keyboard.press("Enter")]);
    await page.waitForFunction(() => document.documentElement.dataset.kbHighlighted !== undefined);
    const marked = await page.evaluate(() => {
      const marks = [...document.querySelectorAll("article mark.kb-hit")];
      const box = marks.length ? marks.find((m) => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }) : null;
      return { marks: marks.length, inView: Boolean(box), scrollY: Math.round(scrollY) };
    });
    assert(new URL(chosen.href).searchParams.get("h") && new URL(chosen.href).hash, `result link: ${chosen.href}`);
    assert(marked.marks > 0 && marked.inView, `on the page opened: ${JSON.stringify(marked)}`);
    await page.screenshot({ path: join(config.out, "header-result-opened.png") });
    return { href: chosen.href, ...marked };
  });
  await check("escape_clears_the_box", async () => {
    await page.keyboard.press("s");
    await ready(page);
    await page.keyboard.type("lead professional");
    await page.waitForSelector("[data-kb-result]");
    await page.keyboard.press("Escape");
    const after = await page.evaluate(() => ({ value: document.querySelector("#kb-box-q").value,
      open: !document.querySelector(".kb-box__panel").hidden, results: document.querySelectorAll("[data-kb-result]").length }));
    assert(after.value === "" && !after.open && after.results === 0, JSON.stringify(after));
  });
  await check("enter_with_none_highlighted_opens_the_ask_page", async () => {
    await page.keyboard.type(config.query);
    await Promise.all([page.waitForURL(/\/ask\/\?q=/), page.keyboard.press("Enter")]);
    await page.evaluate(() => window.kbSearch.ready);
    const value = await page.inputValue("#kb-search-query");
    assert(value === config.query, `the Ask page's box holds "${value}"`);
    await page.waitForSelector("#kb-search-results [data-kb-result]");
    // typing S in the Ask page's own box stays there
    await page.focus("#kb-search-query");
    await page.keyboard.type(" s/");
    const where = await page.evaluate(() => [document.activeElement.id, document.activeElement.value]);
    assert(where[0] === "kb-search-query" && where[1].endsWith(" s/"), `typing S moved the focus: ${where}`);
    return { url: page.url() };
  });

  // 4. quality floors through the box: words alone, then hybrid
  await page.goto(start, { waitUntil: "networkidle" });
  await page.focus(BOX);
  await ready(page);
  const judge = (q, shown) => {
    const rank = shown.findIndex((text) => q.all.every((p) => new RegExp(p, "i").test(text)));
    return rank < 0 ? 0 : rank + 1;
  };
  for (const q of config.queries) {
    const words = await ask(page, q.q, { final: false });
    report.quality.push({ id: q.id, set: q.set, query: q.q, words: judge(q, words.shown), wordsFirst: (words.results[0] || {}).id || "" });
  }
  await page.evaluate(() => window.kbHeader.loadModel());
  for (const [n, q] of config.queries.entries()) {
    const hybrid = await ask(page, q.q);
    assert(hybrid.mode === "hybrid", `${q.q}: mode ${hybrid.mode}`);
    Object.assign(report.quality[n], { hybrid: judge(q, hybrid.shown), hybridFirst: (hybrid.results[0] || {}).id || "" });
  }

  // 5. bad input: a clear status, no error, results where words or meaning find any
  report.bad = [];
  for (const query of config.bad) {
    await check(`bad_input_${report.bad.length}`, async () => {
      const before = consoleErrors.length;
      const t0 = Date.now();
      const now = await ask(page, query);
      report.bad.push({ query: query.length > 40 ? `${query.slice(0, 40)}… (${query.length} characters)` : query,
        results: now.results.length, mode: now.mode, status: now.status, ms: Date.now() - t0 });
      assert(now.status.trim().length > 0, "no status");
      assert(consoleErrors.length === before, `errors: ${consoleErrors.slice(before)}`);
    });
  }

  // 6. the model fails to load: 404, no WebAssembly; storage blocked (it still loads)
  const failing = [
    ["model_404", { route: ["**/kb-search/model/model.onnx*", (r) => r.fulfill({ status: 404, body: "not found" })] }, /model\/model\.onnx: HTTP 404/],
    ["no_webassembly", { init: () => { delete window.WebAssembly; } }, /WebAssembly/],
  ];
  for (const [name, how, expected] of failing) {
    await check(name, async () => {
      const { page: other } = await fresh({ init: how.init });
      if (how.route) await other.route(...how.route);
      const before = consoleErrors.length;
      let rejections = 0;
      other.on("pageerror", () => { rejections += 1; });
      await other.goto(start, { waitUntil: "networkidle" });
      await other.focus(BOX);
      await ready(other);
      await clearModelCache(other);
      const now = await ask(other, config.query);
      await other.waitForFunction(() => ["failed", "ready"].includes(window.kbHeader.state.model), null, { timeout: 60000 });
      const after = await ask(other, `${config.query} `);
      await other.screenshot({ path: join(config.out, `header-${name}.png`) });
      await other.close();
      assert(after.results.length > 0 && after.mode === "lexical", `${after.results.length} results, mode ${after.mode}`);
      assert(expected.test(after.status), `status: ${after.status}`);
      assert(rejections === 0 && consoleErrors.length === before, `errors: ${consoleErrors.slice(before)}`);
      return { status: after.status, firstStatus: now.status };
    });
  }
  await check("storage_blocked", async () => {
    const { page: other } = await fresh({ init: () => {
      const blocked = () => { throw new DOMException("blocked", "SecurityError"); };
      Storage.prototype.getItem = blocked;
      Storage.prototype.setItem = blocked;
      if (window.caches) window.caches.open = () => Promise.reject(new DOMException("blocked", "SecurityError"));
    } });
    const atLoad = consoleErrors.length;
    await other.goto(start, { waitUntil: "networkidle" });
    // Material's own inline scripts (the palette) fail on blocked storage as the page loads:
    // set apart; what counts is what happens from the box's first focus on
    const onLoad = consoleErrors.splice(atLoad);
    assert(onLoad.every((e) => /SecurityError|blocked/.test(e)), `errors on load: ${onLoad}`);
    const before = consoleErrors.length;
    await other.focus(BOX);
    await ready(other);
    await ask(other, config.query);
    await other.waitForFunction(() => document.querySelector("[data-kb-results]").dataset.kbMode === "hybrid", null, { timeout: 90000 });
    const now = await seen(other);
    await other.close();
    assert(now.results.length > 0, "no results");
    assert(consoleErrors.length === before, `errors: ${consoleErrors.slice(before)}`);
    return { status: now.status, materialErrorsOnLoad: onLoad.length };
  });

  // 7. Save-Data, and a phone: word results, the model on an explicit choice (also on Ask)
  await check("save_data_offers_the_model", async () => {
    const { page: other, requests: seenRequests } = await fresh({ init: () => {
      Object.defineProperty(Navigator.prototype, "connection", { get: () => ({ saveData: true }) });
    } });
    await other.goto(start, { waitUntil: "networkidle" });
    await other.focus(BOX);
    await ready(other);
    const now = await ask(other, config.query);
    const label = await other.textContent(".kb-box__meaning");
    const visible = await other.isVisible(".kb-box__meaning");
    await other.goto(new URL(`ask/?q=${encodeURIComponent(config.query)}`, base).href, { waitUntil: "networkidle" });
    await other.waitForFunction(() => document.querySelector("#kb-search-results").dataset.kbState === "done");
    const askLabel = await other.isVisible("#kb-search-meaning") && (await other.textContent("#kb-search-meaning"));
    await other.close();
    const model = seenRequests.filter((r) => MODEL.test(r.path) && r.request.method() !== "HEAD"); // HEAD: its size
    assert(now.mode === "lexical" && now.results.length > 0, `mode ${now.mode}`);
    assert(visible && /^Search by meaning: (about \d+ MB|a large download), once$/.test(label), `offer: ${visible} "${label}"`);
    assert(askLabel === label, `the Ask page offers "${askLabel}"`);
    assert(model.length === 0, `model fetched without the choice: ${model.map((r) => r.path)}`);
    return { label };
  });
  await check("phone", async () => {
    const { page: phone } = await fresh({ viewport: { width: 390, height: 844 } });
    await phone.goto(start, { waitUntil: "networkidle" });
    await phone.click(BOX);
    await ready(phone);
    await phone.keyboard.type(config.query, { delay: 20 });
    await phone.waitForFunction(() => document.querySelector("[data-kb-results]").dataset.kbState === "done");
    const words = await seen(phone);
    const label = await phone.textContent(".kb-box__meaning");
    await phone.screenshot({ path: join(config.out, "header-words-phone.png") });
    await phone.click(".kb-box__meaning");
    await phone.waitForFunction(() => document.querySelector("[data-kb-results]").dataset.kbMode === "hybrid"
      && document.querySelector("[data-kb-results]").dataset.kbState === "done", null, { timeout: 90000 });
    const hybrid = await seen(phone);
    await phone.screenshot({ path: join(config.out, "header-hybrid-phone.png") });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    await phone.close();
    assert(words.mode === "lexical" && words.results.length > 0, `phone words: ${words.mode}`);
    assert(/^Search by meaning/.test(label), `offer: ${label}`);
    assert(width <= 390, `the page scrolls sideways: ${width}px`);
    return { label, words: words.results[0].id, hybrid: hybrid.results[0].id };
  });

  // 8. a hostile ?h=: text only, nothing run
  await check("hostile_highlight_parameter", async () => {
    const { page: other } = await fresh();
    const h = encodeURIComponent('<img src=x onerror="window.__kbXss=1"> co-location </mark><script>window.__kbXss=2</script> ((((a+)+)+)+$');
    await other.goto(`${start}?h=${h}&h=x#%E0%A4%A`, { waitUntil: "networkidle" });
    await other.waitForFunction(() => document.documentElement.dataset.kbHighlighted !== undefined);
    const result = await other.evaluate(() => ({ xss: window.__kbXss || null, imgs: document.querySelectorAll("article img[src=x]").length,
      marks: document.querySelectorAll("article mark.kb-hit").length, texts: [...new Set([...document.querySelectorAll("article mark.kb-hit")].map((m) => m.textContent.toLowerCase()))] }));
    await other.close();
    assert(result.xss === null && result.imgs === 0, JSON.stringify(result));
    assert(result.marks > 0 && result.texts.every((t) => t === "co-location"), JSON.stringify(result));
    return result;
  });
} catch (error) {
  report.fatal = String(error && error.stack ? error.stack : error);
} finally {
  await close();
}
report.latencyMedianMs = median(report.latencyMs || []);
report.engineMedianMs = median(report.engineMs || []);
console.log(JSON.stringify(report));
