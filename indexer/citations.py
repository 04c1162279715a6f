"""Pandoc-style citations in Markdown: ``[@key, p. 21]``, ``[see @a; @b]``, ``@key says``.

The parser is shared by the checker, the search index and the website's Markdown
extension, so all three agree on what a citation is. Code spans and fenced code
blocks are never scanned; an e-mail address (``name@example.org``) is not a citation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&+?<>~/-](?=[A-Za-z0-9_]))*"
_ITEM_RE = re.compile(rf"^(?P<prefix>.*?)(?P<suppress>-)?@(?P<key>{KEY})(?P<suffix>.*)$", re.DOTALL)
# not followed by "(" or "[" (a link); not a link reference definition ("[label]: url" at a line start)
_BRACKET_RE = re.compile(
    r"(?<!^)\[(?P<body>[^\[\]]*@[^\[\]]*)\](?![(\[])|^\[(?P<lead>[^\[\]]*@[^\[\]]*)\](?![(\[:])", re.M
)
_NARRATIVE_RE = re.compile(rf"(?<![\w@\[\]])@(?P<key>{KEY})(?:[ ]?\[(?P<locator>[^\[\]@]*)\](?![(\[]))?")
_FENCE_RE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN_RE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)


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


def parse_citations(text: str) -> list[Citation]:
    """All citations in ``text``, in order of appearance."""
    masked = mask_code(text)
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
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
                line=masked.count("\n", 0, match.start()) + 1,
            )
        )
        taken.append((match.start(), match.end()))
    for match in _NARRATIVE_RE.finditer(masked):
        if any(start <= match.start() < end for start, end in taken):
            continue
        found.append(
            Citation(
                items=(CiteItem(key=match.group("key"), locator=(match.group("locator") or "").strip()),),
                narrative=True,
                start=match.start(),
                end=match.end(),
                line=masked.count("\n", 0, match.start()) + 1,
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
