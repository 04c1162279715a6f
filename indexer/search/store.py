"""The index on disk, a git-ignored folder ``.kb/`` at the project root: one import for its parts.

- ``manifest``: the layout, the format number (``FORMAT``), the manifest, the errors;
- ``snapshot``: reading the live index (checksums, shapes, a writer's switch meanwhile) and
  what ``kb index`` may reuse of it;
- ``writer``: writing a new folder and switching to it atomically, removing leftovers;
- ``lexical``: the BM25 file (``bm25.npz``);
- ``chunk``: the passages file (``chunks.json``), ``passages``: the roles file (``roles.json``).
"""

from __future__ import annotations

from ..atomic import checksum
from .manifest import (
    CHUNKS,
    CURRENT,
    DENSE,
    EXPANSION,
    FORMAT,
    LEXICAL,
    MANIFEST,
    MODELS_DIR,
    RACY_NS,
    ROLES,
    IndexDamaged,
    IndexUnusable,
    Manifest,
    OldFormat,
    corpus_files,
    corpus_fingerprint,
    corpus_stat,
    kb_dir,
    settled_stat,
)
from .snapshot import (
    LoadedIndex,
    Previous,
    check_usable,
    current_folder,
    dense_vectors,
    load_index,
    load_previous,
    read_manifest,
)
from .writer import remove_leftovers, write_index

__all__ = [
    "CHUNKS",
    "CURRENT",
    "DENSE",
    "EXPANSION",
    "FORMAT",
    "LEXICAL",
    "MANIFEST",
    "MODELS_DIR",
    "RACY_NS",
    "ROLES",
    "IndexDamaged",
    "IndexUnusable",
    "LoadedIndex",
    "Manifest",
    "OldFormat",
    "Previous",
    "check_usable",
    "checksum",
    "corpus_files",
    "corpus_fingerprint",
    "corpus_stat",
    "current_folder",
    "dense_vectors",
    "kb_dir",
    "load_index",
    "load_previous",
    "read_manifest",
    "remove_leftovers",
    "settled_stat",
    "write_index",
]
