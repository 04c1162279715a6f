"""Citing the site itself: "Cite this page" on every entry page, and the knowledge base as a whole.

A page is cited as a web page: the knowledge base's editors as one corporate author, the
page's title, the site's name, the year of the page's last change (``page_dates``: from the
repository's history, else the build, said so), its address and the access date. Two of
these are only known where the page is read, so the box marks them and ``docs/assets/kb.js``
fills them in the reader's browser:

* the address (``data-kb-url``): the page's own ``location`` without query or fragment, or,
  when the site was built with ``site_url``, the address under it (then nothing is changed);
* the access date (``data-kb-accessed``, with the form each format writes: ``en-GB``
  "3 December 2026", ``en-US`` "December 3, 2026", ``iso`` 2026-12-03, ``ris`` 2026/12/03):
  today in the reader's time zone. Without JavaScript the build date shows, and a note says so.

The box gives the reference in Harvard and APA (formatted once per site by citeproc-py
with slots for title, year, address and access date: ``page_templates``), and BibTeX, RIS and
CSL-JSON (the same exporters as every download). ``kb_reference`` is the knowledge base as a
whole, with the same author, title, year rule and address rule (the site's root); its box goes
on the pages that ask for it (``KB_CITATION_MARKER``) and its files beside the bibliography.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..cite.csl import for_style, to_csl
from ..cite.export import FORMATS, LABEL, MEDIA_TYPE, STYLES, SUFFIX, export
from ..corpus.bibliography import Reference
from ..corpus.entries import Entry
from .export_assets import SiteInfo
from .markup import format_date

#: where a hand-written page asks for the knowledge base's own citation
KB_CITATION_MARKER = "<!-- kb:cite-knowledge-base -->"
KB_KEY = "kb-knowledge-base"
#: the knowledge base's citation as files, beside the bibliography's downloads
KB_FILE_STEM = "bibliography/cite-this-knowledge-base"
STYLE_LABELS = {"harvard": "Harvard (Cite Them Right)", "apa": "APA 7"}
#: the language each style writes its dates in (as ``kb cite`` renders them)
STYLE_DATE_FORMS = {"harvard": "en-GB", "apa": "en-US"}

_TITLE, _URL = "\ue000kb-title\ue001", "https://kb-url.invalid/"
_YEAR = 1899  # a year no page was changed in: where each style prints the page's year
_ACCESSED = dt.date(1901, 2, 3)  # a date no page was read on: where each format prints it
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True)
class PageDate:
    """The date a page is cited with: its last change, or the build's (``known`` false)."""

    date: dt.date
    known: bool


def date_forms(day: dt.date) -> dict[str, str]:
    """``day`` as each format writes it (the forms ``kb.js`` writes today's date in)."""
    return {
        "en-GB": f"{day.day} {_MONTHS[day.month - 1]} {day.year}",
        "en-US": f"{_MONTHS[day.month - 1]} {day.day}, {day.year}",
        "iso": day.isoformat(),
        "ris": day.strftime("%Y/%m/%d"),
    }


def site_reference(key: str, title: str, site: SiteInfo, url: str, changed: dt.date, accessed: dt.date) -> Reference:
    """A page of the site (or the site itself) as a citable web page (BibTeX ``@online``); the
    site's name is the page's site name (none for the site itself: its title says it)."""
    fields = {
        "author": "{" + site.author + "}",
        "title": title,
        "organization": site.name if title != site.name else "",
        "howpublished": "Online knowledge base",
        "year": str(changed.year),
        "url": url,
        "urldate": accessed.isoformat(),
    }
    return Reference(key=key, entry_type="online", fields={k: v for k, v in fields.items() if v}, line=0)


def page_reference(entry: Entry, site: SiteInfo, relative_url: str, changed: PageDate | None = None) -> Reference:
    """An entry's page as a citable web page: its last change's year (else the build's)."""
    day = changed.date if changed else site.date
    return site_reference(f"kb-{entry.id}", entry.title, site, site.page_url(relative_url), day, site.date)


def kb_reference(site: SiteInfo, changed: PageDate | None = None) -> Reference:
    """The knowledge base as a whole: same author and rules, the site's root as address."""
    day = changed.date if changed else site.date
    return site_reference(KB_KEY, site.name, site, site.page_url(""), day, site.date)


def page_templates(site: SiteInfo, csl: Mapping[str, Path] | None = None) -> dict[str, str]:
    """Per style, a page's formatted reference with slots for title, year, address and access
    date (citeproc-py takes about 10 ms a reference; the pages differ only in those four)."""
    from ..cite.citestyle import render_items

    styles = dict(csl or STYLES)
    ref = site_reference("kb-page", _TITLE, site, _URL, dt.date(_YEAR, 1, 1), _ACCESSED)
    return {name: render_items([to_csl(ref)], path, links=False)["kb-page"] for name, path in styles.items()}


def formatted(ref: Reference, site: SiteInfo, csl: Mapping[str, Path] | None = None) -> dict[str, str]:
    """Per style, one reference of the site formatted on its own (the knowledge base itself),
    its address and access date marked as ``filled`` marks them."""
    from ..cite.citestyle import render_items

    marked = replace(ref, fields={**ref.fields, "url": _URL, "urldate": _ACCESSED.isoformat()})
    return {name: filled(render_items([to_csl(marked)], path, links=False)[ref.key], name, ref, site)
            for name, path in dict(csl or STYLES).items()}


def _url_html(url: str, live: bool) -> str:
    """The address: a link when absolute; marked for kb.js when the reader's own is wanted."""
    mark = " data-kb-url" if live else ""
    text = html.escape(url, quote=False) or "[the address of this site]"  # the root, not known here
    if "://" in url:
        return f'<a href="{html.escape(url, quote=True)}"{mark}>{text}</a>'
    return f"<span{mark}>{text}</span>"


def _accessed_html(form: str, site: SiteInfo) -> str:
    return f'<span data-kb-accessed="{form}">{html.escape(date_forms(site.date)[form])}</span>'


def filled(template: str, style: str, ref: Reference, site: SiteInfo) -> str:
    """A formatted reference from ``page_templates``: the slots filled, the address and the
    access date marked for the reader's browser."""
    live = not site.url
    text = template.replace(_URL, _url_html(ref.get("url"), live))
    text = text.replace(date_forms(_ACCESSED)[STYLE_DATE_FORMS[style]], _accessed_html(STYLE_DATE_FORMS[style], site))
    text = text.replace(str(_YEAR), html.escape(ref.year, quote=False))
    title = str(for_style({"type": "webpage", "title": ref.title}, style)["title"])  # the style's casing rule
    return text.replace(_TITLE, html.escape(title, quote=False))


def _export_html(ref: Reference, fmt: str, site: SiteInfo) -> str:
    """The reference in ``fmt`` as HTML text, its address and access date marked."""
    marked = replace(ref, fields={**ref.fields, "url": _URL, "urldate": _ACCESSED.isoformat()})
    text = html.escape(export([marked], fmt), quote=False)
    url = html.escape(ref.get("url"), quote=False)
    text = text.replace(_URL, f"<span data-kb-url>{url}</span>" if not site.url else url)
    for form in ("iso", "ris"):
        text = text.replace(date_forms(_ACCESSED)[form], _accessed_html(form, site))
    if fmt == "csljson":  # CSL-JSON writes the date as numbers: [1901, 2, 3], one a line
        text = re.sub(r"1901(,\s*)2(,\s*)3\b", lambda m: f'<span data-kb-accessed="csl">{site.date.year}{m.group(1)}'
                      f"{site.date.month}{m.group(2)}{site.date.day}</span>", text)
    return text


def cite_box(ref: Reference, formatted: Mapping[str, str], site: SiteInfo, changed: PageDate | None,
             heading: str = "Cite this page", files: Mapping[str, str] | None = None) -> str:
    """HTML: the reference in each style (``formatted``: style -> HTML from ``filled``), with
    a copy button each, then BibTeX, RIS and CSL-JSON; ``files`` (format -> link) offers them
    as downloads too."""
    ident = "cite-this-page" if ref.key != KB_KEY else "cite-the-knowledge-base"
    live = "" if site.url else ' data-kb-live-url="1"'
    parts = [f'<div class="admonition quote kb-cite" id="{ident}" data-search-exclude{live}>',
             f'<p class="admonition-title">{html.escape(heading)}</p>']
    for style, text in formatted.items():
        parts.append(
            f'<p class="kb-cite-text kb-ref" data-kb-style="{style}"><span class="kb-cite-style">'
            f"{html.escape(STYLE_LABELS.get(style, style))}:</span> <span class=\"kb-ref-text\">{text}</span> "
            '<button type="button" class="kb-copy" hidden>Copy</button></p>'
        )
    for fmt in FORMATS:
        label = LABEL[fmt]
        parts.append(f'<details class="kb-cite-format"><summary>{label}</summary>'
                     f'<pre><code data-kb-format="{fmt}">{_export_html(ref, fmt, site)}</code></pre></details>')
    if files:
        links = " · ".join(
            f'<a href="{html.escape(files[f], quote=True)}" download type="{MEDIA_TYPE[f]}" data-format="{f}">'
            f"{LABEL[f]}</a>" for f in FORMATS if f in files
        )
        parts.append(f'<p class="kb-cite-files">Download: {links}</p>')
    if ref.key == KB_KEY and kb_version():
        parts.append(f'<p class="kb-cite-note kb-cite-version">Version {html.escape(kb_version())} '
                     "(as in the repository's CITATION.cff).</p>")
    if changed and changed.known:
        parts.append(f'<p class="kb-cite-note">Last changed {format_date(changed.date.isoformat())}.</p>')
    elif changed is not None:
        parts.append('<p class="kb-cite-note">The date of the last change is not recorded: the year given is '
                     f"the year this site was built ({changed.date.year}).</p>")
    parts.append('<p class="kb-cite-note kb-cite-nojs">The access date above is the day this site was built '
                 f"({format_date(site.date.isoformat())}): give the day you read the page.</p>")
    parts.append("</div>")
    return "".join(parts)


def kb_version() -> str:
    """The knowledge base's version (the project's, as CITATION.cff gives it; '' when the
    package is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("early-years-kb")
    except PackageNotFoundError:
        return ""


def kb_files(site: SiteInfo, changed: PageDate | None = None) -> dict[str, str]:
    """The knowledge base's own citation as ``.bib``, ``.ris`` and ``.json`` files (address
    under ``site_url``; without it, the files carry the address relative to the site's root)."""
    ref = kb_reference(site, changed)
    return {f"{KB_FILE_STEM}{SUFFIX[fmt]}": export([ref], fmt) for fmt in FORMATS}


__all__ = [
    "KB_CITATION_MARKER",
    "KB_FILE_STEM",
    "KB_KEY",
    "STYLE_LABELS",
    "PageDate",
    "cite_box",
    "date_forms",
    "filled",
    "formatted",
    "kb_files",
    "kb_reference",
    "kb_version",
    "page_reference",
    "page_templates",
    "site_reference",
]
