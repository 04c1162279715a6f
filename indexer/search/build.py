"""``kb index``: corpus -> chunks -> vectors (only for changed text) -> FAISS + BM25 + manifest.

Chunks whose content hash is already in the live index reuse its vectors; the rest are
embedded longest first in batches (so that padding is not wasted). The ONNX export of the
model is made once per model and kept in ``.kb/models/`` (made again when its files fail
the checksums its record keeps).

The whole run holds the writer lock of ``.kb/`` (``indexer.lock``): a second ``kb index``
fails at once, before reading anything, and the first is never disturbed. The lock is taken
before any work, so a ``.kb`` that cannot be written is reported before embedding starts;
leftovers of killed runs are removed once the lock is held.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..corpus.bibliography import load_bibliography
from ..corpus.entries import Entry, iter_entry_files, load_corpus
from ..corpus.markdown import MAX_TOKENS
from ..corpus.project import BIBLIOGRAPHY, CORPUS_DIR
from ..lock import writer_lock
from ..problems import display_path
from .chunking import chunk_entry
from .embedding import (
    MAX_SEQ_LENGTH,
    MODEL_DIM,
    Embedder,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    WordPieceCounter,
    export_onnx,
    model_id,
    model_path,
    read_export_meta,
    token_counter,
)
from .expansion import ExpansionTable
from .lexical import LexicalIndex
from .passages import StoredRoles, roles_document
from .store import (
    MODELS_DIR,
    Manifest,
    Previous,
    corpus_files,
    corpus_fingerprint,
    corpus_stat,
    kb_dir,
    load_previous,
    remove_leftovers,
    settled_stat,
    write_index,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: called with (chunks embedded so far, chunks to embed)
Progress = Callable[[int, int], None]
EMBED_BATCH = 64
#: at most this many changed chunks are embedded with the ONNX export instead of torch
SMALL_UPDATE = 32
_VERSIONED = ("faiss-cpu", "bm25s", "numpy", "sentence-transformers", "torch", "onnxruntime", "tokenizers")


@dataclass(frozen=True)
class IndexReport:
    """What ``build_index`` did."""

    folder: Path
    entries: int
    chunks: int
    embedded: int
    reused: int
    problems: int
    skipped: tuple[str, ...]
    exported: bool
    seconds: float
    damaged: str = ""  # why vectors of the previous index were not reused (checksum, shape)
    cleaned: tuple[str, ...] = ()  # leftovers of killed runs removed from .kb/


def _versions() -> dict[str, str]:
    found = {"early-years-kb": __version__}
    for name in _VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _chunker_fingerprint() -> str:
    """A hash of the code that turns an entry into chunks: a change re-chunks everything."""
    digest = hashlib.sha256()
    package = Path(__file__).parent.parent
    # the citations' labels in the text come from the CSL path (cite/): its code and style too
    for name in ("search/chunking.py", "corpus/markdown.py", "corpus/citations.py", "corpus/bibliography.py",
                 "corpus/entries.py", "corpus/frontmatter.py", "corpus/schema.py", "cite/csl.py", "cite/citestyle.py",
                 "cite/citeproc_fixes.py", "cite/labels.py", "data/harvard-cite-them-right.csl"):
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


def entry_keys(root: Path, entries: Sequence[Entry], model: str) -> dict[str, str]:
    """Each entry's key: a hash of its file, the bibliography, the chunker code and the model.
    An entry whose key is in the live index keeps its chunks without being chunked again."""
    base = hashlib.sha256()
    base.update(_chunker_fingerprint().encode() + model.encode() + str(MAX_TOKENS).encode())
    try:
        base.update((root / BIBLIOGRAPHY).read_bytes())
    except OSError:
        base.update(b"<no bibliography>")
    keys = {}
    for entry in entries:
        digest = base.copy()
        digest.update(entry.path.read_bytes())
        keys[entry.path_id] = digest.hexdigest()[:32]
    return keys


def onnx_folder_name(model: str) -> str:
    return f"{MODELS_DIR}/{hashlib.sha256(model.encode()).hexdigest()[:16]}"


def _small_update_embedder(root: Path, onnx: str, model: str, n_texts: int) -> Embedder | None:
    """The cached ONNX export, for a few changed chunks: the same model to 1e-5 cosine,
    without the seconds that importing torch and sentence-transformers takes."""
    if not onnx or n_texts > SMALL_UPDATE:
        return None
    folder = kb_dir(root) / onnx
    meta = read_export_meta(folder, verify=True)
    if meta is None or meta.get("model_id") != model:
        return None
    return OnnxEmbedder(folder, model, int(meta.get("dim", MODEL_DIM)))


def embed_sorted(
    embedder: Embedder, texts: list[str], lengths: list[int], progress: Progress | None = None
) -> npt.NDArray[np.float32]:
    """Embed ``texts`` longest first, in batches; rows come back in the input order."""
    import numpy as np

    order = sorted(range(len(texts)), key=lambda i: -lengths[i])
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for start in range(0, len(order), EMBED_BATCH):
        batch = order[start : start + EMBED_BATCH]
        out[batch] = embedder.encode([texts[i] for i in batch])
        if progress:
            progress(min(start + EMBED_BATCH, len(order)), len(order))
    return out


def build_index(
    root: Path,
    embedder: Callable[[], Embedder] | None = None,
    progress: Progress | None = None,
    reuse: bool = True,
) -> IndexReport:
    """Index the corpus under ``root`` into ``root/.kb``; embed only chunks whose text changed.

    ``embedder`` makes the embedder; by default sentence-transformers with the packaged
    model, loaded only if something needs embedding or exporting to ONNX (the export is
    made for a sentence-transformers embedder only). ``reuse=False`` embeds every chunk.
    Raises ``IndexLocked`` when another run holds the lock, ``KBError`` when ``.kb`` cannot
    be written.
    """
    with writer_lock(kb_dir(root), root):
        cleaned = remove_leftovers(root)
        report = _build(root, embedder, progress, reuse)
    return replace(report, cleaned=cleaned)


def _build(
    root: Path, embedder: Callable[[], Embedder] | None, progress: Progress | None, reuse: bool
) -> IndexReport:
    import numpy as np

    started = time.perf_counter()
    stat_time = time.time_ns()
    files = corpus_files(root)
    stat, newest = corpus_stat(root, files)  # before reading: a change meanwhile makes it stale
    fingerprint = corpus_fingerprint(root, files)
    corpus = load_corpus(root / CORPUS_DIR, display_root=root)
    bibliography = load_bibliography(root / BIBLIOGRAPHY, root)
    loaded = {e.path for e in corpus.entries}
    skipped = tuple(display_path(p, root) for p in iter_entry_files(root / CORPUS_DIR) if p not in loaded)

    instance: Embedder | None = embedder() if embedder is not None else None
    current_model = instance.model_id if instance is not None else model_id()
    previous = load_previous(root, current_model) if reuse else Previous()

    counter: list[WordPieceCounter] = []

    def tokens() -> WordPieceCounter:
        if not counter:
            counter.append(token_counter())
        return counter[0]

    def count(text: str) -> int:
        return tokens()(text)

    keys = entry_keys(root, corpus.entries, current_model)
    chunks = []
    for entry in corpus.entries:
        cached = previous.chunks.get(keys[entry.path_id])
        chunks.extend(cached if cached is not None else chunk_entry(entry, bibliography.references, count, MAX_TOKENS))
    texts = [c.embed_text for c in chunks]
    hashes = [c.content_hash for c in chunks]

    def get_embedder() -> Embedder:
        nonlocal instance
        if instance is None:
            instance = SentenceTransformerEmbedder()
        return instance

    vectors_by_hash = dict(previous.vectors)
    reused = sum(1 for h in hashes if h in vectors_by_hash)
    todo: dict[str, int] = {}
    for i, h in enumerate(hashes):
        if h not in vectors_by_hash and h not in todo:
            todo[h] = i
    dim = instance.dim if instance is not None else MODEL_DIM
    onnx = onnx_folder_name(current_model) if embedder is None else ""
    if todo:
        model = _small_update_embedder(root, onnx, current_model, len(todo)) or get_embedder()
        dim = model.dim
        fresh_texts = [texts[i] for i in todo.values()]
        fresh = embed_sorted(model, fresh_texts, tokens().lengths(fresh_texts), progress)
        vectors_by_hash.update(zip(todo, fresh, strict=True))
    vectors = np.zeros((len(chunks), dim), dtype=np.float32)
    for i, h in enumerate(hashes):
        vectors[i] = vectors_by_hash[h]

    exported = False
    if isinstance(instance, SentenceTransformerEmbedder) and not onnx:
        onnx = onnx_folder_name(current_model)
    if onnx:
        folder = kb_dir(root) / onnx
        meta = read_export_meta(folder, verify=True)
        if meta is None or meta.get("model_id") != current_model:
            model = get_embedder()
            assert isinstance(model, SentenceTransformerEmbedder)
            export_onnx(folder, model)
            exported = True

    stat, stat_time = settled_stat(root, files, stat, newest, stat_time, fingerprint)
    manifest = Manifest(
        model_id=current_model,
        dim=dim,
        max_seq_length=MAX_SEQ_LENGTH,
        onnx=onnx,
        corpus_fingerprint=fingerprint,
        corpus_stat=stat,
        corpus_stat_time=stat_time,
        chunk_hashes=dict(zip((c.id for c in chunks), hashes, strict=True)),
        entry_keys=keys,
        kinds=tuple(sorted({e.kind for e in corpus.entries})),
        tags=tuple(sorted(set(corpus.tags) | {t for e in corpus.entries for t in e.tags})),
        entries=len(corpus.entries),
        problems=len(corpus.problems) + len(bibliography.problems),
        skipped=skipped,
        versions={**_versions(), "model_path": str(model_path()) if onnx else ""},
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    lexical = LexicalIndex.build(texts)
    roles = StoredRoles(*roles_document(root, chunks))
    folder = write_index(root, manifest, chunks, vectors, lexical, ExpansionTable.from_entries(corpus.entries), roles)
    return IndexReport(
        folder=folder,
        entries=len(corpus.entries),
        chunks=len(chunks),
        embedded=len(todo),
        reused=reused,
        problems=manifest.problems,
        skipped=skipped,
        exported=exported,
        seconds=time.perf_counter() - started,
        damaged=previous.damaged,
    )
