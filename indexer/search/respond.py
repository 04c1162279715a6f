"""One query's full response: the passages (the ``kb search --json`` contract), the same
results grouped by entry, and, when asked for, the extractive answer. ``kb search`` and
``kb ask`` both print it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answer import Answer, answer
from .grouping import Group, group_results

if TYPE_CHECKING:
    from .chunk import Chunk
    from .query import Filters, Results, Searcher


@dataclass(frozen=True)
class Response:
    results: Results
    groups: tuple[Group, ...]
    answer: Answer | None = None

    def to_dict(self) -> dict[str, Any]:
        """The passage contract's keys, then ``groups`` and (when answered) ``answer``."""
        data = self.results.to_dict()
        data["groups"] = [g.to_dict() for g in self.groups]
        if self.answer is not None:
            data["answer"] = self.answer.to_dict()
        return data


def respond(
    searcher: Searcher, query: str, mode: str = "hybrid", top_k: int = 10, filters: Filters | None = None,
    with_answer: bool = False,
) -> Response:
    """Search ``query``, group the results by entry (``top_k`` entries) and, with
    ``with_answer``, choose the extractive answer from the groups."""
    results = searcher.search(query, mode=mode, top_k=top_k, filters=filters)
    groups = group_results(results, searcher.roles.roles, searcher.index.chunks, top_k, searcher.roles.theme)
    found = None
    if with_answer:
        encode = searcher.embedder.encode if searcher.embedder is not None and mode != "lexical" else None
        found = answer(groups, results.vector, encode)
    return Response(results, groups, found)


def browser_settings(root: Path, chunks: Sequence[Chunk]) -> dict[str, Any]:
    """What the site's search needs to fuse, group and answer as ``kb search`` does (the
    ``results`` object of its ``index.json``): the parameters of ``query``, ``grouping`` and
    ``answer``, and the role letters of every chunk whose lines are not all the entry's text."""
    from . import answer as a
    from . import grouping as g
    from .passages import roles_document
    from .query import COVERAGE_DEPTH, COVERAGE_POWER, DENSE_WEIGHT, NOTE_FACTOR
    from .sentences import ABBREVIATIONS

    roles, themes = roles_document(root, chunks)
    return {
        "fusion": "score",
        "dense_weight": DENSE_WEIGHT,
        "coverage_power": COVERAGE_POWER,
        "coverage_depth": COVERAGE_DEPTH,
        "group_depth": g.GROUP_DEPTH,
        "further_bonus": g.FURTHER_BONUS,
        "note_factor": NOTE_FACTOR,
        "answer": {
            "entries": a.ANSWER_ENTRIES, "entry_share": a.ENTRY_SHARE, "passages_per_entry": a.PASSAGES_PER_ENTRY,
            "max_candidates": a.MAX_CANDIDATES, "max_sentences": a.MAX_SENTENCES, "per_entry": a.PER_ENTRY,
            "mmr_lambda": a.MMR_LAMBDA, "min_relevance": a.MIN_RELEVANCE, "max_drop": a.MAX_DROP,
            "min_words": a.MIN_WORDS, "max_chars": a.MAX_CHARS, "abbreviations": sorted(ABBREVIATIONS),
        },
        "roles": roles,
        "themes": themes,
    }
