"""The in-browser search's model: the CLI's ONNX export with its weights stored as int8.

The weights are stored as int8 per output channel and dequantised at load; the model is
made once per export and cached beside it in ``.kb/models/`` (``model.int8.onnx``), and kept
only if its embeddings stay within ``MIN_COSINE`` of the export's.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..problems import KBError
from ..search.embedding import MAX_SEQ_LENGTH, ONNX_FILE, TOKENIZER_FILE

BROWSER_MODEL = "model.int8.onnx"
BROWSER_META = "browser.json"
#: the smallest cosine allowed between the int8 browser model's and the export's embeddings
MIN_COSINE = 0.999
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


def file_hash(path: Path) -> str:
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
    source_hash = file_hash(source)
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
    write_atomic(meta_path, json.dumps(meta, indent=1))
    return target


__all__ = [
    "BROWSER_META",
    "BROWSER_MODEL",
    "MIN_COSINE",
    "browser_model",
    "browser_tokenizer",
    "file_hash",
    "quantise_weights",
    "tokenizer_config",
]
