"""Pandoc-style citations in Markdown: ``[@key, p. 21]``, ``[see @a; @b]``, ``@key says``.

The parser is shared by the checker, the search index and the website's Markdown
extension, so all three agree on what a citation is. Code spans and fenced code
blocks are never scanned; an e-mail address (``name@example.org``) is not a citation.

``citation_errors`` reports what looks like a citation but is not one the parser can
read (so that it would print raw on a page): no key after ``@``, a bracket never closed,
an empty locator, a page locator that is not a page or range, and a second key inside a
locator (``[@a, cited in @b]``, which is not a supported form: write ``[@a; @b]``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&+?<>~/-](?=[A-Za-z0-9_]))*"
_ITEM_RE = re.compile(rf"^(?P<prefix>.*?)(?P<suppress>-)?@(?P<key>{KEY})(?P<suffix>.*)$", re.DOTALL)
# not followed by "(" or "[" (a link); not a link reference definition ("[label]: url" at a line start)
_BRACKET_RE = re.compile(
    r"(?<!^)\[(?P<body>[^\[\]]*@[^\[\]]*)\](?![(\[])|^\[(?P<lead>[^\[\]]*@[^\[\]]*)\](?![(\[:])", re.M
)
_NARRATIVE_RE = re.compile(rf"(?<![\w@\[\]])@(?P<key>{KEY})(?:[ ]?\[(?P<locator>[^\[\]@]*)\](?![(\[]))?")
_KEY_IN_TEXT_RE = re.compile(rf"(?<![\w@])@{KEY}")
_LABEL_RE = re.compile(r"^(?P<label>[A-Za-z]+\.?)(?:\s+(?P<value>.*))?$", re.DOTALL)
_PAGE = r"(?:\d+[a-z]?|[ivxlcdm]+)"
_PAGES_RE = re.compile(rf"^{_PAGE}(?:\s*(?:--|–|-)\s*{_PAGE})?(?:\s*,\s*{_PAGE}(?:\s*(?:--|–|-)\s*{_PAGE})?)*$")
_PAGE_LABELS: frozenset[str] = frozenset({"p.", "pp.", "p", "pp", "page", "pages"})
#: from a '[' to the next bracket, blank line or the end: an unclosed bracket if no ']' follows
_OPEN_RE = re.compile(r"\[[^\[\]]*?(?=[\[\]]|\n[ \t]*\n|$(?![\s\S]))")
_FENCE_RE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN_RE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)


@dataclass(frozen=True)
class AuthorDate:
    """A work's in-text label: the author part and the year as the citation style prints
    them (``"McInnes"``, ``"2007a"``: the year carries its suffix). Made by
    ``indexer.cite.labels`` from the one CSL path; this stage only carries it."""

    author: str
    year: str

    @property
    def narrative(self) -> str:
        """``McInnes (2007a)``."""
        return f"{self.author} ({self.year})" if self.year else self.author

    @property
    def parenthetical(self) -> str:
        """``McInnes, 2007a`` (without the brackets)."""
        return f"{self.author}, {self.year}" if self.year else self.author


#: in-text labels by key (``indexer.cite.labels.citation_labels``)
Labels = Mapping[str, AuthorDate]


@dataclass(frozen=True)
class CiteItem:
    """One cited work inside a citation."""

    key: str
    prefix: str = ""
    locator: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Citation:
    """A citation as written in the text, with its position (offsets and 1-based line)."""

    items: tuple[CiteItem, ...]
    narrative: bool
    start: int
    end: int
    line: int

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


class LineIndex:
    """1-based line numbers of offsets in one text, each found in O(log n) (keeps checks linear)."""

    def __init__(self, text: str) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1


def mask_code(text: str) -> str:
    """Blank out code so that citations inside it are not seen (offsets are kept)."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return _CODE_SPAN_RE.sub(blank, _FENCE_RE.sub(blank, text))


def _parse_item(raw: str) -> CiteItem | None:
    match = _ITEM_RE.match(raw.strip())
    if match is None:
        return None
    suffix = match.group("suffix").strip()
    if suffix.startswith(","):
        suffix = suffix[1:].strip()
    return CiteItem(
        key=match.group("key"),
        prefix=match.group("prefix").strip(),
        locator=suffix,
        suppress_author=bool(match.group("suppress")),
    )


@dataclass(frozen=True)
class CitationError:
    """Text that looks like a citation but cannot be read as one; ``line`` is 1-based."""

    line: int
    message: str


def _quoted(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def _item_errors(raw: str) -> list[str]:
    match = _ITEM_RE.match(raw.strip())
    if match is None:
        if re.search(r"@(?![A-Za-z0-9_])", raw):
            return [f"no key after '@' in {_quoted(raw.strip())} (write @key, with no space)"]
        return [f"{_quoted(raw.strip())} has no @key (each part between ';' cites one work)"]
    key, suffix = match.group("key"), match.group("suffix").strip()
    other = _KEY_IN_TEXT_RE.search(suffix)
    if other:
        return [f"'{other.group(0)}' inside the locator of '@{key}': cite both as [@{key}; {other.group(0)}]"]
    if not suffix.startswith(","):
        return []
    locator = suffix[1:].strip()
    if not locator:
        return [f"empty locator after '@{key},' (give a page, e.g. p. 21, or drop the comma)"]
    label = _LABEL_RE.match(locator)
    if label and label.group("label").lower() in _PAGE_LABELS:
        value = (label.group("value") or "").strip()
        if not value:
            return [f"locator {_quoted(locator)} of '@{key}' has no page number"]
        if not _PAGES_RE.match(value):
            return [f"locator {_quoted(locator)} of '@{key}' is not a page or page range (e.g. p. 21, pp. 3–4)"]
    elif label and label.group("value") is None and label.group("label").endswith("."):
        return [f"locator {_quoted(locator)} of '@{key}' has no number"]
    return []


def citation_errors(text: str) -> list[CitationError]:
    """Malformed citations in ``text``, in order (code is not scanned)."""
    masked = mask_code(text)
    errors: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for match in _BRACKET_RE.finditer(masked):
        spans.append((match.start(), match.end()))
        for part in (match.group("body") or match.group("lead")).split(";"):
            errors.extend((match.start(), f"malformed citation: {m}") for m in _item_errors(part))
    starts = {start for start, _end in spans}
    for match in re.finditer(r"\[", masked):
        start = match.start()
        if start in starts:
            continue
        rest = _OPEN_RE.match(masked, start)
        segment = rest.group(0) if rest else ""
        end = start + len(segment)
        closed = end < len(masked) and masked[end] == "]"
        if not closed and _KEY_IN_TEXT_RE.search(segment):
            errors.append((start, f"citation is not closed: {_quoted(segment.split(chr(10))[0])} has no ']'"))
    lines = LineIndex(masked)
    return [CitationError(lines.line(offset), message) for offset, message in sorted(errors)]


def parse_citations(text: str) -> list[Citation]:
    """All citations in ``text``, in order of appearance."""
    masked = mask_code(text)
    lines = LineIndex(masked)
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []  # bracket citations, in order and not overlapping
    for match in _BRACKET_RE.finditer(masked):
        parts = (match.group("body") or match.group("lead")).split(";")
        items = [_parse_item(part) for part in parts]
        if not items or any(item is None for item in items):
            continue
        found.append(
            Citation(
                items=tuple(item for item in items if item is not None),
                narrative=False,
                start=match.start(),
                end=match.end(),
                line=lines.line(match.start()),
            )
        )
        taken.append((match.start(), match.end()))
    taken_starts = [start for start, _end in taken]
    for match in _NARRATIVE_RE.finditer(masked):
        before = bisect.bisect_right(taken_starts, match.start()) - 1
        if before >= 0 and match.start() < taken[before][1]:
            continue
        found.append(
            Citation(
                items=(CiteItem(key=match.group("key"), locator=(match.group("locator") or "").strip()),),
                narrative=True,
                start=match.start(),
                end=match.end(),
                line=lines.line(match.start()),
            )
        )
    found.sort(key=lambda c: c.start)
    return found


def replace_citations(text: str, render: Callable[[Citation], str]) -> str:
    """``text`` with every citation replaced by ``render(citation)``."""
    out: list[str] = []
    pos = 0
    for citation in parse_citations(text):
        out.append(text[pos : citation.start])
        out.append(render(citation))
        pos = citation.end
    out.append(text[pos:])
    return "".join(out)


def cited_keys(text: str) -> list[str]:
    """The distinct keys cited in ``text``, in order of first appearance."""
    seen: dict[str, None] = {}
    for citation in parse_citations(text):
        for key in citation.keys:
            seen.setdefault(key, None)
    return list(seen)
