"""Markdown to HTML for the printable edition, with links made internal to the one page.

The same Python-Markdown extensions as the site, the citations extension pointing at the
edition's own bibliography (``#KEY``) and adding no per-entry reference list. After
rendering, headings are shifted down (an entry's ``##`` becomes ``h4`` under its ``h3``) and
every link is resolved: to another entry's section (``#FOLDER-ID``), to a part of the edition
for an index page, to the bibliography for a key; a link to anything else on the site is
dropped (its text kept); links to other hosts stay as they are.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

import markdown

from ..cite.citestyle import CitationStyle
from ..corpus.entries import Corpus, Entry

CITATIONS = "indexer.site.mdx_citations"
EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", CITATIONS]
#: site pages that are parts of the edition
PAGE_PARTS: dict[str, str] = {
    "index.md": "introduction",
    "about-sources.md": "introduction",
    "findings/index.md": "findings",
    "strategies/index.md": "strategies",
    "procedures/index.md": "procedures",
    "timeline/index.md": "timeline",
    "glossary/index.md": "glossary",
    "case-studies/index.md": "case-studies",
    "sources/index.md": "the-sources",
    "bibliography.md": "bibliography",
}
_HEADING_RE = re.compile(r"<(/?)h([1-6])\b")
_LINK_RE = re.compile(r'<a\b([^>]*?)\bhref="([^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)
_ID_RE = re.compile(r'\sid="[^"]*"')
_TITLE_RE = re.compile(r'\s+title="[^"]*"')
_EXTERNAL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def anchor(entry: Entry) -> str:
    """The id of an entry's section in the edition: ``findings-co-location``."""
    return f"{entry.folder}-{entry.id}"


class Renderer:
    """Renders Markdown of entries and pages; knows every entry's section and every key."""

    def __init__(self, corpus: Corpus, style: CitationStyle) -> None:
        self.by_path = {e.rel_path: e for e in corpus.entries}
        self.keys = set(style.bibliography.references)
        configs: dict[str, dict[str, Any]] = {
            CITATIONS: {
                "bibliography": str(style.bibliography.path),
                "bibliography_url": "",
                "references": False,
            }
        }
        self.md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=configs)

    def markdown(self, text: str, entry: Entry | None, shift: int = 0, css: str = "") -> str:
        """``text`` as HTML; links resolved from ``entry``'s folder (the docs root if None)."""
        self.md.reset()
        out = self.md.convert(text)
        if shift:
            out = _HEADING_RE.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", out)
        out = _ID_RE.sub("", out) if "<h" in out else out  # headings' own ids would clash across entries
        folder = entry.folder if entry is not None else ""
        out = _LINK_RE.sub(lambda m: self._link(m, folder), out)
        if css and out.startswith("<p>"):
            out = f'<p class="{css}">' + out[3:]
        return out

    def target(self, href: str, folder: str) -> str | None:
        """The edition's ``#id`` for a link written in ``folder``, or None if it has none."""
        path, _, fragment = href.partition("#")
        if not path:
            return f"#{fragment}" if fragment in self.keys else None
        resolved = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path))
        if resolved in self.by_path:
            return f"#{anchor(self.by_path[resolved])}"
        if resolved in PAGE_PARTS:
            part = PAGE_PARTS[resolved]
            return f"#{fragment}" if part == "bibliography" and fragment in self.keys else f"#{part}"
        return None

    def _link(self, match: re.Match[str], folder: str) -> str:
        before, href, after, text = match.groups()
        if _EXTERNAL_RE.match(href):
            return match.group(0)
        target = self.target(href, folder)
        if target is None:
            return f'<span class="kb-print-unlinked">{text}</span>'
        # the hover text (a citation's full reference) is left out: the bibliography is at the end
        return f'<a{_TITLE_RE.sub("", before)}href="{target}"{_TITLE_RE.sub("", after)}>{text}</a>'


__all__ = ["PAGE_PARTS", "Renderer", "anchor"]
