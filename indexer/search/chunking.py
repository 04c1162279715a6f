"""Chunk corpus entries along their headings, sized for the embedding model.

An entry becomes one chunk per section (the text before the first heading, led by the
entry's summary, is its own section); a section longer than the model reads
(all-MiniLM-L6-v2: 256 word pieces, counted with the model's own tokenizer) is split at
paragraph boundaries, then sentences, then words, into parts of even size, so that no
text is cut off. Sections that only list links ("See also") are left out. Every chunk
carries its entry's title and section path, the heading's anchor as Python-Markdown's
``toc`` makes it, plain text for display and BM25 (Markdown syntax stripped, citations
rendered as author-date text with the site's labels), and the keys it cites.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..cite.labels import citation_labels
from ..corpus.bibliography import Reference
from ..corpus.citations import AuthorDate, Labels, cited_keys
from ..corpus.entries import Entry
from ..corpus.markdown import MAX_HEAD_CHARS, MAX_TOKENS, inline_text, split_sections
from ..problems import KBError
from .sentences import split_sentences

#: a function giving the number of word pieces of a text, without special tokens
TokenCounter = Callable[[str], int]

#: sections that only list links to other entries: not passages, so not indexed
NAVIGATION_HEADINGS: frozenset[str] = frozenset({"see also", "related", "related entries", "further reading"})

SPECIAL_TOKENS = 2
#: the fewest word pieces a chunk's text may have beside its title and section path
MIN_TEXT_TOKENS = 16


@dataclass(frozen=True)
class CitationRef:
    """A cited work as search results show it: key, the author part and year of its in-text
    label as the site prints it (``indexer.cite.labels``: the year carries its suffix,
    ``2007a``), and its title."""

    key: str
    author: str
    year: str
    title: str

    @classmethod
    def from_reference(cls, key: str, ref: Reference | None, label: AuthorDate | None = None) -> CitationRef:
        if ref is None:
            return cls(key=key, author=key, year="", title="")
        if label is None:
            label = citation_labels({key: ref})[key]
        return cls(key=key, author=label.author, year=label.year, title=ref.title)

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "author": self.author, "year": self.year, "title": self.title}

    @property
    def author_date(self) -> str:
        """``McInnes (2007a)``."""
        return AuthorDate(self.author, self.year).narrative


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


# --- sizing -------------------------------------------------------------------------------


Piece = tuple[str, int]  # text and its word pieces


def _split_long(unit: str, budget: int, count: TokenCounter) -> list[Piece]:
    """Split a plain-text unit longer than ``budget`` at sentences (``sentences.split_sentences``,
    the answer's splitter too), then at words.

    Word-piece counts add up over text joined by whitespace (the tokenizer splits at
    whitespace first), so every piece is counted once.
    """
    size = count(unit)
    if size <= budget:
        return [(unit, size)]
    pieces: list[Piece] = []
    for sentence in split_sentences(unit):
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
    labels: Labels | None = None,
) -> list[Chunk]:
    """The chunks of one entry, none longer than ``max_tokens`` word pieces as embedded.

    Citations read as the site prints them: ``labels`` (default: those the whole of
    ``references`` gives, ``indexer.cite.labels``)."""
    if labels is None:
        labels = citation_labels(references)
    chunks: list[Chunk] = []
    sections = split_sections(entry.body, labels)
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
            for piece in _split_long(inline_text(unit, labels), budget, count):
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
                    citations=tuple(CitationRef.from_reference(k, references.get(k), labels.get(k)) for k in cited),
                )
            )
    return chunks


def chunk_corpus(
    entries: Sequence[Entry],
    references: dict[str, Reference],
    count: TokenCounter,
    max_tokens: int = MAX_TOKENS,
) -> list[Chunk]:
    """The chunks of every entry, in corpus order (labels from the whole of ``references``)."""
    labels = citation_labels(references)
    return [c for e in entries for c in chunk_entry(e, references, count, max_tokens, labels)]
