"""Reading the live index: one snapshot, every file checked against the manifest.

``load_index`` reads the folder that ``current`` names, checks each file it reads against
its checksum and the arrays' shapes against the manifest, and refuses, in one line that says
what to run, an index that is missing, damaged, of another format, built for another corpus
(the corpus fingerprint differs) or by another model. A reader racing a writer's clean-up (the
folder it was about to read has gone) reads the new live folder instead. ``load_previous``
gives ``kb index`` what it can reuse (vectors by content hash, chunks by entry key; of an
index of format 4, the vectors: ``VECTOR_FORMATS``), never
what fails its checksum or shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..atomic import checksum
from .chunk import Chunk, ChunkTable
from .expansion import ExpansionTable
from .manifest import (
    CHUNKS,
    CURRENT,
    DENSE,
    EXPANSION,
    FORMAT,
    INDEX_DIR_RE,
    LEXICAL,
    MANIFEST,
    ROLES,
    IndexDamaged,
    IndexUnusable,
    Manifest,
    OldFormat,
    corpus_unchanged,
    kb_dir,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .lexical import LexicalIndex
    from .passages import StoredRoles

_T = TypeVar("_T")


class _Vanished(Exception):
    """The folder being read was removed meanwhile (a writer switched and cleaned up)."""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def pointer(root: Path) -> str | None:
    """The name ``.kb/current`` holds, or None when there is no pointer."""
    try:
        name = (kb_dir(root) / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name or None


def current_folder(root: Path) -> Path | None:
    """The live index folder, or None when there is none."""
    name = pointer(root)
    if name is None or not INDEX_DIR_RE.match(name):
        return None
    folder = kb_dir(root) / name
    return folder if (folder / MANIFEST).exists() else None


def _snapshot(root: Path, read: Callable[[Path], _T], attempts: int = 3) -> _T:
    """``read(folder)`` of the live folder; when that folder vanishes meanwhile (a writer
    switched to a new one and removed it), the new live folder is read instead."""
    for _ in range(attempts):
        name = pointer(root)
        if name is None:
            raise IndexUnusable(f"no search index in {kb_dir(root)}: run kb index")
        if not INDEX_DIR_RE.match(name):
            raise IndexDamaged(root, f"{CURRENT} names {name[:40]!r}, not an index folder")
        try:
            return read(kb_dir(root) / name)
        except _Vanished:
            if pointer(root) == name:
                raise IndexDamaged(root, f"{CURRENT} names {name}, which is missing") from None
    raise IndexUnusable(f"the search index in {kb_dir(root)} changed {attempts} times while being read: try again")


def _read(folder: Path, name: str, root: Path, manifest: Manifest | None = None) -> bytes:
    """A file of ``folder``, checked against the manifest's checksum when one is given."""
    try:
        data = (folder / name).read_bytes()
    except FileNotFoundError:
        if not folder.is_dir():
            raise _Vanished from None
        raise IndexDamaged(root, f"{name} is missing") from None
    except OSError as exc:
        raise IndexDamaged(root, f"{name}: {_reason(exc)}") from None
    if manifest is not None:
        expected = manifest.checksums.get(name)
        if expected is None:
            raise IndexDamaged(root, f"the manifest has no checksum for {name}")
        if checksum(data) != expected:
            raise IndexDamaged(root, f"{name} checksum")
    return data


def _manifest(folder: Path, root: Path) -> Manifest:
    data = _read(folder, MANIFEST, root)
    try:
        raw = json.loads(data.decode("utf-8"))
        found = raw.get("format") if isinstance(raw, dict) else None
        if isinstance(found, int) and found != FORMAT:
            raise OldFormat(root, found)  # before the fields: another format may have other ones
        manifest = Manifest.from_dict(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndexDamaged(root, f"{MANIFEST}: {str(exc).splitlines()[0][:80]}") from None
    if manifest.format != FORMAT:
        raise OldFormat(root, manifest.format)
    return manifest


def read_manifest(folder: Path) -> Manifest:
    """The manifest of an index folder (``IndexUnusable`` when it is missing or unreadable)."""
    try:
        return _manifest(folder, folder.parent.parent)
    except _Vanished:
        raise IndexUnusable(f"no search index in {folder.parent}: run kb index") from None


def dense_vectors(dense: Any, dim: int) -> npt.NDArray[np.float32]:
    """Every vector of a FAISS flat index, in order (``reconstruct_n``): the one copy on disk."""
    import numpy as np

    if not dense.ntotal:
        return np.zeros((0, dim), dtype=np.float32)
    vectors: npt.NDArray[np.float32] = dense.reconstruct_n(0, dense.ntotal)
    return vectors


@dataclass
class LoadedIndex:
    """A live index, loaded for searching."""

    folder: Path
    manifest: Manifest
    chunks: ChunkTable
    dense: Any  # faiss.Index
    lexical: LexicalIndex
    expansion: ExpansionTable
    roles: StoredRoles

    @property
    def onnx_folder(self) -> Path:
        return self.folder.parent / self.manifest.onnx

    def vectors(self) -> npt.NDArray[np.float32]:
        """The chunk vectors (count x dim, float32), read from the FAISS index."""
        return dense_vectors(self.dense, self.manifest.dim)


def _check(manifest: Manifest, root: Path, expected_model_id: str) -> None:
    if manifest.model_id != expected_model_id:
        raise IndexUnusable(
            f"the search index was built by {manifest.model_id}, not {expected_model_id}: run kb index"
        )
    if not corpus_unchanged(root, manifest):
        raise IndexUnusable("the search index is older than the corpus (it changed since): run kb index")


def check_usable(root: Path, expected_model_id: str) -> tuple[Path, Manifest]:
    """The live index folder and manifest, or ``IndexUnusable`` saying what to run."""

    def read(folder: Path) -> tuple[Path, Manifest]:
        manifest = _manifest(folder, root)
        _check(manifest, root, expected_model_id)
        return folder, manifest

    return _snapshot(root, read)


def _chunks(data: bytes, root: Path, manifest: Manifest) -> ChunkTable:
    """The passages of ``chunks.json``, decoded as they are read (``ChunkTable``, with the
    manifest's ids); a passage that cannot be decoded is ``IndexDamaged``."""
    return ChunkTable(data, list(manifest.chunk_hashes), lambda what: IndexDamaged(root, f"{CHUNKS}: {what}"))


def _dense(folder: Path, root: Path, manifest: Manifest, count: int, data: Callable[[], bytes] | None = None) -> Any:
    """The FAISS index, checked: its checksum, readable, ``count`` vectors of the manifest's
    dimension (``data`` gives the file's bytes, checked, when they are being read already)."""
    import faiss
    import numpy as np

    raw = data() if data is not None else _read(folder, DENSE, root, manifest)
    try:
        # the checked file read again by FAISS, from the page cache (an index folder is never
        # rewritten): one copy, 5 ms at 10,000 passages against 8-20 ms to deserialise the
        # bytes; those are the fallback (a path FAISS cannot open, a folder cleaned up since)
        dense = faiss.read_index(str(folder / DENSE))
    except (RuntimeError, UnicodeError):
        try:
            dense = faiss.deserialize_index(np.frombuffer(raw, dtype=np.uint8))
        except RuntimeError:
            raise IndexDamaged(root, f"{DENSE} cannot be read") from None
    if dense.ntotal != count or dense.d != manifest.dim:
        raise IndexDamaged(
            root, f"{DENSE} has {dense.ntotal} vectors of {dense.d} dimensions, the manifest {count} of {manifest.dim}"
        )
    return dense


#: the files of an index, in the order they are checked (the first that fails is reported)
_FILES = (CHUNKS, DENSE, LEXICAL, EXPANSION, ROLES)


def _load_folder(folder: Path, root: Path, expected_model_id: str) -> LoadedIndex:
    """The index in ``folder``. Its files are read and checksummed in a second thread while
    this one imports FAISS (and numpy), then checks the corpus (hashing lets go of the
    interpreter's lock, so on two cores the checksums cost next to nothing); a failure is
    reported as if the files had been read one after the other, in ``_FILES`` order."""
    from concurrent.futures import ThreadPoolExecutor

    manifest = _manifest(folder, root)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-index-read") as pool:
        reads = {name: pool.submit(_read, folder, name, root, manifest) for name in _FILES}
        try:
            import faiss  # noqa: F401  (with numpy: 85 ms, while the files are read)

            _check(manifest, root, expected_model_id)
            return _parse(folder, root, manifest, lambda name: reads[name].result())
        finally:
            for future in reads.values():
                future.cancel()


def _parse(folder: Path, root: Path, manifest: Manifest, read: Callable[[str], bytes]) -> LoadedIndex:
    from .lexical import LEXICAL_VERSION, LexicalFormatError, LexicalIndex, LexicalVersionError
    from .passages import StoredRoles

    chunks = _chunks(read(CHUNKS), root, manifest)
    dense = _dense(folder, root, manifest, len(chunks), lambda: read(DENSE))
    try:
        lexical = LexicalIndex.from_bytes(read(LEXICAL), len(chunks))
    except LexicalVersionError as exc:
        age = "an older" if isinstance(exc.found, int) and exc.found < LEXICAL_VERSION else "another"
        raise IndexUnusable(
            f"the search index in {kb_dir(root)} was written by {age} version of kb "
            f"({LEXICAL} version {exc.found}; this one reads version {LEXICAL_VERSION}): run kb index"
        ) from None
    except LexicalFormatError as exc:
        raise IndexDamaged(root, f"{LEXICAL}: {exc}") from None
    try:
        expansion = ExpansionTable.from_dict(json.loads(read(EXPANSION).decode("utf-8")))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise IndexDamaged(root, f"{EXPANSION}: {type(exc).__name__}") from None
    try:
        roles = StoredRoles.from_dict(json.loads(read(ROLES).decode("utf-8")))
    except (ValueError, AttributeError, UnicodeDecodeError) as exc:
        raise IndexDamaged(root, f"{ROLES}: {type(exc).__name__}") from None
    return LoadedIndex(folder, manifest, chunks, dense, lexical, expansion, roles)


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


#: older formats whose vectors a re-index still reuses (their ``dense.faiss`` and manifest
#: are read as this format's): format 4 differs only in ``chunks.json`` and ``roles.json``
VECTOR_FORMATS = (4,)


def _old_vectors(folder: Path, root: Path, model_id: str) -> Previous:
    """The vectors of an index of a format in ``VECTOR_FORMATS``, by content hash (the
    manifest's ids and hashes are in the vectors' order); nothing else of it is reused."""
    try:
        raw = json.loads(_read(folder, MANIFEST, root).decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("format") not in VECTOR_FORMATS:
            return Previous()
        manifest = Manifest.from_dict({**raw, "format": FORMAT})
        if manifest.model_id != model_id:
            return Previous()
        vectors = dense_vectors(_dense(folder, root, manifest, len(manifest.chunk_hashes)), manifest.dim)
    except (ValueError, UnicodeDecodeError, IndexUnusable):
        return Previous()  # nothing to reuse; the new index replaces it
    return Previous(dict(zip(manifest.chunk_hashes.values(), vectors, strict=True)))


def _previous(folder: Path, root: Path, model_id: str) -> Previous:
    try:
        manifest = _manifest(folder, root)
    except IndexDamaged as exc:
        return Previous(damaged=exc.what)
    except OldFormat:
        return _old_vectors(folder, root, model_id)
    except IndexUnusable:  # nothing to reuse, nothing wrong
        return Previous()
    if manifest.model_id != model_id:
        return Previous()
    try:
        chunks = _chunks(_read(folder, CHUNKS, root, manifest), root, manifest).decode_all()
    except IndexDamaged as exc:
        return Previous(damaged=exc.what)
    by_entry: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        key = manifest.entry_keys.get(chunk.path_id)
        if key:
            by_entry.setdefault(key, []).append(chunk)
    try:
        vectors = dense_vectors(_dense(folder, root, manifest, len(chunks)), manifest.dim)
    except IndexDamaged as exc:
        return Previous(chunks=by_entry, damaged=exc.what)
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
