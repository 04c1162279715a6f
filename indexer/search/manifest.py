"""The index's layout on disk, its format number, its manifest and its errors.

::

    .kb/current            name of the live index folder (replaced atomically)
    .kb/lock               the writer lock (``indexer.lock``): one kb index at a time
    .kb/index-<stamp>/     manifest.json, chunks.json, dense.faiss, bm25.npz, expansion.json, roles.json
    .kb/models/<model>/    the ONNX export of the model (kept across re-indexing)

Format 5 (``FORMAT``): the vectors are kept once, in ``dense.faiss`` (a FAISS
``IndexFlatIP``; ``snapshot.dense_vectors`` reads them back); the BM25 arrays, their
vocabulary and parameters in ``bm25.npz`` (``lexical``: the project's own layout); chunk
metadata in ``chunks.json``, one passage a line (``chunk.ChunkTable`` decodes only those a
query shows); the glossary expansion table in ``expansion.json``; what each line of a passage
is (text, note, synthesis, list) and each finding's theme in ``roles.json``
(``passages.StoredRoles``), so that a search reads no entry file. The manifest records what
the index was built from and with and a BLAKE2b checksum (``atomic.checksum``) of every other
file. An index of another format is refused with a line that says to run ``kb index``
(format 4 had ``chunks.json`` on one line and no ``roles.json``; format 3 kept a second copy
of the vectors in ``vectors.npy`` and bm25s's own files in ``bm25/``).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..corpus.project import BIBLIOGRAPHY, CORPUS_DIR, INDEX_DIR
from ..problems import KBError
from .lexical import LEXICAL_FILE

FORMAT = 5
CURRENT = "current"
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
DENSE = "dense.faiss"
LEXICAL = LEXICAL_FILE
EXPANSION = "expansion.json"
ROLES = "roles.json"
MODELS_DIR = "models"
INDEX_DIR_RE = re.compile(r"^index-[0-9a-f-]+$")


class IndexUnusable(KBError):
    """The index is missing, damaged, stale or built by another model: run ``kb index``."""


class IndexDamaged(IndexUnusable):
    """A file of the index fails its checksum, its shape or its format; ``what`` says which."""

    def __init__(self, root: Path, what: str) -> None:
        super().__init__(f"the search index in {kb_dir(root)} is damaged ({what}): run kb index")
        self.what = what


class OldFormat(IndexUnusable):
    """The index was written in another format (an older or newer ``kb``)."""

    def __init__(self, root: Path, found: object) -> None:
        age = "an older" if isinstance(found, int) and found < FORMAT else "another"
        super().__init__(
            f"the search index in {kb_dir(root)} was written by {age} version of kb "
            f"(format {found}; this one reads format {FORMAT}): run kb index"
        )


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
    #: the corpus files' sizes and times (``corpus_stat``) and when the build took them (ns):
    #: ``kb search`` trusts them instead of reading every file (``corpus_unchanged``)
    corpus_stat: str = ""
    corpus_stat_time: int = 0

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
            "entry_keys": dict, "format": int, "checksums": dict, "corpus_stat": str, "corpus_stat_time": int,
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


CORPUS_SUFFIXES = (".md", ".yml", ".yaml")


def _suffix(name: str) -> str:
    """``PurePath(name).suffix``: from the last dot, unless the name starts or ends with it."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _corpus_walk(corpus: Path) -> list[tuple[str, str]]:
    """(path within the corpus, as posix, and the path to open) of each file that
    ``sorted(p for p in corpus.rglob("*") if ...)`` gives (see ``corpus_files``), in that
    order, with ``os.scandir`` (which knows each entry's type without a call per file) and
    strings, not ``Path`` objects: five times faster on 2,700 files, where ``kb search``
    checks the corpus before every search."""
    found: list[tuple[tuple[str, ...], str]] = []
    inside: Path | None = None

    def visit(folder: str, parts: tuple[str, ...]) -> None:
        nonlocal inside
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            try:
                is_dir, is_file, is_link = entry.is_dir(), entry.is_file(), entry.is_symlink()
            except OSError:
                continue
            if is_dir and not is_link:  # rglob does not descend into a linked folder
                visit(entry.path, (*parts, entry.name))
            if not is_file or _suffix(entry.name) not in CORPUS_SUFFIXES:
                continue
            if is_link:  # a link leaving the corpus is not read
                inside = inside or corpus.resolve()
                if not Path(entry.path).resolve().is_relative_to(inside):
                    continue
            found.append(((*parts, entry.name), entry.path))

    visit(str(corpus), ())
    found.sort()  # by path parts, as paths sort
    return [("/".join(parts), path) for parts, path in found]


def _corpus_items(root: Path) -> list[tuple[str, str]]:
    """(path relative to ``root``, as posix, and the path to open) of ``corpus_files``."""
    return [*((f"{CORPUS_DIR}/{rel}", path) for rel, path in _corpus_walk(root / CORPUS_DIR)),
            (BIBLIOGRAPHY, str(root / BIBLIOGRAPHY))]


def corpus_files(root: Path) -> list[Path]:
    """The files the index reads: every corpus file (Markdown, YAML) and the bibliography, sorted."""
    return [Path(path) for _rel, path in _corpus_items(root)]


def _items(root: Path, files: list[Path] | None) -> list[tuple[str, str]]:
    """``_corpus_items`` of ``root``, or of ``files`` when they are given."""
    if files is None:
        return _corpus_items(root)
    return [(path.relative_to(root).as_posix(), str(path)) for path in files]


def corpus_fingerprint(root: Path, files: list[Path] | None = None) -> str:
    """A hash of every corpus file (path and bytes) and the bibliography: what the index reads."""
    return _content_digest(_items(root, files))


def _content_digest(items: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for rel, path in items:
        digest.update(rel.encode() + b"\0")
        try:
            with open(path, "rb") as fh:
                digest.update(fh.read())
        except OSError:
            digest.update(b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()[:32]


#: a file modified less than this before the index took its stat may change again unseen
#: (timestamps are coarse): its content is hashed (``corpus_unchanged``)
RACY_NS = 1_000_000_000


def corpus_stat(root: Path, files: list[Path] | None = None) -> tuple[str, int]:
    """A hash of every corpus file's path, size and modification time (no file is read), and
    the newest modification time (ns); ("", 0) when a file cannot be stat-ed."""
    return _stat_digest(_items(root, files))


def _stat_digest(items: Iterable[tuple[str, str]]) -> tuple[str, int]:
    digest = hashlib.sha256()
    newest = 0
    for rel, path in items:
        try:
            info = os.stat(path)
        except OSError:
            return "", 0
        newest = max(newest, info.st_mtime_ns)
        digest.update(f"{rel}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:32], newest


#: the clock ``settled_stat`` reads (a test sets it)
_clock = time.time_ns


def settled_stat(root: Path, files: list[Path], stat: str, newest: int, stat_time: int,
                 fingerprint: str) -> tuple[str, int]:
    """The corpus stat and the time it was taken, as the manifest records them at the end of a
    build that took ``stat`` at ``stat_time`` and hashed the files to ``fingerprint``.

    A file modified within ``RACY_NS`` of ``stat_time`` (a script wrote the corpus, or an editor
    saved, just before ``kb index``) makes the stat unusable, and every search would hash the
    whole corpus until the next build. So once ``RACY_NS`` has passed since the newest file's
    time (a build with the model takes longer than that), the stat is taken again and the files
    hashed again: when both are what the build read, no file changed since, and a later change
    gets a later time, so the new stat and its time are recorded. Otherwise (or too soon, or a
    file dated in the future) the build's own are kept, and searches hash the corpus."""
    if newest < stat_time - RACY_NS:
        return stat, stat_time
    now = _clock()
    if newest >= now - RACY_NS:
        return stat, stat_time
    again, _newest = corpus_stat(root, files)
    if again != stat or corpus_fingerprint(root, files) != fingerprint:
        return stat, stat_time
    return stat, now


def corpus_unchanged(root: Path, manifest: Manifest) -> bool:
    """Whether the corpus is the one ``manifest`` was built from. The files' sizes and times
    answer when they are those the build saw, none modified within ``RACY_NS`` of the build
    taking them; otherwise (or for an index without them) every file is read and hashed."""
    items = _corpus_items(root)
    if manifest.corpus_stat:
        stat, newest = _stat_digest(items)
        if stat == manifest.corpus_stat and newest < manifest.corpus_stat_time - RACY_NS:
            return True
    return manifest.corpus_fingerprint == _content_digest(items)
