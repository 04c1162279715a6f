// The reading experience in Debian's chromium (playwright-core): axe-core over key pages in
// light and dark, the previews of citations and glossary terms with a mouse, a keyboard and
// a finger, and the timeline's filter kept in the address.
//
//   node tests/browser/reading_check.mjs CONFIG.json
//
// CONFIG: {"base": "http://127.0.0.1:PORT/", "out": "screenshot folder", "chromium": PATH,
//          "axePages": {"name": "path/"}, "finding": "findings/x/", "abbrPage": "path/",
//          "termPage": "path/ with a glossary link", "schemes": ["light", "dark"],
//          "axeOnly": false}
// Prints one JSON object: {"checks": {name: result | "failure message"}, "axe": {page: [...]},
// "external": [urls], "consoleErrors": [...]}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { assert, launchChromium, makeChecks } from "./harness.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = config.base;
const out = config.out;
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const { checks, check } = makeChecks();
const external = [];
const consoleErrors = [];
const axe = {};
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const { context, close: closeBrowser } = await launchChromium(config.chromium);

async function guard(ctx) {
  await ctx.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (["data:", "blob:"].includes(url.protocol) || url.hostname === "127.0.0.1") return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
}

function watch(page) {
  page.on("console", (msg) => { if (msg.type() === "error") consoleErrors.push(msg.text()); });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  return page;
}

async function runAxe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 160), summary: (n.failureSummary || "").slice(0, 240) })),
    }));
  });
}

try {
  await guard(context);
  const page = watch(context.pages()[0] || (await context.newPage()));

  // axe in a fresh browser context per colour scheme (Material remembers the last palette)
  const axeBrowser = await chromium.launch({ executablePath: config.chromium || "/usr/bin/chromium", headless: true, args: ARGS });
  try {
    for (const scheme of config.schemes || ["light"]) {
      const ctx = await axeBrowser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: scheme });
      await guard(ctx);
      const p = watch(await ctx.newPage());
      for (const [name, path] of Object.entries(config.axePages || {})) {
        await check(`axe:${name}:${scheme}`, async () => {
          const response = await p.goto(base + path, { waitUntil: "networkidle" });
          assert(response && response.ok(), `${path}: HTTP ${response && response.status()}`);
          if (config.searchQuery && name === "search") {
            await p.locator("#kb-search-query").pressSequentially(config.searchQuery, { delay: 20 });
            await p.waitForSelector("#kb-search-results li", { timeout: 20000 });
          }
          const shown = await p.evaluate(() => document.body.getAttribute("data-md-color-scheme"));
          axe[`${name}:${scheme}`] = await runAxe(p);
          return { scheme: shown };
        });
      }
      await ctx.close();
    }
  } finally {
    await axeBrowser.close();
  }
  if (config.axeOnly) throw new Error("__done__");

  const popover = page.locator(".kb-pop:not([hidden])");

  await check("citation_preview_mouse", async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(base + config.finding, { waitUntil: "networkidle" });
    const link = page.locator("article p .citation a.citation-ref").first();
    await link.scrollIntoViewIfNeeded();
    const href = await link.getAttribute("href");
    assert((await link.getAttribute("title")) === null, "the citation keeps a title (a second, native tooltip)");
    await link.hover();
    await popover.waitFor({ state: "visible", timeout: 4000 });
    const text = (await popover.locator(".kb-pop__text").innerText()).trim();
    const more = await popover.locator("a.kb-pop__link").getAttribute("href");
    const expanded = await link.getAttribute("aria-expanded");
    const described = await link.getAttribute("aria-describedby");
    const role = await popover.getAttribute("role");
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, "finding-citation-preview-desktop.png") });
    axe["finding-with-preview:light"] = await runAxe(page);
    await page.mouse.move(2, 2);
    await popover.waitFor({ state: "hidden", timeout: 4000 });
    return { href, text, more, expanded, described, role };
  });

  await check("citation_preview_keyboard", async () => {
    await page.goto(base + config.finding, { waitUntil: "networkidle" });
    const link = page.locator("article p .citation a.citation-ref").first();
    await link.focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab"); // focus arrives by keyboard
    await popover.waitFor({ state: "visible", timeout: 4000 });
    const text = (await popover.locator(".kb-pop__text").innerText()).trim();
    const focusRing = await link.evaluate((a) => getComputedStyle(a).outlineStyle + " " + getComputedStyle(a).outlineWidth);
    await page.keyboard.press("Tab"); // into the preview: its link, then its Close button
    const inside = await page.evaluate(() => Boolean(document.activeElement.closest(".kb-pop")));
    await page.keyboard.press("Escape");
    await popover.waitFor({ state: "hidden", timeout: 4000 });
    const back = await page.evaluate(() => document.activeElement.classList.contains("citation-ref"));
    return { text, inside, back, focusRing };
  });

  await check("term_preview_mouse", async () => {
    await page.goto(base + config.termPage, { waitUntil: "networkidle" });
    const link = page.locator("article a[data-kb-term]").first();
    assert((await link.count()) === 1, "no glossary link marked as a term on the page");
    await link.scrollIntoViewIfNeeded();
    await link.hover();
    await popover.waitFor({ state: "visible", timeout: 4000 });
    return {
      term: (await popover.locator(".kb-pop__term").innerText()).trim(),
      text: (await popover.locator(".kb-pop__text").innerText()).trim(),
      more: await popover.locator("a.kb-pop__link").getAttribute("href"),
      href: await link.getAttribute("href"),
    };
  });

  await check("abbreviation_preview_keyboard", async () => {
    await page.goto(base + config.abbrPage, { waitUntil: "networkidle" });
    const abbr = page.locator(`article abbr:text-is("${config.abbr}")`).first();
    assert((await abbr.getAttribute("tabindex")) === "0", "the first abbreviation cannot be reached by keyboard");
    await abbr.focus();
    await popover.waitFor({ state: "visible", timeout: 4000 });
    const result = {
      term: (await popover.locator(".kb-pop__term").innerText()).trim(),
      text: (await popover.locator(".kb-pop__text").innerText()).trim(),
    };
    await page.keyboard.press("Escape");
    await popover.waitFor({ state: "hidden", timeout: 4000 });
    return result;
  });

  await check("timeline_filter_address", async () => {
    await page.goto(base + "timeline/", { waitUntil: "networkidle" });
    const decades = await page.locator(".kb-overview li").count();
    const button = page.locator(".kb-filter button[data-kind]:not([data-kind='all'])").first();
    const kind = await button.getAttribute("data-kind");
    await button.click();
    const url = page.url();
    const shown = await page.locator(".kb-event:visible").evaluateAll((els) => [...new Set(els.map((e) => e.dataset.kind))]);
    const hiddenDecades = await page.locator("h2.kb-decade[hidden]").evaluateAll((els) => els.map((e) => e.id));
    const tocShown = await page.locator(".md-sidebar--secondary .md-nav--secondary li:not([hidden]) > a[href*='#decade-'], .md-sidebar--secondary .md-nav--secondary li:not([hidden]) > a[href*='#undated']")
      .evaluateAll((els) => els.map((a) => a.getAttribute("href").split("#")[1]));
    const headingsShown = await page.locator("h2.kb-decade:not([hidden])").evaluateAll((els) => els.map((e) => e.id));
    const status = await page.locator(".kb-filter-status").innerText();
    await page.screenshot({ path: join(out, "timeline-filtered.png") });
    // the address alone brings the filter back
    await page.goto(url, { waitUntil: "networkidle" });
    const pressed = await page.locator(".kb-filter button[aria-pressed='true']").getAttribute("data-kind");
    const again = await page.locator(".kb-event:visible").evaluateAll((els) => [...new Set(els.map((e) => e.dataset.kind))]);
    await page.locator(".kb-filter button[data-kind='all']").click();
    const cleared = page.url();
    return { decades, kind, url, shown, hiddenDecades, tocShown, headingsShown, status, pressed, again, cleared };
  });

  await check("previews_touch", async () => {
    // a phone: a second chromium, with touch (the harness's persistent profile has none)
    const browser = await chromium.launch({ executablePath: config.chromium || "/usr/bin/chromium", headless: true, args: ARGS });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    try {
      await guard(phone);
      const p = watch(await phone.newPage());
      await p.goto(base + config.finding, { waitUntil: "networkidle" });
      const link = p.locator("article p .citation a.citation-ref").nth(1);
      await link.scrollIntoViewIfNeeded();
      const before = p.url();
      await link.tap();
      const sheet = p.locator(".kb-pop:not([hidden])");
      await sheet.waitFor({ state: "visible", timeout: 4000 });
      await p.waitForTimeout(300);
      const geometry = await p.evaluate(() => {
        const pop = document.querySelector(".kb-pop").getBoundingClientRect();
        const trigger = document.querySelector("a.citation-ref[aria-describedby]").getBoundingClientRect();
        return { popTop: pop.top, popBottom: pop.bottom, popWidth: pop.width, triggerTop: trigger.top, triggerBottom: trigger.bottom, height: innerHeight };
      });
      await p.screenshot({ path: join(out, "finding-citation-preview-phone.png") });
      const stayed = p.url() === before;
      await p.locator(".kb-pop__close").tap();
      await sheet.waitFor({ state: "hidden", timeout: 4000 });
      // a glossary term, tapped
      await p.goto(base + config.abbrPage, { waitUntil: "networkidle" });
      const abbr = p.locator(`article abbr:text-is("${config.abbr}")`).first();
      await abbr.scrollIntoViewIfNeeded();
      await abbr.tap();
      await sheet.waitFor({ state: "visible", timeout: 4000 });
      const term = (await p.locator(".kb-pop__term").innerText()).trim();
      await p.waitForTimeout(300);
      await p.screenshot({ path: join(out, "glossary-preview-phone.png") });
      const tg = await p.evaluate(() => {
        const pop = document.querySelector(".kb-pop").getBoundingClientRect();
        const trigger = document.querySelector("abbr[aria-describedby]").getBoundingClientRect();
        return { popTop: pop.top, triggerBottom: trigger.bottom };
      });
      // the preview's own link opens the page it names
      const target = await p.locator(".kb-pop a.kb-pop__link").getAttribute("href");
      await Promise.all([p.waitForURL(target, { timeout: 5000 }), p.locator(".kb-pop a.kb-pop__link").tap()]);
      return { geometry, stayed, term, termGeometry: tg, followed: new URL(p.url()).pathname };
    } finally {
      await browser.close();
    }
  });
} catch (error) {
  if (String(error && error.message) !== "__done__") throw error;
} finally {
  await closeBrowser();
}
console.log(JSON.stringify({ checks, axe, external, consoleErrors }));
