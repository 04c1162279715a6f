"""The site's in-browser search: its files written into the built site.

Everything lands in ``kb-search/`` of the site (``ASSETS_DIR``)::

    kb-search/index.json        chunk metadata, references (author-date, full, BibTeX, RIS),
                             the BM25 settings (k1, b, stop words), the glossary expansion table
    kb-search/vectors.bin       the chunk vectors, float16, row-major (count x dim)
    kb-search/model/            model.onnx (weights int8, embedding tables 4-bit: ``browser_model``),
                             tokenizer.json (truncation 256), tokenizer_config.json (model_max_length 256)
    kb-search/vendor/           onnxruntime-web (its one WebAssembly build, run in one thread),
                             @huggingface/tokenizers and multilingual-stemmer (Snowball English),
                             from node_modules
    kb-search/*.js              the page's own ES modules (``indexer/site/js``), among them the
                             model's Web Worker (``embed-worker.js``, ``model.js``)

``index.json`` says how much meaning-based search downloads beyond the word search
(``model_transfer_bytes``: the files of ``MODEL_TRANSFER``, each gzipped at level 9 as
Python's ``gzip`` does by default, as a static host would serve them), so the page can say
"about N MB" before it fetches them.

The parts are separate modules: the index document and vectors (``search_document``), the
int8 browser model (``browser_model``), the search page (``search_page``); its link in the
header is the theme override's. This module only builds: it reads the CLI's index (updated
first when stale, ``live_index``) and writes the files, each atomically
(``indexer.atomic.write_atomic``), holding the index's writer lock (``indexer.lock``) while it
reads from ``.kb/`` so that a ``kb index`` run at the same time cannot change it under it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_atomic
from ..problems import KBError
from ..search.embedding import ONNX_FILE, TOKENIZER_FILE
from .browser_model import MIN_COSINE, browser_model, browser_tokenizer, file_hash, quantise_weights, tokenizer_config
from .search_document import (
    ASSETS_DIR,
    INDEX_FILE,
    VECTORS_FILE,
    decode_vectors,
    encode_vectors,
    index_document,
    index_vectors,
    lexical_settings,
    reference_records,
)
from .search_page import SEARCH_PAGE, search_page

if TYPE_CHECKING:
    from ..cite.citestyle import CitationStyle
    from ..corpus.bibliography import Bibliography
    from ..search.store import LoadedIndex

MODEL_DIR = "model"
VENDOR_DIR = "vendor"
JS_DIR = Path(__file__).parent / "js"
#: files copied from node_modules (package folder, file) -> name in kb-search/vendor/.
#: onnxruntime-web 1.30 has one WebAssembly build for its CPU backend, "simd-threaded": it runs in
#: one thread without cross-origin isolation (the .jsep/.asyncify/.jspi builds are for WebGPU
#: and WebNN, which the page does not use, and are not shipped)
VENDOR_FILES: dict[tuple[str, str], str] = {
    ("onnxruntime-web", "dist/ort.wasm.min.mjs"): "ort.wasm.min.mjs",
    ("onnxruntime-web", "dist/ort-wasm-simd-threaded.mjs"): "ort-wasm-simd-threaded.mjs",
    ("onnxruntime-web", "dist/ort-wasm-simd-threaded.wasm"): "ort-wasm-simd-threaded.wasm",
    ("@huggingface/tokenizers", "dist/tokenizers.min.mjs"): "tokenizers.min.mjs",
    # Snowball 3 English (Porter 2) compiled to WebAssembly: the stems PyStemmer gives
    ("multilingual-stemmer", "dist/browser/index.js"): "stemmer.mjs",
    ("multilingual-stemmer", "dist/browser/index_bg.wasm"): "stemmer_bg.wasm",
}


#: what meaning-based search downloads beyond the word search (index.json, the stemmer, the
#: page's modules), under kb-search/
MODEL_TRANSFER = (
    f"{MODEL_DIR}/{ONNX_FILE}",
    f"{MODEL_DIR}/{TOKENIZER_FILE}",
    f"{MODEL_DIR}/tokenizer_config.json",
    VECTORS_FILE,
    f"{VENDOR_DIR}/ort.wasm.min.mjs",
    f"{VENDOR_DIR}/ort-wasm-simd-threaded.mjs",
    f"{VENDOR_DIR}/ort-wasm-simd-threaded.wasm",
    f"{VENDOR_DIR}/tokenizers.min.mjs",
    "embed.js",
    "embed-worker.js",
    "model.js",
)
_GZIPPED: dict[str, int] = {}  # sha256 -> gzipped size: a rebuild (mkdocs serve) compresses nothing twice


def gzipped_size(data: bytes) -> int:
    """The size of ``data`` gzipped at level 9 (Python's ``gzip.compress`` default)."""
    import gzip
    import hashlib

    key = hashlib.sha256(data).hexdigest()
    if key not in _GZIPPED:
        _GZIPPED[key] = len(gzip.compress(data, compresslevel=9))
    return _GZIPPED[key]


def transfer_sizes(folder: Path, names: tuple[str, ...] = MODEL_TRANSFER) -> dict[str, tuple[int, int]]:
    """Each file of ``names`` under ``folder`` (kb-search/): (bytes, bytes gzipped at level 9)."""
    sizes = {}
    for name in names:
        path = folder / name
        if not path.is_file():
            raise KBError(f"{path}: missing from the site's search files (meaning-based search downloads it)")
        data = path.read_bytes()
        sizes[name] = (len(data), gzipped_size(data))
    return sizes


def vendor_sources(node_modules: Path) -> dict[str, Path]:
    """The npm files the page needs, by their name in ``kb-search/vendor/``; a clear error when
    ``node_modules`` lacks them."""
    found, missing = {}, []
    for (package, file), name in VENDOR_FILES.items():
        path = node_modules / package / file
        if path.exists():
            found[name] = path
        else:
            missing.append(f"{package}/{file}")
    if missing:
        raise KBError(
            f"the site's search needs JavaScript packages missing from {node_modules} ({', '.join(missing)}): "
            "run `npm ci --ignore-scripts` at the repository root (or set semantic_search: false)"
        )
    return found


def _copy(source: Path, target: Path) -> None:
    write_atomic(target, source.read_bytes())


def write_assets(
    site_dir: Path,
    index: LoadedIndex,
    node_modules: Path,
    bib: Bibliography | None = None,
    style: CitationStyle | None = None,
    model: Callable[[Path], Path] = browser_model,
    root: Path | None = None,
) -> dict[str, int]:
    """Write ``kb-search/`` into ``site_dir``; returns the size in bytes of each file written.

    With ``root`` (the project), the index's writer lock is held while its files are read."""
    import json

    vendor = vendor_sources(node_modules)
    out = site_dir / ASSETS_DIR
    (out / MODEL_DIR).mkdir(parents=True, exist_ok=True)
    (out / VENDOR_DIR).mkdir(parents=True, exist_ok=True)
    if root is not None:
        from ..lock import writer_lock
        from ..search.store import kb_dir

        lock: AbstractContextManager[None] = writer_lock(kb_dir(root), root)
    else:
        lock = nullcontext()
    with lock:
        document = index_document(index, bib, style)
        vectors = index_vectors(index)
        _copy(model(index.onnx_folder), out / MODEL_DIR / ONNX_FILE)
        tokenizer = browser_tokenizer(index.onnx_folder / TOKENIZER_FILE)
    # the version in the URL keys the browser's cache: a new model is never taken from an old cache
    document["model_file"] = f"{MODEL_DIR}/{ONNX_FILE}?v={file_hash(out / MODEL_DIR / ONNX_FILE)}"
    write_atomic(out / VECTORS_FILE, encode_vectors(vectors))
    write_atomic(out / MODEL_DIR / TOKENIZER_FILE, json.dumps(tokenizer, ensure_ascii=False))
    write_atomic(out / MODEL_DIR / "tokenizer_config.json", json.dumps(tokenizer_config()))
    for name, path in vendor.items():
        _copy(path, out / VENDOR_DIR / name)
    for path in [*JS_DIR.glob("*.js"), *JS_DIR.glob("*.css")]:
        _copy(path, out / path.name)
    # written last: what meaning-based search downloads, as a static host serves it (gzip)
    document["model_transfer_bytes"] = sum(gz for _raw, gz in transfer_sizes(out).values())
    write_atomic(out / INDEX_FILE, json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    return {p.relative_to(site_dir).as_posix(): p.stat().st_size for p in sorted(out.rglob("*")) if p.is_file()}


def build_assets(
    root: Path, site_dir: Path, node_modules: Path, bib: Bibliography, csl: Path, info: Callable[[str], None]
) -> dict[str, int]:
    """The in-browser search's files in ``site_dir``, from the project's live search index
    (updated first when stale); fails before any indexing when the npm packages are missing."""
    from ..cite.citestyle import load_style

    vendor_sources(node_modules)
    index = live_index(root, info)
    return write_assets(site_dir, index, node_modules, bib, load_style(bib.path, csl), root=root)


def live_index(root: Path, info: Callable[[str], None]) -> LoadedIndex:
    """The project's search index; when missing or older than the corpus, ``kb index`` is
    run first (incremental: only changed text is embedded), so the site never ships a
    stale index."""
    from ..search.build import build_index
    from ..search.embedding import model_id
    from ..search.store import IndexUnusable, load_index

    expected = model_id()
    try:
        return load_index(root, expected)
    except IndexUnusable as exc:
        info(f"kb: {str(exc).split(':')[0]}; updating the search index (kb index)")
    report = build_index(root)
    info(f"kb: search index: {report.chunks} passages, {report.embedded} embedded, {report.reused} unchanged")
    return load_index(root, expected)


__all__ = [
    "ASSETS_DIR",
    "MIN_COSINE",
    "MODEL_TRANSFER",
    "SEARCH_PAGE",
    "VENDOR_FILES",
    "browser_model",
    "browser_tokenizer",
    "decode_vectors",
    "encode_vectors",
    "gzipped_size",
    "index_document",
    "lexical_settings",
    "live_index",
    "quantise_weights",
    "reference_records",
    "search_page",
    "transfer_sizes",
    "vendor_sources",
    "write_assets",
]
