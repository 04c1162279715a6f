"""The in-browser search's model: the CLI's ONNX export with its weights stored small.

The scheme (``SCHEME``, see ``quantise``): the weight matrices as int8 per output channel, the
embedding tables (the word pieces' and the positions') as 4-bit in blocks of 32 with float16
scales, all dequantised once at load, so the model computes in float32 as the export does. The model is
made once per export and scheme and cached beside it in ``.kb/models/`` (``BROWSER_MODEL``),
and kept only if its embeddings stay within ``MIN_COSINE`` of the export's.

Why this scheme (measured on the project's 120 queries, tests/queries/*.json, against the fp32
export; docs/search.md has the table): int8 everywhere is 22.9 MB (20.95 MB gzipped), cosine
min 0.9980; 4-bit tables take it to 18.5 MB (16.97 MB gzipped), cosine min 0.9972, with the
same retrieval quality, and their scales as float16 to 17.8 MB (16.30 MB), the same cosines;
4-bit weight matrices (rounded to nearest, blocks of 16 to 32) fall to cosine 0.96-0.98, and
blocks of 64 in the tables to 0.993, below the 0.995 kept as the bar.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..problems import KBError
from ..search.embedding import MAX_SEQ_LENGTH, ONNX_DATA, ONNX_FILE, TOKENIZER_FILE
from .quantise import Scheme, quantise_graph

#: int8 weight matrices, 4-bit embedding tables in blocks of 32, float16 scales (see the module's docstring)
SCHEME = Scheme(bits=8, table_bits=4, block=32, half_scales=True)
BROWSER_MODEL = "model.browser.onnx"
BROWSER_META = "browser.json"
#: the smallest cosine allowed between the browser model's and the export's embeddings
MIN_COSINE = 0.995
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


def quantise_weights(source: Path, target: Path, min_size: int = 4096, scheme: Scheme | None = None) -> int:
    """Store the large 2-D float weights of ``source`` as ``scheme`` says (by default the
    browser's, ``SCHEME``), dequantised at load (``DequantizeLinear``); activations stay float32.
    Returns how many weights were quantised."""
    chosen = scheme or SCHEME
    if min_size != chosen.min_size:
        chosen = Scheme(chosen.bits, chosen.table_bits, chosen.block, min_size)
    return quantise_graph(source, target, chosen)


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


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def browser_model(export_folder: Path, scheme: Scheme = SCHEME) -> Path:
    """The browser model for the ONNX export in ``export_folder``, made once per export and
    scheme and cached there (``BROWSER_MODEL``); refused when its embeddings drift below
    ``MIN_COSINE``."""
    from ..search.embedding import OnnxEmbedder

    source = export_folder / ONNX_FILE
    if not source.exists():
        raise KBError(f"the ONNX copy of the model is missing in {export_folder}: run kb index")
    target = export_folder / BROWSER_MODEL
    meta_path = export_folder / BROWSER_META
    weights = export_folder / ONNX_DATA  # the export's weights, when they are beside the graph
    source_hash = file_hash(source) + (file_hash(weights) if weights.exists() else "")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    if target.exists() and meta.get("source") == source_hash and meta.get("scheme") == scheme.name:
        return target
    tmp = export_folder / f".{BROWSER_MODEL}.tmp"
    quantised = quantise_graph(source, tmp, scheme)
    work = export_folder / ".browser-check"
    work.mkdir(exist_ok=True)
    try:
        shutil.copyfile(tmp, work / ONNX_FILE)
        shutil.copyfile(export_folder / TOKENIZER_FILE, work / TOKENIZER_FILE)
        reference = OnnxEmbedder(export_folder, "export").encode(list(_CHECK_TEXTS))
        small = OnnxEmbedder(work, scheme.name).encode(list(_CHECK_TEXTS))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cosine = float((reference * small).sum(axis=1).min())
    if not cosine >= MIN_COSINE:  # NaN too
        tmp.unlink(missing_ok=True)
        raise KBError(
            f"the browser model ({scheme.name}) drifts from the ONNX export (cosine {cosine:.5f} < {MIN_COSINE})"
        )
    tmp.replace(target)
    (export_folder / "model.int8.onnx").unlink(missing_ok=True)  # the previous scheme's copy
    meta = {"source": source_hash, "scheme": scheme.name, "quantised_weights": quantised}
    meta["min_cosine"] = round(cosine, 6)
    write_atomic(meta_path, json.dumps(meta, indent=1))
    return target


__all__ = [
    "BROWSER_META",
    "BROWSER_MODEL",
    "MIN_COSINE",
    "SCHEME",
    "browser_model",
    "browser_tokenizer",
    "file_hash",
    "quantise_weights",
    "tokenizer_config",
]
