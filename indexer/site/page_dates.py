"""When each corpus file last changed: the date a page of the site is cited with.

One ``git log`` over the corpus folder gives every committed file's last commit date; a file
changed since (modified or new in the working tree) takes its modification time. Without git
(or outside a repository) no date is known, and the caller says the build's date is used.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def last_changes(root: Path, folder: Path) -> dict[Path, dt.date]:
    """``{resolved file path: date of its last change}`` for the files under ``folder`` that
    git knows (committed), corrected by the working tree's own changes; ``{}`` without git."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return {}
    top_dir = Path(top.strip()).resolve()
    log = _git(root, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", str(folder.resolve()))
    if log is None:
        return {}
    dates: dict[Path, dt.date] = {}
    for record in log.split("\x00")[1:]:
        lines = [line for line in record.splitlines() if line.strip()]
        if not lines:
            continue
        day = dt.date.fromisoformat(lines[0].strip())
        for name in lines[1:]:
            dates.setdefault((top_dir / name).resolve(), day)  # newest first: the first is the last change
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", str(folder.resolve())) or ""
    for line in status.splitlines():
        path = (top_dir / line[3:].strip().strip('"')).resolve()
        if path.is_file():
            dates[path] = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).date()
    return dates


def page_dates(root: Path, folder: Path, files: Iterable[Path]) -> dict[Path, dt.date]:
    """The last change of each of ``files`` that has one (see ``last_changes``)."""
    known = last_changes(root, folder)
    return {path: known[path.resolve()] for path in files if path.resolve() in known}


__all__ = ["last_changes", "page_dates"]
