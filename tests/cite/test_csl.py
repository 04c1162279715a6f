"""Reference -> CSL-JSON: types, names, dates and fields mapped as pandoc and Zotero map them."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.cite.csl import csl_date, csl_name, csl_type, iso_date, to_csl, to_csl_items
from indexer.corpus.bibliography import Reference, load_bibliography

SITE_BIB = Path(__file__).parent.parent / "fixtures" / "site" / "bibliography.bib"


def ref(entry_type: str, **fields: str) -> Reference:
    return Reference(key="k2000x", entry_type=entry_type, fields=fields, line=1)


@pytest.mark.parametrize(
    ("entry_type", "fields", "expected"),
    [
        ("book", {}, "book"),
        ("incollection", {"booktitle": "B"}, "chapter"),
        ("inbook", {"booktitle": "B"}, "chapter"),
        ("inbook", {"chapter": "5"}, "book"),
        ("techreport", {}, "report"),
        ("article", {}, "article-journal"),
        ("inproceedings", {}, "paper-conference"),
        ("phdthesis", {}, "thesis"),
        ("misc", {"url": "https://example.org/"}, "webpage"),
        ("misc", {"keywords": "seed:002, legislation", "url": "https://example.org/"}, "legislation"),
        ("misc", {}, "document"),
    ],
)
def test_types(entry_type: str, fields: dict[str, str], expected: str) -> None:
    assert csl_type(ref(entry_type, **fields)) == expected


def test_names() -> None:
    assert csl_name("McInnes, Karen") == {"family": "McInnes", "given": "Karen"}
    assert csl_name("Karen McInnes") == {"family": "McInnes", "given": "Karen"}
    assert csl_name("{Department for Education and Skills}") == {"literal": "Department for Education and Skills"}
    assert csl_name("Ludwig van Beethoven") == {"given": "Ludwig", "family": "Beethoven", "non-dropping-particle": "van"}
    assert csl_name("van der Berg, Anna") == {"given": "Anna", "family": "Berg", "non-dropping-particle": "van der"}
    assert csl_name("King, Jr, Martin") == {"family": "King", "given": "Martin", "suffix": "Jr"}


def test_dates() -> None:
    assert csl_date("2007", "mar") == {"date-parts": [[2007, 3]]}
    assert csl_date("2007", "11") == {"date-parts": [[2007, 11]]}
    assert csl_date("2007") == {"date-parts": [[2007]]}
    assert csl_date("forthcoming") == {"literal": "forthcoming"}
    assert iso_date("2024-03-01") == {"date-parts": [[2024, 3, 1]]}
    assert iso_date("") is None


def test_fixture_bibliography_items() -> None:
    bib = load_bibliography(SITE_BIB)
    items = {item["id"]: item for item in to_csl_items(list(bib.references.values()))}
    chapter = items["gasper2010what"]
    assert chapter["type"] == "chapter"
    assert chapter["container-title"] == "Multi-Agency Working in the Early Years"
    assert chapter["editor"] == [{"family": "Moyles", "given": "Janet"}, {"family": "Payler", "given": "Jane"}]
    assert chapter["page"] == "1-20"
    assert chapter["publisher"] == "SAGE" and chapter["publisher-place"] == "London"
    assert items["dfes2003every"]["author"] == [{"literal": "Department for Education and Skills"}]
    web = items["booktrust2017working"]
    assert web["type"] == "webpage"
    assert web["URL"] == "https://www.booktrust.org.uk/working-with-partners/"
    assert web["accessed"] == {"date-parts": [[2024, 3, 1]]}
    assert web["note"] == "Unverified: the page is undated"
    assert items["greatbritain2004children"]["type"] == "legislation"
    article = items["sloper2004facilitators"]
    assert (article["container-title"], article["volume"], article["issue"]) == ("Child: Care, Health and Development", "30", "6")
    assert article["DOI"] == "10.1111/j.1365-2214.2004.00468.x"
    report = items["mcinnes2007practitioners"]
    assert report["type"] == "report"
    assert report["publisher"] == "Barnardo's Policy and Research Unit"
    assert report["issued"] == {"date-parts": [[2007, 3]]}


def test_corporate_institution_as_author_when_no_author() -> None:
    item = to_csl(ref("techreport", title="T", year="2001", institution="{NFER}"))
    assert item["author"] == [{"literal": "NFER"}]
