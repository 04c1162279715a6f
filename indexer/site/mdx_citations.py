"""A Python-Markdown extension for pandoc citations, formatted in a CSL style.

``[@mcinnes2007practitioners, p. 21]`` becomes ``(McInnes, 2007, p. 21)``; narrative
``@atkinson2002multiagency found`` becomes ``Atkinson et al. (2002) found``;
``[-@key]`` becomes ``(2007)``. Each cited work is a link to its entry on the
bibliography page (``bibliography_url#key``) whose ``title`` is the full reference (a
hover preview), and the works cited on a page are listed under "References" at its end.

Usable with any Python-Markdown host (MkDocs and its successors included)::

    markdown.markdown(text, extensions=["indexer.site.mdx_citations"],
                      extension_configs={"indexer.site.mdx_citations": {"bibliography": "refs.bib"}})

An unknown key is logged as a warning, ``path:line: unknown citation key '@foo'``, on
the logger ``logger_name`` (under ``mkdocs`` by default, so that ``mkdocs build --strict``
fails). Where the text comes from another file, a line ``<!-- kb-source: PATH:LINE -->``
says that the next line is line LINE of PATH; messages then name that file and line.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..cite.citestyle import DEFAULT_STYLE, CitationStyle, load_style, plain
from ..corpus.citations import Citation, CiteItem, replace_citations
from ..problems import did_you_mean
from .bibliography_page import is_unidentified, unidentified_html, unidentified_text

MARKER_RE = re.compile(r"^\s*<!--\s*kb-source:\s*(?P<path>.+?):(?P<line>\d+)\s*-->\s*$")
#: ``<!-- kb-page: findings/x.md -->``: the page's path in the docs folder, so that links to the
#: bibliography (``bibliography_url`` given from the docs root, ``/bibliography.md``) are
#: written relative to the page and need no builder to resolve them
PAGE_RE = re.compile(r"^\s*<!--\s*kb-page:\s*(?P<page>[^\s]+)\s*-->\s*$")
_TOKEN = "\x02kbcite:{}\x03"
_TOKEN_RE = r"\x02kbcite:(\d+)\x03"


def _fragment(tag: str, html_text: str, **attrib: str) -> ET.Element:
    """An element holding ``html_text`` (the formatter's HTML: text and <i>, <b>...)."""
    try:
        element = ET.fromstring(f"<{tag}>{html_text}</{tag}>")
    except ET.ParseError:
        element = ET.Element(tag)
        element.text = plain(html_text)
    for key, value in attrib.items():
        element.set(key, value)
    for node in element.iter():
        if node.text:
            node.text = AtomicString(node.text)
        if node.tail and node is not element:
            node.tail = AtomicString(node.tail)
    return element


def tooltip_text(text: str) -> str:
    """A ``title`` attribute's text for the theme's tooltips, which show it as HTML.

    Escaped twice: once for the tooltip's HTML and once for the attribute (Python-Markdown's
    serializer leaves what is already an entity alone, so it does not do the second)."""
    return html.escape(html.escape(text, quote=False), quote=True)


class _State:
    """What one conversion found: citations (by token number) and keys cited, in order."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self.cited: dict[str, None] = {}
        self.page: str | None = None  # the page's path in the docs folder (a kb-page marker)


class CitationsPreprocessor(Preprocessor):  # type: ignore[misc]  # markdown ships no type hints
    """Replace each citation by a token, noting where it was written; warn on unknown keys."""

    def __init__(self, md: Markdown, ext: CitationsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        markers: list[tuple[int, str, int]] = []  # (index in lines, path, line of next line)
        clean: list[str] = []
        for index, line in enumerate(lines):
            page = PAGE_RE.match(line)
            if page:
                self.ext.state.page = page.group("page")
                clean.append("")
                continue
            match = MARKER_RE.match(line)
            if match:
                markers.append((index, match.group("path"), int(match.group("line"))))
                clean.append("")
            else:
                clean.append(line)
        state = self.ext.state
        style = self.ext.style()

        def where(line: int) -> tuple[str, int]:
            index = line - 1
            for marker_index, path, first in reversed(markers):
                if marker_index < index:
                    return path, first + index - marker_index - 1
            return self.ext.getConfig("source") or "<text>", line

        def render(citation: Citation) -> str:
            for key in citation.keys:
                if style is not None and key not in style:
                    path, line = where(citation.line)
                    self.ext.logger().warning(f"{path}:{line}: unknown citation key '@{key}'{self.ext.suggest(key)}")
                else:
                    state.cited.setdefault(key, None)
            state.citations.append(citation)
            return _TOKEN.format(len(state.citations) - 1)

        return replace_citations("\n".join(clean), render).split("\n")


class CitationInlineProcessor(InlineProcessor):  # type: ignore[misc]  # markdown ships no type hints
    """Turn a citation token into a ``<span class="citation">`` with linked works."""

    def __init__(self, pattern: str, ext: CitationsExtension) -> None:
        super().__init__(pattern)
        self.ext = ext

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element, int, int]:
        citation = self.ext.state.citations[int(m.group(1))]
        return self.ext.render_citation(citation), m.start(0), m.end(0)


class ReferencesTreeprocessor(Treeprocessor):  # type: ignore[misc]  # markdown ships no type hints
    """Append a "References" section listing the works cited on the page."""

    def __init__(self, md: Markdown, ext: CitationsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: ET.Element) -> None:
        style = self.ext.style()
        if style is None or not self.ext.getConfig("references"):
            return
        cited = [k for k in self.ext.state.cited if k in style]
        if not cited:
            return
        order = {k: i for i, k in enumerate(style.sorted_keys())}
        heading = ET.SubElement(root, "h2", {"id": "references"})
        heading.text = self.ext.getConfig("references_heading")
        block = ET.SubElement(root, "div", {"class": "kb-references"})
        for key in sorted(cited, key=lambda k: order.get(k, len(order))):
            ref = style.bibliography.references[key]
            # a work the sources cite but no one could identify: said in words, not a placeholder title
            text = unidentified_html(ref) if is_unidentified(ref) else style.reference_html(key)
            paragraph = _fragment("p", text, **{"class": "kb-reference", "id": f"ref-{key}"})
            if len(paragraph):
                paragraph[-1].tail = AtomicString((paragraph[-1].tail or "") + " ")
            else:
                paragraph.text = AtomicString((paragraph.text or "") + " ")
            paragraph.append(self.ext.link(key, "↗", title="This reference in the bibliography"))
            paragraph[-1].set("class", "kb-reference-link")
            block.append(paragraph)


class LeftoverPostprocessor(Postprocessor):  # type: ignore[misc]  # markdown ships no type hints
    """Citations inside raw HTML never reach the inline stage: show them as plain text."""

    def __init__(self, md: Markdown, ext: CitationsExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        def plain_citation(m: re.Match[str]) -> str:
            element = self.ext.render_citation(self.ext.state.citations[int(m.group(1))])
            return "".join(element.itertext())

        return re.sub(_TOKEN_RE, plain_citation, text)


class CitationsExtension(Extension):  # type: ignore[misc]  # markdown ships no type hints
    """Pandoc citations rendered in a CSL style (see the module docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "bibliography": ["bibliography.bib", "BibTeX file with the references"],
            "csl": ["", "CSL style file (default: Harvard, Cite Them Right, shipped with the package)"],
            "bibliography_url": ["bibliography.html", "URL of the bibliography page; anchors are the keys"],
            "references": [True, "append a References section to pages that cite"],
            "references_heading": ["References", "heading of that section"],
            "source": ["", "name of the text's file in messages (when no kb-source marker says)"],
            "logger_name": ["mkdocs.plugins.kb.citations", "logger for unknown keys"],
        }
        super().__init__(**kwargs)
        self.state = _State()
        self._style: CitationStyle | None = None
        self._loaded = False

    # -- set-up -------------------------------------------------------------------------

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        md.preprocessors.register(CitationsPreprocessor(md, self), "kb_citations", 28)
        md.inlinePatterns.register(CitationInlineProcessor(_TOKEN_RE, self), "kb_citation", 195)
        md.treeprocessors.register(ReferencesTreeprocessor(md, self), "kb_references", 15)
        md.postprocessors.register(LeftoverPostprocessor(md, self), "kb_citation_leftovers", 5)

    def reset(self) -> None:
        self.state = _State()

    def logger(self) -> logging.Logger:
        return logging.getLogger(self.getConfig("logger_name"))

    def style(self) -> CitationStyle | None:
        """The citation style, loaded once (and cached across pages while files are unchanged)."""
        if not self._loaded:
            self._loaded = True
            bib = Path(self.getConfig("bibliography"))
            csl = Path(self.getConfig("csl")) if self.getConfig("csl") else DEFAULT_STYLE
            if not bib.exists():
                self.logger().warning(f"{bib}: bibliography file not found; citations are left unformatted")
                return None
            self._style = load_style(bib, csl)
        return self._style

    def suggest(self, key: str) -> str:
        return did_you_mean(key, self._style.items) if self._style else ""

    # -- rendering ----------------------------------------------------------------------

    def link(self, key: str, html_text: str, title: str | None = None) -> ET.Element:
        style = self.style()
        href = f"{self.page_url(self.getConfig('bibliography_url'))}#{quote(key, safe='')}"
        if title is None and style is not None and key in style and is_unidentified(style.bibliography.references[key]):
            title = unidentified_text(style.bibliography.references[key])
        tip = title if title is not None else (style.reference_text(key) if style else key)
        tip = tooltip_text(tip)
        return _fragment("a", html_text, href=href, title=tip, **{"class": "citation-ref"})

    def page_url(self, url: str) -> str:
        """``url`` relative to the page when it is given from the docs root and the page is known."""
        page = self.state.page
        if not url.startswith("/") or page is None:
            return url
        return posixpath.relpath(url[1:], posixpath.dirname(page) or ".")

    def _item(self, item: CiteItem, narrative: bool) -> tuple[str, ET.Element | None]:
        """(text before the link, link) for one cited work; unknown keys are shown as written."""
        style = self.style()
        if style is None or item.key not in style:
            return "", None
        parts = style.parts(item.key, item.locator)
        if narrative:
            text = f"{parts.author} ({parts.rest})" if parts.rest else parts.author
        elif item.suppress_author:
            text = parts.rest or parts.full
        else:
            text = parts.full
        return (f"{item.prefix} " if item.prefix else ""), self.link(item.key, text)

    def render_citation(self, citation: Citation) -> ET.Element:
        style = self.style()
        span = ET.Element("span", {"class": "citation narrative" if citation.narrative else "citation"})
        pieces: list[str | ET.Element] = []
        if not citation.narrative:
            pieces.append(style.layout_prefix if style else "(")
        for index, item in enumerate(citation.items):
            if index:
                pieces.append(style.layout_delimiter if style else "; ")
            before, element = self._item(item, citation.narrative)
            if element is None:
                unknown = ET.Element("span", {"class": "citation-unknown", "title": "unknown citation key"})
                unknown.text = AtomicString(f"{'-' if item.suppress_author else ''}@{item.key}?")
                pieces += [before, unknown]
            else:
                pieces += [before, element]
        if not citation.narrative:
            pieces.append(style.layout_suffix if style else ")")
        last: ET.Element | None = None
        for piece in pieces:
            if isinstance(piece, str):
                if last is None:
                    span.text = AtomicString((span.text or "") + piece)
                else:
                    last.tail = AtomicString((last.tail or "") + piece)
            else:
                span.append(piece)
                last = piece
        return span


def makeExtension(**kwargs: Any) -> CitationsExtension:
    return CitationsExtension(**kwargs)
