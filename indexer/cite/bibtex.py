"""BibTeX for reference managers and biber, written by bibtexparser 2.

The entries keep their fields and values (braces included, so corporate authors stay in
double braces and ``month = mar`` stays a macro); the types are those biblatex's data
model and Zotero's BibTeX import translator (``BibTeX.js``) both read:

==========================  ===================  ====================================
bibliography.bib            exported as          Zotero reads
==========================  ===================  ====================================
``@misc`` with a ``url``    ``@online``          web page (``urldate``: accessed)
``@misc``, ``legislation``  ``@legislation``     bill (biblatex's type for statutes;
                                                 Zotero has no BibTeX type for a statute;
                                                 ``howpublished`` keeps "c. 31" in Extra)
other types                 as written           book, book section, report, article...
==========================  ===================  ====================================

The editors' provenance (``annote``, ``seed:NNN`` keywords) is left out of every export.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..corpus.bibliography import Reference
from .csl import MONTH_MACROS, csl_type, public_keywords

#: fields kept out of every export (provenance notes for the editors)
PRIVATE_FIELDS: frozenset[str] = frozenset({"annote"})
#: CSL types whose BibTeX type is not the one in the bibliography
EXPORT_TYPE: dict[str, str] = {"webpage": "online", "legislation": "legislation"}


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
    if ref.entry_type == "misc":
        return EXPORT_TYPE.get(csl_type(ref), "misc")
    return ref.entry_type


def to_bibtex(references: Iterable[Reference]) -> str:
    """The references as BibTeX (bibtexparser 2), values as in bibliography.bib."""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.model import Entry as BibEntry
    from bibtexparser.model import Field

    library = Library()
    for ref in references:
        kind = export_type(ref)
        ref = public_reference(ref)
        fields = []
        for name, value in ref.fields.items():
            if name == "month" and value.strip().lower() in MONTH_MACROS:  # keep `month = mar` a macro
                fields.append(Field(name, value.strip().lower(), enclosing="no-enclosing"))
            else:
                fields.append(Field(name, value))
        library.add(BibEntry(kind, ref.key, fields))
    text: str = write_string(library)
    return text.strip() + "\n" if text.strip() else ""
