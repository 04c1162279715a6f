"""The site's navigation, in the order a student reads it.

Home, About the sources, then the corpus by kind, each by its index page (findings, with
each theme's landing page, practice strategies by domain, procedures, the timeline, the
glossary A-Z, case studies, source overviews), which lists its entries: the menu does not
list every entry, so a page's HTML does not grow with the corpus. Then the bibliography, the
tags, "About this site" (how to cite), and the other hand-written pages (how to contribute,
how the site and its search are built) apart, under "For editors".
Titles are HTML-escaped (the theme prints nav titles as HTML): "<under five> & families"
is shown as written.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..corpus import schema
from ..corpus.entries import Entry
from .markup import html_text

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


#: the corpus's sections in reading order: (kind, menu label)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("finding", "Findings"),
    ("strategy", "Practice strategies"),
    ("procedure", "Procedures"),
    ("event", "Timeline"),
    ("term", "Glossary"),
    ("case-study", "Case studies"),
    ("source", "Source overviews"),
)


def build_nav(entries: list[Entry], docs_pages: Iterable[str]) -> list[NavItem]:
    """The nav for ``mkdocs.yml``'s format. ``docs_pages``: hand-written pages (src URIs)."""
    docs = set(docs_pages)
    nav: list[NavItem] = []
    if HOME_PAGE in docs:
        nav.append({"Home": HOME_PAGE})
    if ABOUT_SOURCES_PAGE in docs:
        nav.append({"About the sources": ABOUT_SOURCES_PAGE})

    # each kind by its index page only: a menu listing every entry would be most of every
    # page's HTML (95% of a finding page at ten times the corpus); the index pages list them
    themes = {e.id: e for e in entries if e.kind == "theme"}
    for kind, label in SECTIONS:
        index = INDEX_PAGES[schema.KIND_FOLDER[kind]]
        if kind == "finding" and themes:  # the themes' landing pages, in reading order
            order = [k for k in schema.FINDING_THEMES if k in themes]
            landing: list[NavItem] = [{html_text(schema.FINDING_THEMES[k]): f"{themes[k].path_id}.md"} for k in order]
            nav.append({label: [index, *landing]})
        else:
            nav.append({label: index})
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
