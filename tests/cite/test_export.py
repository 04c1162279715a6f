"""Citation export: every bibliography entry through each format and back with an
independent parser (bibtexparser, rispy, citeproc-py; pandoc when installed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
import rispy

from indexer.cite import export as ex
from indexer.cite.bibtex import export_type
from indexer.cite.citestyle import CitationStyle
from indexer.cite.csl import act_chapter, csl_name, name_text, to_csl
from indexer.cite.ris import ris_type
from indexer.corpus.bibliography import (
    VERBATIM_FIELDS,
    Bibliography,
    Reference,
    clean,
    is_corporate,
    load_bibliography,
    split_names,
)
from indexer.corpus.entries import load_corpus
from indexer.problems import KBError

REPO = Path(__file__).resolve().parents[2]
SITE_FIXTURE = REPO / "tests" / "fixtures" / "site"
BIBLIOGRAPHIES = {
    "repository": REPO / "bibliography.bib",
    "fixture": SITE_FIXTURE / "bibliography.bib",  # has urldate, pages, editors, a report number
}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@pytest.fixture(scope="module", params=sorted(BIBLIOGRAPHIES))
def bib(request: pytest.FixtureRequest) -> Bibliography:
    loaded = load_bibliography(BIBLIOGRAPHIES[request.param])
    assert loaded.references
    return loaded


def refs_of(bib: Bibliography) -> list[Reference]:
    return list(bib.references.values())


def exported_fields(ref: Reference) -> dict[str, str]:
    """What an export must carry: every field but the editors' provenance."""
    fields = {k: v for k, v in ref.fields.items() if k != "annote"}
    kept = [k.strip() for k in re.split(r"[,;]", fields.pop("keywords", "")) if k.strip()]
    kept = [k for k in kept if not k.startswith(("seed:", "seed-"))]
    if kept:
        fields["keywords"] = ", ".join(kept)
    return fields


# -- BibTeX --------------------------------------------------------------------------------


def test_bibtex_round_trip_keeps_every_field(bib: Bibliography) -> None:
    text = ex.to_bibtex(refs_of(bib))
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    parsed = {e.key: e for e in library.entries}
    assert list(parsed) == list(bib.references)
    for ref in refs_of(bib):
        entry = parsed[ref.key]
        kind = export_type(ref)
        assert entry.entry_type.lower() == kind
        fields = exported_fields(ref)
        if kind == "online" and "howpublished" in fields:  # biblatex's @online has note, not howpublished
            fields["note"] = "; ".join(filter(None, [fields.get("note"), fields.pop("howpublished")]))
        if kind == "misc" and "publisher" in fields:  # biblatex's @misc has organization, not publisher
            fields["organization"] = fields.pop("publisher")
        assert {f.key: f.value for f in entry.fields} == fields, ref.key


def test_bibtex_keeps_corporate_authors_in_double_braces_and_month_macros(bib: Bibliography) -> None:
    text = ex.to_bibtex(refs_of(bib))
    for ref in refs_of(bib):
        names = split_names(ref.fields.get("author", ""))
        for name in names:
            if is_corporate(name):  # braced as in the .bib: a sole corporate author in double braces
                assert (f"author = {{{name}}}," if len(names) == 1 else name) in text, ref.key
        month = ref.fields.get("month", "")
        if month.lower() in MONTHS:
            assert re.search(rf"@\w+\{{{re.escape(ref.key)},[^@]*month = {month.lower()},", text), ref.key
    assert "annote" not in text
    assert "seed:" not in text


# -- RIS -----------------------------------------------------------------------------------


def risname(name: str) -> str:
    return name_text(csl_name(name))


def test_ris_round_trip_carries_every_field(bib: Bibliography) -> None:
    records = rispy.loads(ex.to_ris(refs_of(bib)))
    assert [r["id"] for r in records] == list(bib.references)
    for ref, rec in zip(refs_of(bib), records, strict=True):
        fields = exported_fields(ref)
        found = json.dumps(rec, ensure_ascii=False)
        ty = rec["type_of_reference"]
        assert ty == ris_type(to_csl(ref)), ref.key
        for name, raw in fields.items():
            value = raw.strip() if name in VERBATIM_FIELDS else clean(raw)  # addresses verbatim
            if name == "author":
                names = split_names(raw)
                assert rec["authors"] == [risname(n) for n in names], ref.key
                for n, written in zip(names, rec["authors"], strict=True):
                    if is_corporate(n):  # one AU, whole, never split on a comma
                        assert written == clean(n)
            elif name == "editor":  # Zotero: A3 is a book's editor, A2 a chapter's
                tag = "tertiary_authors" if ty == "BOOK" else "secondary_authors"
                assert rec[tag] == [risname(n) for n in split_names(raw)], ref.key
            elif name == "title":
                assert rec["title"] == value
            elif name in ("booktitle", "journal"):
                assert rec["secondary_title"] == value
            elif name == "series":
                assert value in (rec.get("secondary_title"), rec.get("tertiary_title"))
            elif name == "year":
                assert rec["year"] == value and rec["date"].startswith(value)
            elif name == "month":
                assert rec["date"] == f"{fields['year']}/{MONTHS.index(value.lower()[:3]) + 1:02d}", ref.key
            elif name in ("publisher", "institution", "organization", "school"):
                # a web page's organisation is its site's name (T2: Zotero's website title)
                # several bodies ({A} and {B}) as one publisher "A; B", as Zotero writes them
                value = "; ".join(clean(b) for b in split_names(raw))
                assert value in (rec.get("publisher"), rec.get("secondary_title")), (ref.key, name)
            elif name == "address":
                assert rec["place_published"] == value
            elif name == "pages":
                start, _, end = value.partition("–")
                assert rec["start_page"] == start.strip() and rec.get("end_page", "") == end.strip()
            elif name == "volume":
                assert rec["volume"] == value
            elif name == "number" or (name == "chapter" and ty == "STAT"):
                tag = {"JOUR": "number", "RPRT": "issn", "STAT": "note", "BOOK": "note", "CHAP": "series_volume"}[ty]
                assert rec[tag] == (act_chapter(ref) if ty == "STAT" else value), ref.key
            elif name == "edition":
                assert rec["edition"] == value
            elif name == "chapter":
                assert rec["section"] == value
            elif name == "type":
                assert rec.get("type_of_work") == value or value in rec.get("notes", [])
            elif name in ("note", "howpublished"):
                assert value in rec["notes"]
            elif name == "url":
                assert rec["urls"] == [value]
            elif name == "urldate":
                assert rec["access_date"] == value.replace("-", "/")
            elif name == "doi":
                assert rec["doi"] == value
            elif name in ("isbn", "issn"):
                assert rec["issn"] == value
            elif name == "keywords":
                assert rec["keywords"] == [k.strip() for k in value.split(",")]
            else:
                pytest.fail(f"{ref.key}: field {name!r} has no RIS mapping in the test")
            if name not in ("author", "editor", "month", "pages", "year", "keywords", "urldate", "number", "chapter"):
                assert value in found or value.replace("–", "-") in found, (ref.key, name)
        if ty == "STAT" and act_chapter(ref) and "statutory-instrument" not in ref.get("keywords"):
            assert rec["note"].startswith("c. "), ref.key  # M1: the Act's chapter, Zotero's public law number


def test_ris_types_cover_the_bibliography() -> None:
    bib = load_bibliography(BIBLIOGRAPHIES["repository"])
    types = {rec["type_of_reference"] for rec in rispy.loads(ex.to_ris(refs_of(bib)))}
    assert {"BOOK", "CHAP", "RPRT", "JOUR", "ELEC", "STAT"} <= types


def test_ris_has_no_record_numbers_and_ends_records() -> None:
    bib = load_bibliography(BIBLIOGRAPHIES["fixture"])
    text = ex.to_ris(refs_of(bib)[:2])
    assert text.startswith("TY  - ")
    assert not re.search(r"^\d+\.$", text, re.M)
    assert text.count("ER  - ") == 2


# -- CSL-JSON ------------------------------------------------------------------------------


def test_csljson_round_trip_through_citeproc(bib: Bibliography) -> None:
    from citeproc.source.json import CiteProcJSON

    items = json.loads(ex.to_csljson(refs_of(bib)))
    source = CiteProcJSON(items)
    for ref, item in zip(refs_of(bib), items, strict=True):
        expected = to_csl(ex.public_reference(ref))
        assert item == {**expected, "note": "\n".join(filter(None, [expected.get("note"), f"Citation Key: {ref.key}"]))}
        expected = item
        parsed = source[ref.key.lower()]
        assert parsed["type"] == expected["type"]
        for key, value in expected.items():
            if key in ("id", "type"):
                continue
            got = parsed[key.replace("-", "_")]
            if key in ("author", "editor"):
                assert [dict(n) for n in got] == value, (ref.key, key)
            elif key in ("issued", "accessed"):
                parts = value["date-parts"][0]
                assert [got.get("year"), got.get("month"), got.get("day")][: len(parts)] == parts, (ref.key, key)
            else:
                assert str(got) == str(value), (ref.key, key)


@pytest.mark.parametrize("style", sorted(ex.STYLES))
def test_csljson_renders_with_citeproc(bib: Bibliography, style: str) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads(ex.to_csljson(refs_of(bib)))
    engine = CitationStylesBibliography(
        CitationStylesStyle(str(ex.STYLES[style]), validate=False), CiteProcJSON(items), formatter.plain
    )
    for item in items:
        engine.register(Citation([CitationItem(item["id"])]))
    rendered = [str(r) for r in engine.bibliography()]
    assert len(rendered) == len(items)
    titles = {item["title"].split(":")[0][:25] for item in items}
    assert all(any(t in r for r in rendered) for t in titles)


# -- pandoc, a real third-party client -----------------------------------------------------


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed (apt-get install -y pandoc)")
@pytest.mark.parametrize("fmt", ["bibtex", "csljson"])
def test_pandoc_citeproc_formats_exported_entries(tmp_path: Path, fmt: str) -> None:
    bib = load_bibliography(BIBLIOGRAPHIES["fixture"])
    (tmp_path / f"refs{ex.SUFFIX[fmt]}").write_text(ex.export(refs_of(bib), fmt), encoding="utf-8")
    (tmp_path / "doc.md").write_text(
        "Partnership [@gasper2010what, p. 3]; policy [@dfes2003every]; law [@greatbritain2004children]; "
        "a web page [@booktrust2017working]; an article [@sloper2004facilitators]; a report "
        "[@atkinson2002multiagency].\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        ["pandoc", "doc.md", "--citeproc", f"--bibliography=refs{ex.SUFFIX[fmt]}",
         f"--csl={ex.STYLES['harvard']}", "-M", "lang=en-GB", "-t", "plain", "--wrap=none"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[WARNING]" not in done.stderr, done.stderr
    assert "(Gasper, 2010, p. 3)" in out
    assert "Department for Education and Skills" in out  # a corporate author, not split into names
    # (pandoc puts BibTeX titles in sentence case; CSL-JSON titles are taken as they are)
    assert re.search(r"Gasper, M\. \(2010\) ‘What is partnership working\?’, in Moyles, J\. and Payler, J\. \(eds\)", out, re.I)
    assert "London: SAGE, pp. 1–20." in out  # publisher, place and pages of the chapter
    assert "Atkinson, M. et al. (2002)" in out and "Slough: National Foundation for Educational Research" in out
    assert "Available at: https://www.booktrust.org.uk/working-with-partners/ (Accessed: 1 March 2024)" in out
    assert "Child: Care, Health and Development, 30(6), pp. 571–580" in out
    # Cite Them Right's form for a UK Act: title (and chapter) first, no author or year in the list
    assert "(Great Britain, 2004)" in out and "children act 2004" in out.lower()
    # (BibTeX carries an Act as @misc, biber's data model having no chapter: pandoc prints a document)
    assert ("Great Britain (2004)" in out) == (fmt == "bibtex") and "https://www.legislation.gov.uk/ukpga/2004/31" in out


# -- selecting, text, pages ----------------------------------------------------------------


def test_unknown_keys_name_the_nearest_keys() -> None:
    bib = load_bibliography(BIBLIOGRAPHIES["fixture"])
    with pytest.raises(KBError) as err:
        ex.select_references(bib, ["mcinnes2007practitioner", "frost2005professionalism", "zzzz"])
    message = str(err.value)
    assert "'mcinnes2007practitioner' (did you mean mcinnes2007practitioners" in message
    assert "'zzzz' (no similar key)" in message
    assert "frost2005professionalism'" not in message
    selection = ex.select_references(bib, ["zzzz", "@frost2005professionalism", "frost2005professionalism"], True)
    assert [r.key for r in selection.references] == ["frost2005professionalism"]
    assert selection.unknown == ("zzzz",)


def test_text_styles_differ_as_expected() -> None:
    bib = load_bibliography(BIBLIOGRAPHIES["fixture"])
    refs = list(ex.select_references(bib, ["atkinson2002multiagency", "gasper2010what"]).references)
    harvard = ex.to_text(refs, bib, "harvard")
    apa = ex.to_text(refs, bib, "apa")
    assert "Atkinson, M. et al. (2002) Multi-Agency Working: A Detailed Study." in harvard
    assert "Atkinson, M., Wilkin, A., Stott, A., Doherty, P., & Kinder, K. (2002). Multi-Agency Working" in apa
    assert "in Moyles, J. and Payler, J. (eds)" in harvard  # Cite Them Right: editors surname first
    assert "In J. Moyles & J. Payler (Eds.)" in apa or "In J. Moyles & J. Payler (eds)" in apa
    in_text = ex.to_text(refs, bib, "apa", in_text=True).splitlines()
    assert in_text == ["(Atkinson et al., 2002)", "(Gasper, 2010)"]  # flat text, not a nested list
    assert ex.to_text(refs, bib, "harvard", in_text=True).splitlines()[0] == "(Atkinson et al., 2002)"
    with pytest.raises(KBError, match=r"^style 'mla' is unknown"):
        ex.to_text(refs, bib, "mla")


def test_apa_two_authors_use_an_ampersand() -> None:
    bib = load_bibliography(BIBLIOGRAPHIES["repository"])
    style = CitationStyle.from_bibliography(bib, ex.STYLES["apa"])
    two = next(k for k, r in bib.references.items() if len(split_names(r.fields.get("author", ""))) == 2)
    assert " & " in style.parts(two).full or "&amp;" in style.parts(two).full


def test_entry_keys_are_sources_then_body_citations() -> None:
    corpus = load_corpus(SITE_FIXTURE / "corpus")
    entry = ex.find_entry(corpus, "co-location-what-it-achieves")
    keys = ex.entry_keys(entry)
    assert keys[: len(entry.sources)] == list(entry.sources)
    assert len(keys) == len(set(keys))
    assert ex.find_entry(corpus, f"{entry.path_id}.md") == entry
    with pytest.raises(KBError, match="did you mean co-location-what-it-achieves"):
        ex.find_entry(corpus, "co-location-what-it-achieve")


def test_keys_from_search_results_in_order_once() -> None:
    results = [
        {"citations": [{"key": "b"}, {"key": "a"}]},
        {"citations": []},
        {"citations": [{"key": "a"}, {"key": "c"}]},
    ]
    assert ex.keys_from_results(results) == ["b", "a", "c"]


def test_write_atomic_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("old", encoding="utf-8")
    ex.write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]
    with pytest.raises(KBError, match="does not exist"):
        ex.write_atomic(tmp_path / "missing" / "x.bib", "x")


def test_empty_selection_exports_empty_text() -> None:
    assert ex.to_bibtex([]) == "" and ex.to_ris([]) == "" and json.loads(ex.to_csljson([])) == []
    with pytest.raises(KBError, match=r"^format 'endnote' is unknown"):
        ex.export([], "endnote")


def test_year_suffixes_are_those_of_the_works_formatted_together(tmp_path: Path) -> None:
    from indexer.cite.export import to_text
    from indexer.corpus.bibliography import load_bibliography

    bib_path = tmp_path / "refs.bib"
    bib_path.write_text(
        "@book{b, author = {McInnes, Karen}, title = {Beta report}, year = {2007}, publisher = {P}}\n"
        "@book{a, author = {McInnes, Karen}, title = {Alpha report}, year = {2007}, publisher = {P}}\n"
        "@book{c, author = {McInnes, Karen}, title = {Other year}, year = {2008}, publisher = {P}}\n",
        encoding="utf-8",
    )
    bib = load_bibliography(bib_path)
    # alone, a work has no suffix ("Whittington 2003b" alone was the old, confusing output)
    assert to_text([bib["b"]], bib) == "McInnes, K. (2007) Beta report. P.\n"
    assert to_text([bib["b"]], bib, in_text=True) == "(McInnes, 2007)\n"
    # with the work it shares author and year with: the suffixes the site gives them
    both = to_text([bib["b"], bib["a"]], bib, in_text=True)
    assert both == "(McInnes, 2007b)\n(McInnes, 2007a)\n"
    assert to_text([bib["b"], bib["a"]], bib, fmt="html").splitlines()[0] == "McInnes, K. (2007a) <i>Alpha report</i>. P."
    assert to_text([bib["a"]], bib, fmt="markdown") == "McInnes, K. (2007) *Alpha report*. P.\n"


def test_markdown_escapes_the_text_and_keeps_italics() -> None:
    assert ex.html_to_markdown("A *star* <i>Title_1 [x]</i>.") == "A \\*star\\* *Title\\_1 \\[x\\]*."
    assert ex.html_to_markdown("&lt;script&gt; <b>B</b>") == "\\<script\\> **B**"
