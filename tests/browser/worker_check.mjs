// The search's model worker in Debian's chromium (playwright-core): the model starts and embeds
// in a Web Worker, the page's main thread has no task over 50 ms meanwhile, and a missing file
// or a missing capability is named in the status line, with no uncaught error.
//
//   node tests/browser/worker_check.mjs CONFIG.json
//
// CONFIG: {"base": "http://127.0.0.1:PORT/kb/", "chromium": path, "texts": ["..."], "runs": 5,
//          "compare": ["..."]}
// Prints one JSON object (last line): checks, long tasks, start-up and warm embedding times
// (medians of `runs` rounds over `texts`), and the worker's embedding of each `compare` text.
import { readFileSync } from "node:fs";
import { assert, launchChromium, makeChecks } from "./harness.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = config.base;
const origin = new URL(base).origin;
const ask = `${base}ask/`;
const { checks, check } = makeChecks();
const external = [];
const report = { checks, external };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

// every main-thread task over 50 ms, from the page's first script on
const LONG_TASKS = () => {
  window.__kbLongTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__kbLongTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: "longtask", buffered: true });
};

/** A fresh page on the Ask page with its errors recorded; `setup(page)` runs before the visit. */
async function visit(context, setup) {
  const page = await context.newPage();
  const errors = []; // uncaught errors and rejections (onnxruntime's own console lines are not)
  page.on("pageerror", (error) => errors.push(String(error)));
  if (setup) await setup(page);
  await page.goto(ask, { waitUntil: "networkidle" });
  const ready = await page.evaluate(() => window.kbSearch.ready);
  assert(ready === true, "the search page did not load");
  return { page, errors };
}

/** Load the model on a page where `setup` breaks something; returns the status and errors. */
async function failure(context, setup) {
  const { page, errors } = await visit(context, setup);
  const state = await page.evaluate(async () => {
    await caches.delete("kb-search-model"); // a model cached by an earlier check would hide a 404
    const result = await window.kbSearch.loadModel();
    return { model: result, error: window.kbSearch.state.modelError };
  });
  await page.fill("#kb-search-query", "what does co-location achieve");
  await page.waitForSelector("[data-kb-result]");
  await page.waitForFunction(() => document.getElementById("kb-search-results").dataset.kbState === "done");
  const status = await page.textContent("#kb-search-status");
  const results = await page.$$eval("[data-kb-result]", (items) => items.length);
  await page.waitForTimeout(300); // a late rejection would show here
  await page.close();
  assert(state.model === "failed", `the model loaded anyway (${state.model})`);
  assert(results > 0, "no word matches left when the model failed");
  return { error: state.error, status, results, errors };
}

const { context, close } = await launchChromium(config.chromium);
try {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.origin === origin) return route.continue();
    external.push(route.request().url());
    return route.abort();
  });

  // 1. start-up in the worker: no long task on the page, the worker does the work
  await check("startup_off_main_thread", async () => {
    const { page, errors } = await visit(context, (p) => p.addInitScript(LONG_TASKS));
    const requested = [];
    context.on("request", (request) => requested.push(new URL(request.url()).pathname));
    const timing = await page.evaluate(async () => {
      const t0 = performance.now();
      const state = await window.kbSearch.loadModel();
      const t1 = performance.now();
      const tasks = window.__kbLongTasks.filter((t) => t.start + t.duration >= t0 && t.start <= t1);
      return { state, t0, t1, tasks, seconds: window.kbSearch.state.modelSeconds,
               workerSeconds: window.kbSearch.state.embedder && window.kbSearch.state.embedder.workerSeconds };
    });
    assert(timing.state === "ready", `model: ${timing.state}: ${await page.evaluate(() => window.kbSearch.state.modelError)}`);
    const workers = page.workers().map((w) => new URL(w.url()).pathname);
    report.startupMs = timing.t1 - timing.t0;
    report.longTasks = timing.tasks;
    report.modelSeconds = timing.seconds;
    report.workerSeconds = timing.workerSeconds;
    // warm query embeddings, through the worker (message there and back included)
    const times = await page.evaluate(async ({ texts, runs }) => {
      const out = [];
      for (let r = 0; r < runs; r++) {
        for (const text of texts) {
          const t = performance.now();
          await window.kbSearch.embed(text);
          out.push(performance.now() - t);
        }
      }
      return out;
    }, { texts: config.texts, runs: config.runs || 5 });
    report.warmEmbedMedianMs = median(times);
    report.vectors = await page.evaluate(async (texts) => {
      const out = [];
      for (const text of texts) out.push(Array.from(await window.kbSearch.embed(text)));
      return out;
    }, config.compare || []);
    report.workerEmbedMedianMs = await page.evaluate(() => {
      const t = [...(window.kbSearch.state.embedder.timings || [])].sort((a, b) => a - b);
      return t.length ? t[Math.floor(t.length / 2)] : null;
    });
    await page.close();
    assert(workers.some((w) => w.endsWith("/kb-search/embed-worker.js")), `no search worker: ${workers.join(", ")}`);
    assert(errors.length === 0, `errors: ${errors.join(" | ")}`);
    let longest = Math.max(0, ...timing.tasks.map((t) => t.duration));
    if (longest > 50) {
      // On a machine whose cores are shared by many jobs, a frame's commit (rendering, no
      // script) can be stretched past 50 ms: one more start-up, from the network, decides.
      const again = await visit(context, (p) => p.addInitScript(LONG_TASKS));
      report.longTasksRetry = await again.page.evaluate(async () => {
        await caches.delete("kb-search-model");
        const t0 = performance.now();
        await window.kbSearch.loadModel();
        const t1 = performance.now();
        return window.__kbLongTasks.filter((t) => t.start + t.duration >= t0 && t.start <= t1);
      });
      await again.page.close();
      longest = Math.max(0, ...report.longTasksRetry.map((t) => t.duration));
    }
    assert(longest <= 50, `a main-thread task of ${longest.toFixed(0)} ms during model start-up`);
    return { workers, longTasks: timing.tasks.length, longestMs: longest, requested: requested.filter((p) => p.includes("/kb-search/")) };
  });

  // 2. the second visit takes the model from the Cache API (in the worker)
  await check("model_cached", async () => {
    const { page } = await visit(context);
    const cached = await page.evaluate(async () => {
      await window.kbSearch.loadModel();
      return { cached: window.kbSearch.state.embedder && window.kbSearch.state.embedder.cached, seconds: window.kbSearch.state.modelSeconds };
    });
    await page.close();
    assert(cached.cached === true, "the model was not taken from the Cache API");
    report.cachedStartupSeconds = cached.seconds;
    return cached;
  });

  // 3. what fails is named; the word matches stay; nothing uncaught
  const broken = {
    model_404: ["**/kb-search/model/model.onnx*", "model/model.onnx: HTTP 404"],
    worker_404: ["**/kb-search/embed-worker.js", "embed-worker.js: HTTP 404"],
    worker_module_404: ["**/kb-search/model.js", "model.js: HTTP 404"],
    wasm_404: ["**/vendor/ort-wasm-simd-threaded.wasm", "vendor/ort-wasm-simd-threaded.wasm: HTTP 404"],
    tokenizer_404: ["**/kb-search/model/tokenizer.json", "model/tokenizer.json: HTTP 404"],
  };
  for (const [name, [pattern, expected]] of Object.entries(broken)) {
    await check(name, async () => {
      const seen = await failure(context, (p) => p.route(pattern, (route) => route.fulfill({ status: 404, body: "not found" })));
      assert(seen.error.includes(expected), `the error does not name the file: ${seen.error}`);
      assert(seen.status.includes(expected), `the status does not name the file: ${seen.status}`);
      assert(seen.errors.length === 0, `uncaught: ${seen.errors.join(" | ")}`);
      return seen;
    });
  }
  await check("no_webassembly", async () => {
    // the page's stemmer needs WebAssembly too: take it away once the word search has loaded
    const seen = await failure(context, (p) => p.addInitScript(() => {
      addEventListener("load", () => window.kbSearch.ready.then(() => { delete globalThis.WebAssembly; }));
    }));
    assert(/WebAssembly/.test(seen.error), `error: ${seen.error}`);
    assert(seen.errors.length === 0, `uncaught: ${seen.errors.join(" | ")}`);
    return seen;
  });
  await check("no_workers", async () => {
    const seen = await failure(context, (p) => p.addInitScript(() => { delete globalThis.Worker; }));
    assert(/Web Workers/.test(seen.error), `error: ${seen.error}`);
    assert(seen.errors.length === 0, `uncaught: ${seen.errors.join(" | ")}`);
    return seen;
  });
} finally {
  await close();
}
console.log(JSON.stringify(report));
