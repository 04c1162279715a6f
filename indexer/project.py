"""Where the project's files are: the root holding ``corpus/`` and ``bibliography.bib``."""

from __future__ import annotations

import os
from pathlib import Path

from .problems import KBError

CORPUS_DIR = "corpus"
BIBLIOGRAPHY = "bibliography.bib"
INDEX_DIR = ".kb"


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (or ``$KB_ROOT``) holding ``corpus/``."""
    env = os.environ.get("KB_ROOT")
    if env:
        root = Path(env)
        if not (root / CORPUS_DIR).is_dir():
            raise KBError(f"KB_ROOT={env}: no {CORPUS_DIR}/ folder there")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CORPUS_DIR).is_dir() and (folder / BIBLIOGRAPHY).exists():
            return folder
    raise KBError(
        f"no knowledge base found at or above {here}: expected a folder with {CORPUS_DIR}/ "
        f"and {BIBLIOGRAPHY} (run kb inside the project, or pass --root)"
    )
