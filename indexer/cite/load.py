"""The citation commands' file loading: the project's bibliography and corpus, then the
pure selection and export functions (``select``, ``export``) on what was read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..corpus.bibliography import Bibliography, load_bibliography
from ..corpus.entries import Corpus, load_corpus
from ..corpus.project import BIBLIOGRAPHY, CORPUS_DIR
from ..problems import KBError
from .export import export
from .select import Selection, entry_keys, filter_references, find_entry, keys_from_results, select_references


def project_bibliography(root: Path) -> Bibliography:
    """``root``'s bibliography; a KBError when no reference could be read."""
    bib = load_bibliography(root / BIBLIOGRAPHY)
    if not bib.references:
        raise KBError(f"{root / BIBLIOGRAPHY}: no references could be read (run kb check)")
    return bib


def project_corpus(root: Path) -> Corpus:
    return load_corpus(root / CORPUS_DIR, display_root=root)


def gather(
    root: Path,
    keys: Sequence[str],
    page: str | None = None,
    skip_unknown: bool = False,
    everything: bool = False,
    tags: Sequence[str] = (),
    kinds: Sequence[str] = (),
) -> tuple[Bibliography, Selection]:
    """The project's bibliography and the references of ``keys`` plus, with ``page``, those the
    entry cites (``select.entry_keys``), with ``everything`` the whole bibliography, kept to
    ``tags`` and ``kinds`` (``select.filter_references``); unknown keys as in ``select_references``."""
    bib = project_bibliography(root)
    wanted = list(keys)
    if page is not None:
        wanted += entry_keys(find_entry(project_corpus(root), page))
    if everything:
        wanted += list(bib.references)
    elif not wanted and (tags or kinds):
        wanted = list(bib.references)
    if not wanted:
        raise KBError("nothing to cite: give one or more KEYs, --page ENTRY_ID, --all, --tag or --kind")
    selection = select_references(bib, wanted, skip_unknown=skip_unknown)
    if tags or kinds:
        kept = filter_references(selection.references, bib, tags, kinds)
        selection = Selection(tuple(kept), selection.unknown)
    return bib, selection


def search_export(root: Path, results: Iterable[Mapping[str, Any]], fmt: str) -> str:
    """The references behind search results (``keys_from_results``) in one of ``FORMATS``;
    a key the bibliography no longer has is left out."""
    bib = load_bibliography(root / BIBLIOGRAPHY)
    return export(select_references(bib, keys_from_results(results), skip_unknown=True).references, fmt)
