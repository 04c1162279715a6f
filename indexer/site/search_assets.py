"""The site's in-browser search: the index, the model and the code, written into the built site.

Everything lands in ``kb-search/`` of the site (``ASSETS_DIR``)::

    kb-search/index.json        chunk metadata, references (author-date, full, BibTeX, RIS),
                             the BM25 settings (k1, b, stop words), the glossary expansion table
    kb-search/vectors.bin       the chunk vectors, float16, row-major (count x dim)
    kb-search/model/            model.onnx (weight-only int8), tokenizer.json (truncation 256),
                             tokenizer_config.json (model_max_length 256)
    kb-search/vendor/           onnxruntime-web, @huggingface/tokenizers and multilingual-stemmer
                             (Snowball English), from node_modules
    kb-search/*.js              the page's own ES modules (``indexer/site/js``)

The vectors and chunks are the CLI's index (``.kb/``), so the site and ``kb search``
answer from the same passages. The browser model is the CLI's ONNX export with its
weights stored as int8 (per output channel) and dequantised at load; it is made once per
export and cached beside it in ``.kb/models/``, and kept only if its embeddings stay
within ``MIN_COSINE`` of the export's.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cite.citestyle import CitationStyle
from ..problems import KBError
from ..search.chunking import Chunk
from ..search.embedding import MAX_SEQ_LENGTH, ONNX_FILE, TOKENIZER_FILE
from ..search.expansion import LEXICAL_WEIGHT
from ..search.query import DEPTH, RRF_K

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..corpus.bibliography import Bibliography
    from ..search.store import LoadedIndex

ASSETS_DIR = "kb-search"
INDEX_FILE = "index.json"
VECTORS_FILE = "vectors.bin"
MODEL_DIR = "model"
VENDOR_DIR = "vendor"
BROWSER_MODEL = "model.int8.onnx"
BROWSER_META = "browser.json"
#: the smallest cosine allowed between the int8 browser model's and the export's embeddings
MIN_COSINE = 0.999
JS_DIR = Path(__file__).parent / "js"
#: files copied from node_modules (package folder, file) -> name in kb-search/vendor/
VENDOR_FILES: dict[tuple[str, str], str] = {
    ("onnxruntime-web", "dist/ort.wasm.min.mjs"): "ort.wasm.min.mjs",
    ("onnxruntime-web", "dist/ort-wasm-simd-threaded.mjs"): "ort-wasm-simd-threaded.mjs",
    ("onnxruntime-web", "dist/ort-wasm-simd-threaded.wasm"): "ort-wasm-simd-threaded.wasm",
    ("@huggingface/tokenizers", "dist/tokenizers.min.mjs"): "tokenizers.min.mjs",
    # Snowball 3 English (Porter 2) compiled to WebAssembly: the stems PyStemmer gives
    ("multilingual-stemmer", "dist/browser/index.js"): "stemmer.mjs",
    ("multilingual-stemmer", "dist/browser/index_bg.wasm"): "stemmer_bg.wasm",
}
_CHECK_TEXTS = (
    "what does co-location achieve",
    "TAC meeting (Team Around the Child)",
    "one person who coordinates support for a family",
    "Sure Start children's centres brought health, education and family support under one roof, "
    "so that practitioners from different agencies could share information and plan together.",
    "barriers practitioners reported to working across agencies",
    "principles for sharing information between agencies",
    "Childcare Act 2006",
)


# -- metadata ------------------------------------------------------------------------------


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
        "expansion": index.expansion.to_dict(),
        "kinds": sorted({c.kind for c in chunks}),
        "tags": sorted({t for c in chunks for t in c.tags}),
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


# -- the browser model ---------------------------------------------------------------------


def quantise_weights(source: Path, target: Path, min_size: int = 4096) -> int:
    """Store the large 2-D float weights of ``source`` as int8 with a float scale per output
    channel, dequantised at load (``DequantizeLinear``); activations stay float32.

    Embedding tables (read by Gather or EmbedLayerNormalization) get a scale per row.
    Returns how many weights were quantised.
    """
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    consumers: dict[str, list[str]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node.op_type)
    kept, added_nodes, count = [], [], 0
    for init in graph.initializer:
        weights = numpy_helper.to_array(init)
        if weights.dtype != np.float32 or weights.ndim != 2 or weights.size < min_size:
            kept.append(init)
            continue
        rows = any(op in ("Gather", "EmbedLayerNormalization") for op in consumers.get(init.name, []))
        axis = 0 if rows else 1
        peak = np.max(np.abs(weights), axis=1 - axis)
        scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
        shaped = scale[:, None] if axis == 0 else scale[None, :]
        q = np.clip(np.round(weights / shaped), -127, 127).astype(np.int8)
        kept += [
            numpy_helper.from_array(q, f"{init.name}_int8"),
            numpy_helper.from_array(scale, f"{init.name}_scale"),
            numpy_helper.from_array(np.zeros(scale.shape, dtype=np.int8), f"{init.name}_zero"),
        ]
        added_nodes.append(
            helper.make_node(
                "DequantizeLinear",
                [f"{init.name}_int8", f"{init.name}_scale", f"{init.name}_zero"],
                [init.name],
                name=f"{init.name}_dequantize",
                axis=axis,
            )
        )
        count += 1
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = [*added_nodes, *graph.node]
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(target))
    return count


def browser_tokenizer(source: Path) -> dict[str, Any]:
    """The packaged tokenizer with truncation at 256 word pieces and no padding, as the CLI."""
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    data["truncation"] = {"direction": "Right", "max_length": MAX_SEQ_LENGTH, "strategy": "LongestFirst", "stride": 0}
    data["padding"] = None
    return data


def tokenizer_config() -> dict[str, Any]:
    return {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "model_max_length": MAX_SEQ_LENGTH,
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "mask_token": "[MASK]",
    }


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def browser_model(export_folder: Path) -> Path:
    """The int8 browser model for the ONNX export in ``export_folder``, made once and cached
    there (``model.int8.onnx``); refused when its embeddings drift below ``MIN_COSINE``."""
    from ..search.embedding import OnnxEmbedder

    source = export_folder / ONNX_FILE
    if not source.exists():
        raise KBError(f"the ONNX copy of the model is missing in {export_folder}: run kb index")
    target = export_folder / BROWSER_MODEL
    meta_path = export_folder / BROWSER_META
    source_hash = _file_hash(source)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    if target.exists() and meta.get("source") == source_hash:
        return target
    tmp = export_folder / f".{BROWSER_MODEL}.tmp"
    quantised = quantise_weights(source, tmp)
    work = export_folder / ".browser-check"
    work.mkdir(exist_ok=True)
    try:
        shutil.copyfile(tmp, work / ONNX_FILE)
        shutil.copyfile(export_folder / TOKENIZER_FILE, work / TOKENIZER_FILE)
        reference = OnnxEmbedder(export_folder, "export").encode(list(_CHECK_TEXTS))
        small = OnnxEmbedder(work, "int8").encode(list(_CHECK_TEXTS))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cosine = float((reference * small).sum(axis=1).min())
    if cosine < MIN_COSINE:
        tmp.unlink(missing_ok=True)
        raise KBError(f"the int8 browser model drifts from the ONNX export (cosine {cosine:.5f} < {MIN_COSINE})")
    tmp.replace(target)
    meta = {"source": source_hash, "quantised_weights": quantised, "min_cosine": round(cosine, 6)}
    meta_path.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return target


# -- writing the assets --------------------------------------------------------------------


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


def write_assets(
    site_dir: Path,
    index: LoadedIndex,
    node_modules: Path,
    bib: Bibliography | None = None,
    style: CitationStyle | None = None,
    model: Callable[[Path], Path] = browser_model,
) -> dict[str, int]:
    """Write ``kb-search/`` into ``site_dir``; returns the size in bytes of each file written."""
    vendor = vendor_sources(node_modules)
    out = site_dir / ASSETS_DIR
    (out / MODEL_DIR).mkdir(parents=True, exist_ok=True)
    (out / VENDOR_DIR).mkdir(parents=True, exist_ok=True)
    document = index_document(index, bib, style)
    vectors = index.vectors()  # the one store of the vectors: the FAISS index
    shutil.copyfile(model(index.onnx_folder), out / MODEL_DIR / ONNX_FILE)
    # the version in the URL keys the browser's cache: a new model is never taken from an old cache
    document["model_file"] = f"{MODEL_DIR}/{ONNX_FILE}?v={_file_hash(out / MODEL_DIR / ONNX_FILE)}"
    (out / INDEX_FILE).write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (out / VECTORS_FILE).write_bytes(encode_vectors(vectors))
    tokenizer = browser_tokenizer(index.onnx_folder / TOKENIZER_FILE)
    (out / MODEL_DIR / TOKENIZER_FILE).write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    (out / MODEL_DIR / "tokenizer_config.json").write_text(json.dumps(tokenizer_config()), encoding="utf-8")
    for name, path in vendor.items():
        shutil.copyfile(path, out / VENDOR_DIR / name)
    for path in [*JS_DIR.glob("*.js"), *JS_DIR.glob("*.css")]:
        shutil.copyfile(path, out / path.name)
    return {p.relative_to(site_dir).as_posix(): p.stat().st_size for p in sorted(out.rglob("*")) if p.is_file()}


def search_page(root: str = "../", placeholder: str = "what does co-location achieve") -> str:
    """The Markdown of the search page: a form the page's script brings to life.

    ``root`` is the site root relative to the page (``../`` for ``ask/``): every URL is
    relative, so the site works under a sub-path; the script is an ES module (it needs an
    HTTP origin, not ``file://``).
    """
    assets = f"{root}{ASSETS_DIR}/"
    return f"""---
title: Search the knowledge base
hide:
  - toc
---

# Search the knowledge base

<div id="kb-search" class="kb-search" data-assets="{assets}" data-root="{root}" markdown="0">
<form class="kb-search__form" role="search" onsubmit="return false">
<label for="kb-search-query" class="kb-search__label">Ask a question or type some words</label>
<input id="kb-search-query" class="md-input kb-search__input" type="search" name="q" autocomplete="off"
  placeholder="{placeholder}">
<label for="kb-search-mode" class="kb-search__label">Rank by</label>
<select id="kb-search-mode" class="kb-search__mode">
<option value="hybrid" selected>meaning and words</option>
<option value="semantic">meaning only</option>
<option value="lexical">words only</option>
</select>
<fieldset class="kb-search__filters"><legend>Kind</legend><span id="kb-search-kinds"></span></fieldset>
<details class="kb-search__more"><summary>Filter by tag</summary>
<fieldset class="kb-search__filters"><legend>Tag</legend><span id="kb-search-tags"></span></fieldset>
</details>
</form>
<p id="kb-search-status" class="kb-search__status" role="status" aria-live="polite">Loading the index…</p>
<p class="kb-search__export" hidden>Export these results' references:
<button type="button" class="md-button" data-format="bibtex">BibTeX</button>
<button type="button" class="md-button" data-format="ris">RIS</button></p>
<ol id="kb-search-results" class="kb-search__results"></ol>
<noscript>The search runs in your browser and needs JavaScript.</noscript>
</div>

<link rel="stylesheet" href="{assets}search.css">
<script type="module" src="{assets}page.js"></script>

Everything runs on this device: your query is never sent anywhere. Words are matched at
once; the meaning-based search loads a small language model (about 25 MB, once) when you
first search, and then ranks passages by meaning and words together, as `kb search` does.
"""


__all__ = [
    "ASSETS_DIR",
    "MIN_COSINE",
    "browser_model",
    "browser_tokenizer",
    "decode_vectors",
    "encode_vectors",
    "index_document",
    "lexical_settings",
    "quantise_weights",
    "search_page",
    "vendor_sources",
    "write_assets",
]


# -- the MkDocs side (indexer/site/plugin.py calls these) ---------------------------------

SEARCH_PAGE = "ask.md"
_HEADER_SEARCH_RE = re.compile(r'<label class="md-header__button md-icon" for="__search">')


def header_link(href: str) -> str:
    """The header's link to the search page (a magnifier over a page, and a label)."""
    return (
        f'<a href="{href}" class="md-header__button kb-search-link" title="Search the passages and their sources"'
        ' aria-label="Search the passages and their sources">'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true">'
        '<path d="M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57'
        "l.27.28v.79l5 4.99L20.49 19zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14"
        '"/></svg>'
        '<span class="kb-search-link__label">Ask</span></a>'
    )


def with_header_link(html_text: str, href: str) -> str:
    """``html_text`` with the search link in Material's header (before its own search
    button, or at the end of the header's bar); unchanged when there is no header."""
    if 'class="md-header' not in html_text or "kb-search-link" in html_text:
        return html_text
    link = header_link(href)
    match = _HEADER_SEARCH_RE.search(html_text)
    at = match.start() if match else html_text.find("</nav>", html_text.index('class="md-header'))
    if at < 0:
        return html_text
    return f"{html_text[:at]}{link}\n{html_text[at:]}"


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
