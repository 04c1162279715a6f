"""Results grouped by entry: one group per entry, ranked from its passages.

An entry's score is its best passage's score plus a little for each further passage
(``FURTHER_BONUS`` times the second's, half that times the third's): an entry that answers in
several places moves ahead of one with a single passage of the same score, never ahead of one
whose best passage is clearly better. A passage that is only editorial notes or a list of
works (see ``passages``) comes with its score already lowered by the search
(``query.NOTE_FACTOR``) and is never the passage a group shows while the entry has another.
Groups are formed from the first ``GROUP_DEPTH``
passages of the fused ranking. The same steps run in the browser (``indexer/site/js/results.js``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .chunk import Chunk, ChunkTable
from .passages import SYNTHESIS, TEXT
from .query import NOTE_FACTOR, Hit, Results

__all__ = ["NOTE_FACTOR", "Group", "group_hits", "group_results"]

#: how many passages of the fused ranking are grouped
GROUP_DEPTH = 40
#: weight of an entry's second passage in its score (the third gets half of it, no more count)
FURTHER_BONUS = 0.2

Roles = Callable[[Chunk], str]


@dataclass(frozen=True)
class Group:
    """One entry among the results: its passages found (best shown first) and its score."""

    rank: int
    score: float
    hits: tuple[Hit, ...]  # the passage shown first, then the others in rank order
    summary: str
    roles: tuple[str, ...]  # role letters of each hit's lines (``passages``)
    theme: str = ""  # the entry's theme label (findings), '' for other kinds

    @property
    def best(self) -> Hit:
        return self.hits[0]

    @property
    def chunk(self) -> Chunk:
        return self.hits[0].chunk

    @property
    def synthesis(self) -> bool:
        """Whether the passage shown is the editors' synthesis rather than the sources' text."""
        return TEXT not in self.roles[0] and SYNTHESIS in self.roles[0]

    def shown_text(self, n: int = 0) -> str:
        """The text of passage ``n`` without its editorial notes and lists (``t`` and ``s`` lines)."""
        lines = self.hits[n].chunk.text.split("\n")
        kept = [line for line, role in zip(lines, self.roles[n], strict=False) if role in (TEXT, SYNTHESIS)]
        return "\n".join(kept) if kept else self.summary

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        citations: dict[str, dict[str, str]] = {}
        for hit in self.hits:
            for ref in hit.chunk.citations:
                citations.setdefault(ref.key, ref.to_dict())
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "id": c.path_id,
            "kind": c.kind,
            "title": c.title,
            "theme": self.theme,
            "tags": list(c.tags),
            "summary": self.summary,
            "url": c.url.split("#", 1)[0],
            "synthesis": self.synthesis,
            "passages": [
                {"id": h.chunk.id, "rank": h.rank, "score": round(h.score, 4), "section": h.chunk.section,
                 "url": h.chunk.url}
                for h in self.hits
            ],
            "more": len(self.hits) - 1,
            "citations": list(citations.values()),
        }


def summary_of(chunks: Sequence[Chunk], path_id: str) -> str:
    """The entry's summary: the first line of its passage before the first heading."""
    for chunk in chunks:
        if chunk.id == path_id:
            return chunk.text.split("\n", 1)[0]
    return ""


def passage_weight(hit: Hit, roles: str) -> float:
    """A passage's weight in its entry's score: its score (a passage of notes alone was lowered by
    the search already, ``query.NOTE_FACTOR``)."""
    return hit.score


def entry_score(weights: Sequence[float]) -> float:
    """Best weight + ``FURTHER_BONUS`` x second + half that x third (``weights`` best first)."""
    ordered = sorted(weights, reverse=True)
    bonus = (FURTHER_BONUS, FURTHER_BONUS / 2)
    return ordered[0] + sum(b * w for b, w in zip(bonus, ordered[1:], strict=False))


def group_hits(
    candidates: Sequence[Hit], roles: Roles, summaries: Callable[[str], str], top_k: int = 10,
    depth: int = GROUP_DEPTH,
) -> tuple[Group, ...]:
    """The first ``top_k`` entries of the first ``depth`` candidates, grouped and ranked."""
    by_entry: dict[str, list[tuple[Hit, str]]] = {}
    for hit in candidates[:depth]:
        by_entry.setdefault(hit.chunk.path_id, []).append((hit, roles(hit.chunk)))
    scored = []
    for order, (path_id, members) in enumerate(by_entry.items()):
        weights = [passage_weight(h, r) for h, r in members]
        # shown first: the best-ranked passage with the entry's own text, else the best one
        shown = next((n for n, (_h, r) in enumerate(members) if TEXT in r), 0)
        ordered = [members[shown], *(m for n, m in enumerate(members) if n != shown)]
        scored.append((entry_score(weights), order, path_id, ordered))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return tuple(
        Group(rank=n, score=score, hits=tuple(h for h, _r in members), summary=summaries(path_id),
              roles=tuple(r for _h, r in members))
        for n, (score, _order, path_id, members) in enumerate(scored[:top_k], start=1)
    )


_INTROS: dict[int, tuple[Sequence[Chunk], Callable[[str], Chunk | None]]] = {}


def _intro_chunks(chunks: Sequence[Chunk]) -> Callable[[str], Chunk | None]:
    """Each entry's passage before its first heading (its id is the entry's path id), by path
    id: the index's table finds it by id; a plain list is looked through once per list (a
    loaded index keeps its list), not for every query."""
    if isinstance(chunks, ChunkTable):
        return chunks.by_id
    cached = _INTROS.get(id(chunks))
    if cached is None or cached[0] is not chunks:
        cached = (chunks, {c.path_id: c for c in chunks if c.id == c.path_id}.get)
        _INTROS.clear()  # one index at a time is searched; keep no stale list alive
        _INTROS[id(chunks)] = cached
    return cached[1]


def group_results(
    results: Results, roles: Roles, chunks: Sequence[Chunk], top_k: int = 10,
    theme: Callable[[str], str] | None = None,
) -> tuple[Group, ...]:
    """The groups of ``results`` (its whole ranking, see ``Results.candidates``); ``theme``
    gives an entry's theme label from its path id."""
    import dataclasses

    intro = _intro_chunks(chunks)

    def summary(path_id: str) -> str:
        chunk = intro(path_id)
        return chunk.text.split("\n", 1)[0] if chunk else ""

    groups = group_hits(results.candidates or results.hits, roles, summary, top_k)
    if theme is None:
        return groups
    return tuple(dataclasses.replace(g, theme=theme(g.chunk.path_id)) for g in groups)
