"""The site's navigation, in the order a student reads it.

Home, About the sources, then the corpus by kind: findings by theme (in the themes'
reading order), practice strategies by domain, procedures, the timeline (events by
date), the glossary (A-Z), case studies, source overviews; then the bibliography, the
tags, "About this site" (how to cite), and the other hand-written pages (how to contribute,
how the site and its search are built) apart, under "For editors".
Each section starts with its index page (mkdocs-material ``navigation.indexes``).
Titles are HTML-escaped (the theme prints nav titles as HTML): "<under five> & families"
is shown as written.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..corpus import schema
from ..corpus.entries import Entry
from .glossary import _sort_key
from .markup import by_title, grouped, html_text
from .timeline import event_label, event_sort_key

NavItem = str | dict[str, "str | list[NavItem]"]

#: generated index pages, by kind folder
INDEX_PAGES: dict[str, str] = {folder: f"{folder}/index.md" for folder in schema.FOLDER_KIND}
BIBLIOGRAPHY_PAGE = "bibliography.md"
TAGS_PAGE = "tags.md"
HOME_PAGE = "index.md"
ABOUT_SOURCES_PAGE = "about-sources.md"
#: hand-written pages for readers; every other one (how to contribute, how the site and the
#: search are built, the bibliography's notes...) goes under "For editors", last
READER_PAGES: tuple[str, ...] = ("citing.md",)


def _page(entry: Entry, title: str | None = None) -> NavItem:
    return {html_text(title or entry.title): f"{entry.path_id}.md"}


def build_nav(entries: list[Entry], docs_pages: Iterable[str]) -> list[NavItem]:
    """The nav for ``mkdocs.yml``'s format. ``docs_pages``: hand-written pages (src URIs)."""
    of = {kind: [e for e in entries if e.kind == kind] for kind in schema.KIND_FOLDER}
    docs = set(docs_pages)
    nav: list[NavItem] = []
    if HOME_PAGE in docs:
        nav.append({"Home": HOME_PAGE})
    if ABOUT_SOURCES_PAGE in docs:
        nav.append({"About the sources": ABOUT_SOURCES_PAGE})

    findings: list[NavItem] = [INDEX_PAGES["findings"]]
    theme_pages = {e.id: e for e in of["theme"]}
    for theme, label, group in grouped(of["finding"], "theme", schema.FINDING_THEMES):
        landing = [_page(theme_pages[theme], "About this theme")] if theme in theme_pages else []
        findings.append({html_text(label): [*landing, *(_page(e) for e in group)]})
    nav.append({"Findings": findings})

    strategies: list[NavItem] = [INDEX_PAGES["strategies"]]
    for _domain, label, group in grouped(of["strategy"], "domain", schema.STRATEGY_DOMAINS):
        strategies.append({html_text(label): [_page(e) for e in group]})
    nav.append({"Practice strategies": strategies})

    nav.append({"Procedures": [INDEX_PAGES["procedures"], *(_page(e) for e in by_title(of["procedure"]))]})
    events = sorted(of["event"], key=event_sort_key)
    nav.append({"Timeline": [INDEX_PAGES["timeline"], *(_page(e, event_label(e)) for e in events)]})
    terms = sorted(of["term"], key=lambda e: _sort_key(e.title))
    nav.append({"Glossary": [INDEX_PAGES["glossary"], *(_page(e) for e in terms)]})
    nav.append({"Case studies": [INDEX_PAGES["case-studies"], *(_page(e) for e in by_title(of["case-study"]))]})
    sources = sorted(of["source"], key=lambda e: (str(e.meta.get("year", "")), e.title.casefold()))
    nav.append({"Source overviews": [INDEX_PAGES["sources"], *(_page(e) for e in sources)]})
    nav.append({"Bibliography": BIBLIOGRAPHY_PAGE})
    nav.append({"Tags": TAGS_PAGE})
    readers: list[NavItem] = [p for p in READER_PAGES if p in docs]
    if readers:
        nav.append({"About this site": readers})
    editors: list[NavItem] = [*sorted(docs - {HOME_PAGE, ABOUT_SOURCES_PAGE, *READER_PAGES})]
    if editors:
        nav.append({"For editors": editors})
    return nav


__all__ = ["BIBLIOGRAPHY_PAGE", "INDEX_PAGES", "TAGS_PAGE", "build_nav"]
