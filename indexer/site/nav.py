"""The site's navigation, in the order a student reads it.

Home, About the sources, then the corpus by kind, each by its index page (findings by
theme, practice strategies by domain, procedures, the timeline, the glossary A-Z, case
studies, source overviews), which lists its entries: the menu does not list every entry,
so a page's HTML does not grow with the corpus. Then the bibliography, the tags, and any
other hand-written page (e.g. how to contribute) under "About this site".
Titles are HTML-escaped (the theme prints nav titles as HTML): "<under five> & families"
is shown as written.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..corpus import schema
from ..corpus.entries import Entry

NavItem = str | dict[str, "str | list[NavItem]"]

#: generated index pages, by kind folder
INDEX_PAGES: dict[str, str] = {folder: f"{folder}/index.md" for folder in schema.FOLDER_KIND}
BIBLIOGRAPHY_PAGE = "bibliography.md"
TAGS_PAGE = "tags.md"
HOME_PAGE = "index.md"
ABOUT_SOURCES_PAGE = "about-sources.md"


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
    for kind, label in SECTIONS:
        nav.append({label: INDEX_PAGES[schema.KIND_FOLDER[kind]]})
    nav.append({"Bibliography": BIBLIOGRAPHY_PAGE})
    nav.append({"Tags": TAGS_PAGE})
    others: list[NavItem] = [*sorted(docs - {HOME_PAGE, ABOUT_SOURCES_PAGE})]
    if others:
        nav.append({"About this site": others})
    return nav


__all__ = ["BIBLIOGRAPHY_PAGE", "INDEX_PAGES", "TAGS_PAGE", "build_nav"]
