"""Search the index: a query in, ranked hits out (dense, BM25, or both fused by score).

Hybrid search (the default) fuses the dense and BM25 rankings by their scores: each ranking
(cut at ``DEPTH`` candidates) is scaled to 0..1 (its best candidate 1, its last 0) and the two
are added with weights (``score_fusion``). Unlike reciprocal rank fusion, a confident first hit
of one mode (far ahead of its second) keeps its lead instead of sinking to the rank the other
mode gives it. The weights depend on the query (``fusion_weight``): BM25 counts in full (as
much as the dense ranking) when its best passages hold the query's words, and less and less
as they hold fewer of them (``LexicalIndex.coverage``), so that for a question in other words
than the corpus's a passage sharing one stray word does not push aside the passage the
meaning-based ranking puts first. Queries are expanded with the glossary's names first (see
``expansion``). Filters (kind, tag, year) apply before the rankings are cut, so a filtered
search still returns ``top_k`` hits when there are enough.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..problems import Arg, ArgumentError, KBError, did_you_mean
from .chunk import Chunk
from .embedding import Embedder
from .expansion import LEXICAL_WEIGHT, Expansion

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .store import LoadedIndex

MODES: tuple[str, ...] = ("hybrid", "semantic", "lexical")
RRF_K = 60
DEPTH = 100
#: weight of the dense ranking in hybrid fusion; the BM25 ranking has (1 - this) x coverage **
#: ``COVERAGE_POWER`` (``fusion_weight``); set from the project's, the development and the
#: paraphrase queries (docs/search.md)
DENSE_WEIGHT = 0.5
COVERAGE_POWER = 2
#: how many of the best BM25 passages the query's words are looked for in (``LexicalIndex.coverage``)
COVERAGE_DEPTH = 10
#: a passage that is only editorial notes or lists of works (``passages``) counts at this share of
#: its score, so that it ranks below the entry's own text (in every mode)
NOTE_FACTOR = 0.5
#: threads for one query's embedding and FAISS search: a single vector gains nothing from more,
#: and on a busy machine their start-up and spinning cost more than the work (FAISS at 10,000
#: passages: 16 ms with two OpenMP threads, 0.45 ms with one; the query's embedding 14 ms
#: against 6 ms)
QUERY_THREADS = 1
#: queries longer than this many characters are cut (the model reads 256 word pieces anyway)
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class Filters:
    """Which chunks may be returned. Several kinds: any of them; several tags: all of them.

    A year range keeps only entries with a year (timeline events, case studies, sources)
    inside it; entries without a year are left out when a year bound is given.
    """

    kinds: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    year_from: int | None = None
    year_to: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.tags or self.year_from is not None or self.year_to is not None)

    def allows(self, chunk: Chunk) -> bool:
        if self.kinds and chunk.kind not in self.kinds:
            return False
        if self.tags and not self.tags <= set(chunk.tags):
            return False
        if self.year_from is not None or self.year_to is not None:
            if chunk.year is None:
                return False
            if self.year_from is not None and chunk.year < self.year_from:
                return False
            if self.year_to is not None and chunk.year > self.year_to:
                return False
        return True

    def validate(self, kinds: Sequence[str], tags: Sequence[str] | None) -> None:
        """Raise ``ArgumentError`` naming the argument (``kind``, ``tag``, ``year_from``) for an
        unknown kind or tag or a reversed range.

        ``tags`` None skips the tag check (the vocabulary comes with the index).
        """
        tag_check = tags is not None
        tags = tags or ()
        checks = [("kind", self.kinds, kinds)] + ([("tag", self.tags, tags)] if tag_check else [])
        for name, given, known in checks:
            for value in sorted(given):
                if value not in known:
                    hint = did_you_mean(value, known, f" (known: {', '.join(known)})")
                    raise ArgumentError(Arg(name), f" {value!r} is unknown{hint}")
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ArgumentError(Arg("year_from"), f" {self.year_from} is after ", Arg("year_to"), f" {self.year_to}")


@dataclass(frozen=True)
class Hit:
    """One search result: a chunk, its rank (from 1) and score (of the mode that ranked it)."""

    rank: int
    score: float
    chunk: Chunk

    def to_dict(self) -> dict[str, Any]:
        """The result as the ``kb search --json`` contract has it (DESIGN.md)."""
        c = self.chunk
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "id": c.path_id,
            "kind": c.kind,
            "title": c.title,
            "section": c.section,
            "url": c.url,
            "text": c.text,
            "citations": [x.to_dict() for x in c.citations],
        }


@dataclass(frozen=True)
class Results:
    """The hits for one query, and the glossary expansion it was searched with."""

    query: str
    expansion: Expansion
    hits: tuple[Hit, ...] = field(default=())
    #: the whole fused ranking (up to ``DEPTH``), for grouping by entry
    candidates: tuple[Hit, ...] = field(default=(), compare=False)
    #: the dense cosine of each chunk in the dense ranking (by chunk id), empty in lexical mode
    cosines: dict[str, float] = field(default_factory=dict, compare=False)
    #: the embedding of the query (None in lexical mode)
    vector: Any = field(default=None, compare=False)
    mode: str = "hybrid"

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "results": [h.to_dict() for h in self.hits]}


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Fuse rankings (lists of ids, best first): score = sum of 1 / (k + rank), rank from 1."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _scaled(ranking: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
    """Scores scaled to 0..1: the first candidate 1, the last 0 (all 1 when they are equal)."""
    if not ranking:
        return []
    high, low = ranking[0][1], ranking[-1][1]
    span = high - low
    return [(i, (s - low) / span if span > 0 else 1.0) for i, s in ranking]


def score_fusion(
    dense: Sequence[tuple[int, float]], lexical: Sequence[tuple[int, float]], weight: float = DENSE_WEIGHT
) -> list[tuple[int, float]]:
    """Fuse two rankings of (id, score), best first: weight * scaled dense + (1 - weight) *
    scaled lexical (a candidate missing from one ranking gets 0 there); ties by id."""
    scores: dict[int, float] = {}
    for ranking, w in ((dense, weight), (lexical, 1.0 - weight)):
        for doc, scaled in _scaled(ranking):
            scores[doc] = scores.get(doc, 0.0) + w * scaled
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _top(scores: npt.NDArray[np.float32], allowed: npt.NDArray[np.bool_] | None, depth: int,
         positive: bool) -> list[tuple[int, float]]:
    import numpy as np

    candidates = np.arange(len(scores))
    if allowed is not None:
        candidates = candidates[allowed]
    if positive:
        candidates = candidates[scores[candidates] > 0]
    if not len(candidates):
        return []
    values = scores[candidates]
    if len(candidates) > depth:
        part = np.argpartition(-values, depth - 1)[:depth]
        candidates, values = candidates[part], values[part]
    order = np.lexsort((candidates, -values))
    return [(int(candidates[i]), float(values[i])) for i in order]


def fusion_weight(coverage: float) -> float:
    """The dense ranking's share of the fused score (BM25 has the rest) when the best BM25
    passages hold ``coverage`` (0..1) of the query's words, by weight: ``DENSE_WEIGHT`` against
    (1 - ``DENSE_WEIGHT``) x coverage ** ``COVERAGE_POWER``, scaled to add up to 1."""
    lexical = (1.0 - DENSE_WEIGHT) * coverage**COVERAGE_POWER
    return DENSE_WEIGHT / (DENSE_WEIGHT + lexical)


def check_mode(mode: str) -> None:
    """``KBError`` for a search mode that is not one of ``MODES``."""
    if mode not in MODES:
        raise ArgumentError(Arg("mode"), f" {mode!r} is unknown ({', '.join(MODES)})")


class Searcher:
    """A loaded index and a query embedder: answers many queries without reloading."""

    def __init__(self, index: LoadedIndex, embedder: Embedder | None) -> None:
        import faiss

        faiss.omp_set_num_threads(QUERY_THREADS)

        self.index = index
        self.embedder = embedder
        self._masks: dict[Filters, Any] = {}
        #: what each line of a passage is (text, note, synthesis, list), as the index keeps it
        self.roles = index.roles

    def _allowed(self, filters: Filters) -> npt.NDArray[np.bool_] | None:
        import numpy as np

        if not filters.active:
            return None
        if filters not in self._masks:
            self._masks[filters] = np.array([filters.allows(c) for c in self.index.chunks], dtype=bool)
        mask: npt.NDArray[np.bool_] = self._masks[filters]
        return mask

    def embed(self, text: str) -> npt.NDArray[np.float32]:
        """The query's embedding, one row (1 x dim)."""
        import numpy as np

        if self.embedder is None:
            raise KBError("semantic search needs the model: run kb index")
        return np.ascontiguousarray(self.embedder.encode([text]), dtype=np.float32)

    def dense(
        self, text: str, allowed: npt.NDArray[np.bool_] | None, depth: int, vector: Any = None
    ) -> list[tuple[int, float]]:
        """Chunks by cosine similarity to the query's embedding (FAISS inner product)."""
        import numpy as np

        if vector is None:
            vector = self.embed(text)
        total = self.index.dense.ntotal
        if not total:
            return []
        k = total if allowed is not None else min(total, depth)
        scores, ids = self.index.dense.search(vector, k)
        full = np.full(total, -np.inf, dtype=np.float32)
        valid = ids[0] >= 0
        full[ids[0][valid]] = scores[0][valid]
        if allowed is not None:
            full = np.where(allowed, full, -np.inf).astype(np.float32)
        return [(i, s) for i, s in _top(full, None, depth, positive=False) if s != -np.inf]

    def lexical(
        self, text: str, allowed: npt.NDArray[np.bool_] | None, depth: int, extra: str = ""
    ) -> list[tuple[int, float]]:
        """Chunks by BM25 score (only those sharing a word with the query).

        ``extra`` words (glossary names the query did not use) add their score at
        ``LEXICAL_WEIGHT``.
        """
        scores = self.index.lexical.scores(text)
        if extra:
            scores = scores + LEXICAL_WEIGHT * self.index.lexical.scores(extra)
        return _top(scores, allowed, depth, positive=True)

    def demote_notes(self, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """``ranked`` with each passage that is only editorial notes or lists at ``NOTE_FACTOR``
        of its score, in order again (ties by chunk number)."""
        from .passages import SYNTHESIS, TEXT

        chunks = self.index.chunks
        out = []
        for i, score in ranked:
            roles = self.roles.roles(chunks[i])
            out.append((i, score if TEXT in roles or SYNTHESIS in roles else score * NOTE_FACTOR))
        return sorted(out, key=lambda item: (-item[1], item[0]))

    def search(self, query: str, mode: str = "hybrid", top_k: int = 10, filters: Filters | None = None) -> Results:
        """The ``top_k`` best chunks for ``query`` in ``mode`` (hybrid, semantic or lexical)."""
        check_mode(mode)
        if top_k < 1:
            raise ArgumentError("the number of results (", Arg("top_k"), f") must be at least 1, got {top_k}")
        cleaned = " ".join(unicodedata.normalize("NFC", query).split())  # the corpus is NFC too
        if not cleaned:
            raise KBError("the query is empty: give some words to search for")
        cleaned = cleaned[:MAX_QUERY_CHARS]
        expansion = self.index.expansion.expand(cleaned)
        text = expansion.text
        filters = filters or Filters()
        allowed = self._allowed(filters)
        depth = max(DEPTH, top_k)
        dense: list[tuple[int, float]] = []
        vector = None
        if mode != "lexical":
            vector = self.embed(text)
            dense = self.dense(text, allowed, depth, vector)
        if mode == "semantic":
            ranked = dense
        elif mode == "lexical":
            ranked = self.lexical(text, allowed, depth, expansion.extra)
        else:
            lexical = self.lexical(text, allowed, depth, expansion.extra)
            coverage = self.index.lexical.coverage(text, [i for i, _s in lexical[:COVERAGE_DEPTH]])
            ranked = score_fusion(dense, lexical, fusion_weight(coverage))
        chunks = self.index.chunks
        ranked = self.demote_notes(ranked)
        candidates = tuple(Hit(rank=n, score=score, chunk=chunks[i]) for n, (i, score) in enumerate(ranked, start=1))
        return Results(
            query=query, expansion=expansion, hits=candidates[:top_k], candidates=candidates,
            cosines={chunks[i].id: s for i, s in dense}, vector=vector, mode=mode,
        )


def open_searcher(root: Any, mode: str = "hybrid", embedder: Embedder | None = None) -> Searcher:
    """Load the live index under ``root`` and, unless lexical, the ONNX query embedder.

    With ``embedder`` given (tests), the index must have been built by that embedder's model.
    Raises ``IndexUnusable`` (one line, saying to run kb index) for a missing or stale index.
    """
    from .embedding import OnnxEmbedder, model_id
    from .store import load_index

    check_mode(mode)
    expected = embedder.model_id if embedder is not None else model_id()
    index = load_index(root, expected)
    if embedder is None and mode != "lexical":
        embedder = OnnxEmbedder(index.onnx_folder, index.manifest.model_id, index.manifest.dim, threads=QUERY_THREADS)
    return Searcher(index, embedder)
