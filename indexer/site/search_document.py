"""The in-browser search's data: ``index.json`` (passages, references, BM25 settings,
expansion table, fusion) and ``vectors.bin`` (the passages' vectors, float16).

Read from the CLI's index (``indexer.search.store.LoadedIndex``), so that the site and
``kb search`` answer from the same passages; nothing here writes a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..cite.citestyle import CitationStyle
from ..search.chunk import Chunk
from ..search.embedding import MAX_SEQ_LENGTH
from ..search.expansion import LEXICAL_WEIGHT
from ..search.query import DEPTH, RRF_K
from ..search.respond import browser_settings

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..corpus.bibliography import Bibliography
    from ..search.store import LoadedIndex

ASSETS_DIR = "kb-search"
INDEX_FILE = "index.json"
VECTORS_FILE = "vectors.bin"

def chunk_record(chunk: Chunk) -> dict[str, Any]:
    """What the page needs of a chunk (its text is data: the page escapes it when shown)."""
    return {
        "id": chunk.id,
        "path_id": chunk.path_id,
        "kind": chunk.kind,
        "title": chunk.title,
        "section": chunk.section,
        "section_path": list(chunk.section_path),
        "url": chunk.url,
        "tags": list(chunk.tags),
        "year": chunk.year,
        "text": chunk.text,
        "cites": [c.key for c in chunk.citations],
    }


def reference_records(
    chunks: Sequence[Chunk], bib: Bibliography | None, style: CitationStyle | None
) -> dict[str, dict[str, str]]:
    """Per cited key: author-date text, the full reference (tooltip), BibTeX and RIS."""
    from ..cite.export import export, public_reference

    records: dict[str, dict[str, str]] = {}
    for chunk in chunks:
        for cite in chunk.citations:
            if cite.key in records:
                continue
            record = {"cite": cite.author_date, "full": cite.author_date, "bibtex": "", "ris": ""}
            if style is not None and cite.key in style:
                record["full"] = style.reference_text(cite.key)
            if bib is not None and cite.key in bib.references:
                ref = bib.references[cite.key]
                record["bibtex"] = export([public_reference(ref)], "bibtex")
                record["ris"] = export([ref], "ris")
            records[cite.key] = record
    return records


def lexical_settings() -> dict[str, Any]:
    """BM25 as the CLI has it (bm25s, Lucene variant): its parameters (``lexical.BM25_K1`` and
    ``BM25_B``), the stop words and the weight of added glossary names. The page stems with
    Snowball English itself (``vendor/stemmer.mjs``, the same algorithm as PyStemmer), so any
    word, in the corpus or not, gets the stem ``kb search`` gives it."""
    from ..search.lexical import BM25_B, BM25_K1
    from ..search.lexical import stopwords as stop_words

    return {
        "k1": BM25_K1,
        "b": BM25_B,
        "stopwords": sorted(stop_words()),
        "extra_weight": LEXICAL_WEIGHT,
    }


def index_document(index: LoadedIndex, bib: Bibliography | None, style: CitationStyle | None) -> dict[str, Any]:
    """The page's ``index.json``: chunks, references, BM25 settings, expansion table, fusion."""
    chunks = index.chunks
    return {
        "model": index.manifest.model_id,
        "dim": index.manifest.dim,
        "count": len(chunks),
        "max_tokens": MAX_SEQ_LENGTH,
        "fusion": {"rrf_k": RRF_K, "depth": DEPTH},
        "chunks": [chunk_record(c) for c in chunks],
        "references": reference_records(chunks, bib, style),
        "bm25": lexical_settings(),
        "expansion": {"terms": index.expansion.to_dict()["terms"]},  # the page makes its own word index
        "kinds": sorted({c.kind for c in chunks}),
        "tags": sorted({t for c in chunks for t in c.tags}),
        "results": browser_settings(index.folder.parent.parent, chunks),  # fusion, grouping, answer
    }


# -- vectors -------------------------------------------------------------------------------


def encode_vectors(vectors: npt.NDArray[np.float32]) -> bytes:
    """Vectors as little-endian float16, row-major."""
    import numpy as np

    return np.ascontiguousarray(vectors, dtype="<f2").tobytes()


def decode_vectors(data: bytes, dim: int) -> npt.NDArray[np.float32]:
    """The inverse of ``encode_vectors`` (for tests and checks)."""
    import numpy as np

    result: npt.NDArray[np.float32] = np.frombuffer(data, dtype="<f2").astype(np.float32).reshape(-1, dim)
    return result


def index_vectors(index: LoadedIndex) -> npt.NDArray[np.float32]:
    """The index's vectors, in chunk order (count x dim), from its one store (the FAISS index)."""
    return index.vectors()


__all__ = [
    "ASSETS_DIR",
    "INDEX_FILE",
    "VECTORS_FILE",
    "chunk_record",
    "decode_vectors",
    "encode_vectors",
    "index_document",
    "index_vectors",
    "lexical_settings",
    "reference_records",
]
