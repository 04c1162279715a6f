// The Ask page's cards and extractive answer in Debian's chromium (playwright-core), through
// the DOM contract (docs/search.md), inside the page's #kb-search (the header's box has its own
// [data-kb-results]): [data-kb-results] (data-kb-state, data-kb-mode),
// [data-kb-result], [data-kb-answer], [data-kb-answer-sentence].
//
//   node tests/browser/answer_check.mjs CONFIG.json
//
// CONFIG: {"base": "http://127.0.0.1:PORT/kb/", "out": "screenshot folder", "chromium": path,
//          "answerable": ["..."], "unanswerable": ["..."]}
// Prints one JSON object (last line): per query the state, mode, cards and answer the page
// showed, console errors, requests to another host.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { guardOrigin, launchChromium } from "./harness.mjs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const origin = new URL(config.base).origin;
const external = [];
const consoleErrors = [];
const report = { queries: [], external, consoleErrors };

const { context, close } = await launchChromium(config.chromium);
try {
  await guardOrigin(context, origin, external);
  const page = context.pages()[0] || (await context.newPage());
  page.on("console", (msg) => msg.type() === "error" && consoleErrors.push(msg.text()));
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  await page.goto(new URL("ask/", config.base).href, { waitUntil: "networkidle" });
  await page.evaluate(() => window.kbSearch.ready);
  await page.evaluate(() => window.kbSearch.loadModel());

  const shot = async (name, width) => {
    await page.setViewportSize({ width, height: width < 500 ? 900 : 1000 });
    await page.screenshot({ path: join(config.out, `${name}.png`), fullPage: false });
  };
  const all = [...config.answerable.map((q) => [q, true]), ...config.unanswerable.map((q) => [q, false])];
  for (const [query, answerable] of all) {
    await page.fill("#kb-search-query", "");
    await page.fill("#kb-search-query", query);
    await page.waitForFunction(
      (q) => {
        const results = document.querySelector("#kb-search [data-kb-results]");
        const last = window.kbSearch.state.last;
        return last && last.expansion.query === q.trim().split(/\s+/).join(" ") && results.dataset.kbState === "done";
      },
      query,
      { timeout: 60000 },
    );
    const seen = await page.evaluate(() => {
      const results = document.querySelector("#kb-search [data-kb-results]");
      const answer = document.querySelector("[data-kb-answer]");
      return {
        state: results.dataset.kbState,
        mode: results.dataset.kbMode,
        cards: [...document.querySelectorAll("#kb-search [data-kb-result]")].map((r) => ({
          id: r.dataset.id, title: r.dataset.title, section: r.dataset.section, url: r.dataset.url,
          text: r.textContent, marks: r.querySelectorAll("mark").length,
        })),
        answerShown: !answer.hidden,
        answered: answer.dataset.answered,
        answerText: answer.textContent,
        sentences: [...document.querySelectorAll("[data-kb-answer-sentence]")].map((s) => ({
          id: s.dataset.id, url: s.dataset.url, text: s.querySelector(".kb-search__quote").textContent,
          cite: (s.querySelector(".kb-search__cite") || { textContent: "" }).textContent,
          href: s.querySelector("a").getAttribute("href"),
        })),
        answerAboveResults: !!(answer.compareDocumentPosition(results) & Node.DOCUMENT_POSITION_FOLLOWING),
      };
    });
    report.queries.push({ query, answerable, ...seen });
  }
  await page.fill("#kb-search-query", config.answerable[0]);
  await page.waitForFunction(() => document.querySelector("[data-kb-answer]").dataset.answered === "true", null, { timeout: 60000 });
  await shot("answer-desktop", 1280);
  await shot("answer-mobile", 390);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.fill("#kb-search-query", config.unanswerable[0]);
  await page.waitForFunction(() => document.querySelector("[data-kb-answer]").dataset.answered === "false", null, { timeout: 60000 });
  await shot("answer-none-desktop", 1280);
} finally {
  await close();
}
console.log(JSON.stringify(report));
