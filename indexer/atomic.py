"""Writing files so that a reader sees the old file or the new one, never a part.

``write_atomic(path, data)`` is the one way the package replaces a file (``kb cite -o``,
``kb search --export -o``, the index's ``current`` pointer, the ONNX export's record):

* the data goes to a temporary file in the same folder, is fsynced, renamed over ``path``
  (``os.replace``) and the folder is fsynced: a crash, a full disk or Ctrl-C leaves the old
  file as it was (and no temporary file behind);
* the new file keeps the old file's mode, or gets ``0o666 & ~umask`` when there was none
  (as ``open(path, "w")`` would), not ``mkstemp``'s 0600;
* something that is not a regular file (a folder, a device such as ``/dev/full``, a fifo,
  a socket) is refused, never replaced;
* a symbolic link is kept: the file it points to is replaced (atomically, in the target's
  folder), as an editor writing through the link would;
* every ``OSError`` becomes a ``KBError`` that names the file.

``fsync_tree(folder)`` makes a freshly written folder durable (each file, then each folder)
before it is renamed into place. ``checksum`` and ``file_checksum`` are the one checksum the
package records for what it writes (the index's files, the ONNX export).
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from .problems import KBError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a fifo"),
    (stat.S_ISSOCK, "a socket"),
)


def current_umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _target(path: Path) -> tuple[Path, int | None]:
    """The file to replace (a link's target) and its mode, or None when it does not exist yet."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        return path, None
    except OSError as exc:
        raise KBError(f"cannot write {path}: {_reason(exc)}") from None
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise KBError(f"cannot write {path}: it is {kind}, not a regular file")
    return path, stat.S_IMODE(info.st_mode)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (ignored where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems do not fsync folders; the data files themselves were synced
    finally:
        os.close(fd)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8, ``\\n`` line ends): see the module."""
    path = Path(path)
    target, mode = _target(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        raise KBError(f"cannot write {path}: folder {folder} {problem}")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise KBError(f"cannot write {path}: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode if mode is not None else 0o666 & ~current_umask())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise KBError(f"cannot write {path}: {_reason(exc)}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_folder(folder)


def fsync_tree(folder: Path) -> None:
    """fsync every file under ``folder``, then every folder, deepest first."""
    folders = [folder]
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            folders.append(path)
        elif path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    for sub in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        fsync_folder(sub)


def checksum(data: bytes) -> str:
    """The checksum recorded for written data: BLAKE2b, 128 bits, hex."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_checksum(path: Path) -> str:
    """``checksum`` of a file's bytes, read in blocks (for files too large to hold at once)."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
