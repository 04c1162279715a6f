"""Chunking: sections along headings, anchors as MkDocs makes them, sizes within the model's reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.corpus.bibliography import load_bibliography
from indexer.corpus.entries import load_corpus
from indexer.corpus.markdown import MAX_TOKENS, inline_text, split_sections
from indexer.search.chunking import SPECIAL_TOKENS, Chunk, chunk_entry
from indexer.search.embedding import token_counter

FIXTURE = Path(__file__).parent.parent / "fixtures" / "search"


@pytest.fixture(scope="module")
def count():
    return token_counter()


@pytest.fixture(scope="module")
def references():
    return load_bibliography(FIXTURE / "bibliography.bib").references


def _entry(entry_id: str):
    corpus = load_corpus(FIXTURE / "corpus")
    return next(e for e in corpus.entries if e.id == entry_id)


def test_sections_follow_headings_with_toc_anchors(references, count) -> None:
    chunks = chunk_entry(_entry("what-co-location-achieves"), references, count)
    assert [c.id for c in chunks] == [
        "findings/what-co-location-achieves",
        "findings/what-co-location-achieves#informal-contact-between-practitioners",
        "findings/what-co-location-achieves#limits-of-co-location",
        "findings/what-co-location-achieves#what-else-is-needed",
        "findings/what-co-location-achieves#limits-of-co-location_1",
    ]
    sub = chunks[3]
    assert sub.section_path == ("Limits of co-location", "What else is needed")
    assert sub.section == "Limits of co-location > What else is needed"
    assert sub.url == "findings/what-co-location-achieves/#what-else-is-needed"
    assert sub.embed_text.startswith("What co-location achieves: Limits of co-location > What else is needed\n")


def test_intro_chunk_leads_with_summary(references, count) -> None:
    intro = chunk_entry(_entry("what-co-location-achieves"), references, count)[0]
    assert intro.section == "" and intro.anchor == ""
    assert intro.url == "findings/what-co-location-achieves/"
    assert intro.text.startswith("Sharing a building helps practitioners")
    assert intro.kind == "finding" and intro.tags == ("co-location", "benefits")


def test_citations_rendered_author_date_and_kept_as_keys(references, count) -> None:
    chunks = {c.anchor: c for c in chunk_entry(_entry("what-co-location-achieves"), references, count)}
    informal = chunks["informal-contact-between-practitioners"]
    assert "Cameron and Lart (2003) found" in informal.text
    assert "@" not in informal.text and "**" not in informal.text
    limits = chunks["limits-of-co-location"]
    assert "(see Atkinson et al., 2002; Cameron and Lart, 2003, p. 9)" in limits.text
    assert [c.key for c in limits.citations] == ["atkinson2002multiagency", "cameron2003factors"]
    assert limits.citations[1].author == "Cameron and Lart" and limits.citations[1].year == "2003"


def test_event_year_travels_with_chunks(references, count) -> None:
    (chunk,) = chunk_entry(_entry("childcare-act-2006"), references, count)
    assert chunk.year == 2006 and chunk.kind == "event"


def test_markdown_syntax_stripped_words_kept() -> None:
    text = inline_text("See [the **lead** professional](../glossary/lead-professional.md) and `code`_ok_.", {})
    assert text == "See the lead professional and code_ok_."
    sections = split_sections('Intro.\n\n```\n## not a heading\n```\n\n!!! note "Editorial note"\n    Fixed a date.\n', {})
    assert len(sections) == 1
    assert sections[0].units == ("Intro.", "Editorial note:", "Fixed a date.")


def test_long_section_split_without_losing_text(references, count) -> None:
    entry = _entry("what-co-location-achieves")
    sentence = 'Practitioners from health, education and care said "we met every week." (They planned together.) '
    paragraphs = "\n\n".join(sentence * 6 for _ in range(8))
    long_entry = type(entry)(**{**entry.__dict__, "body": f"## A long section\n\n{paragraphs}\n"})
    chunks = chunk_entry(long_entry, references, count)
    parts = [c for c in chunks if c.anchor == "a-long-section"]
    assert len(parts) > 2
    assert [c.id for c in parts][:2] == [
        "findings/what-co-location-achieves#a-long-section",
        "findings/what-co-location-achieves#a-long-section~2",
    ]
    for chunk in parts:
        assert count(chunk.embed_text) + SPECIAL_TOKENS <= MAX_TOKENS
    assert " ".join(" ".join(c.text.split()) for c in parts).split() == paragraphs.split()
    sizes = [count(c.text) for c in parts]
    assert min(sizes) > max(sizes) / 2  # split evenly, no tiny tail


def test_one_overlong_sentence_is_split_at_words(references, count) -> None:
    entry = _entry("childcare-act-2006")
    words = " ".join(f"word{i}" for i in range(600))
    chunks = chunk_entry(type(entry)(**{**entry.__dict__, "body": words}), references, count)
    assert all(count(c.embed_text) + SPECIAL_TOKENS <= MAX_TOKENS for c in chunks)
    assert " ".join(c.text for c in chunks).split()[-600:] == words.split()


def test_chunk_round_trips_through_dict(references, count) -> None:
    for chunk in chunk_entry(_entry("what-co-location-achieves"), references, count):
        assert Chunk.from_dict(chunk.to_dict()) == chunk


def test_see_also_link_lists_are_not_indexed(references, count) -> None:
    chunks = chunk_entry(_entry("what-co-location-achieves"), references, count)
    assert not [c for c in chunks if c.section == "See also"]


def test_a_title_too_long_for_the_model_is_a_kb_error_not_an_index_error(references) -> None:
    from dataclasses import replace

    from indexer.problems import KBError

    entry = replace(_entry("what-co-location-achieves"), title="!" * 300)
    with pytest.raises(KBError, match=r"title and heading path '!{59}…' take 300 of the model's 256 word pieces"):
        chunk_entry(entry, references, lambda text: len(text.split("\n")[0]))


def test_heading_paths_follow_levels_and_skip_code() -> None:
    from indexer.corpus.markdown import heading_paths

    body = "# A\n\n## B {#b}\n\n```\n# not a heading\n```\n\n## C\n### D\n"
    assert heading_paths(body) == [(0, ("A",)), (2, ("A", "B")), (8, ("A", "C")), (9, ("A", "C", "D"))]


def test_markup_characters_in_code_and_summary_are_kept_as_text() -> None:
    from indexer.corpus.markdown import inline_text

    assert inline_text("Write `<script>x</script>` for aged <5 & up", {}) == "Write <script>x</script> for aged <5 & up"


def test_chunker_and_answer_split_sentences_with_one_splitter() -> None:
    from indexer.search import answer, chunking, sentences
    from indexer.search.chunking import _split_long

    assert chunking.split_sentences is sentences.split_sentences is answer.split_sentences
    unit = " ".join(
        f"Sentence {n} cites a page (McInnes, 2007a, p. 21) and names Dr. Smith; it goes on for a while."
        for n in range(1, 13)
    )
    pieces = _split_long(unit, 60, lambda text: len(text.split()))
    assert len(pieces) > 1 and " ".join(p for p, _n in pieces) == unit
    for piece, _n in pieces:  # every part ends at a sentence's end, never inside a citation or after "Dr."
        assert piece.endswith("for a while."), piece
    assert len(sentences.split_sentences(unit)) == 12
