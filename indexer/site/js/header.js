// The search box in the header of every page. The page itself carries only the box and a tiny
// loader (theme/partials/header.html); this module is imported when the box is first focused,
// and loads the word index and the stemmer (words.js), nothing else. Typing shows word matches
// at once, one entry per line (title, kind, an excerpt of its best passage with the matched
// words marked); meaning-based (hybrid) results replace them when the model is ready: on a
// desktop the first search loads it, on a small screen or with Save-Data the reader is offered
// it (meaning.js, the Ask page's policy too).
//
// Keyboard: arrows move through the results, Enter opens the highlighted one (or, with none,
// the Ask page with the query: ask/?q=...), Escape clears the box, then leaves it. Every text
// from the index is inserted with textContent.
//
// The DOM contract (docs/search.md): the list is [data-kb-results] with data-kb-state
// (words | hybrid | done) and data-kb-mode; each result's excerpt is [data-kb-result] with
// data-id, data-title, data-section and data-url. window.kbHeader (tests): {ready, state, run}.
import { KIND_LABELS, TEXT_WORDS, decodeEntities, el, markWords } from "./cards.js";
import { cleanQuery } from "./engine.js";
import { loadMeaning, modelBytes, modelPolicy, offerLabel, remember } from "./meaning.js";
import { openWordSearch, queryWords } from "./words.js";

const TOP = 6;
const EXCERPT = 200; // characters of the passage shown around its first matched word
const HYBRID_PAUSE = 150; // ms of typing pause before the query is embedded
const HIGHLIGHT_WORDS = 8;

function errorText(error) {
  return String(error && error.message ? error.message : error);
}

/** A short excerpt of `text` around its first query word: [excerpt, words matched]. */
export function excerpt(text, isQueryWord, size = EXCERPT) {
  const plain = decodeEntities(text).replace(/\s+/g, " ").trim();
  const words = [];
  let first = -1;
  for (const m of plain.matchAll(TEXT_WORDS)) {
    if (!isQueryWord(m[0])) continue;
    if (first < 0) first = m.index;
    const word = m[0].toLowerCase();
    if (!words.includes(word)) words.push(word);
  }
  let start = first > size / 3 ? plain.lastIndexOf(" ", first - size / 3) + 1 : 0;
  if (plain.length - start < size) start = Math.max(0, plain.lastIndexOf(" ", Math.max(0, plain.length - size)) + 1);
  let shown = plain.slice(start, start + size);
  if (start + size < plain.length) shown = `${shown.replace(/\s+\S*$/, "")} …`;
  return [start > 0 ? `… ${shown}` : shown, words];
}

/** The address of a result: its section, with the words to mark on arrival (`?h=`). */
export function resultHref(url, siteRoot, words) {
  const target = new URL(url, siteRoot);
  if (words.length) target.searchParams.set("h", words.slice(0, HIGHLIGHT_WORDS).join(" "));
  return target.href;
}

export function start(box) {
  const assets = new URL(box.dataset.assets, document.baseURI);
  const siteRoot = new URL(box.dataset.root || "./", document.baseURI);
  const ask = new URL(box.dataset.ask, document.baseURI);
  const input = box.querySelector("input[type=search]");
  const panel = box.querySelector(".kb-box__panel");
  const statusLine = box.querySelector(".kb-box__status");
  const list = box.querySelector("[data-kb-results]");
  const offer = box.querySelector(".kb-box__meaning");
  const all = box.querySelector(".kb-box__all");
  const state = {
    words: null, model: "idle", modelError: "", embedder: null, policy: modelPolicy(window), bytes: null,
    active: -1, shown: [], query: "", timings: [], loadError: "", wordCount: 0,
  };
  let ticket = 0;
  let hybridTimer = 0;

  function setStatus(text, kind = "info") {
    statusLine.textContent = text;
    statusLine.dataset.kind = kind;
  }

  function open(on) {
    panel.hidden = !on;
    input.setAttribute("aria-expanded", String(on));
    if (!on) highlight(-1);
  }

  function highlight(n) {
    const items = [...list.querySelectorAll("[role=option]")];
    state.active = n;
    items.forEach((item, k) => item.setAttribute("aria-selected", String(k === n)));
    if (n >= 0 && items[n]) {
      input.setAttribute("aria-activedescendant", items[n].id);
      items[n].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function askHref(query) {
    const target = new URL(ask);
    if (query.trim()) target.searchParams.set("q", cleanQuery(query));
    return target.href;
  }

  function render(ranked, query) {
    const { engine } = state.words;
    const isQueryWord = queryWords(engine, `${ranked.expansion.text} ${ranked.expansion.extra}`);
    list.replaceChildren();
    ranked.entries.forEach((entry, n) => {
      const item = el("li", "kb-box__item");
      item.id = `kb-box-option-${n}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      const [text, words] = excerpt(entry.text, isQueryWord);
      const link = el("a", "kb-box__link");
      link.href = resultHref(entry.url, siteRoot, words);
      link.tabIndex = -1;
      const head = el("span", "kb-box__head");
      head.append(el("span", "kb-box__title", decodeEntities(entry.title)), " ",
        el("span", "kb-box__kind", KIND_LABELS[entry.kind] || entry.kind));
      const passage = markWords(el("span", "kb-box__passage"), text, isQueryWord);
      passage.setAttribute("data-kb-result", "");
      Object.assign(passage.dataset, { id: entry.pathId, title: entry.title, section: entry.section, url: entry.url });
      link.append(head);
      if (entry.section) link.append(el("span", "kb-box__section", entry.synthesis ? "Editors' synthesis" : entry.section));
      link.append(passage);
      item.append(link);
      item.addEventListener("mousemove", () => state.active !== n && highlight(n));
      list.append(item);
    });
    list.dataset.kbMode = ranked.mode;
    state.shown = ranked.entries;
    state.active = -1;
    input.removeAttribute("aria-activedescendant");
    all.href = askHref(query);
    all.textContent = `All results for “${cleanQuery(query).slice(0, 60)}” on the Ask page`;
    all.hidden = false;
  }

  function describe(ranked) {
    const n = ranked.entries.length;
    const how = ranked.mode === "lexical" ? "by words" : "by meaning and words";
    let text = n ? `${n} entr${n === 1 ? "y" : "ies"}, ranked ${how}.` : "No entry matches these words.";
    if (n && ranked.mode !== "lexical" && !state.wordCount) text = `No entry has these words; the ${n} closest by meaning.`;
    if (state.model === "loading") text += " Loading meaning-based search…";
    if (!state.words.stemmed) text += " This browser cannot run WebAssembly: words are matched as typed, and meaning-based search is not available.";
    else if (state.model === "failed") text += ` Meaning-based search is not available (${state.modelError}).`;
    return text;
  }

  /** Word results for the box's query at once; the hybrid ones after a pause, when the model is ready. */
  function run() {
    const query = input.value;
    const mine = ++ticket;
    clearTimeout(hybridTimer);
    state.query = query;
    if (!state.words) {
      open(true);
      if (state.loadError) setStatus(`The search could not be loaded (${state.loadError}).`, "error");
      return;
    }
    if (!query.trim()) {
      open(document.activeElement === input);
      list.replaceChildren();
      list.dataset.kbState = "done";
      delete list.dataset.kbMode;
      all.href = askHref("");
      all.textContent = "Open the Ask page";
      setStatus("Type a question or some words.");
      offer.hidden = true;
      return;
    }
    open(true);
    const t0 = performance.now();
    const ranked = state.words.rank(query, TOP);
    render(ranked, query);
    state.timings.push(performance.now() - t0);
    state.wordCount = ranked.entries.length;
    const coming = state.model === "loading" || state.model === "ready" || (state.model === "idle" && state.policy.load === "auto");
    list.dataset.kbState = coming ? "words" : "done";
    offer.hidden = !(state.model === "idle" && state.policy.load === "offer");
    setStatus(describe(ranked), state.model === "failed" ? "warning" : "info");
    if (state.model === "idle" && state.policy.load === "auto") loadModel();
    else if (state.model === "ready") hybridTimer = setTimeout(() => hybrid(query, mine), HYBRID_PAUSE);
  }

  async function hybrid(query, mine) {
    try {
      const expansion = state.words.engine.expand(query);
      const vector = expansion.text ? await state.embedder.embed(expansion.text) : null;
      if (mine !== ticket) return;
      const ranked = state.words.rank(query, TOP, vector);
      render(ranked, query);
      list.dataset.kbState = "hybrid";
      setStatus(describe(ranked));
      list.dataset.kbState = "done";
    } catch (error) {
      if (mine !== ticket) return;
      list.dataset.kbState = "done";
      setStatus(`Meaning-based search failed (${errorText(error)}): word matches shown.`, "warning");
      console.warn("kb search:", error);
    }
  }

  let modelPromise = null;
  function loadModel() {
    if (modelPromise) return modelPromise;
    state.model = "loading";
    offer.hidden = true;
    modelPromise = (async () => {
      try {
        state.embedder = await loadMeaning(state.words.engine, assets, (loaded, total) => {
          if (state.model !== "loading" || !state.query.trim()) return;
          const mb = (x) => (x / 1e6).toFixed(1);
          setStatus(`Word matches shown. Loading meaning-based search: ${mb(loaded)}${total ? ` of ${mb(total)}` : ""} MB…`);
        });
        state.model = "ready";
      } catch (error) {
        state.model = "failed";
        state.modelError = errorText(error);
        console.warn("kb search: the model could not be loaded:", error);
      }
      if (input.value.trim()) run();
      return state.model;
    })();
    return modelPromise;
  }

  input.addEventListener("input", run);
  input.addEventListener("focus", () => {
    if (input.value.trim() || !state.words) run();
  });
  input.addEventListener("keydown", (event) => {
    const n = list.querySelectorAll("[role=option]").length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (panel.hidden) open(true);
      if (!n) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      let next = state.active + step; // -1 is the box itself: the list wraps through it
      if (next >= n) next = -1;
      else if (next < -1) next = n - 1;
      highlight(next);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = state.active >= 0 && list.querySelectorAll("[role=option] a")[state.active];
      location.href = chosen ? chosen.href : askHref(input.value);
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (input.value) {
        input.value = "";
        run();
        open(false);
      } else {
        open(false);
        input.blur();
      }
    }
  });
  // a click in the list keeps the focus in the box (browsers that do not focus a clicked link
  // or button would otherwise close the list before the click lands)
  panel.addEventListener("mousedown", (event) => event.preventDefault());
  box.addEventListener("focusout", (event) => {
    if (!box.contains(event.relatedTarget)) open(false);
  });
  offer.addEventListener("click", () => {
    remember(window);
    loadModel();
    run();
    input.focus();
  });

  const ready = openWordSearch(assets.href, {
    // without WebAssembly the stemmer cannot run: words are matched as they are
    fallbackStem: typeof WebAssembly === "object" ? undefined : (word) => word,
  }).then(
    async (words) => {
      state.words = words;
      if (state.policy.load === "offer") {
        state.bytes = await modelBytes(words.engine.index, assets.href);
        offer.textContent = offerLabel(state.bytes);
      }
      if (document.activeElement === input || input.value) run();
      return true;
    },
    (error) => {
      state.loadError = errorText(error);
      setStatus(`The search could not be loaded (${state.loadError}).`, "error");
      console.error("kb search:", error);
      return false;
    },
  );
  setStatus("Loading the word index…");
  window.kbHeader = { ready, state, run, loadModel };
  return window.kbHeader;
}
