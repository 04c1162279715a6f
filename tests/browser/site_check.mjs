// Drive Debian's chromium (playwright-core, no downloaded browser) over the built site.
//
//   node tests/browser/site_check.mjs CONFIG.json
//
// CONFIG: {"base": "http://127.0.0.1:PORT/", "out": "screenshot folder",
//          "finding": "findings/x/", "abbr": "CAF", "abbrPage": "glossary/", ...}
// Prints one JSON object: {"checks": {name: true|"failure message"}, "external": [urls]}.
// Every request is intercepted: any request to a host other than 127.0.0.1 is recorded
// and aborted, so the test can assert that the site never leaves its own origin.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, launchChromium, makeChecks } from "./harness.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = config.base;
const out = config.out;
const { checks, check } = makeChecks();
const external = [];
const consoleErrors = [];
const requests = [];


const { context, close: closeBrowser } = await launchChromium(config.chromium);
try {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.hostname === "127.0.0.1") {
      return route.continue();
    }
    external.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("request", (request) => {
    const url = new URL(request.url());
    requests.push(request.url());
    if (!["data:", "blob:"].includes(url.protocol) && url.hostname !== "127.0.0.1" && !external.includes(request.url())) {
      external.push(request.url());
    }
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));

  async function visit(path, shot) {
    const response = await page.goto(base + path, { waitUntil: "networkidle" });
    // a navigation to an anchor of the page already shown has no response
    assert(path.includes("#") || (response && response.ok()), `${path}: HTTP ${response && response.status()}`);
    if (shot) await page.screenshot({ path: join(out, `${shot}.png`), fullPage: false });
  }

  await check("home", async () => {
    await visit("", "home");
    const title = await page.title();
    assert(title.length > 0, "home page has no title");
  });

  await check("finding_citations", async () => {
    await visit(config.finding, "finding");
    // the article's text outside code (code may show citation syntax on purpose)
    const text = await page.locator("article").evaluate((article) => {
      const copy = article.cloneNode(true);
      copy.querySelectorAll("code, pre").forEach((el) => el.remove());
      return copy.textContent;
    });
    assert(!text.includes("[@"), "a raw [@ citation survives on the finding page");
    const count = await page.locator("article .citation a.citation-ref").count();
    assert(count > 0, "no rendered citation on the finding page");
    const refs = await page.locator("article .kb-references .kb-reference").count();
    assert(refs > 0, "no References list at the foot of the finding page");
    return { citations: count, references: refs };
  });

  await check("citation_tooltip", async () => {
    const link = page.locator("article p .citation a.citation-ref:visible").first();
    await link.scrollIntoViewIfNeeded();
    const href = await link.getAttribute("href");
    await link.hover();
    // the site's own preview (docs/assets/kb.js): the full reference, from the page's References
    const tip = page.locator(".kb-pop:not([hidden]) .kb-pop__text").first();
    await tip.waitFor({ state: "visible", timeout: 5000 });
    const tipText = (await tip.innerText()).trim();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, "finding-tooltip.png") });
    assert(tipText.length > 40, `tooltip too short: ${JSON.stringify(tipText)}`);
    assert(/\(\d{4}[a-z]?\)/.test(tipText), `tooltip is not a full reference: ${JSON.stringify(tipText)}`);
    return { href, tooltip: tipText };
  });

  await check("abbreviation_tooltip", async () => {
    await visit(config.abbrPage, null);
    const abbr = page.locator(`article abbr:text-is("${config.abbr}")`).first();
    await abbr.scrollIntoViewIfNeeded();
    await abbr.hover();
    // the glossary preview names the term the abbreviation stands for
    const tip = page.locator(".kb-pop:not([hidden]) .kb-pop__term").first();
    await tip.waitFor({ state: "visible", timeout: 5000 });
    const tipText = (await tip.innerText()).trim();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, "abbreviation-tooltip.png") });
    assert(tipText.length > config.abbr.length, `abbreviation tooltip: ${JSON.stringify(tipText)}`);
    return { tooltip: tipText };
  });

  await check("timeline", async () => {
    await visit("timeline/", "timeline");
    const events = await page.locator(".kb-timeline .kb-event").count();
    assert(events > 0, "no events on the timeline");
    const years = await page.locator(".kb-event .kb-event-year").allInnerTexts();
    const sorted = [...years].sort();
    assert(JSON.stringify(years) === JSON.stringify(sorted), `years out of order: ${years}`);
    const buttons = page.locator(".kb-filter button[data-kind]:not([data-kind='all'])");
    assert((await buttons.count()) > 0, "no filter buttons");
    const first = buttons.first();
    const kind = await first.getAttribute("data-kind");
    await first.click();
    const visible = await page.locator(".kb-event:visible").evaluateAll((els) => els.map((e) => e.dataset.kind));
    assert(visible.length > 0 && visible.every((k) => k === kind), `filter ${kind} shows ${visible}`);
    await page.screenshot({ path: join(out, "timeline-filtered.png") });
    await page.locator(".kb-filter button[data-kind='all']").click();
    const all = await page.locator(".kb-event:visible").count();
    assert(all === events, `'All' shows ${all} of ${events}`);
    return { events, filtered: { kind, shown: visible.length } };
  });

  await check("bibliography_anchors", async () => {
    await visit("bibliography/", "bibliography");
    const ids = new Set(await page.locator(".kb-bib-entry[id]").evaluateAll((els) => els.map((e) => e.id)));
    const missing = (config.citedKeys || []).filter((key) => !ids.has(key));
    assert(ids.size > 0, "no bibliography entries with anchors");
    assert(missing.length === 0, `cited keys without an anchor: ${missing.join(", ")}`);
    if (config.citedKeys && config.citedKeys.length) {
      await visit(`bibliography/#${config.citedKeys[0]}`, "bibliography-anchor");
    }
    return { anchors: ids.size, checked: (config.citedKeys || []).length };
  });

  await check("glossary", async () => {
    await visit("glossary/", "glossary");
    const letters = await page.locator("article h2").count();
    assert(letters > 0, "no letter headings in the glossary");
    return { letters };
  });

  await check("case_studies", async () => {
    await visit("case-studies/", "case-studies");
    const cards = await page.locator("article .grid.cards li").count();
    assert(cards > 0, "no case study cards");
    return { cards };
  });

  await check("search", async () => {
    // Material's own search (lunr) is not used: the header's box is the kb's, and a site built
    // without the in-browser search (semantic_search: false, as here) has none
    await visit("", null);
    const material = await page.locator(".md-search, [data-md-component=search]").count();
    assert(material === 0, "Material's own search is still on the page");
    const asked = requests.filter((r) => /search_index\.json|\/kb-search\//.test(r));
    assert(asked.length === 0, `search files fetched: ${asked.join(", ")}`);
    return { box: await page.locator("#kb-box-q").count() };
  });

  // Citation export: download each format from an entry page's "Export" links and the
  // whole bibliography from the bibliography page; the test parses what was downloaded.
  async function download(locator) {
    const [file] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }), locator.click()]);
    const path = await file.path();
    return { name: file.suggestedFilename(), text: readFileSync(path, "utf8") };
  }

  await check("export_download", async () => {
    if (!config.exportPage) return "skipped";
    await visit(config.exportPage, null);
    const control = page.locator(".kb-export");
    await control.scrollIntoViewIfNeeded();
    const files = {};
    for (const fmt of ["bibtex", "ris", "csljson"]) {
      files[fmt] = await download(page.locator(`.kb-export a[data-format="${fmt}"]`));
    }
    const coins = await page.locator("span.Z3988").count();
    const meta = await page.locator('head meta[name="citation_title"]').getAttribute("content");
    const cite = page.locator("#cite-this-page");
    await cite.scrollIntoViewIfNeeded();
    await cite.locator("details.kb-cite-format summary").first().click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, "export-cite.png") });
    await visit("bibliography/", null);
    const whole = await download(page.locator('.kb-downloads a[href$=".ris"]'));
    return { files, coins, meta, citeText: (await cite.count()) > 0, whole };
  });

  for (const extra of config.extraShots || []) {
    await check(`shot:${extra.name}`, async () => visit(extra.path, extra.name));
  }
} finally {
  await closeBrowser();
}
console.log(JSON.stringify({ checks, external, consoleErrors }));
