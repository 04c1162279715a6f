"""Chunk corpus entries along their headings, sized for the embedding model.

An entry becomes one chunk per section (the text before the first heading, led by the
entry's summary, is its own section); a section longer than the model reads
(all-MiniLM-L6-v2: 256 word pieces, counted with the model's own tokenizer) is split at
paragraph boundaries, then sentences, then words, into parts of even size, so that no
text is cut off. Sections that only list links ("See also") are left out. Every chunk
carries its entry's title and section path, the heading's anchor as Python-Markdown's
``toc`` makes it, plain text for display and BM25 (Markdown syntax stripped, citations
rendered as author-date text), and the keys it cites.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .bibliography import Reference
from .citations import Citation, cited_keys, replace_citations
from .corpus import Entry
from .problems import KBError

#: a function giving the number of word pieces of a text, without special tokens
TokenCounter = Callable[[str], int]

#: sections that only list links to other entries: not passages, so not indexed
NAVIGATION_HEADINGS: frozenset[str] = frozenset({"see also", "related", "related entries", "further reading"})

#: word pieces the model reads, including [CLS] and [SEP]
MAX_TOKENS = 256
SPECIAL_TOKENS = 2
#: characters of an entry's title and heading path together ('Title: Section > Subsection'),
#: which travel with every chunk: a character is at most one word piece, so this leaves at
#: least 54 of the model's 256 for the text. ``kb check`` reports a longer title or heading.
MAX_HEAD_CHARS = 200
#: the fewest word pieces a chunk's text may have beside its title and section path
MIN_TEXT_TOKENS = 16


@dataclass(frozen=True)
class CitationRef:
    """A cited work as search results show it: key, author-date short name, year, title."""

    key: str
    author: str
    year: str
    title: str

    @classmethod
    def from_reference(cls, key: str, ref: Reference | None) -> CitationRef:
        if ref is None:
            return cls(key=key, author=key, year="", title="")
        return cls(key=key, author=ref.author_short, year=ref.year, title=ref.title)

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "author": self.author, "year": self.year, "title": self.title}

    @property
    def author_date(self) -> str:
        return f"{self.author} ({self.year})" if self.year else self.author


@dataclass(frozen=True)
class Chunk:
    """One searchable passage of an entry.

    ``id`` is ``path_id#anchor`` (``path_id`` alone for the text before the first heading),
    with ``~2``, ``~3`` ... for the further parts of a split section. ``text`` is plain
    text; ``embed_text`` (title, section path and text) is what the model and BM25 read.
    """

    id: str
    path_id: str
    kind: str
    title: str
    section_path: tuple[str, ...]
    anchor: str
    url: str
    text: str
    tags: tuple[str, ...]
    year: int | None
    citations: tuple[CitationRef, ...] = field(default=())

    @property
    def section(self) -> str:
        return " > ".join(self.section_path)

    @property
    def embed_text(self) -> str:
        return embed_text(self.title, self.section_path, self.text)

    @property
    def content_hash(self) -> str:
        """A hash of what the model reads: unchanged text is never embedded twice."""
        return hashlib.sha256(self.embed_text.encode("utf-8")).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path_id": self.path_id,
            "kind": self.kind,
            "title": self.title,
            "section_path": list(self.section_path),
            "anchor": self.anchor,
            "url": self.url,
            "text": self.text,
            "tags": list(self.tags),
            "year": self.year,
            "citations": [c.to_dict() for c in self.citations],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(
            id=data["id"],
            path_id=data["path_id"],
            kind=data["kind"],
            title=data["title"],
            section_path=tuple(data["section_path"]),
            anchor=data["anchor"],
            url=data["url"],
            text=data["text"],
            tags=tuple(data["tags"]),
            year=data["year"],
            citations=tuple(CitationRef(**c) for c in data["citations"]),
        )


def embed_text(title: str, section_path: Sequence[str], text: str) -> str:
    """The text the model and BM25 read: 'Title: Section > Subsection' then the text."""
    head = f"{title}: {' > '.join(section_path)}" if section_path else title
    return f"{head}\n{text}"


# --- Markdown to plain text --------------------------------------------------------------

_FENCE_RE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_ATTR_ID_RE = re.compile(r"\s*\{[^{}]*#([\w-]+)[^{}]*\}\s*$")
_ATTR_RE = re.compile(r"\s*\{:?[^{}]*\}\s*$")
_ADMONITION_RE = re.compile(r"^(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+[\w-]+)*(?:\s+\"(?P<title>[^\"]*)\")?\s*$")
_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]+)\]\((?:<[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_REFLINK_RE = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR_RE = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EM_UNDER_RE = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_CODE_RE = re.compile(r"(`+)(.+?)\1")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_RULE_RE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINKDEF_RE = re.compile(r"^\s*\[[^\]]+\]:\s+\S+")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_SENTENCE_RE = re.compile(r"(?:(?<=[.!?;])|(?<=[.!?;][\"')\]]))\s+(?=[\"'(\[]?[A-Z0-9])")


def render_citation(citation: Citation, references: dict[str, Reference]) -> str:
    """Author-date text for one citation: '(see McInnes, 2007, p. 21)', 'Frost (2005)'."""

    def name_year(key: str) -> tuple[str, str]:
        ref = references.get(key)
        if ref is None:
            return key, ""
        return ref.author_short, ref.year

    if citation.narrative:
        item = citation.items[0]
        name, year = name_year(item.key)
        inner = ", ".join(x for x in (year, item.locator) if x)
        return f"{name} ({inner})" if inner else name
    parts = []
    for item in citation.items:
        name, year = name_year(item.key)
        words = [item.prefix] if item.prefix else []
        words.append(year if item.suppress_author else ", ".join(x for x in (name, year) if x))
        text = " ".join(w for w in words if w)
        if item.locator:
            text += f", {item.locator}"
        parts.append(text)
    return "(" + "; ".join(parts) + ")"


def inline_text(markdown: str, references: dict[str, Reference]) -> str:
    """One line or paragraph of Markdown as plain text (citations as author-date text)."""
    text = replace_citations(markdown, lambda c: render_citation(c, references))
    text = _IMAGE_RE.sub(r"\1", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _REFLINK_RE.sub(r"\1", text)
    text = _AUTOLINK_RE.sub(r"\1", text)
    text = _CODE_RE.sub(r"\2", text)  # kept as written: content is text (kb check allows no raw HTML)
    for pattern in (_STRONG_RE, _EM_STAR_RE, _EM_UNDER_RE):
        text = pattern.sub(r"\2" if pattern is _STRONG_RE else r"\1", text)
    text = _ESCAPE_RE.sub(r"\1", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Section:
    """A heading's section of an entry: its path of headings, anchor and Markdown units."""

    path: tuple[str, ...]
    anchor: str
    units: tuple[str, ...]  # paragraphs, list items, table rows (Markdown)


def _units(lines: list[str]) -> list[str]:
    """Group Markdown lines into units: paragraphs, list items, table rows, admonition titles."""
    units: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            units.append(" ".join(s.strip() for s in current))
            current.clear()

    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith(">"):
            stripped = stripped.lstrip("> ").strip()
        if not stripped or _RULE_RE.match(stripped) or _LINKDEF_RE.match(stripped):
            flush()
            continue
        admonition = _ADMONITION_RE.match(stripped)
        if admonition:
            flush()
            title = admonition.group("title")
            if title:
                units.append(title.rstrip(":") + ":")
            continue
        if stripped.startswith("|") or _TABLE_SEP_RE.match(stripped):
            flush()
            if not _TABLE_SEP_RE.match(stripped):
                cells = [c.strip() for c in stripped.strip("|").split("|")]
                units.append(" | ".join(c for c in cells if c))
            continue
        if _LIST_RE.match(stripped):
            flush()
            current.append(_LIST_RE.sub("", stripped))
            continue
        current.append(stripped)
    flush()
    return units


def heading_paths(body: str) -> list[tuple[int, tuple[str, ...]]]:
    """Each heading's 0-based line in ``body`` and its path of headings (as written, code skipped)."""
    masked = _FENCE_RE.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    stack: list[tuple[int, str]] = []
    found: list[tuple[int, tuple[str, ...]]] = []
    for number, line in enumerate(masked.split("\n")):
        match = _HEADING_RE.match(line)
        if match:
            level = len(match.group(1))
            stack = [(lvl, text) for lvl, text in stack if lvl < level]
            stack.append((level, _ATTR_RE.sub("", match.group(2))))
            found.append((number, tuple(text for _lvl, text in stack)))
    return found


def split_sections(body: str, references: dict[str, Reference]) -> list[Section]:
    """The sections of an entry body, in order; the first one (path ``()``) is the intro."""
    from markdown.extensions.toc import slugify, unique

    masked = _FENCE_RE.sub(lambda m: "\n" * m.group(0).count("\n"), _HTML_COMMENT_RE.sub("", body))
    sections: list[Section] = []
    ids: set[str] = set()
    counters: dict[str, int] = {}
    stack: list[tuple[int, str]] = []
    path: tuple[str, ...] = ()
    anchor = ""
    lines: list[str] = []
    for line in masked.splitlines():
        match = _HEADING_RE.match(line)
        if not match:
            lines.append(line)
            continue
        sections.append(Section(path, anchor, tuple(_units(lines))))
        lines = []
        level, raw = len(match.group(1)), match.group(2)
        attr = _ATTR_ID_RE.search(raw)
        raw = _ATTR_RE.sub("", raw)
        name = inline_text(raw, references)
        anchor = unique(attr.group(1) if attr else slugify(name, "-"), ids, counters)
        stack = [(lvl, text) for lvl, text in stack if lvl < level]
        stack.append((level, name))
        path = tuple(text for _lvl, text in stack)
    sections.append(Section(path, anchor, tuple(_units(lines))))
    return sections


# --- sizing -------------------------------------------------------------------------------


Piece = tuple[str, int]  # text and its word pieces


def _split_long(unit: str, budget: int, count: TokenCounter) -> list[Piece]:
    """Split a plain-text unit longer than ``budget`` at sentences, then at words.

    Word-piece counts add up over text joined by whitespace (the tokenizer splits at
    whitespace first), so every piece is counted once.
    """
    size = count(unit)
    if size <= budget:
        return [(unit, size)]
    pieces: list[Piece] = []
    for sentence in _SENTENCE_RE.split(unit):
        size = count(sentence)
        if size <= budget:
            pieces.append((sentence, size))
            continue
        words: list[str] = []
        used = 0
        for word in sentence.split():
            n = count(word)
            if words and used + n > budget:
                pieces.append((" ".join(words), used))
                words, used = [], 0
            words.append(word)
            used += n
        if words:
            pieces.append((" ".join(words), used))
    return [(" ".join(p for p, _n in part), sum(n for _p, n in part)) for part in _pack(pieces, budget)]


def _pack(pieces: list[Piece], budget: int) -> list[list[Piece]]:
    """Group pieces (each within budget) into as few parts as needed, of even size."""
    total = sum(n for _p, n in pieces)
    if total <= budget:
        return [pieces] if pieces else []
    target = math.ceil(total / math.ceil(total / budget))
    parts: list[list[Piece]] = [[]]
    used = 0
    for piece in pieces:
        size = piece[1]
        if parts[-1] and (used + size > budget or used >= target):
            parts.append([])
            used = 0
        parts[-1].append(piece)
        used += size
    return [p for p in parts if p]


def chunk_entry(
    entry: Entry,
    references: dict[str, Reference],
    count: TokenCounter,
    max_tokens: int = MAX_TOKENS,
) -> list[Chunk]:
    """The chunks of one entry, none longer than ``max_tokens`` word pieces as embedded."""
    chunks: list[Chunk] = []
    sections = split_sections(entry.body, references)
    for index, section in enumerate(sections):
        if any(heading.lower().strip(" :") in NAVIGATION_HEADINGS for heading in section.path):
            continue
        units_md = list(section.units)
        if index == 0 and entry.summary:
            units_md.insert(0, entry.summary)
        if not units_md:
            continue
        head_text = embed_text(entry.title, section.path, "").strip()
        head = count(head_text)
        budget = max_tokens - SPECIAL_TOKENS - head
        if budget < MIN_TEXT_TOKENS:
            shown = head_text if len(head_text) <= 60 else head_text[:59] + "…"
            raise KBError(
                f"{entry.rel_path}: title and heading path {shown!r} take {head} of the model's {max_tokens} "
                f"word pieces, too many to index (at most {MAX_HEAD_CHARS} characters; run kb check)"
            )
        pieces: list[Piece] = []
        piece_keys: list[list[str]] = []  # the keys each piece's unit cites
        for unit in units_md:
            keys = cited_keys(unit)
            for piece in _split_long(inline_text(unit, references), budget, count):
                if piece[0]:
                    pieces.append(piece)
                    piece_keys.append(keys)
        parts = _pack(pieces, budget)
        base = entry.path_id + (f"#{section.anchor}" if section.anchor else "")
        url = entry.url + (f"#{section.anchor}" if section.anchor else "")
        cursor = 0
        for part, members in enumerate(parts):
            text = "\n".join(p for p, _n in members)
            keys_here: dict[str, None] = {}
            for keys in piece_keys[cursor : cursor + len(members)]:
                keys_here.update(dict.fromkeys(keys))
            cursor += len(members)
            cited = list(keys_here) or list(entry.sources)
            chunks.append(
                Chunk(
                    id=base if part == 0 else f"{base}~{part + 1}",
                    path_id=entry.path_id,
                    kind=entry.kind,
                    title=entry.title,
                    section_path=section.path,
                    anchor=section.anchor,
                    url=url,
                    text=text,
                    tags=entry.tags,
                    year=entry.year,
                    citations=tuple(CitationRef.from_reference(k, references.get(k)) for k in cited),
                )
            )
    return chunks


def chunk_corpus(
    entries: Sequence[Entry],
    references: dict[str, Reference],
    count: TokenCounter,
    max_tokens: int = MAX_TOKENS,
) -> list[Chunk]:
    """The chunks of every entry, in corpus order."""
    return [c for e in entries for c in chunk_entry(e, references, count, max_tokens)]
