"""Loading bibliography.bib into typed references."""

from __future__ import annotations

from pathlib import Path

from indexer.corpus.bibliography import clean, family_name, load_bibliography, split_names

GOOD_BIB = Path(__file__).parent.parent / "fixtures" / "check" / "good" / "bibliography.bib"


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


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "bibliography.bib"
    path.write_text(text, encoding="utf-8")
    return load_bibliography(path, tmp_path)


ENTRY = "@book{{{key},\n  author = {{{author}}},\n  title = {{T}},\n  year = {{2001}}\n}}\n"


def test_latex_accents_decoded_and_names_still_split(tmp_path: Path) -> None:
    bib = _load(tmp_path, ENTRY.format(key="a2001", author='M{\\"u}ller, Hans and {\\\'E}mile Zola'))
    assert bib.problems == ()
    assert bib["a2001"].fields["author"] == "Müller, Hans and Émile Zola"
    assert bib["a2001"].author_short == "Müller and Zola"


def test_braces_ampersand_and_dashes_are_kept_as_written(tmp_path: Path) -> None:
    bib = _load(tmp_path, ENTRY.format(key="a2001", author="{Great Britain} and {\\\"U}ber, A. \\& B--C"))
    assert bib["a2001"].fields["author"] == "{Great Britain} and Über, A. \\& B--C"


def test_unknown_latex_command_reported_and_kept(tmp_path: Path) -> None:
    bib = _load(tmp_path, ENTRY.format(key="a2001", author="\\foo{Smith}, A"))
    assert [p.message for p in bib.problems] == [
        "entry 'a2001': field 'author' has the LaTeX command '\\foo', which is not decoded (write the character itself)"
    ]
    assert bib["a2001"].fields["author"] == "\\foo{Smith}, A"


def test_nfd_text_is_normalised_to_nfc(tmp_path: Path) -> None:
    bib = _load(tmp_path, ENTRY.format(key="a2001", author="Mu\u0308ller, A"))
    assert bib["a2001"].fields["author"] == "M\u00fcller, A"


def test_invalid_key_reported(tmp_path: Path) -> None:
    bib = _load(tmp_path, ENTRY.format(key="a 2001", author="A, B"))
    assert [p.message.split(" is not")[0] for p in bib.problems] == ["entry key 'a 2001'"]


def test_duplicate_field_keeps_the_entry_with_the_first_value(tmp_path: Path) -> None:
    bib = _load(tmp_path, "@book{a2001,\n  author = {A, B},\n  title = {T},\n  title = {U},\n  year = {2001}\n}\n")
    assert [str(p) for p in bib.problems] == [
        "bibliography.bib:4: entry 'a2001': Duplicate field keys on entry: 'title' (the first value is kept)"
    ]
    assert bib["a2001"].title == "T"
