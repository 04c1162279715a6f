"""Problems found in the corpus or the bibliography, reported as ``path:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
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
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
