"""The index on disk: a git-ignored folder ``.kb/`` at the project root.

::

    .kb/current            name of the live index folder (replaced atomically)
    .kb/index-<stamp>/     manifest.json, chunks.json, vectors.npy, dense.faiss, bm25/, expansion.json
    .kb/models/<model>/    the ONNX export of the model (kept across re-indexing)

A new index is written to ``index-<stamp>.tmp``, renamed, and only then named in
``current`` (``os.replace``), so an interrupted ``kb index`` leaves the previous index
usable. ``load_index`` refuses an index that is missing, built for another corpus
(the corpus fingerprint differs) or by another model, in one line that says what to run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .chunking import Chunk
from .expansion import ExpansionTable
from .problems import KBError
from .project import BIBLIOGRAPHY, CORPUS_DIR, INDEX_DIR

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .lexical import LexicalIndex

FORMAT = 2
CURRENT = "current"
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
VECTORS = "vectors.npy"
DENSE = "dense.faiss"
EXPANSION = "expansion.json"
MODELS_DIR = "models"
_INDEX_DIR_RE = re.compile(r"^index-[0-9a-f-]+(\.tmp)?$")


class IndexUnusable(KBError):
    """The index is missing, stale or built by another model: run ``kb index``."""


@dataclass(frozen=True)
class Manifest:
    """What an index was built from and with."""

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

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kinds"], data["tags"], data["skipped"] = list(self.kinds), list(self.tags), list(self.skipped)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        data = dict(data)
        for name in ("kinds", "tags", "skipped"):
            data[name] = tuple(data.get(name, ()))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def kb_dir(root: Path) -> Path:
    return root / INDEX_DIR


def corpus_fingerprint(root: Path) -> str:
    """A hash of every corpus file (path and bytes) and the bibliography: what the index reads."""
    digest = hashlib.sha256()
    corpus = root / CORPUS_DIR
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in (".md", ".yml", ".yaml"))
    for path in [*files, root / BIBLIOGRAPHY]:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def current_folder(root: Path) -> Path | None:
    """The live index folder, or None when there is none."""
    pointer = kb_dir(root) / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    folder = kb_dir(root) / name
    return folder if name and (folder / MANIFEST).exists() else None


def read_manifest(folder: Path) -> Manifest:
    try:
        return Manifest.from_dict(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise IndexUnusable(f"the index at {folder} is unreadable ({exc}): run kb index") from None


def write_index(
    root: Path,
    manifest: Manifest,
    chunks: list[Chunk],
    vectors: npt.NDArray[np.float32],
    lexical: LexicalIndex,
    expansion: ExpansionTable,
) -> Path:
    """Write a complete index to a new folder, then make it the live one atomically."""
    import faiss
    import numpy as np

    base = kb_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    name = f"index-{time.time_ns():x}-{os.getpid():x}"
    tmp = base / f"{name}.tmp"
    tmp.mkdir()
    try:
        (tmp / CHUNKS).write_text(json.dumps([c.to_dict() for c in chunks], ensure_ascii=False), encoding="utf-8")
        np.save(tmp / VECTORS, vectors.astype(np.float32))
        dense = faiss.IndexFlatIP(manifest.dim)
        if len(vectors):
            dense.add(np.ascontiguousarray(vectors, dtype=np.float32))
        faiss.write_index(dense, str(tmp / DENSE))
        lexical.save(tmp)
        (tmp / EXPANSION).write_text(json.dumps(expansion.to_dict(), ensure_ascii=False), encoding="utf-8")
        (tmp / MANIFEST).write_text(json.dumps(manifest.to_dict(), indent=1), encoding="utf-8")
        final = base / name
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer_tmp = base / f".{CURRENT}.{os.getpid()}"
    pointer_tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer_tmp, base / CURRENT)
    for old in base.iterdir():
        if old.is_dir() and old.name != name and _INDEX_DIR_RE.match(old.name):
            shutil.rmtree(old, ignore_errors=True)
    return final


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


def check_usable(root: Path, expected_model_id: str) -> tuple[Path, Manifest]:
    """The live index folder and manifest, or ``IndexUnusable`` saying what to run."""
    folder = current_folder(root)
    if folder is None:
        raise IndexUnusable(f"no search index in {kb_dir(root)}: run kb index")
    manifest = read_manifest(folder)
    if manifest.format != FORMAT:
        raise IndexUnusable(f"the search index has format {manifest.format}, not {FORMAT}: run kb index")
    if manifest.model_id != expected_model_id:
        raise IndexUnusable(
            f"the search index was built by {manifest.model_id}, not {expected_model_id}: run kb index"
        )
    if manifest.corpus_fingerprint != corpus_fingerprint(root):
        raise IndexUnusable("the search index is older than the corpus (it changed since): run kb index")
    return folder, manifest


def load_index(root: Path, expected_model_id: str) -> LoadedIndex:
    """Load the live index; refuse one that is missing, stale or built by another model."""
    import faiss

    from .lexical import LexicalIndex

    folder, manifest = check_usable(root, expected_model_id)
    try:
        chunks = [Chunk.from_dict(c) for c in json.loads((folder / CHUNKS).read_text(encoding="utf-8"))]
        dense = faiss.read_index(str(folder / DENSE))
        lexical = LexicalIndex.load(folder, len(chunks))
        expansion = ExpansionTable.from_dict(json.loads((folder / EXPANSION).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise IndexUnusable(f"the search index at {folder} is damaged ({exc}): run kb index") from None
    if dense.ntotal != len(chunks) or dense.d != manifest.dim:
        raise IndexUnusable(f"the search index at {folder} is inconsistent: run kb index")
    return LoadedIndex(folder, manifest, chunks, dense, lexical, expansion)


@dataclass(frozen=True)
class Previous:
    """What a re-index can reuse from the live index: vectors by content hash, and the
    chunks of each entry by the entry's key (its file, the bibliography, the chunker)."""

    vectors: dict[str, Any] = field(default_factory=dict)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)


def load_previous(root: Path, model_id: str) -> Previous:
    """The reusable parts of the live index, when it was built by ``model_id``."""
    import numpy as np

    folder = current_folder(root)
    if folder is None:
        return Previous()
    try:
        manifest = read_manifest(folder)
        if manifest.model_id != model_id or manifest.format != FORMAT:
            return Previous()
        chunks = [Chunk.from_dict(c) for c in json.loads((folder / CHUNKS).read_text(encoding="utf-8"))]
        vectors = np.load(folder / VECTORS)
    except (IndexUnusable, OSError, ValueError, KeyError, TypeError):
        return Previous()
    if len(chunks) != len(vectors):
        return Previous()
    by_hash = {manifest.chunk_hashes[c.id]: vectors[n] for n, c in enumerate(chunks) if c.id in manifest.chunk_hashes}
    by_entry: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        key = manifest.entry_keys.get(chunk.path_id)
        if key:
            by_entry.setdefault(key, []).append(chunk)
    return Previous(by_hash, by_entry)
