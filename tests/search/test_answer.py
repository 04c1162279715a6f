"""Results grouped by entry, the roles of a passage's lines, score fusion and the extractive
answer, with the fake embedder (no model)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from indexer.search import answer as a
from indexer.search.chunking import Chunk, CitationRef
from indexer.search.grouping import NOTE_FACTOR, group_hits
from indexer.search.lexical import LexicalIndex
from indexer.search.passages import PassageRoles, admonition_units, line_roles
from indexer.search.query import (
    DENSE_WEIGHT,
    Hit,
    Searcher,
    fusion_weight,
    open_searcher,
    reciprocal_rank_fusion,
    score_fusion,
)
from indexer.search.respond import respond

CONTRACT_KEYS = ["rank", "score", "id", "kind", "title", "section", "url", "text", "citations"]

NOTED = """---
id: noted-finding
title: Joint meetings and shared plans
kind: finding
summary: Joint meetings help agencies agree one plan for a family.
sources: [mcinnes2007practitioners]
tags: [co-location]
theme: benefits
---

Joint meetings let practitioners from health and education agree a single plan for each family
[@mcinnes2007practitioners]. Staff said the plans were clearer. They also saved time.

!!! note "Editorial note"
    McInnes's text spells the meetings "joynt meetings" once; the spelling is corrected here
    [@mcinnes2007practitioners].

A review of joint meetings found that families repeated their story less often
[@cameron2003factors].

!!! synthesis "Editors' synthesis"
    Joint meetings can be read as a small step towards integrated working between agencies.

## Slips in the sources corrected here

Cameron and Lart's review of joint meetings lists further studies [@cameron2003factors].
"""


def chunk(cid: str, path_id: str, text: str, section: tuple[str, ...] = ()) -> Chunk:
    return Chunk(id=cid, path_id=path_id, kind="finding", title=path_id.title(), section_path=section,
                 anchor="", url=f"{path_id}/", text=text, tags=(), year=None,
                 citations=(CitationRef("mcinnes2007practitioners", "McInnes", "2007", "Guide"),))


@pytest.fixture
def noted_project(search_project: Path, fake_embedder) -> Path:  # type: ignore[no-untyped-def]
    from indexer.search.build import build_index

    (search_project / "corpus" / "findings" / "noted-finding.md").write_text(NOTED, encoding="utf-8")
    build_index(search_project, embedder=lambda: fake_embedder)
    return search_project


@pytest.fixture
def searcher(noted_project: Path, fake_embedder) -> Searcher:  # type: ignore[no-untyped-def]
    return open_searcher(noted_project, embedder=fake_embedder)


# -- roles of lines ---------------------------------------------------------------------------------


def test_lines_of_notes_synthesis_and_reading_lists_are_known(searcher: Searcher) -> None:
    chunks = {c.id: c for c in searcher.index.chunks if c.path_id == "findings/noted-finding"}
    intro = chunks["findings/noted-finding"]
    roles = searcher.roles.roles(intro)
    lines = intro.text.split("\n")
    assert len(roles) == len(lines)
    by_role = {line: role for line, role in zip(lines, roles, strict=True)}
    assert by_role["Editorial note:"] == "n"
    assert by_role["Editors' synthesis:"] == "s"
    assert next(r for line, r in by_role.items() if line.startswith("McInnes's text spells")) == "n"
    assert next(r for line, r in by_role.items() if line.startswith("Joint meetings can be read")) == "s"
    # the paragraph after the note is the entry's text again (a note is not "the rest of the passage")
    assert next(r for line, r in by_role.items() if line.startswith("A review of joint meetings")) == "t"
    reading = chunks["findings/noted-finding#slips-in-the-sources-corrected-here"]
    assert set(searcher.roles.roles(reading)) == {"l"}
    assert searcher.roles.theme("findings/noted-finding") == "Benefits"


def test_a_line_matches_its_note_although_the_citation_is_rendered_differently() -> None:
    units = admonition_units('!!! note "Editorial note"\n    The text says "Bertam" [@bertram2002early].\n')
    assert units == [("n", "Editorial note:"), ("n", 'The text says "Bertam" (bertram2002early).')]
    c = chunk("x", "findings/x", 'Real text here, nothing to do with it.\nThe text says "Bertam" (Bertram et al., 2002).')
    assert line_roles(c, units) == "tn"


def test_unreadable_entry_means_every_line_is_text(tmp_path: Path) -> None:
    roles = PassageRoles(tmp_path)
    assert roles.roles(chunk("a", "findings/missing", "one\ntwo")) == "tt"


# -- fusion -----------------------------------------------------------------------------------------


def test_score_fusion_keeps_a_confident_first_hit_that_rank_fusion_buries() -> None:
    dense = [(1, 0.90)] + [(i, 0.50 - i / 1000) for i in range(2, 40)]
    lexical = [(i, 10.0 - i / 10) for i in range(2, 60)] + [(1, 4.0)]
    rrf = [doc for doc, _ in reciprocal_rank_fusion([[d for d, _ in dense], [d for d, _ in lexical]])]
    fused = [doc for doc, _ in score_fusion(dense, lexical, fusion_weight(0.5))]  # BM25 holds half the words
    assert rrf.index(1) > 0
    assert fused[0] == 1
    assert score_fusion([], []) == []
    assert score_fusion([(3, 0.5)], []) == [(3, pytest.approx(DENSE_WEIGHT))]


def test_coverage_is_the_share_of_the_query_words_the_best_passage_holds() -> None:
    lexical = LexicalIndex.build(["lead professional co-ordinates support", "family support", "budgets", "budgets"])
    assert lexical.coverage("lead professional", [0, 1]) == pytest.approx(1.0)
    assert lexical.coverage("coordinates support", [1]) == pytest.approx(
        _idf(4, 2) / (_idf(4, 1) + _idf(4, 2)))  # 'support' in 2 of 4 chunks, 'coordin' in 1
    assert 0 < lexical.coverage("budgets support", [1, 2]) < 1
    assert lexical.coverage("zeppelin", [0]) == 0.0  # a word in no chunk weighs, and is missing
    assert lexical.coverage("the of", [0]) == 0.0 and lexical.coverage("support", []) == 0.0


def _idf(n: int, df: int) -> float:
    import math

    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def test_bm25_weighs_less_when_its_best_passages_lack_the_query_words() -> None:
    assert fusion_weight(1.0) == pytest.approx(0.5)
    assert fusion_weight(0.0) == 1.0  # nothing of the query in BM25's best: the dense ranking alone
    weights = [fusion_weight(c / 10) for c in range(11)]
    assert weights == sorted(weights, reverse=True)


# -- grouping ---------------------------------------------------------------------------------------


def test_groups_rank_entries_from_their_passages_and_show_text_before_notes() -> None:
    a1 = chunk("e/a#n", "e/a", "Editorial note:\nA slip corrected.")
    a2 = chunk("e/a#t", "e/a", "The entry's own finding.")
    b1 = chunk("e/b", "e/b", "Another finding.")
    roles = {"e/a#n": "nn", "e/a#t": "t", "e/b": "t"}
    # the note alone scored 1.0 before the search lowered it (Searcher.demote_notes)
    hits = [Hit(1, 0.8, b1), Hit(2, 0.7, a2), Hit(3, NOTE_FACTOR * 1.0, a1)]
    groups = group_hits(hits, lambda c: roles[c.id], lambda p: f"summary of {p}")
    assert [g.chunk.path_id for g in groups] == ["e/b", "e/a"]  # a's best passage is only a note
    first = groups[1]
    assert first.best.chunk.id == "e/a#t"  # shown: the entry's text, not the note
    assert first.score == pytest.approx(0.7 + 0.2 * NOTE_FACTOR * 1.0)
    assert first.summary == "summary of e/a" and first.rank == 2
    assert [h.chunk.id for h in first.hits] == ["e/a#t", "e/a#n"]
    assert group_hits(hits, lambda c: roles[c.id], lambda p: "", top_k=1)[0].rank == 1


def test_a_passage_of_notes_alone_ranks_below_the_entrys_text(noted_project: Path, fake_embedder) -> None:
    searcher = open_searcher(noted_project, embedder=fake_embedder)
    notes = {c.id for c in searcher.index.chunks if not set(searcher.roles.roles(c)) & {"t", "s"}}
    assert notes, "the fixture has a passage of notes alone"
    i = next(n for n, c in enumerate(searcher.index.chunks) if c.id in notes)
    j, k = [n for n, c in enumerate(searcher.index.chunks) if c.id not in notes][:2]
    demoted = searcher.demote_notes([(i, 1.0), (j, 0.9), (k, 0.6)])
    assert demoted == [(j, 0.9), (k, 0.6), (i, NOTE_FACTOR * 1.0)]
    hits = searcher.search("spelling slips corrected in the sources", top_k=20).candidates
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)  # in order again after the notes were lowered


def test_further_passages_lift_an_entry_only_a_little() -> None:
    x = [chunk(f"x#{n}", "x", "text") for n in range(3)]
    y = chunk("y", "y", "text")
    hits = [Hit(1, 0.80, y), Hit(2, 0.75, x[0]), Hit(3, 0.70, x[1]), Hit(4, 0.70, x[2])]
    groups = group_hits(hits, lambda c: "t", lambda p: "")
    assert [g.chunk.path_id for g in groups] == ["x", "y"]  # 0.75 + 0.2 x 0.70 + 0.1 x 0.70 > 0.80
    hits[0] = Hit(1, 1.0, y)
    assert group_hits(hits, lambda c: "t", lambda p: "")[0].chunk.path_id == "y"


def test_search_json_keeps_the_contract_and_adds_groups(searcher: Searcher) -> None:
    out = respond(searcher, "joint meetings agree one plan for a family", top_k=3).to_dict()
    assert list(out)[:2] == ["query", "results"]
    assert all(list(r) == CONTRACT_KEYS for r in out["results"])
    assert len(out["results"]) == 3 and "answer" not in out
    group = out["groups"][0]
    assert group["id"] == "findings/noted-finding" and group["theme"] == "Benefits"
    assert group["summary"] == "Joint meetings help agencies agree one plan for a family."
    assert group["passages"][0]["url"].startswith("findings/noted-finding/")
    assert group["more"] == len(group["passages"]) - 1
    assert {c["key"] for c in group["citations"]} >= {"mcinnes2007practitioners"}
    ids = [g["id"] for g in out["groups"]]
    assert len(ids) == len(set(ids))


# -- sentences --------------------------------------------------------------------------------------


def test_sentences_split_outside_citations_and_after_abbreviations() -> None:
    text = ('Staff met weekly (McInnes, 2007, p. 21). Atkinson et al. found more. J. Smith agreed! '
            '"Quoted" starts here. e.g. not a start. Done')
    assert a.split_sentences(text) == [
        "Staff met weekly (McInnes, 2007, p. 21).", "Atkinson et al. found more.", "J. Smith agreed!",
        '"Quoted" starts here. e.g. not a start.', "Done",
    ]


def test_candidates_carry_their_citation_and_skip_questions_pointers_and_tables() -> None:
    c = chunk("e/a", "e/a", "")
    line = ("Staff who share a building talk more often. They refer families faster "
            "(McInnes, 2007, sec. 5). Is this always so? See Co-location for the limits of it all. "
            "page | heading | another column here")
    found = a.sentence_candidates(line, c, 0, 1)
    assert [x.text for x in found] == ["Staff who share a building talk more often.",
                                       "They refer families faster (McInnes, 2007, sec. 5)."]
    assert found[0].cite == "(McInnes, 2007, sec. 5)" and found[1].cite == ""
    assert [r.key for r in found[0].citations] == ["mcinnes2007practitioners"]


def test_a_sentence_never_borrows_a_narrative_citations_bare_year() -> None:
    """'Marsh (2006) says ...' cites Marsh outside the bracket: the sentence before it, which has no
    citation of its own, takes the next bracket that names its authors, never "(2006)" alone."""
    c = chunk("e/a", "e/a", "")
    line = ("Several commentators warn against overrating shared buildings. Marsh (2006) says working "
            "together takes more than working side by side (Marsh, 2006; McInnes, 2007, sec. 5).")
    found = a.sentence_candidates(line, c, 0, 1)
    assert found[0].text.startswith("Several commentators")
    assert found[0].cite == "(Marsh, 2006; McInnes, 2007, sec. 5)"


def _pool(*specs: tuple[str, str, int]) -> list[a.Candidate]:
    return [a.Candidate(text, chunk(cid, cid.split("#")[0], ""), line, 1, "", ()) for text, cid, line in specs]


def test_select_refuses_when_nothing_is_relevant_enough() -> None:
    pool = _pool(("one two three four five six", "e/a", 0))
    q = [1.0, 0.0]
    found = a.select(pool, [[a.MIN_RELEVANCE - 0.01, (1 - (a.MIN_RELEVANCE - 0.01) ** 2) ** 0.5]], q)
    assert found.sentences == () and found.reason.startswith("nothing in the knowledge base")
    assert a.select([], [], q).sentences == ()


def test_select_never_takes_two_from_one_paragraph_or_three_from_one_entry_and_prefers_new_points() -> None:
    q = np.array([1.0, 0.0, 0.0])
    same = [0.95, 0.31, 0.0]
    pool = _pool(("s1", "e/a", 0), ("s2 same paragraph", "e/a", 0), ("s3", "e/a#x", 1), ("s4", "e/a#y", 2),
                 ("s5 a copy of s1", "e/b", 0), ("s6 another point", "e/c", 0))
    vectors = [same, same, [0.9, 0.0, 0.43], [0.9, -0.43, 0.0], same, [0.88, 0.0, -0.47]]
    vectors = [list(np.array(v) / np.linalg.norm(v)) for v in vectors]
    found = a.select(pool, vectors, list(q))
    texts = [c.text for c, _r in found.sentences]
    assert texts[0] == "s1"
    assert "s2 same paragraph" not in texts  # the same paragraph as s1
    assert sum(c.chunk.path_id == "e/a" for c, _r in found.sentences) <= a.PER_ENTRY
    assert texts.index("s6 another point") < texts.index("s5 a copy of s1") if "s5 a copy of s1" in texts else True
    assert len(texts) <= a.MAX_SENTENCES and found.entries == len({c.chunk.path_id for c, _r in found.sentences})


def test_the_answer_never_quotes_a_note_or_the_synthesis(searcher: Searcher) -> None:
    response = respond(searcher, "joint meetings spelling corrected integrated working", top_k=5, with_answer=True)
    pool = a.candidates(response.groups)
    texts = " ".join(c.text for c in pool)
    assert "Staff said the plans were clearer." in texts
    assert "spells" not in texts and "small step towards integrated" not in texts
    assert "lists further studies" not in texts
    data = response.to_dict()["answer"]
    assert set(data) == {"answered", "entries", "best", "reason", "sentences"}
    for sentence in data["sentences"]:
        assert set(sentence) >= {"text", "id", "url", "citations", "cite"}


def test_lexical_search_has_no_answer(searcher: Searcher) -> None:
    response = respond(searcher, "joint meetings", mode="lexical", with_answer=True)
    assert response.answer is not None and response.answer.sentences == ()
    assert "meaning-based" in response.answer.reason


# -- the command line -------------------------------------------------------------------------------


@pytest.fixture
def fake_cli(monkeypatch: pytest.MonkeyPatch, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    import indexer.search.query

    real_open = indexer.search.query.open_searcher
    monkeypatch.setattr(indexer.search.query, "open_searcher",
                        lambda root, mode="hybrid": real_open(root, mode, embedder=fake_embedder))


def test_kb_ask_and_search_answer(noted_project: Path, fake_cli: None) -> None:
    from indexer.cli import main

    runner = CliRunner()
    done = runner.invoke(main, ["ask", "joint meetings agree a single plan for each family", "--root", str(noted_project)])
    assert done.exit_code == 0, done.output
    assert "1. Joint meetings and shared plans  [finding]" in done.output and "   Theme: Benefits" in done.output
    assert "Answer (from" in done.output or "No good answer" in done.output
    assert "spells" not in done.output.split("\n\n")[0]
    done = runner.invoke(main, ["search", "joint meetings", "--answer", "--json", "--root", str(noted_project)])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert {"results", "groups", "answer"} <= set(data)
    done = runner.invoke(main, ["ask", "  ", "--root", str(noted_project)])
    assert done.exit_code == 1 and "the query is empty" in done.output and "Traceback" not in done.output
