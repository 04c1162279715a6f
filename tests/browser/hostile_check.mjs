// The hostile fixture site (tests/fixtures/hostile_site) in chromium: markup and script in every
// front-matter field, tag description and bibliography field must stay text.
//
//   node tests/browser/hostile_check.mjs CONFIG.json
//
// CONFIG: {"base": "http://127.0.0.1:PORT/", "out": "screenshot folder", "chromium": path,
//          "pages": ["", "findings/", ...], "entries": ["findings/x/", ...],
//          "literal": "text every entry title shows as written", "searchQuery": "achieves"}
// Prints one JSON object: {"checks": {name: true|"failure message"}, "external": [urls],
// "dialogs": [messages], "pages": {path: {elements, foreignImages, title}}}.
// A dialog (every payload calls alert), an element <kbx-evil>, an image or request to another
// host, or an escaped entity shown as text (&lt; &amp;: escaped twice) is a failure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, launchChromium, makeChecks } from "./harness.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = config.base;
const { checks, check } = makeChecks();
const external = [];
const dialogs = [];
const seen = {};

const { context, close } = await launchChromium(config.chromium);
try {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.hostname === "127.0.0.1") return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("dialog", (dialog) => {
    dialogs.push(`${page.url()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });

  // what content may have made of the page: elements, foreign images, escaped entities shown
  async function inspect() {
    return page.evaluate(() => {
      const origin = location.origin;
      const text = document.body.innerText;
      return {
        elements: document.getElementsByTagName("kbx-evil").length,
        foreignImages: [...document.querySelectorAll("img[src], source[src], iframe, embed, object, script[src]")]
          .map((el) => el.src || el.data || "")
          .filter((src) => src && !src.startsWith(origin) && !src.startsWith("data:")),
        contentScripts: [...document.scripts].filter((s) => s.textContent.includes("kbx")).length,
        escapedShown: (text.match(/&(lt|gt|amp|quot|#x27|#39);/g) || []).slice(0, 5),
        title: document.title,
        h1: (document.querySelector("article h1") || { textContent: "" }).textContent,
      };
    });
  }

  function clean(path, found) {
    assert(found.elements === 0, `${path}: ${found.elements} <kbx-evil> element(s) created from content`);
    assert(found.foreignImages.length === 0, `${path}: loads from another host: ${found.foreignImages[0]}`);
    assert(found.contentScripts === 0, `${path}: a script element holds content`);
    assert(found.escapedShown.length === 0, `${path}: escaped twice, shows ${found.escapedShown.join(" ")}`);
  }

  for (const path of config.pages) {
    await check(`page ${path || "home"}`, async () => {
      const response = await page.goto(base + path, { waitUntil: "networkidle" });
      assert(response && response.ok(), `${path}: HTTP ${response && response.status()}`);
      const found = await inspect();
      seen[path] = found;
      clean(path, found);
      if (config.entries.includes(path)) {
        assert(found.title.includes(config.literal), `${path}: <title> is ${JSON.stringify(found.title)}`);
        assert(found.h1.includes(config.literal), `${path}: h1 is ${JSON.stringify(found.h1)}`);
      }
    });
  }

  await check("titles shown as text", async () => {
    // the menu lists index pages, not entries: an entry's title is its heading and its
    // index page's link text
    await page.goto(base + config.entries[0], { waitUntil: "networkidle" });
    const labels = await page.$$eval("article h1, .md-nav__link, .md-header__topic",
      (nodes) => nodes.map((n) => n.textContent.trim()));
    assert(labels.some((label) => label.includes(config.literal)), "no heading shows the title as written");
    clean("nav", await inspect());
  });

  for (const [name, selector] of [
    ["citation tooltip", "article p a.citation-ref:visible"],
    ["abbreviation tooltip", "article abbr[title]:visible"],
  ]) {
    await check(name, async () => {
      await page.goto(base + config.entries[0], { waitUntil: "networkidle" });
      const target = page.locator(selector).first();
      await target.scrollIntoViewIfNeeded();
      await target.hover();
      // the site's own preview (docs/assets/kb.js), which sets its content as text
      const tip = page.locator(".kb-pop:not([hidden])").first();
      await tip.waitFor({ state: "visible", timeout: 5000 });
      const text = await tip.innerText();
      assert(text.includes("<kbx-evil>"), `${name} does not show the markup as text: ${JSON.stringify(text.slice(0, 120))}`);
      await page.screenshot({ path: join(config.out, `${name.replace(/ /g, "-")}.png`) });
      clean(name, await inspect());
    });
  }

  await check("search results", async () => {
    // the header's search box (the kb's own): word matches shown as text
    await page.goto(base, { waitUntil: "networkidle" });
    await page.locator("#kb-box-q").click();
    await page.waitForFunction(() => window.kbHeader, null, { timeout: 10000 });
    await page.evaluate(() => window.kbHeader.ready);
    await page.locator("#kb-box-q").pressSequentially(config.searchQuery, { delay: 30 });
    await page.locator("[data-kb-result]").first().waitFor({ state: "visible", timeout: 10000 });
    await page.waitForTimeout(300);
    const text = await page.locator("[data-kb-results]").innerText();
    assert(text.includes("<under five>"), `results do not show the title as text: ${JSON.stringify(text.slice(0, 160))}`);
    await page.screenshot({ path: join(config.out, "search.png") });
    clean("search", await inspect());
  });

  if (config.ask) {
    // the Ask page's word (lexical) results: they show before the model is loaded
    await check("ask page results", async () => {
      await page.goto(`${base}${config.ask}?query=${encodeURIComponent(config.searchQuery)}`, { waitUntil: "load" });
      await page.waitForSelector(".kb-search__result", { timeout: 20000 });
      const titles = await page.locator(".kb-search__result .kb-search__title").allTextContents();
      const text = await page.locator("#kb-search-results").innerText();
      assert(titles.some((title) => title.includes(config.literal)), `no result titled as written: ${JSON.stringify(titles[0])}`);
      assert(text.includes("<kbx-evil>"), `results do not show the markup as text: ${JSON.stringify(text.slice(0, 160))}`);
      // a source's full reference is a title attribute: hovering it must not make markup either
      const source = page.locator(".kb-search__result a[title]").first();
      if ((await source.count()) > 0) {
        await source.hover();
        await page.waitForTimeout(800);
      }
      await page.screenshot({ path: join(config.out, "ask.png") });
      clean("ask", await inspect());
    });
  }

  await check("no script ran", async () => {
    assert(dialogs.length === 0, `${dialogs.length} dialog(s), first: ${dialogs[0]}`);
  });
  await check("no request left the origin", async () => {
    assert(external.length === 0, `${external.length} request(s), first: ${external[0]}`);
  });
} finally {
  await close();
}
console.log(JSON.stringify({ checks, external, dialogs, pages: seen }));
