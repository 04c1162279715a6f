"""The one mapping from a bibliography entry to a CSL-JSON item, the input of every CSL
processor and of every export (RIS, COinS and the HTML meta tags are read from the item).

Pure functions, no CSL processor imported. BibTeX types map to CSL types the way pandoc
and Zotero map them:

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
in its keywords (``@legislation``)
``@misc`` with a ``url``           ``webpage``
(``@online``, ``@www``)
other ``@misc``                    ``document``
=================================  =======================================

Fields (both the bibliography's current conventions and the corrected ones are read):

* names: braced corporate names are literal, personal names in bibtexparser's parts;
  a report, web page, document or Act with no author takes its ``organization`` or
  ``institution`` as author;
* a book's ``number`` (``Cm 5860``, ``HC 330``) is the ``collection-number`` of its
  ``series`` (what both styles print); a report's is its ``number`` and its ``type`` the
  ``genre`` (``DfES Research Brief RB473``); an article's is the ``issue``;
* an Act's chapter (``chapter``, ``number`` or ``c. 31`` inside ``howpublished``) is its
  ``number`` (what Zotero calls the public law number), written ``c. 31``;
* ``howpublished`` is prose about the work: it goes to ``note`` (no style prints it), never
  to ``medium``;
* dates: ``year`` + ``month`` (``mar``, ``3``, ``March``) as ``issued``; ``urldate`` as
  ``accessed``; the keywords without the editors' provenance (``seed:NNN``).
"""

from __future__ import annotations

import re
from typing import Any

from ..corpus.bibliography import Reference, clean, person_name, split_names

CSLItem = dict[str, Any]

#: the one month table: English month names, 1-based by position
MONTH_NAMES: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
#: BibTeX's month macros (``month = mar``)
MONTH_MACROS: tuple[str, ...] = tuple(name[:3].lower() for name in MONTH_NAMES)
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_ACT_CHAPTER_RE = re.compile(r"\bc(?:hapter)?\.?\s*(\d+[A-Za-z]?)\b")
_PROVENANCE_RE = re.compile(r"^seed(?::|-)", re.IGNORECASE)


def month_number(value: str) -> int | None:
    """``3``, ``mar``, ``Mar.``, ``March``, ``sept`` -> 3 / 9; anything else -> None."""
    text = value.strip().lower().rstrip(".")
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    if len(text) >= 3:
        for number, name in enumerate(MONTH_NAMES, start=1):
            if name.lower().startswith(text):
                return number
    return None


def keywords(ref: Reference) -> list[str]:
    """The reference's ``keywords`` field as a list (comma or semicolon separated)."""
    return [k.strip() for k in re.split(r"[,;]", ref.get("keywords")) if k.strip()]


def public_keywords(ref: Reference) -> list[str]:
    """The keywords without the editors' provenance (``seed:NNN``, ``seed-source``)."""
    return [k for k in keywords(ref) if not _PROVENANCE_RE.match(k)]


def csl_type(ref: Reference) -> str:
    """The CSL item type for a reference (see the module's table)."""
    kind = ref.entry_type
    if kind in ("incollection", "inbook"):
        return "chapter" if ref.get("booktitle") else "book"
    if kind == "legislation" or (kind == "misc" and "legislation" in keywords(ref)):
        return "legislation"
    if kind in ("online", "www", "electronic"):
        return "webpage"
    if kind == "misc":
        return "webpage" if ref.get("url") else "document"
    return {
        "article": "article-journal",
        "book": "book",
        "collection": "book",
        "booklet": "pamphlet",
        "inproceedings": "paper-conference",
        "manual": "report",
        "mastersthesis": "thesis",
        "online": "webpage",  # biblatex's @online (web pages); @collection (edited books) is above
        "phdthesis": "thesis",
        "thesis": "thesis",
        "report": "report",
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
    number = month_number(month)
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


def act_chapter(ref: Reference) -> str:
    """An Act's chapter as ``c. 31``: from ``chapter``, ``number`` or ``howpublished``."""
    for field in ("chapter", "number"):
        value = ref.get(field)
        if value:
            match = _ACT_CHAPTER_RE.search(value)
            return f"c. {match.group(1)}" if match else (f"c. {value}" if value.isdigit() else value)
    match = _ACT_CHAPTER_RE.search(ref.get("howpublished"))
    return f"c. {match.group(1)}" if match else ""


def name_text(name: dict[str, str]) -> str:
    """A CSL name as one string, family first: ``van der Berg, Anna``; a literal name whole."""
    if "literal" in name:
        return name["literal"]
    family = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
    return ", ".join(p for p in (family, name.get("given", ""), name.get("suffix", "")) if p)


def _corporate_author(ref: Reference, kind: str) -> list[dict[str, str]]:
    if ref.fields.get("author") or ref.fields.get("editor"):
        return []
    if kind not in ("report", "webpage", "document", "legislation", "pamphlet"):
        return []
    corporate = ref.get("organization") or ref.get("institution")
    return [{"literal": corporate}] if corporate else []


def to_csl(ref: Reference) -> CSLItem:
    """One reference as a CSL-JSON item (``id`` is the BibTeX key); see the module docstring."""
    kind = csl_type(ref)
    item: CSLItem = {"id": ref.key, "type": kind}
    if ref.fields.get("author"):
        item["author"] = csl_names(ref.fields["author"])
    elif _corporate_author(ref, kind):
        item["author"] = _corporate_author(ref, kind)
    if ref.fields.get("editor"):
        item["editor"] = csl_names(ref.fields["editor"])
    item["title"] = ref.title
    container = ref.get("booktitle") if kind in ("chapter", "paper-conference") else ref.get("journal")
    if kind == "webpage":
        container = ref.get("journal") or ref.get("booktitle")
    if container:
        item["container-title"] = container
    if kind != "legislation" and ref.get("chapter"):
        item["chapter-number"] = ref.get("chapter")
    field = next((f for f in ("publisher", "institution", "organization", "school") if ref.get(f)), "")
    if field:
        # several bodies (``{A} and {B}``) as CSL-JSON and Zotero write them: "A; B"
        bodies = [clean(b) for b in split_names(ref.fields[field])]
        item["publisher"] = "; ".join(bodies) if len(bodies) > 1 else ref.get(field)
    simple = {
        "address": "publisher-place",
        "volume": "volume",
        "edition": "edition",
        "series": "collection-title",
        "url": "URL",
        "doi": "DOI",
        "isbn": "ISBN",
        "issn": "ISSN",
        "type": "genre",
    }
    for field, variable in simple.items():
        value = ref.get(field)
        if value:
            item[variable] = value
    number = ref.get("number")
    if kind == "legislation":
        chapter = act_chapter(ref) or number  # an Act's chapter, or a statutory instrument's number
        if chapter:
            item["number"] = chapter
    elif number and kind == "article-journal":
        item["issue"] = number
    elif number and kind in ("book", "chapter") and (ref.get("series") or re.match(r"^(Cm|Cmnd|Cd|HC|HL)\b", number)):
        item["collection-number"] = number
    elif number:
        item["number"] = number
        if kind == "report" and "genre" not in item:
            item["genre"] = "Report"  # BibTeX prints a numbered @techreport as "Technical Report N"
    notes = [n for n in (ref.get("note"), ref.get("howpublished")) if n]
    if notes:
        item["note"] = "\n".join(notes)
    if ref.get("pages"):
        item["page"] = ref.get("pages").replace("–", "-")
    issued = csl_date(ref.year, ref.get("month"))
    if issued:
        item["issued"] = issued
    accessed = iso_date(ref.get("urldate"))
    if accessed:
        item["accessed"] = accessed
    if public_keywords(ref):
        item["keyword"] = ", ".join(public_keywords(ref))
    return item


def to_csl_items(references: list[Reference]) -> list[CSLItem]:
    """Every reference as a CSL-JSON item, in the order given."""
    return [to_csl(ref) for ref in references]


_SUBTITLE_RE = re.compile(r"(:\s+)([a-z])")
#: a report number that carries its series' letters (``RB473``, ``DFE-RR034``)
_LETTERED_RE = re.compile(r"^[A-Za-z]+-?[A-Za-z]*\d")


def for_style(item: CSLItem, style: str) -> CSLItem:
    """``item`` as a style's rules want it printed (the exports keep the item whole);
    ``style`` is ``harvard`` or ``apa`` (or a CSL file's stem, ``harvard-cite-them-right``).

    * an Act's chapter follows its short title, as both styles cite UK Acts (``Children Act
      2004, c. 31``), rather than CSL's ``number`` (which APA prints as a US "Pub. L. No.");
      an international convention (keyword ``international-treaty``) is a CSL ``treaty``,
      printed without its sponsoring body in APA (not a party to it);
    * a web page's publisher that repeats its (corporate) author is left out (both styles:
      the site owner is the author); APA 7 leaves out any publisher that repeats the author;
    * several publishers (CSL-JSON's ``"A; B"``, as Zotero writes them) are joined by "and"
      in Harvard and kept apart by a semicolon in APA (APA 9.29);
    * APA 7 (``apa``): a Command or House of Commons paper's number is printed after its
      title, ``(Cm 5860)``; the first word of a subtitle is capitalised (APA 6.17: titles
      are stored in sentence case, which capitalises only the title's first word);
    * Harvard: a Command or House of Commons paper's number follows the title, ``Every
      Child Matters (Cm 5860)``, not the series name at the end (Cite Them Right).
    """
    apa = style == "apa"
    item = dict(item)
    if item.get("type") == "legislation" and item.get("number"):
        item["title-short"] = item.get("title", "")  # in-text: "(Children Act 2004, 2004)" in APA
        item["title"] = f"{item.get('title', '')}, {item.pop('number')}"
    elif item.get("type") == "legislation" and "international-treaty" in str(item.get("keyword", "")):
        item["type"] = "treaty"  # a convention: Title (Year) in Harvard; "Title, Year" in APA, no parties
        if apa:
            item.pop("author", None)
    official = item.get("type") == "book" and item.get("collection-number") and not item.get("number")
    if apa and official:
        # APA prints a report's number after the title, "(Cm 5860)", and no series number
        item["number"] = item["collection-number"]
    elif official and re.match(r"^(Cm|Cmnd|Cd|HC|HL)\b", str(item["collection-number"])):
        item["number"] = item.pop("collection-number")
        item.pop("collection-title", None)
    publisher = str(item.get("publisher", ""))
    if publisher:
        authors = {name_text(n).casefold() for n in item.get("author", [])}
        if publisher.casefold() in authors and (apa or item.get("type") == "webpage"):
            del item["publisher"]
        elif "; " in publisher and not apa:
            item["publisher"] = " and ".join(publisher.split("; "))
    if apa and item.get("type") == "report" and _LETTERED_RE.match(str(item.get("number", ""))):
        # a number that carries its series' letters is printed as the publisher gives it,
        # "(DfES Research Brief RB473)", with no "No." (which APA adds before a bare number)
        item["number"] = " ".join(p for p in (str(item.pop("genre", "")), str(item["number"])) if p)
    if apa and item.get("type") == "chapter":
        item.pop("chapter-number", None)  # APA 10.3: a chapter is found by its title and pages, no "(Chapter 1)"
    if apa:
        for variable in ("title", "container-title"):
            if item.get(variable):
                item[variable] = _SUBTITLE_RE.sub(lambda m: m.group(1) + m.group(2).upper(), str(item[variable]))
    return item
