"""Where the project's files are: the root holding ``corpus/`` and ``bibliography.bib``."""

from __future__ import annotations

import os
from pathlib import Path

from ..problems import Arg, ArgumentError, KBError

CORPUS_DIR = "corpus"
BIBLIOGRAPHY = "bibliography.bib"
INDEX_DIR = ".kb"


def check_root(root: Path, named: str) -> Path:
    """``root`` if it holds ``corpus/`` and ``bibliography.bib``; else a KBError naming what is missing.

    ``named`` says how the folder was given (``--root x``, ``KB_ROOT=x``).
    """
    if not (root / CORPUS_DIR).is_dir():
        raise KBError(f"{named}: no {CORPUS_DIR}/ folder there")
    if not (root / BIBLIOGRAPHY).is_file():
        raise KBError(f"{BIBLIOGRAPHY} is missing in {root}")
    return root


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (or ``$KB_ROOT``) holding ``corpus/``.

    A folder with ``corpus/`` but no ``bibliography.bib`` is an error, not skipped.
    """
    env = os.environ.get("KB_ROOT")
    if env:
        return check_root(Path(env), f"KB_ROOT={env}")
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CORPUS_DIR).is_dir():
            return check_root(folder, str(folder))
    raise KBError(
        f"no knowledge base found at or above {here}: expected a folder with {CORPUS_DIR}/ "
        f"and {BIBLIOGRAPHY} (run kb inside the project, or pass --root)"
    )


def resolve_root(root: Path | None = None) -> Path:
    """The one rule for every front end: ``root`` checked when given (an ``ArgumentError``
    naming the argument ``root`` if it is no project), else ``find_root()``."""
    if root is None:
        return find_root()
    if not (root / CORPUS_DIR).is_dir():
        raise ArgumentError(Arg("root"), f" {root}: no {CORPUS_DIR}/ folder there")
    return check_root(root, str(root))
