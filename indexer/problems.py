"""Problems found in the corpus or the bibliography, reported as ``path:line: message``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem with a file. ``severity`` is ``"error"`` or ``"note"``."""

    path: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "note: " if self.severity == "note" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class KBError(Exception):
    """An error the command line reports in one line (no traceback)."""


@dataclass(frozen=True)
class Arg:
    """The name of an argument inside an ``ArgumentError``'s message."""

    name: str


class ArgumentError(KBError):
    """A bad argument value. The library's message names the argument as the library calls
    it (``kind 'trem' is unknown``); a front end names its own option instead (``named``:
    ``--kind 'trem' is unknown``)."""

    def __init__(self, *parts: str | Arg) -> None:
        self.parts = parts
        super().__init__(self.named({}))

    def named(self, names: Mapping[str, str]) -> str:
        """The message with each argument called by ``names`` (those not there as in the library)."""
        return "".join(names.get(p.name, p.name) if isinstance(p, Arg) else p for p in self.parts)


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` where possible, with forward slashes."""
    relative = os.path.relpath(os.path.abspath(path), _absolute(root))
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


@lru_cache(maxsize=16)
def _absolute(root: Path) -> str:
    return os.path.abspath(root)


def nearest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to ``word`` (difflib's ratio at least 0.6), best first."""
    import difflib

    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.6)


def did_you_mean(word: str, candidates: Iterable[str], otherwise: str = "") -> str:
    """The one "did you mean" clause of every message: `` (did you mean a, b?)``, else ``otherwise``."""
    close = nearest(word, candidates)
    return f" (did you mean {', '.join(close)}?)" if close else otherwise
