"""RIS from the CSL item of a reference (``indexer.cite.csl``), written by rispy.

Types and tags are those of the RIS specification, chosen as Zotero's RIS import
translator (zotero/translators ``RIS.js``) reads them, so that each item keeps its type,
its creators in order and its numbers:

=================  ======  ====================================================
CSL type           TY      what Zotero makes of it
=================  ======  ====================================================
book               BOOK    book (A3 editor, T2 series, M1 series number: Cm 5860)
chapter            CHAP    book section (A2 editor, T2 book, T3 series, SE chapter,
                           SV series number, SP/EP pages)
report             RPRT    report (PB institution, SN report number, M3 report type,
                           T2 series)
article-journal    JOUR    journal article (T2 journal, VL, IS, SP/EP)
webpage            ELEC    web page (T2 site name, M3 web site type, Y2 accessed)
legislation        STAT    statute (TI name of Act, M1 public law number: ``c. 31``)
document           GOVDOC  report, for a policy document or parliamentary paper;
                   GEN     otherwise (Zotero reads GEN as a journal article: RIS has
                           no generic type that Zotero keeps as a document)
thesis             THES    thesis (PB university)
paper-conference   CPAPER  conference paper (T2 proceedings)
=================  ======  ====================================================

Every record: AU authors (a corporate name whole, never split at a comma), TI, PY year,
DA date (``YYYY/MM/DD`` with what is known), CY place, PB publisher, ET edition, DO, UR,
N1 the notes (``note``, ``howpublished``), KW keywords, ID the citation key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from ..corpus.bibliography import Reference
from .csl import CSLItem, name_text, to_csl

RIS_TYPE: dict[str, str] = {
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "article-journal": "JOUR",
    "webpage": "ELEC",
    "legislation": "STAT",
    "document": "GEN",
    "thesis": "THES",
    "paper-conference": "CPAPER",
    "pamphlet": "PAMP",
    "manuscript": "MANSCPT",
}
#: keywords that make a ``document`` a government document (RIS GOVDOC: Zotero's report)
GOVERNMENT_KEYWORDS = frozenset({"policy-document", "parliamentary"})
#: rispy's tag names, with the chapter's series number that rispy does not name
_MAPPING_EXTRA = {"SV": "series_volume"}


def ris_type(item: CSLItem) -> str:
    kind = item.get("type", "document")
    if kind == "document":
        words = {k.strip() for k in str(item.get("keyword", "")).split(",")}
        return "GOVDOC" if words & GOVERNMENT_KEYWORDS else "GEN"
    return RIS_TYPE.get(kind, "GEN")


def ris_date(parts: list[int]) -> str:
    """RIS ``DA``/``Y2`` form: ``YYYY/MM/DD`` with what is known (``2007/03``)."""
    return "/".join([str(parts[0]), *(f"{p:02d}" for p in parts[1:3])])


def page_range(pages: str) -> tuple[str, str]:
    """``29--39`` -> (``29``, ``39``); ``12`` -> (``12``, ``""``)."""
    bits = [p.strip() for p in re.split(r"\s*(?:--|–|-)\s*", pages.strip(), maxsplit=1)]
    return bits[0], (bits[1] if len(bits) > 1 else "")


def _date_parts(item: CSLItem, variable: str) -> list[int] | None:
    value = item.get(variable) or {}
    parts = value.get("date-parts") if isinstance(value, dict) else None
    return list(parts[0]) if parts and parts[0] else None


def record_from_item(item: CSLItem) -> dict[str, Any]:
    """One CSL item as a rispy record (see the module's table)."""
    ty = ris_type(item)
    record: dict[str, Any] = {"type_of_reference": ty}
    def get(variable: str) -> str:
        return str(item.get(variable, "") or "")

    if item.get("author"):
        record["authors"] = [name_text(n) for n in item["author"]]
    if item.get("editor"):
        record["tertiary_authors" if ty == "BOOK" else "secondary_authors"] = [name_text(n) for n in item["editor"]]
    record["title"] = get("title")
    second = get("container-title")
    if ty == "ELEC" and not second:
        second = get("publisher")  # a web page's site: its organisation
    if ty in ("BOOK", "RPRT") and not second:
        second = get("collection-title")
    elif get("collection-title"):
        record["tertiary_title"] = get("collection-title")
    if second:
        record["secondary_title"] = second
    issued = _date_parts(item, "issued")
    if issued:
        record["year"] = str(issued[0])
        record["date"] = ris_date(issued)
    accessed = _date_parts(item, "accessed")
    if accessed:
        record["access_date"] = ris_date(accessed)
    if get("publisher") and not (ty == "ELEC" and record.get("secondary_title") == get("publisher")):
        record["publisher"] = get("publisher")
    if get("publisher-place"):
        record["place_published"] = get("publisher-place")
    if get("page"):
        start, end = page_range(get("page"))
        record["start_page"] = start
        if end:
            record["end_page"] = end
    if get("volume") and ty not in ("ELEC", "STAT"):
        record["volume"] = get("volume")
    if get("issue"):
        record["number"] = get("issue")
    number, series_number = get("number"), get("collection-number")
    if ty == "RPRT" and number:
        record["issn"] = number  # SN: Zotero's report number
    elif ty == "STAT" and number:
        record["note"] = number  # M1: Zotero's public law number (an Act's chapter)
    elif number:
        record.setdefault("notes", []).append(number)
    if series_number:
        record["series_volume" if ty == "CHAP" else "note"] = series_number  # SV / M1: series number
    if get("genre") and ty in ("RPRT", "THES", "ELEC"):
        record["type_of_work"] = get("genre")  # M3: report, thesis or web site type
    elif get("genre"):
        record.setdefault("notes", []).append(get("genre"))
    if get("edition"):
        record["edition"] = get("edition")
    if get("chapter-number"):
        record["section"] = get("chapter-number")
    for variable in ("ISBN", "ISSN"):
        if get(variable) and "issn" not in record:
            record["issn"] = get(variable)
    if get("DOI"):
        record["doi"] = get("DOI")
    if get("URL"):
        record["urls"] = [get("URL")]
    notes = [n for n in get("note").split("\n") if n]
    if notes:
        record["notes"] = [*notes, *record.get("notes", [])]
    if get("keyword"):
        record["keywords"] = [k.strip() for k in get("keyword").split(",") if k.strip()]
    record["id"] = item["id"]
    return record


def to_ris_record(ref: Reference) -> dict[str, Any]:
    """One reference as a rispy record, from its CSL item."""
    return record_from_item(to_csl(ref))


def to_ris(references: Iterable[Reference]) -> str:
    """The references as RIS (rispy)."""
    import rispy

    class Writer(rispy.RisWriter):  # type: ignore[misc]  # rispy ships no type hints
        """rispy's writer without the "1." line it puts before each record by default, and
        with the SV tag (a chapter's series number)."""

        DEFAULT_MAPPING: ClassVar[dict[str, str]] = {**rispy.TAG_KEY_MAPPING, **_MAPPING_EXTRA}

        def set_header(self, count: int) -> str:
            return ""

    records = [to_ris_record(ref) for ref in references]
    return str(rispy.dumps(records, implementation=Writer)) if records else ""
