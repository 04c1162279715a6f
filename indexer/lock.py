"""The writer lock of the index folder: one ``kb index`` at a time per project.

``writer_lock(folder, root)`` takes an exclusive ``fcntl.flock`` on ``folder/lock`` without
waiting: a second ``kb index`` fails at once with ``another kb index is running in ROOT
(pid N)`` and touches nothing, the first carries on. The lock goes with the process (the
kernel drops it when the process ends, even by ``kill -9``), so a crashed run never leaves
a stale lock; the file itself stays (deleting a lock file races the next run's open).

Before locking, the folder is checked the way the run will use it, so that a ``.kb`` that is
a plain file or cannot be written is reported before any embedding starts.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .problems import KBError

LOCK_FILE = "lock"


class IndexLocked(KBError):
    """Another ``kb index`` holds the writer lock."""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def prepare_folder(folder: Path) -> None:
    """Create ``folder`` if needed and check that files can be made in it (``KBError`` if not)."""
    if folder.exists() and not folder.is_dir():
        raise KBError(f"{folder} is not a folder (kb index keeps the search index there): move it away")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.mkdir(exist_ok=True)
        probe.rmdir()
    except OSError as exc:
        raise KBError(f"cannot write the search index in {folder}: {_reason(exc)}") from None


@contextmanager
def writer_lock(folder: Path, root: Path) -> Iterator[None]:
    """Hold the exclusive writer lock of ``folder`` (``IndexLocked`` at once if another run has it)."""
    import fcntl

    prepare_folder(folder)
    path = folder / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise KBError(f"cannot write the search index in {folder}: {_reason(exc)}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise KBError(f"cannot lock {path}: {_reason(exc)}") from None
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise IndexLocked(f"another kb index is running in {root} (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
