"""Citation export: references as BibTeX, RIS, CSL-JSON, or formatted text, HTML or Markdown.

Pure functions (the files are read by ``indexer.cite.load``); every format starts from the
one CSL item of each reference (``indexer.cite.csl``) or, for BibTeX, from the entry:

* ``to_bibtex``: bibtexparser 2, types biblatex and Zotero read (``indexer.cite.bibtex``);
* ``to_ris``: rispy, types and tags as Zotero's RIS translator reads them (``indexer.cite.ris``);
* ``to_csljson``: the CSL items (what citeproc-py, pandoc and Zotero read), each with
  ``Citation Key: KEY`` in its ``note`` so that Zotero keeps the key;
* ``to_text``: the references (or in-text citations) formatted by citeproc-py in a CSL
  style kept in the repository (``STYLES``: Harvard, Cite Them Right; APA 7th edition, in
  American English), as plain text, HTML (``<i>`` kept) or Markdown (``*...*``).

Year suffixes (2003a, 2003b) are those the references formatted together give each other:
the whole bibliography's with ``--all``, a selection's own otherwise (a single Whittington
2003 is "2003", not "2003b").
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..atomic import write_atomic as write_atomic  # the package's one atomic writer (re-exported)
from ..corpus.bibliography import Bibliography, Reference
from ..problems import Arg, ArgumentError, KBError
from .bibtex import public_reference as public_reference
from .bibtex import to_bibtex as to_bibtex
from .csl import to_csl
from .ris import RIS_TYPE as RIS_TYPE
from .ris import page_range as page_range
from .ris import to_ris as to_ris
from .select import Selection as Selection
from .select import entry_keys as entry_keys
from .select import find_entry as find_entry
from .select import keys_from_results as keys_from_results
from .select import select_references as select_references
from .select import unknown_keys_message as unknown_keys_message

DATA = Path(__file__).parent.parent / "data"
#: text styles by name: CSL files kept in the repository
STYLES: dict[str, Path] = {
    "harvard": DATA / "harvard-cite-them-right.csl",
    "apa": DATA / "apa.csl",
}
FORMATS: tuple[str, ...] = ("bibtex", "ris", "csljson")
#: formatted references: plain text, HTML (titles in <i>) and Markdown (titles in *...*)
TEXT_FORMATS: tuple[str, ...] = ("text", "html", "markdown")
SUFFIX: dict[str, str] = {"bibtex": ".bib", "ris": ".ris", "csljson": ".json"}
MEDIA_TYPE: dict[str, str] = {
    "bibtex": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "csljson": "application/vnd.citationstyles.csl+json",
}
LABEL: dict[str, str] = {"bibtex": "BibTeX", "ris": "RIS", "csljson": "CSL-JSON"}
_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>#|])")
_TAG_PAIR_RE = re.compile(r"<(i|em|b|strong)>(.*?)</\1>", re.S)
_ANY_TAG_RE = re.compile(r"<[^>]+>")


# -- CSL-JSON ------------------------------------------------------------------------------


def csl_export_item(ref: Reference) -> dict[str, object]:
    """The CSL item of a reference as exported: its ``note`` ends with ``Citation Key: KEY``
    (Zotero's CSL JSON import keeps that line as the item's citation key)."""
    item = to_csl(ref)
    note = "\n".join(n for n in (str(item.get("note", "")), f"Citation Key: {ref.key}") if n)
    return {**item, "note": note}


def to_csljson(references: Iterable[Reference]) -> str:
    """The references as a CSL-JSON array."""
    items = [csl_export_item(ref) for ref in references]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


# -- formatted text ------------------------------------------------------------------------


def style_path(name: str) -> Path:
    """The CSL file of a style named in ``STYLES`` (or a path to a .csl file)."""
    if name in STYLES:
        return STYLES[name]
    path = Path(name)
    if path.suffix == ".csl" and path.is_file():
        return path
    raise ArgumentError(Arg("style"), f" '{name}' is unknown (choose {', '.join(STYLES)}, or give a .csl file)")


def html_to_markdown(fragment: str) -> str:
    """The formatter's HTML as Markdown: ``<i>`` and ``<b>`` as ``*`` and ``**``, the text's
    Markdown characters escaped (so that a title is never read as markup)."""
    out: list[str] = []
    pos = 0
    for match in _TAG_PAIR_RE.finditer(fragment):
        out.append(_md_text(fragment[pos : match.start()]))
        mark = "*" if match.group(1) in ("i", "em") else "**"
        inner = _md_text(match.group(2)).strip()
        out.append(f"{mark}{inner}{mark}" if inner else "")
        pos = match.end()
    out.append(_md_text(fragment[pos:]))
    return "".join(out)


def _md_text(fragment: str) -> str:
    return _MD_SPECIAL_RE.sub(r"\\\1", html.unescape(_ANY_TAG_RE.sub("", fragment)))


def formatted_references(
    references: Sequence[Reference], bib: Bibliography, style: str = "harvard", fmt: str = "text",
    in_text: bool = False,
) -> list[tuple[str, str]]:
    """``(key, formatted)`` for each reference in ``fmt`` (one of ``TEXT_FORMATS``): the
    reference list in the style's order or, with ``in_text``, each in-text citation in the
    order given. The year suffixes are the ones these references give each other."""
    from .citestyle import CitationStyle, linkify_urls, plain

    if fmt not in TEXT_FORMATS:
        raise ArgumentError(Arg("format"), f" '{fmt}' is unknown (choose {', '.join(TEXT_FORMATS)})")
    refs = list(dict.fromkeys(references))
    if not refs:
        return []
    chosen = Bibliography(bib.path, {r.key: r for r in refs}, ())
    style_obj = CitationStyle.from_bibliography(chosen, style_path(style))
    if in_text:
        pairs = [(r.key, style_obj.layout_prefix + style_obj.parts(r.key).full + style_obj.layout_suffix)
                 for r in refs]
    else:
        pairs = [(k, style_obj.reference_raw(k)) for k in style_obj.sorted_keys()]
    convert = {"text": plain, "html": linkify_urls, "markdown": html_to_markdown}[fmt]
    return [(key, convert(text)) for key, text in pairs]


def to_text(
    references: Iterable[Reference], bib: Bibliography, style: str = "harvard", in_text: bool = False,
    fmt: str = "text",
) -> str:
    """The references formatted in ``style`` (see ``formatted_references``), one per line."""
    lines = [text for _key, text in formatted_references(list(references), bib, style, fmt, in_text)]
    return "\n".join(lines) + "\n" if lines else ""


def render(references: Sequence[Reference], bib: Bibliography, fmt: str, style: str = "harvard",
           in_text: bool = False) -> str:
    """The references in ``fmt``: one of ``FORMATS``, or one of ``TEXT_FORMATS`` in ``style``."""
    if fmt in TEXT_FORMATS:
        return to_text(references, bib, style, in_text=in_text, fmt=fmt)
    return export(references, fmt)


def export(references: Iterable[Reference], fmt: str) -> str:
    """The references in one of ``FORMATS``."""
    writers = {"bibtex": to_bibtex, "ris": to_ris, "csljson": to_csljson}
    if fmt not in writers:
        raise ArgumentError(Arg("format"), f" '{fmt}' is unknown (choose {', '.join(FORMATS)})")
    return writers[fmt](list(references))


__all__ = ["KBError", "csl_export_item", "export", "formatted_references", "render", "style_path", "to_text"]
