"""Problems found in the corpus or the bibliography, reported as ``path:line: message``."""

from __future__ import annotations

import os
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


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` where possible, with forward slashes."""
    relative = os.path.relpath(os.path.abspath(path), _absolute(root))
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


@lru_cache(maxsize=16)
def _absolute(root: Path) -> str:
    return os.path.abspath(root)
