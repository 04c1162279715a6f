"""One query's full response: the passages (the ``kb search --json`` contract), the same
results grouped by entry, and, when asked for, the extractive answer. ``kb search`` and
``kb ask`` both print it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .answer import Answer, answer
from .grouping import Group, group_results

if TYPE_CHECKING:
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
    groups = group_results(results, searcher.roles.roles, searcher.index.chunks, top_k)
    found = None
    if with_answer:
        encode = searcher.embedder.encode if searcher.embedder is not None and mode != "lexical" else None
        found = answer(groups, results.vector, encode)
    return Response(results, groups, found)
