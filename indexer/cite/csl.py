"""Convert bibliography ``Reference`` objects to CSL-JSON, the input of every CSL processor.

Pure functions, no CSL processor imported: the website renders the items with
citeproc-py, and the citation export reuses them as they are. BibTeX types map to
CSL types the way pandoc and Zotero map them:

=================================  =======================================
BibTeX                             CSL
=================================  =======================================
``@book``                          ``book``
``@incollection``, ``@inbook``     ``chapter`` (an ``@inbook`` without a
                                   ``booktitle`` is the whole ``book``)
``@techreport``                    ``report``
``@article``                       ``article-journal``
``@inproceedings``                 ``paper-conference``
``@phdthesis``, ``@mastersthesis`` ``thesis``
``@misc`` with ``legislation``     ``legislation``
in its keywords
``@misc`` with a ``url``           ``webpage``
other ``@misc``                    ``document``
=================================  =======================================

Braced corporate authors (``{{Department for Education and Skills}}``) become
literal names; ``Last, First`` and ``First Last`` become family and given names.
"""

from __future__ import annotations

import re
from typing import Any

from ..corpus.bibliography import Reference, person_name, split_names

CSLItem = dict[str, Any]

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def keywords(ref: Reference) -> list[str]:
    """The reference's ``keywords`` field as a list (comma or semicolon separated)."""
    return [k.strip() for k in re.split(r"[,;]", ref.get("keywords")) if k.strip()]


def csl_type(ref: Reference) -> str:
    """The CSL item type for a reference (see the module's table)."""
    kind = ref.entry_type
    if kind in ("incollection", "inbook"):
        return "chapter" if ref.get("booktitle") else "book"
    if kind == "misc":
        if "legislation" in keywords(ref):
            return "legislation"
        return "webpage" if ref.get("url") else "document"
    return {
        "article": "article-journal",
        "book": "book",
        "booklet": "pamphlet",
        "inproceedings": "paper-conference",
        "manual": "report",
        "mastersthesis": "thesis",
        "phdthesis": "thesis",
        "techreport": "report",
        "unpublished": "manuscript",
    }.get(kind, "document")


def csl_name(name: str) -> dict[str, str]:
    """One BibTeX name as a CSL name: literal for corporate (and one-word) names, else family,
    given, particle and suffix as bibtexparser splits them (``bibliography.person_name``)."""
    parts = person_name(name)
    if parts.literal:
        return {"literal": parts.literal}
    out = {"family": parts.last, "given": parts.first, "non-dropping-particle": parts.von, "suffix": parts.jr}
    return {k: v for k, v in out.items() if v}


def csl_names(value: str) -> list[dict[str, str]]:
    """A BibTeX name list (``A and B and {Corp}``) as CSL names."""
    return [csl_name(n) for n in split_names(value)]


def csl_date(year: str, month: str = "", day: str = "") -> dict[str, Any] | None:
    """A CSL date from BibTeX year and month (``mar``, ``3`` or ``March``)."""
    if not re.fullmatch(r"\d{4}", year.strip()):
        return {"literal": year.strip()} if year.strip() else None
    parts = [int(year)]
    m = month.strip().lower().rstrip(".")
    number = _MONTHS.get(m) or (int(m) if m.isdigit() and 1 <= int(m) <= 12 else None)
    if number:
        parts.append(number)
        if day.strip().isdigit():
            parts.append(int(day))
    return {"date-parts": [parts]}


def iso_date(value: str) -> dict[str, Any] | None:
    """A CSL date from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (e.g. ``urldate``)."""
    match = _DATE_RE.match(value.strip())
    if not match:
        return {"literal": value.strip()} if value.strip() else None
    return {"date-parts": [[int(p) for p in match.groups() if p]]}


def to_csl(ref: Reference) -> CSLItem:
    """One reference as a CSL-JSON item (``id`` is the BibTeX key)."""
    kind = csl_type(ref)
    item: CSLItem = {"id": ref.key, "type": kind}
    author = ref.fields.get("author")
    if author:
        item["author"] = csl_names(author)
    elif kind in ("report", "webpage", "document", "legislation") and not ref.get("editor"):
        corporate = ref.get("organization") or ref.get("institution")
        if corporate:
            item["author"] = [{"literal": corporate}]
    if ref.fields.get("editor"):
        item["editor"] = csl_names(ref.fields["editor"])
    item["title"] = ref.title
    if ref.get("chapter"):
        item["chapter-number"] = ref.get("chapter")
    container = ref.get("booktitle") if kind in ("chapter", "paper-conference") else ref.get("journal")
    if container:
        item["container-title"] = container
    publisher = ref.get("publisher") or (
        ref.get("institution") or ref.get("organization") or ref.get("school")
        if kind in ("report", "thesis", "webpage", "document", "pamphlet")
        else ""
    )
    if publisher:
        item["publisher"] = publisher
    simple = {
        "address": "publisher-place",
        "volume": "volume",
        "edition": "edition",
        "series": "collection-title",
        "url": "URL",
        "doi": "DOI",
        "isbn": "ISBN",
        "issn": "ISSN",
        "note": "note",
        "howpublished": "medium",
        "type": "genre",
    }
    for field, variable in simple.items():
        value = ref.get(field)
        if value:
            item[variable] = value
    if ref.get("number"):
        item["issue" if kind == "article-journal" else "number"] = ref.get("number")
        if kind == "report" and "genre" not in item:
            item["genre"] = "Report"  # BibTeX prints a numbered @techreport as "Technical Report N"
    if ref.get("pages"):
        item["page"] = ref.get("pages").replace("–", "-")
    issued = csl_date(ref.year, ref.get("month"))
    if issued:
        item["issued"] = issued
    accessed = iso_date(ref.get("urldate"))
    if accessed:
        item["accessed"] = accessed
    if keywords(ref):
        item["keyword"] = ", ".join(keywords(ref))
    return item


def to_csl_items(references: list[Reference]) -> list[CSLItem]:
    """Every reference as a CSL-JSON item, in the order given."""
    return [to_csl(ref) for ref in references]
