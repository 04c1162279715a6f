// Citing in Debian's chromium (playwright-core): the bibliography's style switch (kept for the
// next visit), filter, A-Z bar, copy button and per-reference download; "Cite this page" with
// the reader's own address and today's date; the knowledge base's own citation; the
// bibliography without JavaScript. Screenshots at 1280x800 and 390x844.
//
//   node tests/browser/cite_check.mjs CONFIG.json
//
// CONFIG: {"base": "http://127.0.0.1:PORT/", "out": "screenshot folder", "chromium": PATH,
//          "entry": "findings/x/", "key": "a bibliography key", "filter": "a word"}
// Prints one JSON object: {"checks": {name: result | "failure message"}, "external": [urls],
// "consoleErrors": [...]}.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { assert, launchChromium, makeChecks } from "./harness.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = config.base;
const out = config.out;
const { checks, check } = makeChecks();
const external = [];
const consoleErrors = [];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

const { context, close } = await launchChromium(config.chromium);
await context.route("**/*", (route) => {
  const url = new URL(route.request().url());
  if (["data:", "blob:"].includes(url.protocol) || url.hostname === "127.0.0.1") return route.continue();
  external.push(route.request().url());
  return route.abort();
});
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });

async function open(path, viewport) {
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.setViewportSize(viewport || { width: 1280, height: 800 });
  await page.goto(base + path, { waitUntil: "load" });
  return page;
}

function today() {
  const d = new Date();
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

const bib = await open("bibliography/");

await check("style_switch", async () => {
  const bar = bib.locator(".kb-style-switch");
  assert(await bar.isVisible(), "the switch is not shown");
  await bib.screenshot({ path: join(out, "bibliography-desktop.png") });
  const entry = bib.locator(`[id="${config.key}"]`);
  const harvard = await entry.locator('.kb-ref[data-kb-style="harvard"]').innerText();
  await bar.locator('button[data-kb-style="apa"]').click();
  const apa = await entry.locator('.kb-ref[data-kb-style="apa"]').innerText();
  assert(await entry.locator('.kb-ref[data-kb-style="harvard"]').isHidden(), "Harvard still shown");
  const pressed = await bar.locator('button[data-kb-style="apa"]').getAttribute("aria-pressed");
  await bib.reload({ waitUntil: "load" });
  const kept = await bib.locator(`[id="${config.key}"] .kb-ref[data-kb-style="apa"]`).isVisible();
  await bib.locator('.kb-style-switch button[data-kb-style="harvard"]').press("Enter"); /* by keyboard */
  const back = await bib.locator(`[id="${config.key}"] .kb-ref[data-kb-style="harvard"]`).isVisible();
  return { harvard, apa, pressed, kept, back };
});

await check("copy_reference", async () => {
  const entry = bib.locator(`[id="${config.key}"]`);
  await entry.locator("button.kb-copy").click();
  await bib.waitForFunction(() => document.querySelector(".kb-bib-status").textContent.length > 0);
  const copied = await bib.evaluate(() => navigator.clipboard.readText());
  const shown = (await entry.locator('.kb-ref:not([hidden])').innerText()).replace(/\s+/g, " ").trim();
  const html = await bib.evaluate(async () => {
    const items = await navigator.clipboard.read();
    const item = items.find((i) => i.types.includes("text/html"));
    return item ? await (await item.getType("text/html")).text() : "";
  });
  return { copied, shown, italic: html.includes("<i>") };
});

await check("download_reference", async () => {
  const link = bib.locator(`[id="${config.key}"] .kb-ref-tools a[href$=".ris"]`);
  const [download] = await Promise.all([bib.waitForEvent("download"), link.click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, "utf8") };
});

await check("filter_and_letters", async () => {
  const total = await bib.locator(".kb-bib-entry:not(.kb-bib-unidentified)").count();
  await bib.locator("input[data-kb-bib-filter]").fill(config.filter);
  const shown = await bib.locator(".kb-bib-entry:visible").count();
  const status = await bib.locator(".kb-bib-status").innerText();
  await bib.locator("input[data-kb-bib-filter]").fill("");
  const letters = await bib.locator("nav.kb-az a").count();
  await bib.locator("nav.kb-az a").first().click();
  return { total, shown, status, letters, hash: new URL(bib.url()).hash };
});

await check("cited_in_folded", async () => {
  const more = bib.locator("details.kb-cited-more").first();
  const open0 = await more.evaluate((d) => d.open);
  await more.locator("summary").focus();
  await bib.keyboard.press("Enter");
  return { before: open0, after: await more.evaluate((d) => d.open) };
});

const phone = { width: 390, height: 844 };
const bibPhone = await open("bibliography/", phone);
await bibPhone.screenshot({ path: join(out, "bibliography-phone.png") });
await bibPhone.evaluate((key) => document.getElementById(key).scrollIntoView(), config.key);
await bibPhone.screenshot({ path: join(out, "bibliography-entry-phone.png") });

for (const [name, viewport] of [["desktop", undefined], ["phone", phone]]) {
  await check(`cite_this_page_${name}`, async () => {
    const page = await open(config.entry + "?from=test#cite-this-page", viewport);
    const box = page.locator("#cite-this-page");
    await page.evaluate(() => document.getElementById("cite-this-page").scrollIntoView());
    await page.screenshot({ path: join(out, `cite-this-page-${name}.png`) });
    const urls = await box.locator("[data-kb-url]").allInnerTexts();
    const accessed = await box.locator('[data-kb-accessed="en-GB"]').allInnerTexts();
    const iso = await box.locator('[data-kb-accessed="iso"]').allInnerTexts();
    const text = await box.innerText();
    return { urls, accessed, iso, today: today(), noJsNote: text.includes("give the day you read"),
      siteUrlNote: text.includes("site_url") };
  });
}

await check("cite_the_knowledge_base", async () => {
  const page = await open("");
  const box = page.locator("#cite-the-knowledge-base");
  await page.evaluate(() => document.getElementById("cite-the-knowledge-base").scrollIntoView());
  await page.screenshot({ path: join(out, "home-cite-desktop.png") });
  const urls = await box.locator("[data-kb-url]").allInnerTexts();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('a[download][href$="cite-this-knowledge-base.bib"]').click(),
  ]);
  return { urls, text: await box.innerText(), bibtex: readFileSync(await download.path(), "utf8") };
});

await check("without_javascript", async () => {
  const browser = await chromium.launch({ executablePath: config.chromium || "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"] });
  try {
    const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    await plain.route("**/*", (route) => (new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort()));
    const page = await plain.newPage();
    await page.goto(base + "bibliography/", { waitUntil: "load" });
    const entry = page.locator(`[id="${config.key}"]`);
    return {
      harvard: await entry.locator('.kb-ref[data-kb-style="harvard"]').isVisible(),
      apa: await entry.locator('.kb-ref[data-kb-style="apa"]').isVisible(),
      switchShown: await page.locator(".kb-style-switch").isVisible(),
      copyShown: await entry.locator("button.kb-copy").isVisible(),
      download: await entry.locator('.kb-ref-tools a[href$=".bib"]').isVisible(),
    };
  } finally {
    await browser.close();
  }
});

await close();
console.log(JSON.stringify({ checks, external, consoleErrors }));
