"""Writing a new index folder and switching to it, under the writer lock.

A new index is written to ``index-<stamp>.tmp``, every file fsynced, the manifest last (it
records a BLAKE2b checksum of every other file, computed from the bytes written, so no file is
read back), the folder renamed to ``index-<stamp>`` and fsynced, and only then named in
``current`` (``write_atomic``), so an interrupted or killed ``kb index`` leaves the previous
index usable. The previous live folder is kept (readers may still be opening it) and older
ones are removed; leftovers of a killed run (``*.tmp`` folders, pointer temporaries, ONNX
export work folders) are removed by the next run that holds the lock, never another run's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import checksum, fsync_folder, fsync_tree, write_atomic
from ..problems import KBError
from .chunk import Chunk, chunks_bytes
from .expansion import ExpansionTable
from .manifest import (
    CHUNKS,
    CURRENT,
    DENSE,
    EXPANSION,
    INDEX_DIR_RE,
    LEXICAL,
    MANIFEST,
    MODELS_DIR,
    ROLES,
    Manifest,
    kb_dir,
)
from .snapshot import pointer

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .lexical import LexicalIndex
    from .passages import StoredRoles

#: what a killed run leaves in .kb/: its temporary index folder, pointer and probe
_LEFTOVER_RE = re.compile(r"^(index-[0-9a-f-]+\.tmp|\.current\..+|\.probe-\d+)$")
#: what a killed ONNX export leaves in .kb/models/
_MODEL_LEFTOVER_RE = re.compile(r"^\.(export|old)-.+$")


def _write_new(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)


def remove_leftovers(root: Path) -> tuple[str, ...]:
    """Remove what killed runs left in ``.kb/`` (see the module); call with the writer lock held."""
    base = kb_dir(root)
    removed = []
    for folder, pattern in ((base, _LEFTOVER_RE), (base / MODELS_DIR, _MODEL_LEFTOVER_RE)):
        try:
            names = sorted(p.name for p in folder.iterdir())
        except OSError:
            continue
        for name in names:
            if not pattern.match(name):
                continue
            path = folder / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.relative_to(base).as_posix())
    return tuple(removed)


def _switch(base: Path, name: str) -> None:
    """Make ``name`` the live index (one atomic replace of the pointer)."""
    write_atomic(base / CURRENT, name + "\n")


def dense_bytes(vectors: npt.NDArray[np.float32], dim: int) -> bytes:
    """``vectors`` as a serialised FAISS ``IndexFlatIP`` (inner product of unit vectors)."""
    import faiss
    import numpy as np

    dense = faiss.IndexFlatIP(dim)
    if len(vectors):
        dense.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return bytes(faiss.serialize_index(dense).tobytes())


def write_index(
    root: Path,
    manifest: Manifest,
    chunks: list[Chunk],
    vectors: npt.NDArray[np.float32],
    lexical: LexicalIndex,
    expansion: ExpansionTable,
    roles: StoredRoles,
) -> Path:
    """Write a complete index to a new folder, then make it the live one atomically.

    Call with the writer lock held (``build_index`` does): the previous live folder is kept,
    older ones are removed.
    """
    base = kb_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    previous = pointer(root)
    name = f"index-{time.time_ns():x}-{os.getpid():x}"
    tmp = base / f"{name}.tmp"
    final = base / name
    try:
        tmp.mkdir()
        files = {
            CHUNKS: chunks_bytes(chunks),
            DENSE: dense_bytes(vectors, manifest.dim),
            EXPANSION: json.dumps(expansion.to_dict(), ensure_ascii=False).encode("utf-8"),
            LEXICAL: lexical.to_bytes(),
            ROLES: json.dumps(roles.to_dict(), ensure_ascii=False).encode("utf-8"),
        }
        for file_name, data in files.items():
            _write_new(tmp / file_name, data)
        sums = {file_name: checksum(data) for file_name, data in files.items()}
        full = replace(manifest, checksums=sums)
        _write_new(tmp / MANIFEST, json.dumps(full.to_dict(), indent=1).encode("utf-8"))
        fsync_tree(tmp)
        tmp.rename(final)
        fsync_folder(base)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise KBError(f"cannot write the search index in {base}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _switch(base, name)
    keep = {name, previous}
    for old in base.iterdir():
        if old.is_dir() and old.name not in keep and INDEX_DIR_RE.match(old.name):
            shutil.rmtree(old, ignore_errors=True)
    return final
