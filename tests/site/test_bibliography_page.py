"""The bibliography page for students: both styles, A–Z, per-reference files, "Cited in" folded."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sitebuild import SITE_FIXTURE

from indexer.cite.citestyle import CitationStyle
from indexer.cite.export import STYLES
from indexer.corpus.entries import Entry, load_corpus
from indexer.site.bibliography_page import (
    CITED_IN_SHOWN,
    az_bar,
    bibliography_page,
    cited_in,
    cited_in_lines,
    letter_of,
)
from indexer.site.export_assets import reference_file, reference_files


@pytest.fixture(scope="module")
def styles() -> tuple[CitationStyle, CitationStyle]:
    bib = SITE_FIXTURE / "bibliography.bib"
    return CitationStyle.from_files(bib), CitationStyle.from_files(bib, STYLES["apa"])


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return list(load_corpus(SITE_FIXTURE / "corpus").entries)


def test_each_reference_in_both_styles_harvard_shown_apa_hidden(styles: tuple[CitationStyle, CitationStyle],
                                                               entries: list[Entry]) -> None:
    harvard, apa = styles
    keys = harvard.sorted_keys()
    files = {k: {f: "/" + reference_file(k, f) for f in ("bibtex", "ris", "csljson")} for k in keys}
    page = bibliography_page(harvard, cited_in(entries), {}, {"apa": apa}, files)
    for key in keys:
        block = page[page.index(f'id="{key}"') :].split("</div>", 1)[0]
        assert '{: .kb-ref data-kb-style="harvard" }' in block
        assert '{: .kb-ref data-kb-style="apa" hidden="hidden" data-search-exclude="1" }' in block
        assert f"[BibTeX](/bibliography/ref/{key}.bib){{: download }}" in block
        assert f"[CSL-JSON](/bibliography/ref/{key}.json){{: download }}" in block
        assert 'class="Z3988"' in block and '<button type="button" class="kb-copy" hidden>Copy</button>' in block
    assert "Harvard (Cite Them Right) and APA 7 styles" in page
    assert 'role="group" aria-label="Reference style" hidden' in page  # kb.js shows the switch
    assert 'aria-pressed="true">Harvard (Cite Them Right)' in page and 'aria-pressed="false">APA 7' in page
    headings = re.findall(r"^## ([A-Z#]) \{#letter-([a-z]+|other) \.kb-letter\}$", page, flags=re.M)
    assert [h for h, _ in headings] == sorted({letter_of(harvard.reference_text(k)) for k in keys})
    for letter, anchor in headings:
        assert f'<a href="#letter-{anchor}">{letter}</a>' in page


def test_harvard_alone_without_other_styles(styles: tuple[CitationStyle, CitationStyle], entries: list[Entry]) -> None:
    page = bibliography_page(styles[0], cited_in(entries))
    assert "kb-style-switch" not in page and 'data-kb-style="apa"' not in page
    assert "in the Harvard (Cite Them Right) style." in page


def test_reference_files_hold_one_reference_each(styles: tuple[CitationStyle, CitationStyle]) -> None:
    refs = list(styles[0].bibliography.references.values())
    files = reference_files(refs)
    assert len(files) == 3 * len(refs)
    for ref in refs:
        assert files[reference_file(ref.key, "bibtex")].count("\n@") == 0
        assert f"{{{ref.key}," in files[reference_file(ref.key, "bibtex")]
        assert f"ID  - {ref.key}" in files[reference_file(ref.key, "ris")]


def test_cited_in_folds_past_a_few(entries: list[Entry]) -> None:
    many = [replace(entries[0], id=f"e{i:03d}", title=f"Entry {i:03d}") for i in range(191)]
    lines = "\n".join(cited_in_lines(many))
    assert lines.startswith("Cited in 191 entries: ")
    assert lines.count("](/") == 191  # every entry still linked...
    shown = lines.split("<details", 1)[0]
    assert shown.count("](/") == CITED_IN_SHOWN  # ...but only a few before the fold
    assert f"<summary>and {191 - CITED_IN_SHOWN} more</summary>" in lines
    few = "\n".join(cited_in_lines(many[:CITED_IN_SHOWN]))
    assert few.startswith("Cited in: ") and "<details" not in few
    assert cited_in_lines([]) == []


def test_letters_and_bar() -> None:
    assert [letter_of(t) for t in ("Ávila, J.", "‘Convention’", "1001 Days", "ébauche", "1990")] == ["A", "C", "D", "E", "#"]
    bar = az_bar(["A", "C"])[0]
    assert '<a href="#letter-a">A</a>' in bar and '<span aria-hidden="true">B</span>' in bar
    assert bar.startswith('<nav class="kb-az" aria-label="References by letter">')
