"""Search: rank fusion, modes, filters, glossary expansion, the JSON contract, odd queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.problems import KBError
from indexer.search.query import Filters, Searcher, open_searcher, reciprocal_rank_fusion
from indexer.search.render import format_results, snippet

CONTRACT_KEYS = ["rank", "score", "id", "kind", "title", "section", "url", "text", "citations"]


@pytest.fixture
def searcher(fake_index: Path, fake_embedder) -> Searcher:
    return open_searcher(fake_index, embedder=fake_embedder)


def ids(results) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.chunk.id for h in results.hits]


def test_reciprocal_rank_fusion() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1]], k=60)
    assert [doc for doc, _ in fused] == [1, 3, 2]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert reciprocal_rank_fusion([]) == []


@pytest.mark.parametrize("mode", ["hybrid", "semantic", "lexical"])
def test_each_mode_finds_the_obvious_passage(searcher: Searcher, mode: str) -> None:
    results = searcher.search("Childcare Act 2006 duties on local authorities", mode=mode, top_k=3)
    assert ids(results)[0] == "timeline/childcare-act-2006"
    assert [h.rank for h in results.hits] == list(range(1, len(results.hits) + 1))


def test_acronym_finds_its_glossary_term(searcher: Searcher) -> None:
    results = searcher.search("TAC", mode="lexical", top_k=2)
    assert results.expansion.added[0] == "Team Around the Child"
    assert ids(results)[0].startswith("glossary/team-around-the-child")


def test_contract_fields(searcher: Searcher) -> None:
    query = "informal contact: staff talked more often"
    out = searcher.search(query, mode="lexical", top_k=2).to_dict()
    assert out["query"] == query
    first = out["results"][0]
    assert list(first) == CONTRACT_KEYS
    assert first["id"] == "findings/what-co-location-achieves"
    assert first["url"] == "findings/what-co-location-achieves/#informal-contact-between-practitioners"
    assert first["section"] == "Informal contact between practitioners"
    assert first["citations"] == [{"key": "cameron2003factors", "author": "Cameron and Lart", "year": "2003",
                                   "title": "Factors promoting and obstacles hindering joint working"}]


def test_top_k(searcher: Searcher) -> None:
    assert len(searcher.search("co-location", top_k=1).hits) == 1
    assert len(searcher.search("co-location", top_k=50).hits) == 10  # every chunk, in hybrid
    with pytest.raises(KBError, match=r"the number of results \(top_k\) must be at least 1, got 0"):
        searcher.search("co-location", top_k=0)


def test_filters_by_kind_tag_and_year(searcher: Searcher) -> None:
    terms = searcher.search("co-location", top_k=10, filters=Filters(kinds=frozenset({"term"})))
    assert {h.chunk.kind for h in terms.hits} == {"term"}
    tagged = searcher.search("building", filters=Filters(tags=frozenset({"co-location", "benefits"})))
    assert tagged.hits and all({"co-location", "benefits"} <= set(h.chunk.tags) for h in tagged.hits)
    dated = searcher.search("children", filters=Filters(year_from=2005, year_to=2008))
    assert ids(dated) == ["timeline/childcare-act-2006"]  # undated entries are left out
    assert searcher.search("children", filters=Filters(year_from=2007)).hits[0].chunk.year == 2009


def test_filter_validation_names_the_argument() -> None:
    kinds, tags = ["event", "term"], ["co-location", "roles"]
    with pytest.raises(KBError, match=r"^kind 'trem' is unknown \(did you mean term\?\)"):
        Filters(kinds=frozenset({"trem"})).validate(kinds, tags)
    with pytest.raises(KBError, match=r"^tag 'colocation' is unknown"):
        Filters(tags=frozenset({"colocation"})).validate(kinds, tags)
    with pytest.raises(KBError, match=r"^year_from 2010 is after year_to 2000"):
        Filters(year_from=2010, year_to=2000).validate(kinds, tags)
    Filters(kinds=frozenset({"term"}), tags=frozenset({"nope"})).validate(kinds, None)


@pytest.mark.parametrize("query", ["", "   \t ", "\n"])
def test_empty_query_is_a_clear_error(searcher: Searcher, query: str) -> None:
    with pytest.raises(KBError, match="the query is empty"):
        searcher.search(query)


@pytest.mark.parametrize(
    "query", ["co-location " * 1000, "協力して働く", "сотрудничество агентств", "🙂", "?!;"]
)
def test_long_and_non_latin_queries_give_sane_results(searcher: Searcher, query: str) -> None:
    for mode in ("hybrid", "semantic", "lexical"):
        results = searcher.search(query, mode=mode)
        assert len(results.hits) <= 10
    assert searcher.search("協力して働く", mode="lexical").hits == ()


def test_unknown_mode(searcher: Searcher) -> None:
    with pytest.raises(KBError, match=r"^mode 'fuzzy' is unknown \(hybrid, semantic, lexical\)"):
        searcher.search("x", mode="fuzzy")


def test_snippet_marks_query_words_and_stems() -> None:
    text = "First sentence about funding. Practitioners shared a building. Then more text follows here."
    out = snippet(text, {"share", "build"}, style=lambda w: f"[{w}]", width=40)
    assert "Practitioners [shared] a [building]." in out
    assert out.startswith("… ")


def test_people_output_has_title_section_sources_and_link(searcher: Searcher) -> None:
    text = format_results(searcher.search("TAC", top_k=1))
    assert "Team Around the Child" in text and "Sources: Liverpool Safeguarding Children Partnership (2018)" in text
    assert "glossary/team-around-the-child/" in text and "(also searched for: Team Around the Child" in text
    assert "No results" in format_results(searcher.search("協力", mode="lexical"))


def test_a_searcher_runs_one_thread_per_query(fake_index, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    import faiss

    from indexer.search.query import QUERY_THREADS, open_searcher

    faiss.omp_set_num_threads(2)
    open_searcher(fake_index, embedder=fake_embedder)
    assert QUERY_THREADS == 1 and faiss.omp_get_max_threads() == 1
