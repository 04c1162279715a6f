"""One searchable passage (``Chunk``) and the cited works it carries (``CitationRef``), and
``ChunkTable``: the index's passages as ``chunks.json`` holds them, decoded one at a time.

``chunks.json`` is a JSON array with one passage per line, so that a query, which shows a
few dozen passages of thousands, decodes only those (``ChunkTable``); ``kb index`` and the
site read it whole, as the same table. This module imports nothing heavy: it is on the path
of every ``kb search``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from ..corpus.citations import AuthorDate

if TYPE_CHECKING:
    from ..corpus.bibliography import Reference


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
            from ..cite.labels import citation_labels

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


class ChunkFormatError(ValueError):
    """A line of ``chunks.json`` that is not one passage; the message names its number."""


def chunks_bytes(chunks: Sequence[Chunk]) -> bytes:
    """``chunks`` as ``chunks.json`` holds them: a JSON array, one passage a line (JSON escapes
    every newline inside a string, so a line is always one whole passage)."""
    lines = [json.dumps(c.to_dict(), ensure_ascii=False) + ",\n" for c in chunks]
    if lines:
        lines[-1] = lines[-1].removesuffix(",\n") + "\n"
    return ("[\n" + "".join(lines) + "]\n").encode("utf-8")


class ChunkTable(Sequence[Chunk]):
    """The passages of ``chunks.json``, each decoded (and kept) the first time it is read.

    Loading finds the file's newlines (copying nothing) and checks its first and last lines
    and the number of passages; a line that is not one passage (in shape, as JSON, or by the
    manifest's id for it) raises, when it is read, what ``damaged`` makes of the problem (by
    default ``ChunkFormatError``)."""

    def __init__(
        self, data: bytes, ids: Sequence[str] | None = None, damaged: Callable[[str], Exception] = ChunkFormatError
    ) -> None:
        self._damaged = damaged
        self._data = data
        # where each line starts: a loop of ``find`` is three times faster than ``split``
        starts = [0]
        find = data.find
        at = find(b"\n")
        while at != -1:
            starts.append(at + 1)
            at = find(b"\n", at + 1)
        starts.append(len(data) + 1)  # line k is data[starts[k]:starts[k + 1] - 1]
        self._starts = starts
        while len(starts) > 1 and not self._line(len(starts) - 2).strip():
            starts.pop()  # trailing blank lines
        count = len(starts) - 1
        if count < 2 or self._line(0).strip() != b"[" or self._line(count - 1).strip() != b"]":
            raise damaged("not a JSON array with one passage a line")
        #: passage n is line n + 1 (line 0 opens the array, the last closes it)
        self._decoded: list[Chunk | None] = [None] * (count - 2)
        #: the passages' ids in order (the manifest's), checked as each passage is decoded
        self._ids = list(ids) if ids is not None else None
        if self._ids is not None and len(self._ids) != len(self._decoded):
            raise damaged(f"{len(self._decoded)} passages, the manifest {len(self._ids)}")
        self._numbers: dict[str, int] | None = None

    def _line(self, k: int) -> bytes:
        return self._data[self._starts[k] : self._starts[k + 1] - 1]

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> ChunkTable:
        """A table holding ``chunks`` (decoded already)."""
        table = cls(b"[\n]")
        table._decoded = list(chunks)
        table._ids = [c.id for c in chunks]
        return table

    def by_id(self, chunk_id: str) -> Chunk | None:
        """The passage with ``chunk_id``, or None; decodes only that one when the ids are known."""
        if self._numbers is None:
            ids = self._ids if self._ids is not None else [c.id for c in self]
            self._numbers = {chunk_id: n for n, chunk_id in enumerate(ids)}
        number = self._numbers.get(chunk_id)
        return None if number is None else self._get(number)

    def __len__(self) -> int:
        return len(self._decoded)

    def _get(self, number: int) -> Chunk:
        chunk = self._decoded[number]
        if chunk is None:
            line = self._line(number + 1).rstrip()
            if not line.startswith(b"{") or not line.endswith(b"}" if number == len(self._decoded) - 1 else b"},"):
                raise self._damaged(f"line {number + 2} is not one passage")
            line = line.removesuffix(b",")
            try:
                chunk = Chunk.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise self._damaged(f"line {number + 2}: {type(exc).__name__}") from None
            if self._ids is not None and chunk.id != self._ids[number]:
                raise self._damaged(f"line {number + 2} is passage {chunk.id[:60]!r}, the manifest's "
                                    f"{self._ids[number][:60]!r}")
            self._decoded[number] = chunk
        return chunk

    @overload
    def __getitem__(self, number: int) -> Chunk: ...

    @overload
    def __getitem__(self, number: slice) -> list[Chunk]: ...

    def __getitem__(self, number: int | slice) -> Chunk | list[Chunk]:
        if isinstance(number, slice):
            return [self._get(i) for i in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError(number)
        return self._get(number)

    def __iter__(self) -> Iterator[Chunk]:
        for number in range(len(self)):
            yield self._get(number)

    def decode_all(self) -> list[Chunk]:
        """Every passage, decoded now (the first that is not one raises)."""
        return list(self)


__all__ = ["Chunk", "ChunkFormatError", "ChunkTable", "CitationRef", "chunks_bytes", "embed_text"]
