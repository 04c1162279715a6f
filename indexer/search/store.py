"""The index on disk: a git-ignored folder ``.kb/`` at the project root.

::

    .kb/current            name of the live index folder (replaced atomically)
    .kb/lock               the writer lock (``indexer.lock``): one kb index at a time
    .kb/index-<stamp>/     manifest.json, chunks.json, vectors.npy, dense.faiss, bm25/, expansion.json
    .kb/models/<model>/    the ONNX export of the model (kept across re-indexing)

Writing, under the writer lock: a new index is written to ``index-<stamp>.tmp``, every file
fsynced, the manifest last (it records a BLAKE2b checksum of every other file), the folder
renamed to ``index-<stamp>`` and fsynced, and only then named in ``current``
(``write_atomic``), so an interrupted or killed ``kb index`` leaves the previous index usable.
The previous live folder is kept (readers may still be opening it) and older ones are
removed; leftovers of a killed run (``*.tmp`` folders, pointer temporaries, ONNX export work
folders) are removed by the next run that holds the lock, never another run's.

Reading: ``load_index`` reads the folder that ``current`` names, checks each file it reads
against its checksum and the arrays' shapes against the manifest, and refuses, in one line
that says what to run, an index that is missing, damaged, built for another corpus (the
corpus fingerprint differs) or by another model. A reader racing a writer's clean-up (the
folder it was about to read has gone) reads the new live folder instead.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..atomic import checksum, file_checksum, fsync_folder, fsync_tree, write_atomic
from ..corpus.project import BIBLIOGRAPHY, CORPUS_DIR, INDEX_DIR
from ..problems import KBError
from .chunking import Chunk
from .expansion import ExpansionTable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .lexical import LexicalIndex

FORMAT = 3
CURRENT = "current"
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
VECTORS = "vectors.npy"
DENSE = "dense.faiss"
EXPANSION = "expansion.json"
MODELS_DIR = "models"
_INDEX_DIR_RE = re.compile(r"^index-[0-9a-f-]+$")
#: what a killed run leaves in .kb/: its temporary index folder, pointer and probe
_LEFTOVER_RE = re.compile(r"^(index-[0-9a-f-]+\.tmp|\.current\..+|\.probe-\d+)$")
#: what a killed ONNX export leaves in .kb/models/
_MODEL_LEFTOVER_RE = re.compile(r"^\.(export|old)-.+$")
_T = TypeVar("_T")


class IndexUnusable(KBError):
    """The index is missing, damaged, stale or built by another model: run ``kb index``."""


class IndexDamaged(IndexUnusable):
    """A file of the index fails its checksum, its shape or its format; ``what`` says which."""

    def __init__(self, root: Path, what: str) -> None:
        super().__init__(f"the search index in {kb_dir(root)} is damaged ({what}): run kb index")
        self.what = what


class _Vanished(Exception):
    """The folder being read was removed meanwhile (a writer switched and cleaned up)."""


@dataclass(frozen=True)
class Manifest:
    """What an index was built from and with, and the checksum of each of its files."""

    model_id: str
    dim: int
    max_seq_length: int
    onnx: str  # the ONNX export's folder, relative to .kb/
    corpus_fingerprint: str
    chunk_hashes: dict[str, str]  # chunk id -> content hash
    entry_keys: dict[str, str]  # path_id -> hash of the entry's file, bibliography and chunker
    kinds: tuple[str, ...]
    tags: tuple[str, ...]
    entries: int
    problems: int
    skipped: tuple[str, ...] = ()
    versions: dict[str, str] = field(default_factory=dict)
    created: str = ""
    format: int = FORMAT
    checksums: dict[str, str] = field(default_factory=dict)  # file (relative, /) -> checksum()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kinds"], data["tags"], data["skipped"] = list(self.kinds), list(self.tags), list(self.skipped)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """The manifest in ``data``; ``ValueError`` naming the first field of the wrong type."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        data = dict(data)
        for name in ("kinds", "tags", "skipped"):
            data[name] = tuple(data.get(name, ()))
        types: dict[str, type | tuple[type, ...]] = {
            "model_id": str, "dim": int, "onnx": str, "corpus_fingerprint": str, "chunk_hashes": dict,
            "entry_keys": dict, "format": int, "checksums": dict,
        }
        for name, kind in types.items():
            if name in data and not isinstance(data[name], kind):
                raise ValueError(f"{name} is {type(data[name]).__name__}")
        known = set(cls.__dataclass_fields__)
        try:
            return cls(**{k: v for k, v in data.items() if k in known})
        except TypeError as exc:
            raise ValueError(str(exc).replace("Manifest.__init__() ", "")) from None


def kb_dir(root: Path) -> Path:
    return root / INDEX_DIR


def corpus_fingerprint(root: Path) -> str:
    """A hash of every corpus file (path and bytes) and the bibliography: what the index reads."""
    digest = hashlib.sha256()
    corpus = root / CORPUS_DIR
    inside = corpus.resolve()
    files = sorted(
        p for p in corpus.rglob("*")
        if p.is_file() and p.suffix in (".md", ".yml", ".yaml")
        and (not p.is_symlink() or p.resolve().is_relative_to(inside))  # a link leaving the corpus is not read
    )
    for path in [*files, root / BIBLIOGRAPHY]:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _damaged(root: Path, what: str) -> IndexDamaged:
    return IndexDamaged(root, what)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _pointer(root: Path) -> str | None:
    """The name ``.kb/current`` holds, or None when there is no pointer."""
    try:
        name = (kb_dir(root) / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name or None


def current_folder(root: Path) -> Path | None:
    """The live index folder, or None when there is none."""
    name = _pointer(root)
    if name is None or not _INDEX_DIR_RE.match(name):
        return None
    folder = kb_dir(root) / name
    return folder if (folder / MANIFEST).exists() else None


def _snapshot(root: Path, read: Callable[[Path], _T], attempts: int = 3) -> _T:
    """``read(folder)`` of the live folder; when that folder vanishes meanwhile (a writer
    switched to a new one and removed it), the new live folder is read instead."""
    for _ in range(attempts):
        name = _pointer(root)
        if name is None:
            raise IndexUnusable(f"no search index in {kb_dir(root)}: run kb index")
        if not _INDEX_DIR_RE.match(name):
            raise _damaged(root, f"{CURRENT} names {name[:40]!r}, not an index folder")
        try:
            return read(kb_dir(root) / name)
        except _Vanished:
            if _pointer(root) == name:
                raise _damaged(root, f"{CURRENT} names {name}, which is missing") from None
    raise IndexUnusable(f"the search index in {kb_dir(root)} changed {attempts} times while being read: try again")


def _read(folder: Path, name: str, root: Path, manifest: Manifest | None = None) -> bytes:
    """A file of ``folder``, checked against the manifest's checksum when one is given."""
    try:
        data = (folder / name).read_bytes()
    except FileNotFoundError:
        if not folder.is_dir():
            raise _Vanished from None
        raise _damaged(root, f"{name} is missing") from None
    except OSError as exc:
        raise _damaged(root, f"{name}: {_reason(exc)}") from None
    if manifest is not None:
        expected = manifest.checksums.get(name)
        if expected is None:
            raise _damaged(root, f"the manifest has no checksum for {name}")
        if checksum(data) != expected:
            raise _damaged(root, f"{name} checksum")
    return data


def _manifest(folder: Path, root: Path) -> Manifest:
    data = _read(folder, MANIFEST, root)
    try:
        manifest = Manifest.from_dict(json.loads(data.decode("utf-8")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _damaged(root, f"{MANIFEST}: {str(exc).splitlines()[0][:80]}") from None
    if manifest.format != FORMAT:
        raise IndexUnusable(f"the search index has format {manifest.format}, not {FORMAT}: run kb index")
    return manifest


def read_manifest(folder: Path) -> Manifest:
    """The manifest of an index folder (``IndexUnusable`` when it is missing or unreadable)."""
    try:
        return _manifest(folder, folder.parent.parent)
    except _Vanished:
        raise IndexUnusable(f"no search index in {folder.parent}: run kb index") from None


# -- writing -------------------------------------------------------------------------------


def _write_new(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)


def _npy(array: Any) -> bytes:
    import numpy as np

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


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


def write_index(
    root: Path,
    manifest: Manifest,
    chunks: list[Chunk],
    vectors: npt.NDArray[np.float32],
    lexical: LexicalIndex,
    expansion: ExpansionTable,
) -> Path:
    """Write a complete index to a new folder, then make it the live one atomically.

    Call with the writer lock held (``build_index`` does): the previous live folder is kept,
    older ones are removed.
    """
    import faiss
    import numpy as np

    base = kb_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    previous = _pointer(root)
    name = f"index-{time.time_ns():x}-{os.getpid():x}"
    tmp = base / f"{name}.tmp"
    final = base / name
    try:
        tmp.mkdir()
        dense = faiss.IndexFlatIP(manifest.dim)
        if len(vectors):
            dense.add(np.ascontiguousarray(vectors, dtype=np.float32))
        files = {
            CHUNKS: json.dumps([c.to_dict() for c in chunks], ensure_ascii=False).encode("utf-8"),
            VECTORS: _npy(vectors.astype(np.float32)),
            DENSE: faiss.serialize_index(dense).tobytes(),
            EXPANSION: json.dumps(expansion.to_dict(), ensure_ascii=False).encode("utf-8"),
        }
        for file_name, data in files.items():
            _write_new(tmp / file_name, data)
        lexical.save(tmp)
        sums = {file_name: checksum(data) for file_name, data in files.items()}
        for path in sorted(tmp.rglob("*")):
            rel = path.relative_to(tmp).as_posix()
            if path.is_file() and rel not in sums:
                sums[rel] = file_checksum(path)
        full = replace(manifest, checksums=sums)
        _write_new(tmp / MANIFEST, json.dumps(full.to_dict(), indent=1).encode("utf-8"))
        fsync_tree(tmp)
        tmp.rename(final)
        fsync_folder(base)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise KBError(f"cannot write the search index in {base}: {_reason(exc)}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _switch(base, name)
    keep = {name, previous}
    for old in base.iterdir():
        if old.is_dir() and old.name not in keep and _INDEX_DIR_RE.match(old.name):
            shutil.rmtree(old, ignore_errors=True)
    return final


# -- reading -------------------------------------------------------------------------------


@dataclass
class LoadedIndex:
    """A live index, loaded for searching."""

    folder: Path
    manifest: Manifest
    chunks: list[Chunk]
    dense: Any  # faiss.Index
    lexical: LexicalIndex
    expansion: ExpansionTable

    @property
    def onnx_folder(self) -> Path:
        return self.folder.parent / self.manifest.onnx


def _check(manifest: Manifest, root: Path, expected_model_id: str) -> None:
    if manifest.model_id != expected_model_id:
        raise IndexUnusable(
            f"the search index was built by {manifest.model_id}, not {expected_model_id}: run kb index"
        )
    if manifest.corpus_fingerprint != corpus_fingerprint(root):
        raise IndexUnusable("the search index is older than the corpus (it changed since): run kb index")


def check_usable(root: Path, expected_model_id: str) -> tuple[Path, Manifest]:
    """The live index folder and manifest, or ``IndexUnusable`` saying what to run."""

    def read(folder: Path) -> tuple[Path, Manifest]:
        manifest = _manifest(folder, root)
        _check(manifest, root, expected_model_id)
        return folder, manifest

    return _snapshot(root, read)


def _chunks(data: bytes, root: Path) -> list[Chunk]:
    try:
        return [Chunk.from_dict(c) for c in json.loads(data.decode("utf-8"))]
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise _damaged(root, f"{CHUNKS}: {type(exc).__name__}") from None


def _lexical_fits(lexical: LexicalIndex, size: int) -> bool:
    """Whether the BM25 arrays are consistent with each other and with ``size`` chunks."""
    try:
        top = max((n for token, n in lexical.vocab.items() if token), default=-1)  # bm25s adds "" last
        return bool(
            len(lexical.indices) == len(lexical.data) == int(lexical.indptr[-1])
            and top + 1 < len(lexical.indptr)
            and (not len(lexical.indices) or int(lexical.indices.max()) < size)
        )
    except (TypeError, ValueError, IndexError, AttributeError):
        return False


def _load_folder(folder: Path, root: Path, expected_model_id: str) -> LoadedIndex:
    import faiss
    import numpy as np

    from .lexical import BM25_DIR, LexicalIndex

    manifest = _manifest(folder, root)
    _check(manifest, root, expected_model_id)
    chunks = _chunks(_read(folder, CHUNKS, root, manifest), root)
    if len(chunks) != len(manifest.chunk_hashes):
        raise _damaged(root, f"{CHUNKS} has {len(chunks)} chunks, the manifest {len(manifest.chunk_hashes)}")
    try:
        dense = faiss.deserialize_index(np.frombuffer(_read(folder, DENSE, root, manifest), dtype=np.uint8))
    except RuntimeError:
        raise _damaged(root, f"{DENSE} cannot be read") from None
    if dense.ntotal != len(chunks) or dense.d != manifest.dim:
        raise _damaged(
            root, f"{DENSE} has {dense.ntotal} vectors of {dense.d} dimensions, "
            f"the manifest {len(chunks)} of {manifest.dim}"
        )
    for name in sorted(n for n in manifest.checksums if n.startswith(BM25_DIR + "/")):
        _read(folder, name, root, manifest)
    try:
        lexical = LexicalIndex.load(folder, len(chunks))
        expansion = ExpansionTable.from_dict(json.loads(_read(folder, EXPANSION, root, manifest).decode("utf-8")))
    except FileNotFoundError:
        if not folder.is_dir():
            raise _Vanished from None
        raise _damaged(root, f"{BM25_DIR}/ is incomplete") from None
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise _damaged(root, f"{type(exc).__name__} reading {BM25_DIR}/ or {EXPANSION}") from None
    if lexical.size and not _lexical_fits(lexical, len(chunks)):
        raise _damaged(root, f"{BM25_DIR}/ does not match {len(chunks)} chunks")
    return LoadedIndex(folder, manifest, chunks, dense, lexical, expansion)


def load_index(root: Path, expected_model_id: str) -> LoadedIndex:
    """Load the live index; refuse one that is missing, damaged, stale or built by another model."""
    return _snapshot(root, lambda folder: _load_folder(folder, root, expected_model_id))


# -- reuse by kb index ---------------------------------------------------------------------


@dataclass(frozen=True)
class Previous:
    """What a re-index can reuse from the live index: vectors by content hash, and the
    chunks of each entry by the entry's key (its file, the bibliography, the chunker).
    ``damaged`` says why nothing (or no vector) could be reused from an index that is there."""

    vectors: dict[str, Any] = field(default_factory=dict)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)
    damaged: str = ""


def _previous(folder: Path, root: Path, model_id: str) -> Previous:
    import numpy as np

    try:
        manifest = _manifest(folder, root)
    except IndexDamaged as exc:
        return Previous(damaged=exc.what)
    except IndexUnusable:  # another format: nothing to reuse, nothing wrong
        return Previous()
    if manifest.model_id != model_id:
        return Previous()
    try:
        chunks = _chunks(_read(folder, CHUNKS, root, manifest), root)
    except IndexDamaged as exc:
        return Previous(damaged=exc.what)
    by_entry: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        key = manifest.entry_keys.get(chunk.path_id)
        if key:
            by_entry.setdefault(key, []).append(chunk)
    try:
        vectors = np.load(io.BytesIO(_read(folder, VECTORS, root, manifest)), allow_pickle=False)
    except IndexDamaged as exc:
        return Previous(chunks=by_entry, damaged=exc.what)
    except ValueError:
        return Previous(chunks=by_entry, damaged=f"{VECTORS} cannot be read")
    if vectors.shape != (len(chunks), manifest.dim) or vectors.dtype != np.float32:
        return Previous(chunks=by_entry, damaged=f"{VECTORS} has shape {vectors.shape}, "
                        f"the manifest ({len(chunks)}, {manifest.dim})")
    by_hash = {manifest.chunk_hashes[c.id]: vectors[n] for n, c in enumerate(chunks) if c.id in manifest.chunk_hashes}
    return Previous(by_hash, by_entry)


def load_previous(root: Path, model_id: str) -> Previous:
    """The reusable parts of the live index, when it was built by ``model_id``; files that
    fail their checksum or shape are not reused (``Previous.damaged`` says which)."""
    try:
        return _snapshot(root, lambda folder: _previous(folder, root, model_id))
    except IndexDamaged as exc:
        return Previous(damaged=exc.what)
    except IndexUnusable:  # no index yet
        return Previous()
