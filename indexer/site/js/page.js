// The search page: a query box, filters, results as one card per entry; word matches at
// once, meaning-based (hybrid) results and the extractive answer above them when the model
// has loaded. Every text from the index is inserted with textContent: a passage containing
// HTML shows as text.
//
// The DOM contract (docs/search.md): the list is [data-kb-results] with data-kb-state
// (words | hybrid | done) and data-kb-mode; each card's passage is [data-kb-result] with
// data-id, data-title, data-section, data-url; the answer is [data-kb-answer] with one
// [data-kb-answer-sentence] (data-id, data-url) per sentence.
//
// window.kbSearch (for tests and the curious): {ready, search(query, options), answer(result),
// embed(text), loadModel(), run(), state}.
import { loadIndex, loadStemmer } from "./assets.js";
import { Engine } from "./engine.js";
import { KIND_LABELS, card, el, showAnswer } from "./cards.js";
import { answer as chooseAnswer, groupHits } from "./results.js";
import { queryWords } from "./words.js";
import { loadMeaning, modelBytes, modelPolicy, offerLabel, remember } from "./meaning.js";

const root = document.getElementById("kb-search");
const assets = new URL(root.dataset.assets, document.baseURI);
const siteRoot = new URL(root.dataset.root || "../", document.baseURI);
const input = document.getElementById("kb-search-query");
const statusLine = document.getElementById("kb-search-status");
const list = document.getElementById("kb-search-results");
const modeSelect = document.getElementById("kb-search-mode");
const exportBox = root.querySelector(".kb-search__export");
const offer = document.getElementById("kb-search-meaning");
list.setAttribute("data-kb-results", "");
list.dataset.kbState = "done";
const answerBox = document.createElement("section");
answerBox.className = "kb-search__answer";
answerBox.setAttribute("data-kb-answer", "");
answerBox.setAttribute("aria-live", "polite");
answerBox.hidden = true;
list.before(answerBox);

const state = {
  engine: null,
  model: "idle", // idle | loading | ready | failed
  modelError: "",
  modelSeconds: 0,
  embedder: null,
  kinds: new Set(),
  tags: new Set(),
  last: null,
  timings: [],
  policy: modelPolicy(window), // desktop: the model loads on the first search; else offered
};

function setStatus(text, kind = "info") {
  statusLine.textContent = text;
  statusLine.dataset.kind = kind;
}


// -- results -------------------------------------------------------------------------------

function render(result, query) {
  const { engine } = state;
  list.replaceChildren();
  const isQueryWord = queryWords(engine, `${result.expansion.text} ${result.expansion.extra}`);
  const view = { isQueryWord, index: engine.index, siteRoot };
  for (const group of result.groups) list.append(card(group, view));
  list.dataset.kbMode = result.mode;
  exportBox.hidden = !result.hits.some((h) => h.chunk.cites.length);
  const added = result.expansion.added.length ? ` (also searched for: ${result.expansion.added.join(", ")})` : "";
  if (!result.hits.length) {
    list.append(el("li", "kb-search__empty", `Nothing found for “${query}”${added}.`));
  }
  return added;
}

function describe(result, added) {
  const n = result.groups.length;
  const how = {
    hybrid: "by meaning and words",
    semantic: "by meaning",
    lexical: "by words",
  }[result.mode];
  let text = `${n} entr${n === 1 ? "y" : "ies"}, ranked ${how}${added}.`;
  if (state.model === "loading") text += " Loading the model for meaning-based search…";
  if (state.model === "failed") text += ` Meaning-based search is not available here (${state.modelError}): showing word matches.`;
  return text;
}

// -- searching -----------------------------------------------------------------------------

async function search(query, options = {}) {
  const { engine } = state;
  const mode = options.mode || modeSelect.value;
  const kinds = options.kinds ? new Set(options.kinds) : state.kinds;
  const tags = options.tags ? new Set(options.tags) : state.tags;
  const topK = options.topK || 10;
  const t0 = performance.now();
  let queryVector = null;
  if (mode !== "lexical" && state.model === "ready") {
    const expansion = engine.expand(query);
    queryVector = expansion.text ? await state.embedder.embed(expansion.text) : null;
  }
  const t1 = performance.now();
  const result = engine.search(query, { mode, topK, kinds, tags, queryVector });
  result.groups = groupHits(engine.index, result.candidates, topK);
  const t2 = performance.now();
  result.timing = { embed: t1 - t0, rank: t2 - t1, total: t2 - t0 };
  result.queryVector = queryVector;
  return result;
}

/** The extractive answer to a result with meaning-based ranking (candidate sentences embedded). */
async function answerFor(result) {
  if (!result.queryVector || !state.embedder) return chooseAnswer(state.engine.index, result.groups, null, null);
  return chooseAnswer(state.engine.index, result.groups, result.queryVector, (t) => state.embedder.embed(t));
}

let pending = 0;
function errorText(error) {
  return String(error && error.message ? error.message : error);
}

/** Search for the box's query and show the results; never rejects (the status line says what failed). */
async function run() {
  try {
    await runQuery();
  } catch (error) {
    setStatus(`The search failed (${errorText(error)}).`, "error");
    console.error("kb search:", error);
  }
}

async function runQuery() {
  const query = input.value;
  const ticket = ++pending;
  if (!query.trim()) {
    list.replaceChildren();
    showAnswer(answerBox, null, siteRoot);
    list.dataset.kbState = "done";
    exportBox.hidden = true;
    setStatus("Type a question or some words.");
    return;
  }
  const offered = state.model === "idle" && state.policy.load === "offer";
  if (state.model === "idle" && modeSelect.value !== "lexical" && !offered) loadModel();
  if (offer) offer.hidden = !(offered && modeSelect.value !== "lexical");
  const result = await search(query);
  if (ticket !== pending) return;
  state.last = result;
  const added = render(result, query);
  setStatus(describe(result, added), state.model === "failed" ? "warning" : "info");
  const meaning = result.mode !== "lexical";
  const final = meaning || modeSelect.value === "lexical" || state.model === "failed" || offered;
  list.dataset.kbState = meaning ? "hybrid" : final ? "done" : "words";
  if (!meaning) showAnswer(answerBox, null, siteRoot);
  else {
    const found = await answerFor(result);
    if (ticket !== pending) return;
    result.answer = found;
    showAnswer(answerBox, found, siteRoot);
  }
  if (final) list.dataset.kbState = "done";
  const url = new URL(location.href);
  url.searchParams.delete("query"); // the former name, still read
  url.searchParams.set("q", query);
  history.replaceState(null, "", url);
}

let modelPromise = null;
function loadModel() {
  if (modelPromise) return modelPromise;
  state.model = "loading";
  if (offer) offer.hidden = true;
  setStatus("Loading the model for meaning-based search…");
  modelPromise = (async () => {
    try {
      state.embedder = await loadMeaning(state.engine, assets, (loaded, total) => {
        const mb = (x) => (x / 1e6).toFixed(1);
        if (state.model === "loading") {
          setStatus(`Word matches shown. Loading the model for meaning-based search: ${mb(loaded)}${total ? ` of ${mb(total)}` : ""} MB…`);
        }
      });
      state.modelSeconds = state.embedder.seconds;
      state.model = "ready";
    } catch (error) {
      state.model = "failed";
      state.modelError = errorText(error);
      console.warn("kb search: the model could not be loaded:", error);
    }
    if (input.value.trim()) await run();
    return state.model;
  })();
  return modelPromise;
}

// -- filters and export --------------------------------------------------------------------

function filterBoxes(container, values, selected, label) {
  for (const value of values) {
    const box = el("label", "kb-search__filter");
    const check = document.createElement("input");
    check.type = "checkbox";
    check.value = value;
    check.addEventListener("change", () => {
      if (check.checked) selected.add(value);
      else selected.delete(value);
      run();
    });
    box.append(check, ` ${label(value)}`);
    container.append(box);
  }
}

function exportReferences(format) {
  const { last, engine } = state;
  if (!last) return;
  const keys = [...new Set(last.hits.flatMap((h) => h.chunk.cites))];
  const text = keys.map((k) => (engine.index.references[k] || {})[format]).filter(Boolean).join("\n");
  const blob = new Blob([text], { type: format === "ris" ? "application/x-research-info-systems" : "application/x-bibtex" });
  const link = el("a");
  link.href = URL.createObjectURL(blob);
  link.download = format === "ris" ? "search-references.ris" : "search-references.bib";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// -- start ---------------------------------------------------------------------------------

async function start() {
  const t0 = performance.now();
  const [index, stem] = await Promise.all([loadIndex(assets.href), loadStemmer(new URL("vendor/", assets).href)]);
  state.engine = new Engine(index, stem);
  state.indexSeconds = (performance.now() - t0) / 1000;
  filterBoxes(document.getElementById("kb-search-kinds"), index.kinds, state.kinds, (k) => KIND_LABELS[k] || k);
  filterBoxes(document.getElementById("kb-search-tags"), index.tags, state.tags, (t) => t);
  for (const button of exportBox.querySelectorAll("button")) {
    button.addEventListener("click", () => exportReferences(button.dataset.format));
  }
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  input.form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  modeSelect.addEventListener("change", run);
  if (offer && state.policy.load === "offer") {
    offer.textContent = offerLabel(await modelBytes(index, assets.href));
    offer.addEventListener("click", () => {
      remember(window);
      loadModel();
      run();
    });
  }
  const params = new URL(location.href).searchParams;
  const initial = params.get("q") || params.get("query");
  if (initial) {
    input.value = initial;
    await run();
  } else {
    setStatus(`Ready: ${index.count} passages. Type a question or some words.`);
  }
  input.focus();
}

// `ready` resolves to true, or to false after the status line has named what failed:
// no unhandled rejection.
const ready = start().then(
  () => true,
  (error) => {
    state.error = errorText(error);
    setStatus(`The search could not be loaded (${state.error}).`, "error");
    console.error("kb search:", error);
    return false;
  },
);

window.kbSearch = {
  ready,
  state,
  search,
  loadModel,
  run,
  answer: answerFor,
  async embed(text) {
    await loadModel();
    if (!state.embedder) throw new Error(state.modelError);
    return state.embedder.embed(text);
  },
};
