"""Glossary expansion: acronyms and other names of terms find their terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.corpus.entries import load_corpus
from indexer.search.expansion import ExpansionTable, TermNames, normalise

FIXTURE = Path(__file__).parent.parent / "fixtures" / "search"


def table() -> ExpansionTable:
    return ExpansionTable.from_entries(load_corpus(FIXTURE / "corpus").entries)


def test_table_built_from_glossary_entries_only() -> None:
    t = table()
    assert {term.path_id for term in t.terms} == {"glossary/team-around-the-child", "glossary/co-location"}
    tac = next(term for term in t.terms if term.abbreviation == "TAC")
    assert tac.names == ("Team Around the Child", "TAC", "team around the family")


def test_acronym_and_other_names_expand_to_the_title() -> None:
    expansion = table().expand("TAC meeting")
    assert expansion.added == ("Team Around the Child",)
    assert expansion.text == "TAC meeting (Team Around the Child)"
    assert table().expand("tac meeting").added == ("Team Around the Child",)
    assert table().expand("team around the family").added == ("Team Around the Child",)


def test_other_name_expands_across_hyphens_and_plurals() -> None:
    assert table().expand("what is a one stop shop?").added == ("Co-location",)
    assert table().expand("One-stop shops in Wirral").added == ("Co-location",)
    assert table().expand("who sits on the team around the child").added == ("TAC",)
    assert table().expand("Team Around the Child (TAC)").added == ()


def test_no_expansion_without_a_whole_name() -> None:
    assert table().expand("tactics for attaching").added == ()
    assert table().expand("").added == ()


def test_two_letter_acronym_only_when_written_as_one() -> None:
    t = ExpansionTable((TermNames("glossary/local-authority", ("Local authority", "LA"), "LA"),))
    assert t.expand("role of the LA").added == ("Local authority",)
    assert t.expand("tra la la").added == ()


def test_round_trip_and_normalise() -> None:
    t = table()
    assert ExpansionTable.from_dict(t.to_dict()) == t
    assert normalise("Children’s  Centre/one-stop") == "children's centre one stop"


def test_the_word_index_is_kept_and_made_again_when_missing() -> None:
    t = table()
    kept = ExpansionTable.from_dict(t.to_dict())
    assert (kept.by_word, kept.short) == (t.by_word, t.short) and kept.by_word
    older = {"terms": t.to_dict()["terms"]}  # an expansion.json without the word index
    remade = ExpansionTable.from_dict(older)
    assert (remade.by_word, remade.short) == (t.by_word, t.short)
    assert remade.expand("TAC meeting").added == ("Team Around the Child",)
    broken = {**t.to_dict(), "short": [len(t.terms)]}
    with pytest.raises(ValueError, match="names a term the table does not have"):
        ExpansionTable.from_dict(broken)


def _scan_every_term(t: ExpansionTable, query: str) -> list[str]:
    """The terms a query names, by comparing it with every name of every term (what ``expand``
    did before its names were indexed by word)."""
    padded = f" {normalise(query)} "
    return [term.path_id for term in t.terms if any(t._mentions(query, padded, term, n) for n in term.names)]


def test_the_word_index_finds_what_a_scan_of_every_name_finds() -> None:
    import json

    repo = Path(__file__).resolve().parents[2]
    t = ExpansionTable.from_entries(load_corpus(repo / "corpus").entries)
    queries = [q["q"] for f in sorted((repo / "tests" / "queries").glob("*.json"))
               for q in json.loads(f.read_text(encoding="utf-8"))["queries"]]
    names = [n for term in t.terms for n in term.names]
    odd = ["", "   ", "EY", "ey", "LA's role", "CAFs and TACs", "children's centres", "Sure-Start", "NPQICL?"]
    cases = [*queries, *names, *(n.upper() for n in names), *(f"about {n}s" for n in names), *odd]
    named = 0
    for query in cases:
        padded = f" {normalise(query)} "
        found = [t.terms[i].path_id for i in t.candidates(padded)
                 if any(t._mentions(query, padded, t.terms[i], n) for n in t.terms[i].names)]
        assert found == _scan_every_term(t, query), query
        named += bool(found)
    assert named >= len(names)  # every name finds its term at least
    assert len(t.candidates(" the capital of france ")) < len(t.terms) // 10
