/* The site's small scripts: previews of citations and glossary terms, the timeline's filter,
   and citing: the bibliography's style switch, filter and copy buttons, and the reader's own
   address and today's date in "Cite this page".
   Local, no dependencies, no request to another host; every piece of content is set as
   text (textContent) or copied as DOM nodes from the page itself, never parsed as HTML.
   Without this script every link still works (citations open the bibliography) and every
   timeline event shows. */
(function () {
  "use strict";
  var script = document.currentScript;
  var assets = new URL(".", script ? script.src : location.href); /* .../assets/ */
  var siteRoot = new URL("..", assets);
  var glossary = null; /* a promise of {byPath, byAbbr} */

  function loadGlossary() {
    if (!glossary) {
      glossary = fetch(new URL("kb-glossary.json", assets))
        .then(function (r) { return r.ok ? r.json() : { terms: [] }; })
        .catch(function () { return { terms: [] }; })
        .then(function (data) {
          var byPath = {}, byAbbr = {};
          (data.terms || []).forEach(function (t) {
            var path = new URL(t.url, siteRoot).pathname;
            byPath[path] = t;
            if (t.abbr) byAbbr[t.abbr] = t;
          });
          return { byPath: byPath, byAbbr: byAbbr };
        });
    }
    return glossary;
  }

  /* ---- the popover: one element, moved next to the trigger it previews ---------------- */
  var pop = null, current = null, openTimer = 0, closeTimer = 0, openSeq = 0, lastPointer = "mouse";
  var narrow = window.matchMedia("(max-width: 44.9375em), (hover: none)");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function popover() {
    if (pop) return pop;
    pop = el("span", "kb-pop");
    pop.id = "kb-pop";
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", "Preview");
    pop.hidden = true;
    pop.addEventListener("mouseenter", function () { clearTimeout(closeTimer); });
    pop.addEventListener("mouseleave", function () { scheduleClose(); });
    pop.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { var t = current; close(); if (t) t.focus(); }
    });
    pop.addEventListener("focusout", function (e) {
      if (!pop.contains(e.relatedTarget) && e.relatedTarget !== current) scheduleClose();
    });
    return pop;
  }

  function decoded(text) { /* a title attribute's text, escaped once more for the theme */
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
      .replace(/&#x27;/g, "'").replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  }

  function citationContent(link) {
    var box = el("span", "kb-pop__body");
    var key = decodeURIComponent((link.getAttribute("href") || "").split("#")[1] || "");
    var ref = key && document.getElementById("ref-" + key);
    var text = el("span", "kb-pop__text");
    if (ref) {
      ref.childNodes.forEach(function (node) {
        if (!(node.nodeType === 1 && node.classList.contains("kb-reference-link"))) text.appendChild(node.cloneNode(true));
      });
    } else {
      text.textContent = decoded(link.dataset.kbTitle || link.textContent);
    }
    box.appendChild(text);
    var more = el("a", "kb-pop__link", "This reference in the bibliography");
    more.href = link.href;
    box.appendChild(more);
    return Promise.resolve({ label: "Reference", body: box });
  }

  function termContent(trigger, term) {
    var box = el("span", "kb-pop__body");
    var head = el("strong", "kb-pop__term", term.title);
    box.appendChild(head);
    if (term.abbr && term.title.indexOf(term.abbr) < 0) box.appendChild(document.createTextNode(" (" + term.abbr + ")"));
    box.appendChild(el("span", "kb-pop__text", term.definition));
    if (new URL(term.url, siteRoot).pathname !== location.pathname) {
      var more = el("a", "kb-pop__link", "Glossary: " + term.title);
      more.href = new URL(term.url, siteRoot).href;
      box.appendChild(more);
    }
    return { label: "Glossary term", body: box };
  }

  function contentFor(trigger) {
    if (trigger.classList.contains("citation-ref")) return citationContent(trigger);
    return loadGlossary().then(function (g) {
      var term = trigger.tagName === "ABBR"
        ? g.byAbbr[trigger.textContent.trim()]
        : g.byPath[new URL(trigger.href).pathname];
      return term ? termContent(trigger, term) : null;
    });
  }

  function place(trigger) {
    if (narrow.matches) { /* a sheet at the bottom of the screen: keep the line read above it */
      pop.classList.add("kb-pop--sheet");
      var sheetTop = window.innerHeight - pop.offsetHeight;
      var rect = trigger.getBoundingClientRect();
      if (rect.bottom > sheetTop - 8) window.scrollBy(0, rect.bottom - sheetTop + 24);
      return;
    }
    pop.classList.remove("kb-pop--sheet");
    var parent = pop.offsetParent || document.body;
    var box = parent.getBoundingClientRect(), r = trigger.getBoundingClientRect();
    var width = Math.min(pop.offsetWidth, window.innerWidth - 16);
    var left = Math.max(8, Math.min(r.left, window.innerWidth - width - 8));
    var below = r.bottom + pop.offsetHeight + 8 < window.innerHeight || r.top < pop.offsetHeight + 8;
    var top = below ? r.bottom + 6 : r.top - pop.offsetHeight - 6;
    pop.style.left = (left - box.left) + "px";
    pop.style.top = (top - box.top) + "px";
  }

  function open(trigger) {
    clearTimeout(closeTimer);
    if (current === trigger && !pop.hidden) return;
    var wanted = trigger, ticket = ++openSeq;
    Promise.resolve(contentFor(trigger)).then(function (content) {
      if (!content || ticket !== openSeq) return;
      var p = popover();
      if (current && current !== wanted) release(current);
      current = wanted;
      p.textContent = "";
      p.setAttribute("aria-label", content.label);
      content.body.id = "kb-pop-body";
      p.appendChild(content.body);
      var shut = el("button", "kb-pop__close", "Close");
      shut.type = "button";
      shut.addEventListener("click", function () { var t = current; close(); if (t && lastPointer !== "touch") t.focus(); });
      p.appendChild(shut);
      /* after the trigger (after the link around it, if any: never a link inside a link) */
      (wanted.parentElement.closest("a") || wanted).insertAdjacentElement("afterend", p);
      if (wanted.title) { wanted.dataset.kbTitle = wanted.title; wanted.removeAttribute("title"); }
      if (wanted.hasAttribute("aria-expanded")) wanted.setAttribute("aria-expanded", "true");
      wanted.setAttribute("aria-describedby", "kb-pop-body");
      p.hidden = false;
      place(wanted);
    });
  }

  function release(trigger) {
    if (trigger.hasAttribute("aria-expanded")) trigger.setAttribute("aria-expanded", "false");
    trigger.removeAttribute("aria-describedby");
    if (trigger.tagName === "ABBR" && trigger.dataset.kbTitle) trigger.title = trigger.dataset.kbTitle;
  }

  function close() {
    openSeq += 1;
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (!pop || pop.hidden) return;
    pop.hidden = true;
    if (current) release(current);
    current = null;
  }

  function scheduleClose() {
    clearTimeout(closeTimer);
    closeTimer = setTimeout(close, 300);
  }

  function isTrigger(node) {
    if (!node || !node.closest || node.closest(".kb-pop")) return null;
    return node.closest(
      "article a.citation-ref, article abbr, article a[data-kb-term]"
    );
  }

  function markTerms() {
    /* glossary links in the text, and the first of each abbreviation (reachable by keyboard) */
    var seen = {};
    document.querySelectorAll("article abbr").forEach(function (abbr) {
      var name = abbr.textContent.trim();
      if (!seen[name]) { /* a button that opens the preview; later ones by mouse or finger */
        seen[name] = true;
        abbr.tabIndex = 0;
        abbr.setAttribute("role", "button");
        abbr.setAttribute("aria-expanded", "false");
      }
    });
    var glossaryPath = new URL("glossary/", siteRoot).pathname;
    document.querySelectorAll("article a[href]").forEach(function (a) {
      var url = new URL(a.href, location.href);
      if (url.origin === location.origin && url.pathname.indexOf(glossaryPath) === 0 &&
          url.pathname !== glossaryPath && !a.closest(".kb-pop")) {
        a.dataset.kbTerm = "";
        a.setAttribute("aria-expanded", "false");
      }
    });
    document.querySelectorAll("article a.citation-ref").forEach(function (a) {
      if (a.title) { a.dataset.kbTitle = a.title; a.removeAttribute("title"); }
      a.setAttribute("aria-expanded", "false");
    });
  }

  function setUpPreviews() {
    if (document.body.dataset.kbPreviews) return;
    document.body.dataset.kbPreviews = "1";
    document.addEventListener("pointerdown", function (e) {
      lastPointer = e.pointerType || "mouse";
      if (pop && !pop.hidden && !pop.contains(e.target) && !isTrigger(e.target)) close();
    });
    document.addEventListener("mouseover", function (e) {
      var t = isTrigger(e.target);
      if (!t || lastPointer === "touch") return;
      clearTimeout(openTimer);
      clearTimeout(closeTimer);
      openTimer = setTimeout(function () { open(t); }, 250);
    });
    document.addEventListener("mouseout", function (e) {
      var t = isTrigger(e.target);
      if (t && !t.contains(e.relatedTarget)) { clearTimeout(openTimer); if (current === t) scheduleClose(); }
    });
    document.addEventListener("focusin", function (e) {
      var t = isTrigger(e.target);
      if (t && lastPointer !== "touch") open(t);
      else if (pop && !pop.hidden && !pop.contains(e.target)) close();
    });
    document.addEventListener("click", function (e) {
      var t = isTrigger(e.target);
      if (!t) return;
      if (lastPointer === "touch" || t.tagName === "ABBR") {
        /* a tap previews; the preview's own link opens the page */
        e.preventDefault();
        if (current === t && pop && !pop.hidden) close(); else open(t);
      }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && pop && !pop.hidden) { var t = current; close(); if (t) t.focus(); }
      if ((e.key === "Enter" || e.key === " ") && e.target.tagName === "ABBR" && isTrigger(e.target)) {
        e.preventDefault();
        open(e.target);
      }
    });
  }

  /* ---- the timeline: filter by type, kept in the address; overview and contents follow --- */
  function setUpTimeline() {
    var bar = document.querySelector(".kb-filter");
    if (!bar || bar.dataset.ready) return;
    bar.dataset.ready = "1";
    var buttons = bar.querySelectorAll("button[data-kind]");
    var known = {};
    buttons.forEach(function (b) { known[b.dataset.kind] = true; });
    function show(kind) {
      buttons.forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.dataset.kind === kind));
      });
      var shownTotal = 0;
      document.querySelectorAll(".kb-timeline").forEach(function (list) {
        var visible = 0;
        list.querySelectorAll(".kb-event").forEach(function (ev) {
          var on = kind === "all" || ev.dataset.kind === kind;
          ev.hidden = !on;
          if (on) visible += 1;
        });
        shownTotal += visible;
        list.hidden = visible === 0;
        var heading = list.previousElementSibling;
        if (heading && heading.classList.contains("kb-decade")) {
          heading.hidden = visible === 0;
          /* the table of contents lists only the decades shown */
          document.querySelectorAll('.md-nav--secondary a[href$="#' + heading.id + '"]').forEach(function (a) {
            var item = a.closest("li");
            if (item) item.hidden = visible === 0;
          });
          document.querySelectorAll('.kb-overview a[href$="#' + heading.id + '"]').forEach(function (a) {
            var count = a.querySelector(".kb-overview__count");
            if (count) count.textContent = String(visible);
            var unit = a.querySelector(".kb-overview__unit");
            if (unit) unit.textContent = visible === 1 ? "event" : "events";
            a.closest("li").classList.toggle("kb-overview--empty", visible === 0);
            if (visible === 0) a.setAttribute("aria-disabled", "true"); else a.removeAttribute("aria-disabled");
          });
        }
      });
      document.querySelectorAll(".kb-overview").forEach(function (o) {
        if (kind === "all") delete o.dataset.filtered; else o.dataset.filtered = kind;
      });
      var status = document.querySelector(".kb-filter-status");
      if (status) status.textContent = kind === "all" ? "Showing all " + shownTotal + " events." : "Showing " + shownTotal + " events of this type.";
    }
    function fromAddress() {
      var kind = new URLSearchParams(location.search).get("type") || "all";
      return known[kind] ? kind : "all";
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        var url = new URL(location.href);
        if (b.dataset.kind === "all") url.searchParams.delete("type"); else url.searchParams.set("type", b.dataset.kind);
        history.replaceState(history.state, "", url.href);
        show(b.dataset.kind);
      });
    });
    show(fromAddress());
    window.addEventListener("popstate", function () { show(fromAddress()); });
  }

  /* ---- citing: style switch, copy, filter; the reader's address and date ------------------ */
  var STYLE_KEY = "kb-cite-style";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function storedStyle() {
    try { return localStorage.getItem(STYLE_KEY); } catch (e) { return null; }
  }

  function dateIn(form, d) { /* the forms indexer/site/cite_box.py writes dates in */
    var dd = String(d.getDate()), mm = String(d.getMonth() + 1), y = String(d.getFullYear());
    if (form === "en-GB") return dd + " " + MONTHS[d.getMonth()] + " " + y;
    if (form === "en-US") return MONTHS[d.getMonth()] + " " + dd + ", " + y;
    if (form === "iso") return y + "-" + (mm.length < 2 ? "0" : "") + mm + "-" + (dd.length < 2 ? "0" : "") + dd;
    if (form === "ris") return y + "/" + (mm.length < 2 ? "0" : "") + mm + "/" + (dd.length < 2 ? "0" : "") + dd;
    return null;
  }

  function fillCiteBoxes() {
    var today = new Date();
    document.querySelectorAll(".kb-cite").forEach(function (box) {
      if (box.dataset.kbFilled) return;
      box.dataset.kbFilled = "1";
      box.querySelectorAll("[data-kb-accessed]").forEach(function (span) {
        var form = span.dataset.kbAccessed;
        if (form === "csl") { /* [year, month, day], one a line: keep the spacing */
          span.textContent = span.textContent.replace(/^(\d+)(,\s*)(\d+)(,\s*)(\d+)$/, function (m, y, a, mo, b) {
            return today.getFullYear() + a + (today.getMonth() + 1) + b + today.getDate();
          });
        } else {
          var text = dateIn(form, today);
          if (text) span.textContent = text;
        }
      });
      box.querySelectorAll(".kb-cite-nojs").forEach(function (note) { note.remove(); });
      if (!box.hasAttribute("data-kb-live-url")) return; /* built with site_url: that address stays */
      var address = box.id === "cite-the-knowledge-base" ? siteRoot : new URL(location.href);
      address.search = "";
      address.hash = "";
      box.querySelectorAll("[data-kb-url]").forEach(function (node) {
        node.textContent = address.href;
        if (node.tagName === "A") node.href = address.href;
      });
    });
  }

  function copyText(node) {
    var clone = node.cloneNode(true);
    clone.querySelectorAll("button, .Z3988").forEach(function (b) { b.remove(); });
    var text = clone.textContent.replace(/\s+/g, " ").trim();
    var rich = clone.innerHTML.trim();
    if (navigator.clipboard && window.ClipboardItem && navigator.clipboard.write) {
      var item = new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([rich], { type: "text/html" })
      });
      return navigator.clipboard.write([item]).catch(function () { return navigator.clipboard.writeText(text); });
    }
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) { /* no clipboard API (a page not served securely) */
      var range = document.createRange();
      range.selectNodeContents(node);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      var ok = document.execCommand && document.execCommand("copy");
      sel.removeAllRanges();
      if (ok) resolve(); else reject(new Error("copy"));
    });
  }

  function referenceOf(button) {
    var entry = button.closest(".kb-bib-entry");
    if (entry) return entry.querySelector(".kb-ref:not([hidden])");
    var ref = button.closest(".kb-ref");
    return ref && ref.querySelector(".kb-ref-text");
  }

  function setUpCopy() {
    document.querySelectorAll("button.kb-copy").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      var entry = button.closest(".kb-bib-entry, .kb-ref");
      var label = entry && entry.dataset.kbStyle ? " (" + entry.querySelector(".kb-cite-style").textContent.replace(":", "") + ")" : "";
      button.setAttribute("aria-label", "Copy this reference" + label);
      button.addEventListener("click", function () {
        var ref = referenceOf(button);
        if (!ref) return;
        copyText(ref).then(function () { say(button, "Copied"); }, function () { say(button, "Select the text to copy it"); });
      });
    });
  }

  function say(button, text) {
    var old = button.dataset.label || button.textContent;
    button.dataset.label = old;
    button.textContent = text;
    var status = document.querySelector(".kb-bib-status") || button;
    if (status !== button) status.textContent = text === "Copied" ? "Reference copied." : text;
    setTimeout(function () { button.textContent = old; }, 2000);
  }

  function setUpBibliography() {
    var bar = document.querySelector(".kb-style-switch");
    if (!bar || bar.dataset.ready) return;
    bar.dataset.ready = "1";
    bar.hidden = false;
    var buttons = bar.querySelectorAll("button[data-kb-style]");
    var known = {};
    buttons.forEach(function (b) { known[b.dataset.kbStyle] = true; });
    var status = bar.querySelector(".kb-bib-status");
    function show(style, announce) {
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.kbStyle === style)); });
      document.querySelectorAll(".kb-bib-entry .kb-ref[data-kb-style]").forEach(function (p) {
        p.hidden = p.dataset.kbStyle !== style;
      });
      if (announce && status) status.textContent = "References shown in " + bar.querySelector('[data-kb-style="' + style + '"]').textContent + ".";
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        try { localStorage.setItem(STYLE_KEY, b.dataset.kbStyle); } catch (e) { /* private mode: this page only */ }
        show(b.dataset.kbStyle, true);
      });
    });
    var stored = storedStyle();
    if (stored && known[stored]) show(stored, false);
    var filter = bar.querySelector("input[data-kb-bib-filter]");
    if (filter) filter.addEventListener("input", function () { filterReferences(filter.value, status); });
  }

  function filterReferences(query, status) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    document.querySelectorAll(".kb-bib-entry").forEach(function (entry) {
      var ref = entry.querySelector(".kb-ref:not([hidden])") || entry; /* the reference as shown */
      var text = ref.textContent.toLowerCase();
      var on = words.every(function (w) { return text.indexOf(w) >= 0; });
      entry.hidden = !on;
      if (on) shown += 1;
    });
    document.querySelectorAll("h2.kb-letter").forEach(function (h) {
      var next = h.nextElementSibling, any = false;
      while (next && !(next.tagName === "H2")) {
        if (next.classList.contains("kb-bib-entry") && !next.hidden) any = true;
        next = next.nextElementSibling;
      }
      h.hidden = !any;
    });
    if (status) status.textContent = words.length ? shown + " references match." : "";
  }

  function setUpDownloads() { /* the knowledge base's citation files, with the reader's address and date */
    var box = document.getElementById("cite-the-knowledge-base");
    if (!box) return;
    var formats = { ".bib": "bibtex", ".ris": "ris", ".json": "csljson" };
    document.querySelectorAll('a[download][href*="cite-this-knowledge-base"]').forEach(function (a) {
      if (a.dataset.ready) return;
      a.dataset.ready = "1";
      a.addEventListener("click", function (e) {
        var ext = (a.getAttribute("href").match(/\.[a-z]+$/) || [""])[0];
        var code = box.querySelector('code[data-kb-format="' + formats[ext] + '"]');
        if (!code) return;
        e.preventDefault();
        var url = URL.createObjectURL(new Blob([code.textContent], { type: "text/plain" }));
        var link = el("a");
        link.href = url;
        link.download = "cite-this-knowledge-base" + ext;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      });
    });
  }

  function setUp() {
    fillCiteBoxes();
    setUpBibliography();
    setUpCopy();
    setUpDownloads();
    markTerms();
    setUpPreviews();
    setUpTimeline();
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search this site");
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { close(); setUp(); }); /* mkdocs-material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
