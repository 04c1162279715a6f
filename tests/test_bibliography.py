"""Loading bibliography.bib into typed references."""

from __future__ import annotations

from pathlib import Path

from indexer.bibliography import clean, family_name, load_bibliography, split_names

GOOD_BIB = Path(__file__).parent / "fixtures" / "check" / "good" / "bibliography.bib"


def test_references_typed_with_lines() -> None:
    bib = load_bibliography(GOOD_BIB)
    assert bib.problems == ()
    assert list(bib.references) == [
        "mcinnes2007practitioners",
        "atkinson2002multiagency",
        "childrenact1989",
        "gasper2010what",
        "unusedwork2001",
    ]
    ref = bib["atkinson2002multiagency"]
    assert (ref.entry_type, ref.year, ref.line) == ("book", "2002", 9)
    assert ref.title == "Multi-Agency Working: A Detailed Study"


def test_author_short_forms() -> None:
    bib = load_bibliography(GOOD_BIB)
    assert bib["mcinnes2007practitioners"].author_short == "McInnes"
    assert bib["atkinson2002multiagency"].author_short == "Atkinson et al."
    assert bib["childrenact1989"].author_short == "Great Britain"


def test_name_splitting_keeps_corporate_names_whole() -> None:
    assert split_names("{{Department for Education and Skills}}") == ["{{Department for Education and Skills}}"]
    assert split_names("Cameron, Ailsa and Lart, Rachel") == ["Cameron, Ailsa", "Lart, Rachel"]
    assert [family_name(n) for n in split_names("Ailsa Cameron and Lart, Rachel")] == ["Cameron", "Lart"]


def test_clean_for_display() -> None:
    assert clean("{Sure Start} pages 10--12 \\& more") == "Sure Start pages 10–12 & more"
