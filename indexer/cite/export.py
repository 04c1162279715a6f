"""Citation export: bibliography references as BibTeX, RIS, CSL-JSON or formatted text.

Pure functions, one per format, each written by a well-kept library rather than by hand:

* ``to_bibtex``: bibtexparser 2 (``Library`` of ``Entry`` blocks, ``write_string``); the
  entries keep their BibTeX types and values, braces included, so corporate authors stay
  in double braces (``{{Department of Health}}``) and ``month = mar`` stays a macro;
* ``to_ris``: rispy; the RIS type and tags follow the CSL type of ``indexer.csl`` and the
  tags Zotero's RIS translator reads (table below);
* ``to_csljson``: the CSL-JSON items of ``indexer.csl`` (what citeproc-py, pandoc and
  Zotero read);
* ``to_text``: the references (or in-text citations) formatted by citeproc-py in a CSL
  style kept in the repository (``STYLES``: Harvard, Cite Them Right; APA 7th edition).

Exports leave out the knowledge base's provenance: the ``annote`` field and the
``seed:NNN`` / ``seed-source`` keywords (``legislation`` stays: it decides the type).

RIS (``TY`` by CSL type: book BOOK, chapter CHAP, report RPRT, article-journal JOUR,
webpage ELEC, legislation STAT, document GEN, thesis THES, paper-conference CPAPER)::

    author AU (a corporate author whole, no comma split)   editor A2 (A3 for BOOK)
    title TI      booktitle/journal T2     series T2 (BOOK, RPRT) or T3 (CHAP)
    year PY       year+month DA (YYYY/MM)  urldate Y2 (YYYY/MM/DD)     url UR
    publisher, institution, organization PB (a second one N1)  address CY
    pages SP/EP   volume VL                number IS (JOUR), SN (RPRT), else M1
    edition ET    chapter SE               type, howpublished M3 (type first; the other N1)
    note N1       doi DO                   isbn/issn SN                keywords KW
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..atomic import write_atomic as write_atomic  # the package's one atomic writer (re-exported)
from ..corpus.bibliography import Bibliography, Reference, clean, family_name, is_corporate, split_names
from ..corpus.citations import cited_keys
from ..corpus.entries import Corpus, Entry
from ..problems import KBError
from .csl import csl_name, csl_type, keywords, to_csl

DATA = Path(__file__).parent.parent / "data"
#: text styles by name: CSL files kept in the repository
STYLES: dict[str, Path] = {
    "harvard": DATA / "harvard-cite-them-right.csl",
    "apa": DATA / "apa.csl",
}
FORMATS: tuple[str, ...] = ("bibtex", "ris", "csljson")
SUFFIX: dict[str, str] = {"bibtex": ".bib", "ris": ".ris", "csljson": ".json"}
MEDIA_TYPE: dict[str, str] = {
    "bibtex": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "csljson": "application/vnd.citationstyles.csl+json",
}
LABEL: dict[str, str] = {"bibtex": "BibTeX", "ris": "RIS", "csljson": "CSL-JSON"}
#: fields kept out of every export (provenance notes for the editors)
PRIVATE_FIELDS: frozenset[str] = frozenset({"annote"})
_PROVENANCE_RE = re.compile(r"^seed(?::|-)", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_MACROS = frozenset(_MONTHS)
_MONTH_NUMBER = {name: number for number, name in enumerate(_MONTHS, start=1)}

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
    "manuscript": "UNPB",
}


# -- selecting references ----------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The references found for the keys asked for (in order, once each) and the unknown keys."""

    references: tuple[Reference, ...]
    unknown: tuple[str, ...]


def suggestions(key: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The existing keys nearest to ``key``."""
    import difflib

    return difflib.get_close_matches(key, list(known), n=n, cutoff=0.6)


def unknown_keys_message(unknown: Sequence[str], known: Iterable[str]) -> str:
    """``unknown reference key 'x' (did you mean y, z?)``, one clause per key."""
    known = list(known)
    parts = []
    for key in unknown:
        close = suggestions(key, known)
        parts.append(f"'{key}'" + (f" (did you mean {', '.join(close)}?)" if close else " (no similar key)"))
    noun = "key" if len(unknown) == 1 else "keys"
    return f"unknown reference {noun}: " + "; ".join(parts)


def select_references(bib: Bibliography, keys: Iterable[str], skip_unknown: bool = False) -> Selection:
    """The references of ``keys``, deduplicated, in the order given.

    An unknown key raises ``KBError`` naming it and the nearest existing keys, unless
    ``skip_unknown``: then it is listed in ``Selection.unknown`` and left out.
    """
    ordered = list(dict.fromkeys(k.strip().lstrip("@") for k in keys if k.strip()))
    unknown = [k for k in ordered if k not in bib]
    if unknown and not skip_unknown:
        raise KBError(unknown_keys_message(unknown, bib.references))
    return Selection(tuple(bib[k] for k in ordered if k in bib), tuple(unknown))


def entry_keys(entry: Entry) -> list[str]:
    """The keys an entry cites: its ``sources``, then every key cited in its body, once each."""
    return list(dict.fromkeys([*entry.sources, *cited_keys(entry.body)]))


def find_entry(corpus: Corpus, entry_id: str) -> Entry:
    """The entry with id ``lead-professional`` or page path ``glossary/lead-professional``."""
    wanted = entry_id.strip().strip("/").removesuffix(".md")
    for entry in corpus.entries:
        if wanted in (entry.id, entry.path_id):
            return entry
    ids = [e.id for e in corpus.entries]
    close = suggestions(wanted.rsplit("/", 1)[-1], ids)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise KBError(f"no entry with id '{entry_id}' in the corpus{hint}")


def keys_from_results(results: Iterable[Mapping[str, Any]]) -> list[str]:
    """The keys cited by search results (``results`` of the ``kb search --json`` contract),
    once each, in the order of the results and of their citations."""
    keys: dict[str, None] = {}
    for result in results:
        for citation in result.get("citations", ()):
            keys.setdefault(str(citation["key"]), None)
    return list(keys)


def gather(
    root: Path, keys: Sequence[str], page: str | None = None, skip_unknown: bool = False
) -> tuple[Bibliography, Selection]:
    """The project's bibliography and the references of ``keys`` plus, with ``page``, those
    the entry cites (see ``entry_keys``); unknown keys as in ``select_references``."""
    from ..corpus.bibliography import load_bibliography
    from ..corpus.project import BIBLIOGRAPHY, CORPUS_DIR

    bib = load_bibliography(root / BIBLIOGRAPHY)
    if not bib.references:
        raise KBError(f"{root / BIBLIOGRAPHY}: no references could be read (run kb check)")
    wanted = list(keys)
    if page is not None:
        from ..corpus.entries import load_corpus

        wanted += entry_keys(find_entry(load_corpus(root / CORPUS_DIR, display_root=root), page))
    if not wanted:
        raise KBError("nothing to cite: give one or more KEYs or --page ENTRY_ID")
    return bib, select_references(bib, wanted, skip_unknown=skip_unknown)


def search_export(root: Path, results: Iterable[Mapping[str, Any]], fmt: str) -> str:
    """The references behind search results (``keys_from_results``) in one of ``FORMATS``;
    a key the bibliography no longer has is left out."""
    from ..corpus.bibliography import load_bibliography
    from ..corpus.project import BIBLIOGRAPHY

    bib = load_bibliography(root / BIBLIOGRAPHY)
    return export(select_references(bib, keys_from_results(results), skip_unknown=True).references, fmt)


# -- what every export carries -------------------------------------------------------------


def public_reference(ref: Reference) -> Reference:
    """``ref`` without the editors' provenance (``annote``, ``seed`` keywords)."""
    fields = {k: v for k, v in ref.fields.items() if k not in PRIVATE_FIELDS}
    if "keywords" in fields:
        kept = [k for k in keywords(ref) if not _PROVENANCE_RE.match(k)]
        if kept:
            fields["keywords"] = ", ".join(kept)
        else:
            del fields["keywords"]
    return replace(ref, fields=fields)


# -- BibTeX --------------------------------------------------------------------------------


def to_bibtex(references: Iterable[Reference]) -> str:
    """The references as BibTeX (bibtexparser 2), types and values as in bibliography.bib."""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.model import Entry as BibEntry
    from bibtexparser.model import Field

    library = Library()
    for ref in references:
        ref = public_reference(ref)
        fields = []
        for name, value in ref.fields.items():
            if name == "month" and value.strip().lower() in _MONTH_MACROS:  # keep `month = mar` a macro
                fields.append(Field(name, value.strip().lower(), enclosing="no-enclosing"))
            else:
                fields.append(Field(name, value))
        library.add(BibEntry(ref.entry_type, ref.key, fields))
    text: str = write_string(library)
    return text.strip() + "\n" if text.strip() else ""


# -- RIS -----------------------------------------------------------------------------------


def ris_name(name: str) -> str:
    """A BibTeX name for RIS: ``Family, Given`` (``Family, Given, Suffix``); a corporate name whole."""
    if is_corporate(name):
        return clean(name)
    parts = csl_name(name)
    if "literal" in parts:
        return parts["literal"]
    family = " ".join(p for p in (parts.get("non-dropping-particle", ""), parts.get("family", "")) if p)
    return ", ".join(p for p in (family, parts.get("given", ""), parts.get("suffix", "")) if p)


def ris_date(year: str, month: str = "", day: str = "") -> str:
    """RIS ``DA``/``Y2`` form: ``YYYY/MM/DD`` with what is known (``2007/03``)."""
    parts = [year.strip()]
    m = month.strip().lower()[:3]
    number = _MONTH_NUMBER.get(m) or (int(month) if month.strip().isdigit() else None)
    if number:
        parts.append(f"{number:02d}")
        if day.strip().isdigit():
            parts.append(f"{int(day):02d}")
    return "/".join(parts)


def page_range(pages: str) -> tuple[str, str]:
    """``29--39`` -> (``29``, ``39``); ``12`` -> (``12``, ``""``)."""
    bits = [p.strip() for p in re.split(r"\s*(?:--|–|-)\s*", pages.strip(), maxsplit=1)]
    return bits[0], (bits[1] if len(bits) > 1 else "")


def to_ris_record(ref: Reference) -> dict[str, Any]:
    """One reference as a rispy record (see the module's table)."""
    ref = public_reference(ref)
    kind = csl_type(ref)
    ty = RIS_TYPE.get(kind, "GEN")
    record: dict[str, Any] = {"type_of_reference": ty}
    notes: list[str] = []
    if ref.fields.get("author"):
        record["authors"] = [ris_name(n) for n in split_names(ref.fields["author"])]
    if ref.fields.get("editor"):
        record["tertiary_authors" if ty == "BOOK" else "secondary_authors"] = [
            ris_name(n) for n in split_names(ref.fields["editor"])
        ]
    record["title"] = ref.title
    container = ref.get("booktitle") or ref.get("journal")
    if container:
        record["secondary_title"] = container
    if ref.get("series"):
        record["tertiary_title" if "secondary_title" in record or ty == "CHAP" else "secondary_title"] = ref.get(
            "series"
        )
    if ref.year:
        record["year"] = ref.year
        record["date"] = ris_date(ref.year, ref.get("month"))
    publishers = [(f, ref.get(f)) for f in ("publisher", "institution", "organization", "school") if ref.get(f)]
    if publishers:
        record["publisher"] = publishers[0][1]
        notes += [f"{field.capitalize()}: {value}" for field, value in publishers[1:] if value != publishers[0][1]]
    if ref.get("address"):
        record["place_published"] = ref.get("address")
    if ref.get("pages"):
        start, end = page_range(ref.fields["pages"])
        record["start_page"] = start
        if end:
            record["end_page"] = end
    if ref.get("volume"):
        record["volume"] = ref.get("volume")
    if ref.get("number"):
        key = {"JOUR": "number", "RPRT": "issn"}.get(ty, "note")
        record[key] = ref.get("number")
    if ref.get("edition"):
        record["edition"] = ref.get("edition")
    if ref.get("chapter"):
        record["section"] = ref.get("chapter")
    for field in ("type", "howpublished"):
        value = ref.get(field)
        if not value:
            continue
        if "type_of_work" not in record:
            record["type_of_work"] = value
        else:
            notes.append(value)
    for field in ("isbn", "issn"):
        if ref.get(field) and "issn" not in record:
            record["issn"] = ref.get(field)
    if ref.get("doi"):
        record["doi"] = ref.get("doi")
    if ref.get("url"):
        record["urls"] = [ref.get("url")]
    if ref.get("urldate"):
        y, _, rest = ref.get("urldate").partition("-")
        m, _, d = rest.partition("-")
        record["access_date"] = ris_date(y, m, d)
    if ref.get("note"):
        notes.insert(0, ref.get("note"))
    if notes:
        record["notes"] = notes
    if keywords(ref):
        record["keywords"] = keywords(ref)
    record["id"] = ref.key
    return record


def to_ris(references: Iterable[Reference]) -> str:
    """The references as RIS (rispy)."""
    import rispy

    class Writer(rispy.RisWriter):  # type: ignore[misc]  # rispy ships no type hints
        """rispy's writer without the "1." line it puts before each record by default."""

        def set_header(self, count: int) -> str:
            return ""

    records = [to_ris_record(ref) for ref in references]
    return str(rispy.dumps(records, implementation=Writer)) if records else ""


# -- CSL-JSON ------------------------------------------------------------------------------


def to_csljson(references: Iterable[Reference]) -> str:
    """The references as a CSL-JSON array (the items of ``indexer.csl``)."""
    items = [to_csl(public_reference(ref)) for ref in references]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


# -- formatted text ------------------------------------------------------------------------


def style_path(name: str) -> Path:
    """The CSL file of a style named in ``STYLES`` (or a path to a .csl file)."""
    if name in STYLES:
        return STYLES[name]
    path = Path(name)
    if path.suffix == ".csl" and path.is_file():
        return path
    raise KBError(f"unknown style '{name}' (choose {', '.join(STYLES)}, or give a .csl file)")


def _suffix_group(ref: Reference) -> tuple[str, str | None]:
    """A key shared by every reference whose in-text citation could read the same as ``ref``'s:
    the year and the last word of the first author's (or editor's) family name; ``None``
    for a reference without either (the style then cites it by title or organisation)."""
    names = split_names(ref.fields.get("author") or ref.fields.get("editor") or "")
    if not names:
        return clean(ref.year), None
    words = re.findall(r"\w+", family_name(names[0]).casefold())
    return clean(ref.year), words[-1] if words else ""


def disambiguation_set(bib: Bibliography, refs: Iterable[Reference]) -> Bibliography:
    """``bib`` cut to ``refs`` and the references that may share their year suffix (same year,
    same first family name; for a reference without names, every one of its year): the
    suffixes come out as the whole bibliography gives them, at a fraction of the cost."""
    wanted = {_suffix_group(ref) for ref in refs}
    years_without_names = {year for year, name in wanted if name is None}
    kept = {
        key: ref
        for key, ref in bib.references.items()
        if clean(ref.year) in years_without_names or _suffix_group(ref) in wanted
    }
    return Bibliography(bib.path, kept, ())


def to_text(references: Iterable[Reference], bib: Bibliography, style: str = "harvard", in_text: bool = False) -> str:
    """The references formatted in ``style``: the reference list in the style's order, one
    per line, or with ``in_text`` the in-text citation of each, in the order given.

    Year suffixes (2003a, 2003b) are those of the whole bibliography, as on the website; only
    the references that could share them are formatted (``disambiguation_set``).
    """
    from .citestyle import CitationStyle, plain

    refs = list(references)
    if not refs:
        return ""
    formatted = CitationStyle.from_bibliography(disambiguation_set(bib, refs), style_path(style))
    if in_text:
        lines = [plain(formatted.layout_prefix + formatted.parts(r.key).full + formatted.layout_suffix) for r in refs]
    else:
        wanted = {r.key for r in refs}
        lines = [formatted.reference_text(k) for k in formatted.sorted_keys() if k in wanted]
    return "\n".join(lines) + "\n"


def render(references: Sequence[Reference], bib: Bibliography, fmt: str, style: str = "harvard",
           in_text: bool = False) -> str:
    """The references in ``fmt``: one of ``FORMATS``, or ``text`` in ``style``."""
    if fmt == "text":
        return to_text(references, bib, style, in_text=in_text)
    return export(references, fmt)


def export(references: Iterable[Reference], fmt: str) -> str:
    """The references in one of ``FORMATS``."""
    writers = {"bibtex": to_bibtex, "ris": to_ris, "csljson": to_csljson}
    if fmt not in writers:
        raise KBError(f"unknown export format '{fmt}' (choose {', '.join(FORMATS)})")
    return writers[fmt](references)
