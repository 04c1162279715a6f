"""Citing from the website: downloads, the export control, "Cite this page", Zotero metadata.

Pure functions; the MkDocs plugin only places what they return:

* ``evidence_files``: the per-claim evidence table as ``evidence.csv`` and ``.json``;
* ``download_files``: a folder's ``references.bib``, ``.ris`` and ``.json`` (CSL-JSON),
  written by ``indexer.export``; for the whole bibliography and for each entry page;
* ``export_control``: the "Export these references" links, with a COinS span
  (``<span class="Z3988">``) per work so that Zotero's connector finds each one with
  the right item type (``coins``);
* ``reference_files``: each reference alone as ``.bib``, ``.ris`` and ``.json``, for the
  bibliography page's per-reference downloads (the same exporters as every other download);
* "Cite this page" and the knowledge base's own citation are in ``indexer.site.cite_box``;
* ``highwire_meta``: ``citation_*`` meta tags (and ``og:type``/``DC.type``, which make
  Zotero's Embedded Metadata translator save the page as a web page rather than guess a
  journal article from ``citation_title``).

The export links and the cite box carry ``data-search-exclude``: the site's search (Material's)
does not index them, so that they do not turn up for every query.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urljoin

from ..cite.csl import CSLItem, name_text, to_csl
from ..cite.export import FORMATS, LABEL, MEDIA_TYPE, SUFFIX, export, page_range
from ..corpus.bibliography import Reference
from ..corpus.citations import Labels
from ..corpus.entries import Entry

EXPORT_STEM = "references"
#: the whole bibliography's downloads, beside the bibliography page
BIBLIOGRAPHY_FOLDER = "bibliography"


@dataclass(frozen=True)
class SiteInfo:
    """What a citation of one of the site's pages needs to know about the site."""

    name: str
    url: str  # site_url from mkdocs.yml, "" when not set
    author: str  # a corporate author: the knowledge base's editors
    date: dt.date  # the build date: publication and access date of the pages

    def page_url(self, relative: str) -> str:
        """The page's address: absolute under ``url``, else relative to the site's root."""
        return urljoin(self.url if self.url.endswith("/") else self.url + "/", relative) if self.url else relative


def build_date() -> dt.date:
    """Today in UTC, or the date of ``$SOURCE_DATE_EPOCH`` (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def download_files(folder: str, references: Sequence[Reference]) -> dict[str, str]:
    """``{folder/references.bib: text, ...}`` in every export format."""
    return {f"{folder}/{EXPORT_STEM}{SUFFIX[fmt]}": export(references, fmt) for fmt in FORMATS}


#: each reference alone, for the bibliography page's per-reference downloads
REFERENCE_FOLDER = f"{BIBLIOGRAPHY_FOLDER}/ref"


def reference_files(references: Sequence[Reference]) -> dict[str, str]:
    """``{bibliography/ref/KEY.bib: text, ...}``: each reference alone in every export format."""
    return {reference_file(ref.key, fmt): export([ref], fmt) for ref in references for fmt in FORMATS}


def reference_file(key: str, fmt: str) -> str:
    return f"{REFERENCE_FOLDER}/{key}{SUFFIX[fmt]}"


def evidence_files(entries: Sequence[Entry], labels: Labels, folder: str = BIBLIOGRAPHY_FOLDER) -> dict[str, str]:
    """``{folder/evidence.csv: text, folder/evidence.json: text}``: the per-claim evidence table
    (``indexer.cite.evidence``, as ``kb evidence`` writes it), for the site's downloads."""
    from ..cite.evidence import EVIDENCE_FORMATS, evidence_export, evidence_rows

    rows = evidence_rows(entries, labels)
    return {f"{folder}/evidence.{fmt}": evidence_export(rows, fmt) for fmt in EVIDENCE_FORMATS}


def download_name(folder: str, fmt: str) -> str:
    return f"{folder}/{EXPORT_STEM}{SUFFIX[fmt]}"


def with_abbreviations(fragment: str, abbreviations: dict[str, str]) -> str:
    """An HTML fragment whose text explains the glossary's abbreviations on hover, as
    Python-Markdown's ``abbr`` does for the rest of the page (tags and their attributes
    are left alone; copied text is unchanged)."""
    if not abbreviations:
        return fragment
    pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in sorted(abbreviations, key=len, reverse=True)) + r")\b")

    def wrap(match: re.Match[str]) -> str:
        abbr = match.group(1)
        # escaped twice: once for the attribute, once for the theme's tooltip (which is HTML)
        tip = html.escape(html.escape(abbreviations[abbr], quote=False), quote=True)
        return f'<abbr title="{tip}">{html.escape(abbr)}</abbr>'

    parts = re.split(r"(<[^>]+>)", fragment)
    return "".join(p if p.startswith("<") else pattern.sub(wrap, p) for p in parts)


# -- COinS ---------------------------------------------------------------------------------


def _coins_creators(item: CSLItem) -> list[tuple[str, str]]:
    """Creators as Zotero's OpenURL reader keeps them in order: each author as ``rft.aulast``
    (and ``rft.aufirst``; a corporate name as ``rft.aulast`` alone, never ``rft.aucorp``,
    which Zotero moves to the front, nor ``rft.au``, which it splits at a comma); editors as
    ``rft.contributor`` (COinS has no editor key: Zotero makes them contributors)."""
    pairs: list[tuple[str, str]] = []
    for name in item.get("author", []):
        if "literal" in name:
            pairs.append(("rft.aulast", name["literal"]))
        else:
            family = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
            pairs += [("rft.aulast", family), ("rft.aufirst", name.get("given", ""))]
    pairs += [("rft.contributor", name_text(name)) for name in item.get("editor", [])]
    return pairs


def _coins_pairs(ref: Reference) -> list[tuple[str, str]]:
    item = to_csl(ref)
    kind = str(item["type"])
    def get(variable: str) -> str:
        return str(item.get(variable, "") or "")

    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004")]
    if kind == "article-journal":
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"), ("rft.genre", "article")]
        pairs += [("rft.atitle", get("title")), ("rft.jtitle", get("container-title"))]
        pairs += [("rft.volume", get("volume")), ("rft.issue", get("issue"))]
    elif kind in ("book", "chapter", "report", "paper-conference"):
        genre = {"book": "book", "chapter": "bookitem", "report": "report", "paper-conference": "proceeding"}[kind]
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", genre)]
        if kind in ("chapter", "paper-conference"):
            pairs += [("rft.atitle", get("title")), ("rft.btitle", get("container-title"))]
        else:
            pairs += [("rft.btitle", get("title"))]
        pairs += [("rft.place", get("publisher-place")), ("rft.pub", get("publisher"))]
        pairs += [("rft.edition", get("edition")), ("rft.series", get("collection-title"))]
        pairs += [("rft.isbn", get("ISBN"))]
    elif kind == "thesis":
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:dissertation"), ("rft.title", get("title"))]
        pairs += [("rft.inst", get("publisher"))]
    else:  # Dublin Core: Zotero takes the item type from rft.type
        zotero_type = {"legislation": "statute", "webpage": "webpage"}.get(kind, "document")
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"), ("rft.type", zotero_type)]
        pairs += [("rft.title", get("title")), ("rft.publisher", get("publisher"))]
        pairs += [("rft.identifier", get("URL"))]
    pairs += _coins_creators(item)
    issued = (item.get("issued") or {}).get("date-parts", [[]])[0]
    if issued:
        pairs.append(("rft.date", "-".join([str(issued[0]), *(f"{p:02d}" for p in issued[1:3])])))
    if get("page"):
        start, end = page_range(get("page"))
        pairs += [("rft.pages", f"{start}-{end}" if end else start), ("rft.spage", start), ("rft.epage", end)]
    if get("ISSN"):
        pairs.append(("rft.issn", get("ISSN")))
    if get("DOI"):
        pairs.append(("rft_id", f"info:doi/{get('DOI')}"))
    if get("URL"):
        pairs.append(("rft_id", get("URL")))
    return [(k, v) for k, v in pairs if v]


def coins(ref: Reference) -> str:
    """The OpenURL ContextObject (KEV) of a reference, as a COinS span's ``title``.

    Types as Zotero reads them: journal article (``mtx:journal``), book, book section
    (``genre=bookitem``), report (``genre=report``), thesis, and through Dublin Core
    (``mtx:dc`` with ``rft.type``) web page, statute and document.
    """
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in _coins_pairs(ref))


def coins_span(ref: Reference) -> str:
    return f'<span class="Z3988" title="{html.escape(coins(ref), quote=True)}"></span>'


# -- the page's controls -------------------------------------------------------------------


def export_control(references: Sequence[Reference], links: dict[str, str]) -> str:
    """HTML: links to the page's references in each format (``links``: format -> URL), with
    a COinS span per work."""
    if not references:
        return ""
    n = len(references)
    anchors = " · ".join(
        f'<a href="{html.escape(links[fmt], quote=True)}" download type="{MEDIA_TYPE[fmt]}" '
        f'data-format="{fmt}">{LABEL[fmt]}</a>'
        for fmt in FORMATS
        if fmt in links
    )
    spans = "".join(coins_span(ref) for ref in references)
    noun = "reference" if n == 1 else "references"
    return (
        '<div class="kb-export" id="export-references" data-search-exclude>'
        f'<p><strong>Export the {n} {noun} of this page</strong> for a reference manager: {anchors}</p>'
        f"{spans}</div>"
    )


def highwire_meta(page_ref: Reference, site: SiteInfo, tags: Iterable[str] = (), changed: dt.date | None = None) -> str:
    """``<meta>`` tags for the page itself, read by Zotero, Google Scholar and others.

    No ``citation_author``: the page's author is the knowledge base's editors, a corporate
    name, which Zotero's Embedded Metadata translator would split into a first and a last
    name ("Editors of Multi-agency working in the early" / "Years"); the site's name is
    given as ``citation_publisher`` and ``og:site_name`` instead."""
    item = to_csl(page_ref)  # the one mapping: title, publisher, date and address from the CSL item
    title, url = str(item.get("title", "")), str(item.get("URL", ""))
    issued = (item.get("issued") or {}).get("date-parts", [[]])[0]
    date = "/".join([str(issued[0]), *(f"{p:02d}" for p in issued[1:3])]) if issued else ""
    date = (changed or site.date).strftime("%Y/%m/%d") if len(issued) < 3 else date  # the page's own day
    metas = [
        ("name", "citation_title", title),
        ("name", "citation_publication_date", date),
        ("name", "citation_date", date),
        ("name", "citation_publisher", str(item.get("publisher", "")) or site.name),
        ("name", "citation_language", "en"),
        ("name", "citation_keywords", "; ".join(tags)),
        ("name", "DC.type", "webpage"),
        ("property", "og:type", "website"),
        ("property", "og:title", title),
        ("property", "og:site_name", site.name),
    ]
    if site.url:
        metas.insert(4, ("name", "citation_public_url", url))
        metas.append(("property", "og:url", url))
    return "\n".join(
        f'<meta {attr}="{name}" content="{html.escape(value, quote=True)}">' for attr, name, value in metas if value
    )


__all__ = [
    "BIBLIOGRAPHY_FOLDER",
    "REFERENCE_FOLDER",
    "SiteInfo",
    "build_date",
    "coins",
    "coins_span",
    "download_files",
    "download_name",
    "evidence_files",
    "export_control",
    "highwire_meta",
    "reference_file",
    "reference_files",
    "with_abbreviations",
]
