"""Format citations and references in a CSL style with citeproc-py.

``CitationStyle.from_files(bib_path, csl_path)`` loads the bibliography, converts it
to CSL-JSON (``indexer.csl``), gives same-author same-year works their year suffixes
(2003a, 2003b) across the whole bibliography, and then formats, for any key:

* ``parts(key, locator)``: the in-text citation split into its author part and the rest
  (``"McInnes"``, ``"2007, p. 21"``), so that a caller can build the parenthetical
  ``(McInnes, 2007, p. 21)``, the narrative ``McInnes (2007, p. 21)`` and the
  author-suppressed ``(2007, p. 21)`` forms from the style's own output;
* ``label(key)`` / ``labels()``: the in-text label as plain text (``McInnes``, ``2007a``),
  what ``kb search``, the search page and the chunk text show (``indexer.cite.labels``);
* ``reference_html(key)`` / ``reference_text(key)``: the full reference;
* ``sorted_keys()``: every key in the style's bibliography order.

Nothing here knows about Markdown or MkDocs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..corpus.bibliography import Bibliography, Reference, load_bibliography
from ..corpus.citations import AuthorDate
from .citeproc_fixes import nested_quotes, no_double_punctuation, suppress_substituted_names
from .csl import CSLItem, for_style, to_csl

DEFAULT_STYLE = Path(__file__).parent.parent / "data" / "harvard-cite-them-right.csl"
DEFAULT_LOCALE = "en-GB"
#: the language of a style that names none, by the style file's stem (APA 7 is American)
STYLE_LOCALES: dict[str, str] = {"apa": "en-US"}
_SENTINEL = "\ue000KBAUTHOR\ue001"
_TAG_RE = re.compile(r"<[^>]+>")
_URL_RE = re.compile(r"https?://[^\s<>\"]+")
#: pandoc's locator labels -> CSL locator types
_LOCATOR_LABELS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page",
    "chap": "chapter", "chapter": "chapter", "chapters": "chapter", "ch": "chapter",
    "sec": "section", "section": "section", "sections": "section", "§": "section", "§§": "section",
    "para": "paragraph", "paragraph": "paragraph", "paras": "paragraph", "¶": "paragraph",
    "fig": "figure", "figure": "figure", "figures": "figure",
    "vol": "volume", "volume": "volume", "vols": "volume",
    "n": "note", "note": "note", "notes": "note", "nn": "note",
    "l": "line", "line": "line", "lines": "line",
    "col": "column", "column": "column", "book": "book", "part": "part", "verse": "verse",
}
_LOCATOR_RE = re.compile(r"^(?P<label>[A-Za-z§¶]+)\.?\s*(?P<value>[0-9ivxlcdmIVXLCDM][^,]*)(?:,\s*(?P<rest>.*))?$")
_BARE_LOCATOR_RE = re.compile(r"^(?P<value>[0-9][0-9\-–,\s]*?)(?:,\s*(?P<rest>\D.*))?$")


def _escape(value: Any) -> Any:
    """CSL-JSON values with HTML's special characters escaped (citeproc-py's HTML
    formatter passes CSL-JSON text through as it is)."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escape(v) for v in value]
    if isinstance(value, dict) and "date-parts" not in value:
        return {k: _escape(v) for k, v in value.items()}
    return value


def linkify_urls(fragment: str) -> str:
    """URLs in an HTML fragment's text made into links (trailing punctuation left out)."""
    out: list[str] = []
    for part in re.split(r"(<[^>]+>)", fragment):
        if part.startswith("<"):
            out.append(part)
            continue
        pos = 0
        for match in _URL_RE.finditer(part):
            url = match.group(0).rstrip(".,;:")
            if url.endswith(")") and url.count("(") < url.count(")"):
                url = url[:-1]
            out.append(part[pos : match.start()])
            href = html.escape(html.unescape(url), quote=True)
            out.append(f'<a href="{href}">{url}</a>')
            pos = match.start() + len(url)
        out.append(part[pos:])
    return "".join(out)


def plain(html_text: str) -> str:
    """HTML from the formatter as plain text."""
    return html.unescape(_TAG_RE.sub("", html_text))


def _range(value: str) -> str:
    """``3--4`` and ``3–4`` as ``3-4`` (the style prints ranges with its own dash)."""
    return re.sub(r"\s*(?:--|–|-)\s*", "-", value.strip())


def split_locator(text: str) -> tuple[str, str, str]:
    """A pandoc locator ``"p. 21"`` as (CSL label, value, remaining suffix).

    A bare number is a page, as in pandoc; text that is no locator is all suffix.
    """
    text = text.strip()
    if not text:
        return "", "", ""
    match = _LOCATOR_RE.match(text)
    if match and match.group("label").lower() in _LOCATOR_LABELS:
        label = _LOCATOR_LABELS[match.group("label").lower()]
        return label, _range(match.group("value")), (match.group("rest") or "").strip()
    match = _BARE_LOCATOR_RE.match(text)
    if match:
        return "page", _range(match.group("value").rstrip(", ")), (match.group("rest") or "").strip()
    return "", "", text


@dataclass(frozen=True)
class CiteParts:
    """One cited work in the style: ``author`` and ``rest`` (date and locator), as HTML."""

    key: str
    author: str
    rest: str
    full: str  # the whole item as the style prints it, without the layout's brackets


@dataclass
class CitationStyle:
    """A bibliography formatted in one CSL style (see the module docstring)."""

    bibliography: Bibliography
    style_path: Path
    items: dict[str, CSLItem]
    problems: list[str] = field(default_factory=list)
    _engine: Any = None
    _sentinel_engine: Any = None
    _parts: dict[tuple[str, str], CiteParts] = field(default_factory=dict)
    _refs: dict[str, str] = field(default_factory=dict)
    _order: list[str] = field(default_factory=list)
    layout_prefix: str = "("
    layout_suffix: str = ")"
    layout_delimiter: str = "; "
    locale: str = "en-GB"

    @classmethod
    def from_files(cls, bib_path: Path, style_path: Path | None = None) -> CitationStyle:
        return cls.from_bibliography(load_bibliography(bib_path), style_path)

    @classmethod
    def from_bibliography(
        cls, bib: Bibliography, style_path: Path | None = None, references: bool = True
    ) -> CitationStyle:
        """The bibliography in the style; ``references=False`` leaves the full references to be
        formatted when first asked for (labels alone need only the in-text citations)."""
        path = style_path or DEFAULT_STYLE
        items = {key: to_csl(ref) for key, ref in bib.references.items()}
        self = cls(bib, path, items)
        self._read_layout()
        self._engine = self._make_engine(items)
        self._assign_year_suffixes()
        if references:
            self._render_bibliography()
        return self

    def _bibliography(self) -> dict[str, str]:
        if not self._order and self.items:
            self._render_bibliography()
        return self._refs

    # -- engine -------------------------------------------------------------------------

    def _style(self) -> Any:
        from citeproc import CitationStylesStyle

        return CitationStylesStyle(str(self.style_path), locale=self.locale, validate=False)

    def _read_layout(self) -> None:
        import xml.etree.ElementTree as ET

        tree = ET.parse(self.style_path)
        # the style's own default locale, else British English (the site's language)
        self.locale = (
            tree.getroot().get("default-locale") or STYLE_LOCALES.get(self.style_path.stem) or DEFAULT_LOCALE
        )
        ns = {"csl": "http://purl.org/net/xbiblio/csl"}
        layout = tree.find("csl:citation/csl:layout", ns)
        if layout is not None:
            self.layout_prefix = layout.get("prefix", "")
            self.layout_suffix = layout.get("suffix", "")
            self.layout_delimiter = layout.get("delimiter", "; ")

    def _make_engine(self, items: dict[str, CSLItem]) -> Any:
        from citeproc import VARIABLES, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        suppress_substituted_names()
        allowed = {v.replace("_", "-") for v in VARIABLES} | {"id", "type"}
        data = [
            {k: v if k in ("id", "type") else _escape(v) for k, v in for_style(item, self.style_path.stem).items()
             if k in allowed}
            for item in items.values()
        ]
        return CitationStylesBibliography(self._style(), CiteProcJSON(data), formatter.html)

    def _render_one(self, engine: Any, key: str, locator: str = "") -> str:
        from citeproc import Citation, CitationItem, Locator

        label, value, _rest = split_locator(locator)
        args = {"locator": Locator(label, value)} if label else {}
        citation = Citation([CitationItem(key, **args)])
        engine.register(citation)
        return str(engine.cite(citation, lambda item: None))

    def _inner(self, text: str) -> str:
        if self.layout_prefix and text.startswith(self.layout_prefix):
            text = text[len(self.layout_prefix) :]
        if self.layout_suffix and text.endswith(self.layout_suffix):
            text = text[: -len(self.layout_suffix)]
        return text

    def _assign_year_suffixes(self) -> None:
        """Works whose citations would read the same get a, b, c... in title order."""
        groups: dict[str, list[str]] = {}
        for key in self.items:
            text = self._safe_render(key, "")
            groups.setdefault(plain(text).casefold(), []).append(key)
        changed = False
        for keys in groups.values():
            if len(keys) < 2:
                continue
            keys.sort(key=lambda k: (str(self.items[k].get("title", "")).casefold(), k))
            for index, key in enumerate(keys):
                self.items[key]["year-suffix"] = chr(ord("a") + index) if index < 26 else str(index)
            changed = True
        if changed:
            self._engine = self._make_engine(self.items)
        sentinel_items = {k: {**v, "author": [{"literal": _SENTINEL}]} for k, v in self.items.items()}
        self._sentinel_engine = self._make_engine(sentinel_items)

    def _safe_render(self, key: str, locator: str) -> str:
        try:
            return self._render_one(self._engine, key, locator)
        except Exception as exc:  # citeproc-py raises many types on odd data; report, never hide
            ref = self.bibliography.references[key]
            self.problems.append(f"{key}: the style could not format this reference ({exc!r})")
            return html.escape(f"{self.layout_prefix}{ref.author_short}, {ref.year}{self.layout_suffix}")

    def _render_bibliography(self) -> None:
        from citeproc import Citation, CitationItem

        engine = self._engine
        for key in self.items:
            engine.register(Citation([CitationItem(key)]))
        try:
            engine.sort()
            rendered = [nested_quotes(no_double_punctuation(str(e)), self.locale) for e in engine.bibliography()]
            lower = {k.lower(): k for k in self.items}
            order = [lower[k] for k in engine.keys]
            self._refs = dict(zip(order, rendered, strict=True))
            self._order = order
        except Exception as exc:  # as above: fall back to one entry at a time
            self.problems.append(f"the style could not format the bibliography ({exc!r})")
            self._order = sorted(self.items, key=lambda k: (self._fallback_ref(k).casefold(), k))
            self._refs = {k: html.escape(self._fallback_ref(k)) for k in self._order}

    def _fallback_ref(self, key: str) -> str:
        ref: Reference = self.bibliography.references[key]
        return f"{ref.author_short} ({ref.year}) {ref.title}."

    # -- public -------------------------------------------------------------------------

    def __contains__(self, key: object) -> bool:
        return key in self.items

    def parts(self, key: str, locator: str = "") -> CiteParts:
        """The in-text citation of ``key`` with ``locator`` (``"p. 21"``), split in two."""
        cache_key = (key, locator)
        if cache_key in self._parts:
            return self._parts[cache_key]
        full = self._inner(self._safe_render(key, locator))
        try:
            sentinel = self._inner(self._render_one(self._sentinel_engine, key, locator))
        except Exception:  # the real rendering above already reported the problem
            sentinel = ""
        _label, _value, extra = split_locator(locator)
        if extra:
            full = f"{full}, {html.escape(extra)}"
            sentinel = f"{sentinel}, {html.escape(extra)}"
        author, rest = full, ""
        if _SENTINEL in sentinel:
            before, after = sentinel.split(_SENTINEL, 1)
            if full.startswith(before) and full.endswith(after) and len(full) >= len(before) + len(after):
                author = full[len(before) : len(full) - len(after)]
                rest = re.sub(r"^[\s,;:]+", "", after)
        parts = CiteParts(key, author, rest, full)
        self._parts[cache_key] = parts
        return parts

    def label(self, key: str) -> AuthorDate:
        """The in-text label of ``key`` as plain text: ``AuthorDate("McInnes", "2007a")``."""
        parts = self.parts(key)
        return AuthorDate(plain(parts.author), plain(parts.rest))

    def labels(self) -> dict[str, AuthorDate]:
        """Every key's in-text label (``label``), in the bibliography's order."""
        return {key: self.label(key) for key in self.items}

    def reference_raw(self, key: str) -> str:
        """The full reference as the formatter gives it (HTML; URLs left as text)."""
        return self._bibliography()[key]

    def reference_html(self, key: str) -> str:
        """The full reference as HTML (``<i>`` for titles, URLs as links), as in the bibliography."""
        return linkify_urls(self._bibliography()[key])

    def reference_text(self, key: str) -> str:
        """The full reference as plain text (for a ``title`` attribute)."""
        return plain(self._bibliography()[key])

    def sorted_keys(self) -> list[str]:
        """Every key, in the style's bibliography order."""
        self._bibliography()
        return list(self._order)


def _signature(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), 0, 0)
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _cached(bib_sig: tuple[str, int, int], style_sig: tuple[str, int, int]) -> CitationStyle:
    return CitationStyle.from_files(Path(bib_sig[0]), Path(style_sig[0]))


def load_style(bib_path: Path, style_path: Path | None = None) -> CitationStyle:
    """A ``CitationStyle``, reused while neither file changes (MkDocs renders page by page)."""
    return _cached(_signature(bib_path), _signature(style_path or DEFAULT_STYLE))


def render_items(items: list[CSLItem], style_path: Path | None = None, links: bool = True) -> dict[str, str]:
    """Full references (HTML, URLs as links unless ``links`` is false) of CSL items that are
    not in the bibliography, by ``id``.

    For works such as the knowledge base's own pages ("cite this page"): one engine for
    all of them, no year suffixes (they are not cited beside each other).
    """
    from citeproc import Citation, CitationItem

    style = CitationStyle(Bibliography(Path("."), {}, ()), style_path or DEFAULT_STYLE, {})
    style._read_layout()
    engine = style._make_engine({str(item["id"]): item for item in items})
    for item in items:
        engine.register(Citation([CitationItem(str(item["id"]))]))
    rendered = [nested_quotes(no_double_punctuation(str(e)), style.locale) for e in engine.bibliography()]
    lower = {str(item["id"]).lower(): str(item["id"]) for item in items}
    return {lower[k]: linkify_urls(text) if links else text for k, text in zip(engine.keys, rendered, strict=True)}
