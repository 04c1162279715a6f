"""Citations and references in the Harvard style, through citeproc-py."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.cite.citestyle import CitationStyle, linkify_urls, load_style, split_locator

SITE_BIB = Path(__file__).parent.parent / "fixtures" / "site" / "bibliography.bib"


@pytest.fixture(scope="module")
def style() -> CitationStyle:
    return CitationStyle.from_files(SITE_BIB)


def test_layout_read_from_the_style(style: CitationStyle) -> None:
    assert (style.layout_prefix, style.layout_suffix, style.layout_delimiter) == ("(", ")", "; ")


def test_parts_split_author_and_date(style: CitationStyle) -> None:
    parts = style.parts("mcinnes2007practitioners", "p. 21")
    assert (parts.author, parts.rest, parts.full) == ("McInnes", "2007, p. 21", "McInnes, 2007, p. 21")
    et_al = style.parts("atkinson2002multiagency")
    assert (et_al.author, et_al.rest) == ("Atkinson <i>et al.</i>", "2002")


def test_locator_range_and_suffix(style: CitationStyle) -> None:
    assert style.parts("gasper2010what", "pp. 3--4").full == "Gasper, 2010, pp. 3–4"
    assert style.parts("gasper2010what", "21, emphasis added").rest == "2010, p. 21, emphasis added"


def test_same_author_and_year_get_suffixes(style: CitationStyle) -> None:
    assert style.parts("dfes2003every").full == "Department for Education and Skills, 2003a"
    assert style.parts("dfes2003keeping").full == "Department for Education and Skills, 2003b"
    assert "(2003b)" in style.reference_text("dfes2003keeping")


def test_references_sorted_and_formatted(style: CitationStyle) -> None:
    keys = style.sorted_keys()
    assert keys[0] == "atkinson2002multiagency"
    assert set(keys) == set(style.items)
    assert style.reference_html("frost2005professionalism") == (
        "Frost, N. (2005) <i>Professionalism, Partnership and Joined-Up Thinking</i>. "
        "Dartington: Research in Practice."
    )
    chapter = style.reference_text("gasper2010what")
    assert chapter == (
        "Gasper, M. (2010) ‘What Is Partnership Working?’, in Moyles, J. and Payler, J. (eds) "
        "Multi-Agency Working in the Early Years. London: SAGE, pp. 1–20."
    )
    web = style.reference_html("booktrust2017working")
    assert '<a href="https://www.booktrust.org.uk/working-with-partners/">' in web
    assert "(Accessed: 1 March 2024)" in web
    assert not style.problems


def test_html_special_characters_are_escaped(tmp_path: Path) -> None:
    bib = tmp_path / "b.bib"
    bib.write_text("@article{a2000x, author = {A, B}, title = {Cats <and> dogs}, journal = {Child Abuse \\& Neglect}, year = {2000}}\n")
    text = CitationStyle.from_files(bib).reference_html("a2000x")
    assert "Cats &lt;and&gt; dogs" in text and "Child Abuse &amp; Neglect" in text


def test_split_locator() -> None:
    assert split_locator("p. 21") == ("page", "21", "")
    assert split_locator("21") == ("page", "21", "")
    assert split_locator("sec. 10") == ("section", "10", "")
    assert split_locator("chapter 2, note 3") == ("chapter", "2", "note 3")
    assert split_locator("emphasis added") == ("", "", "emphasis added")


def test_linkify_urls_leaves_tags_and_trailing_stop() -> None:
    assert linkify_urls("<i>T</i>. Available at: https://x.org/a_b.") == (
        '<i>T</i>. Available at: <a href="https://x.org/a_b">https://x.org/a_b</a>.'
    )


def test_load_style_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    bib = tmp_path / "b.bib"
    bib.write_text(SITE_BIB.read_text())
    first = load_style(bib)
    assert load_style(bib) is first
    bib.write_text(SITE_BIB.read_text() + "\n@book{new2020book, author = {New, A}, title = {N}, year = {2020}}\n")
    assert "new2020book" in load_style(bib)
