"""Search results for people (``render.format_groups``): each card says its summary once."""

from __future__ import annotations

from indexer.search.chunking import Chunk, CitationRef
from indexer.search.expansion import Expansion
from indexer.search.grouping import Group
from indexer.search.query import Hit, Results
from indexer.search.render import format_groups

SUMMARY = "The government's 1998 consultation on family policy."


def _group(text: str, section: tuple[str, ...] = ()) -> tuple[Results, tuple[Group, ...]]:
    chunk = Chunk(id="timeline/families" + ("#s" if section else ""), path_id="timeline/families", kind="event",
                  title="Supporting Families", section_path=section, anchor="s" if section else "",
                  url="timeline/families/", text=text, tags=("history",), year=1998,
                  citations=(CitationRef("gasper2010what", "Gasper", "2010", "What"),))
    hit = Hit(rank=1, score=0.9, chunk=chunk)
    results = Results(query="family policy", expansion=Expansion("family policy", ()), hits=(hit,), candidates=(hit,))
    return results, (Group(rank=1, score=0.9, hits=(hit,), summary=SUMMARY, roles=("t" * len(text.split("\n")),)),)


def test_an_introduction_that_is_only_the_summary_prints_it_once() -> None:
    text = format_groups(*_group(SUMMARY))
    assert text.count("1998 consultation") == 1, text
    assert "Summary:" not in text and "Introduction:" not in text


def test_an_introduction_prints_the_summary_once_then_the_rest() -> None:
    text = format_groups(*_group(f"{SUMMARY}\nGasper lists it among the enabling documents."))
    assert text.count("1998 consultation") == 1, text
    assert "   Introduction: Gasper lists it among the enabling documents." in text


def test_a_section_passage_is_printed_under_its_heading() -> None:
    text = format_groups(*_group("What the source records, in full.", ("What the source records",)))
    assert text.count("1998 consultation") == 1
    assert "   What the source records: What the source records, in full." in text
