"""BibTeX for reference managers and biber, written by bibtexparser 2.

The entries keep their fields and values (braces included, so corporate authors stay in
double braces and ``month = mar`` stays a macro); the types are those biblatex's data
model and Zotero's BibTeX import translator (``BibTeX.js``) both read:

==============================  ================  =======================================
bibliography.bib                exported as       Zotero reads
==============================  ================  =======================================
``@misc`` with a ``url``        ``@online``       web page (``urldate``: accessed;
                                                  ``howpublished`` joins ``note``, which
                                                  biblatex's ``@online`` has)
``@misc``, ``legislation``      ``@misc``         document (biber's ``@legislation`` takes
                                                  no fields at all: 4 warnings an Act; the
                                                  chapter stays in ``howpublished``)
``@book`` with editors only     ``@collection``   book, the editors as editors
``@incollection`` no editor     ``@inbook``       book section
``@inbook`` no ``booktitle``    ``@book``         book
other types                     as written        book, book section, report, article...
==============================  ================  =======================================

A ``@misc``'s ``publisher`` is written as its ``organization`` (the field biblatex gives
``@misc``). With these, biber's ``--validate-datamodel`` reports no warning.

The editors' provenance (``annote``, ``seed:NNN`` keywords) is left out of every export.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..corpus.bibliography import Reference
from .csl import MONTH_MACROS, csl_type, public_keywords

#: fields kept out of every export (provenance notes for the editors)
PRIVATE_FIELDS: frozenset[str] = frozenset({"annote"})


def public_reference(ref: Reference) -> Reference:
    """``ref`` without the editors' provenance (``annote``, ``seed`` keywords)."""
    fields = {k: v for k, v in ref.fields.items() if k not in PRIVATE_FIELDS}
    if "keywords" in fields:
        kept = public_keywords(ref)
        if kept:
            fields["keywords"] = ", ".join(kept)
        else:
            del fields["keywords"]
    return replace(ref, fields=fields)


def export_type(ref: Reference) -> str:
    """The entry type written for ``ref`` (see the module's table)."""
    kind = ref.entry_type
    if kind == "misc":
        return "online" if csl_type(ref) == "webpage" else "misc"
    if kind == "book" and ref.fields.get("editor") and not ref.fields.get("author"):
        return "collection"
    if kind == "incollection" and not ref.fields.get("editor"):
        return "inbook"
    if kind == "inbook" and not ref.fields.get("booktitle"):
        return "book"
    return kind


def export_fields(ref: Reference, kind: str) -> dict[str, str]:
    """``ref``'s public fields as written for an entry of type ``kind`` (see the module docstring)."""
    fields = dict(public_reference(ref).fields)
    if kind == "online" and "howpublished" in fields:
        fields["note"] = "; ".join(v for v in (fields.get("note", ""), fields.pop("howpublished")) if v)
    if kind == "misc" and "publisher" in fields and "organization" not in fields:
        fields["organization"] = fields.pop("publisher")
    return fields


def to_bibtex(references: Iterable[Reference]) -> str:
    """The references as BibTeX (bibtexparser 2), values as in bibliography.bib."""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.model import Entry as BibEntry
    from bibtexparser.model import Field

    library = Library()
    for ref in references:
        kind = export_type(ref)
        fields = []
        for name, value in export_fields(ref, kind).items():
            if name == "month" and value.strip().lower() in MONTH_MACROS:  # keep `month = mar` a macro
                fields.append(Field(name, value.strip().lower(), enclosing="no-enclosing"))
            else:
                fields.append(Field(name, value))
        library.add(BibEntry(kind, ref.key, fields))
    text: str = write_string(library)
    return text.strip() + "\n" if text.strip() else ""
