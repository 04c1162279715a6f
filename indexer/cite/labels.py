"""In-text labels (author part and year with its suffix) from the one CSL path.

The pages print citations with ``CitationStyle.parts``; everything else that shows an
author-date label (the chunk text and citations of ``kb search``, the search page's data,
``kb cite --in-text``) takes it from here, so that "McInnes, 2007a" reads the same
everywhere. Year suffixes (2007a, 2007b) are those of the references given together: the
whole bibliography for the site and the index, the selection for ``kb cite``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from ..corpus.bibliography import Bibliography, Reference
from ..corpus.citations import AuthorDate
from .citestyle import DEFAULT_STYLE, CitationStyle

_CACHE: dict[tuple[str, str], dict[str, AuthorDate]] = {}


def _fingerprint(references: Mapping[str, Reference]) -> str:
    digest = hashlib.sha256()
    for key, ref in references.items():
        digest.update(f"{key}\0{ref.entry_type}\0".encode())
        for name in sorted(ref.fields):
            digest.update(f"{name}\0{ref.fields[name]}\0".encode())
    return digest.hexdigest()


def citation_labels(references: Mapping[str, Reference], style_path: Path | None = None) -> dict[str, AuthorDate]:
    """The label of every reference, with the year suffixes these references give each other.

    Reused while the references and the style are the same (the index asks once per entry).
    """
    path = style_path or DEFAULT_STYLE
    cache_key = (_fingerprint(references), str(path.resolve()))
    if cache_key not in _CACHE:
        if len(_CACHE) > 8:
            _CACHE.clear()
        bib = Bibliography(Path("."), dict(references), ())
        _CACHE[cache_key] = CitationStyle.from_bibliography(bib, path, references=False).labels() if references else {}
    return _CACHE[cache_key]
