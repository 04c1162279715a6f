"""The search page ``ask/``: a form the page's scripts (``kb-search/page.js``) bring to life.

Its link in every page's header is the theme override's (``theme/partials/header.html``).
"""

from __future__ import annotations

from .search_document import ASSETS_DIR

SEARCH_PAGE = "ask.md"


def search_page(root: str = "../", placeholder: str = "what does co-location achieve") -> str:
    """The Markdown of the search page: a form the page's script brings to life.

    ``root`` is the site root relative to the page (``../`` for ``ask/``): every URL is
    relative, so the site works under a sub-path; the script is an ES module (it needs an
    HTTP origin, not ``file://``).
    """
    assets = f"{root}{ASSETS_DIR}/"
    return f"""---
title: Search the knowledge base
hide:
  - toc
---

# Search the knowledge base

<div id="kb-search" class="kb-search" data-assets="{assets}" data-root="{root}" markdown="0">
<form class="kb-search__form" role="search" onsubmit="return false">
<label for="kb-search-query" class="kb-search__label">Ask a question or type some words</label>
<input id="kb-search-query" class="md-input kb-search__input" type="search" name="q" autocomplete="off"
  placeholder="{placeholder}">
<label for="kb-search-mode" class="kb-search__label">Rank by</label>
<select id="kb-search-mode" class="kb-search__mode">
<option value="hybrid" selected>meaning and words</option>
<option value="semantic">meaning only</option>
<option value="lexical">words only</option>
</select>
<fieldset class="kb-search__filters"><legend>Kind</legend><span id="kb-search-kinds"></span></fieldset>
<details class="kb-search__more"><summary>Filter by tag</summary>
<fieldset class="kb-search__filters"><legend>Tag</legend><span id="kb-search-tags"></span></fieldset>
</details>
</form>
<p id="kb-search-status" class="kb-search__status" role="status" aria-live="polite">Loading the index…</p>
<button type="button" id="kb-search-meaning" class="md-button kb-search__meaning" hidden>Search by meaning</button>
<p class="kb-search__export" hidden>Export these results' references:
<button type="button" class="md-button" data-format="bibtex">BibTeX</button>
<button type="button" class="md-button" data-format="ris">RIS</button></p>
<h2 id="kb-search-results-heading" class="kb-visually-hidden">Results</h2>
<ol id="kb-search-results" class="kb-search__results" aria-labelledby="kb-search-results-heading"></ol>
<noscript>The search runs in your browser and needs JavaScript.</noscript>
</div>

<link rel="stylesheet" href="{assets}search.css">
<script type="module" src="{assets}page.js"></script>

Everything runs on this device: your query is never sent anywhere. Words are matched at
once; the meaning-based search loads a small language model (tens of megabytes, once) when
you first search (on a phone, or with data saving on, when you ask for it), and then ranks
passages by meaning and words together, as `kb search` does. The address of a search
(`ask/?q=...`) can be shared or bookmarked.
"""


__all__ = ["SEARCH_PAGE", "search_page"]
