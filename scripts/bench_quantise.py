"""Weigh storage schemes for the browser model: size gzipped (level 9) and query cosine to the
fp32 export, side by side in one run. An experiment, not what the build ships (that is
``indexer.site.browser_model.SCHEME``).

Schemes beyond the shipped one:

- ``gptq4``: 4-bit weight matrices in blocks of 32 (float16 scales), rounded by GPTQ (Frantar
  et al. 2022: each input column rounded in turn, its error spread over the columns not yet
  rounded through the inverse of ``H = X^T X`` of that matrix's inputs) instead of to nearest.
- ``ent(t, m)``: int8 storage with a step of ``t`` (tables, per row) or ``m`` (matrices, per
  output column, rounded by GPTQ) times the channel's standard deviation, never below
  max/127: the values use few of the 255 levels, so gzip's Huffman stage stores them in
  about ``2 - log2(step / sd)`` bits each (an entropy-coded uniform quantiser); the file
  stays a plain int8 ``DequantizeLinear`` graph, as onnxruntime-web runs today.

``H`` comes from the built index's titles, headings and the sentences of its passages (the
calibration set, shuffled, ``--sentences`` of them: short texts, as queries are); the cosines from the queries of ``tests/queries/*.json``, which the
calibration never sees. Needs ``kb index`` first.

    python scripts/bench_quantise.py [ROOT] [--sentences 2000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper
from tokenizers import Tokenizer

from indexer.search.embedding import ONNX_FILE, TOKENIZER_FILE
from indexer.site.browser_model import SCHEME
from indexer.site.quantise import ROW_READERS, _int8, _uint4_tensor, int4_blocks, quantise_graph

REPO = Path(__file__).resolve().parents[1]
BLOCK = 32


@dataclass(frozen=True)
class Variant:
    name: str
    table: str  # "4bit" or "ent"
    matrices: str  # "int8", "rtn4", "gptq4" or "ent"
    table_step: float = 0.0
    matrix_step: float = 0.0


def export_folder(root: Path) -> Path:
    folders = sorted(p.parent for p in (root / ".kb" / "models").glob(f"*/{ONNX_FILE}"))
    if not folders:
        sys.exit(f"no ONNX export under {root / '.kb' / 'models'}: run kb index first")
    return folders[0]


def calibration_sentences(root: Path, count: int) -> list[str]:
    current = (root / ".kb" / "current").read_text(encoding="utf-8").strip()
    chunks = json.loads((root / ".kb" / current / "chunks.json").read_text(encoding="utf-8"))
    headings = {h for c in chunks for h in (c["title"], *c["section_path"])}
    sentences = sorted(headings) + [s for c in chunks for s in re.split(r"(?<=[.?!])\s+", c["text"]) if len(s) > 10]
    order = np.random.default_rng(0).permutation(len(sentences))
    return [sentences[i] for i in order[:count]]


def test_queries() -> list[str]:
    return [q["q"] for f in sorted((REPO / "tests" / "queries").glob("*.json"))
            for q in json.loads(f.read_text(encoding="utf-8"))["queries"]]


class Model:
    """One ONNX graph and the packaged tokenizer, one text at a time (as the browser embeds a query)."""

    def __init__(self, graph: str | bytes, tokenizer: Tokenizer) -> None:
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self.tokenizer = tokenizer

    def run(self, text: str) -> list[Any]:
        ids = np.array([self.tokenizer.encode(text).ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        names = {i.name for i in self.session.get_inputs()}
        return self.session.run(None, {k: v for k, v in feeds.items() if k in names})

    def embed(self, texts: list[str]) -> np.ndarray:
        pooled = np.array([self.run(t)[0][0].mean(axis=0) for t in texts])
        normed: np.ndarray = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return normed


def matrix_inputs(model: onnx.ModelProto) -> dict[str, str]:
    """Each weight matrix's name -> the name of the activation it multiplies."""
    names = {i.name for i in model.graph.initializer}
    return {n.input[1]: n.input[0] for n in model.graph.node
            if n.op_type in ("MatMul", "Attention") and n.input[1] in names}


def hessians(source: Path, tokenizer: Tokenizer, texts: list[str]) -> dict[str, np.ndarray]:
    """``X^T X / n`` of every weight matrix's inputs over the calibration texts' tokens."""
    model = onnx.load(str(source))
    inputs = matrix_inputs(model)
    wanted = sorted(set(inputs.values()))
    for name in wanted:
        model.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    runner = Model(model.SerializeToString(), tokenizer)
    outputs = [o.name for o in runner.session.get_outputs()]
    rows: dict[str, list[np.ndarray]] = {name: [] for name in wanted}
    for text in texts:
        for name, value in zip(outputs, runner.run(text), strict=True):
            if name in rows:
                rows[name].append(value.reshape(-1, value.shape[-1]))
    by_input = {}
    for name, parts in rows.items():
        x = np.concatenate(parts).astype(np.float64)
        by_input[name] = x.T @ x / len(x)
    return {weight: by_input[act] for weight, act in inputs.items()}


def gptq(weights: np.ndarray, h: np.ndarray, rounding: Callable[[np.ndarray, int], np.ndarray],
         damp: float = 0.01) -> np.ndarray:
    """GPTQ over the input rows of ``weights`` ([in, out], as MatMul holds it): returns the
    dequantised weights. ``rounding(w, i)`` rounds row ``i`` of ``w``, the weights as GPTQ has
    updated them so far (so a block's range can be read from its rows when the first is reached)."""
    w = weights.astype(np.float64).copy()
    h = h + damp * np.mean(np.diag(h)) * np.eye(len(h))
    upper = np.linalg.cholesky(np.linalg.inv(h)).T
    out = np.zeros_like(w)
    for i in range(len(w)):
        out[i] = rounding(w, i)
        error = (w[i] - out[i]) / upper[i, i]
        w[i:] -= np.outer(upper[i, i:], error)
    return out


def gptq4(weights: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """4-bit values, float16-exact scales and zero points in blocks of ``BLOCK`` input rows,
    each block's range set when GPTQ reaches its first row."""
    q = np.zeros(weights.shape, dtype=np.uint8)
    blocks = -(-len(weights) // BLOCK)
    scale = np.ones((blocks, weights.shape[1]), dtype=np.float32)
    zero = np.zeros((blocks, weights.shape[1]), dtype=np.uint8)

    def rounding(w: np.ndarray, i: int) -> np.ndarray:
        b = i // BLOCK
        if i % BLOCK == 0:
            scale[b], zero[b] = _block_range(w[i:i + BLOCK])
        q[i] = np.clip(np.round(w[i] / scale[b]) + zero[b], 0, 15)
        return (q[i].astype(np.float64) - zero[b]) * scale[b]

    gptq(weights, h, rounding)
    return q, scale, zero


def _block_range(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = np.minimum(block.min(axis=0), 0), np.maximum(block.max(axis=0), 0)
    s = ((high - low) / 15).astype(np.float16).astype(np.float32)
    s[s == 0] = 1.0
    return s, np.clip(np.round(-low / s), 0, 15).astype(np.uint8)


def steps(weights: np.ndarray, axis: int, factor: float) -> np.ndarray:
    """Per channel (``axis`` 0 rows, 1 columns): ``factor`` x its standard deviation, never below max/127."""
    other = 1 - axis
    return np.maximum(weights.std(axis=other) * factor, np.abs(weights).max(axis=other) / 127).astype(np.float32)


def build(source: Path, target: Path, variant: Variant, h: dict[str, np.ndarray]) -> tuple[int, int]:
    model = onnx.load(str(source))
    graph = model.graph
    readers: dict[str, set[str]] = {}
    for node in graph.node:
        for name in node.input:
            readers.setdefault(name, set()).add(node.op_type)
    kept, added, blocked = [], [], False
    for init in graph.initializer:
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.ndim != 2 or w.size < 4096:
            kept.append(init)
            continue
        table = bool(readers.get(init.name, set()) & ROW_READERS)
        kind = variant.table if table else variant.matrices
        names = [f"{init.name}_q", f"{init.name}_scale", f"{init.name}_zero"]
        if kind in ("4bit", "rtn4", "gptq4"):
            axis = 1 if table else 0
            if kind == "gptq4":
                q4, s4, z4 = gptq4(w, h[init.name])
            else:
                q4, s4, z4 = int4_blocks(w, axis, BLOCK, half=True)
            kept += [_uint4_tensor(q4, names[0]), numpy_helper.from_array(s4.astype(np.float16), names[1]),
                     _uint4_tensor(z4, names[2])]
            added += [helper.make_node("DequantizeLinear", names, [f"{init.name}_half"], axis=axis, block_size=BLOCK),
                      helper.make_node("Cast", [f"{init.name}_half"], [init.name], to=onnx.TensorProto.FLOAT)]
            blocked = True
            continue
        axis = 0 if table else 1  # the scales' axis: per row of a table, per output column of a matrix
        if kind == "int8":
            q8, s8 = _int8(w, axis)
        elif table:
            s8 = steps(w, 0, variant.table_step)
            q8 = np.clip(np.round(w / s8[:, None]), -127, 127).astype(np.int8)
        else:
            s8 = steps(w, 1, variant.matrix_step)
            s64 = s8.astype(np.float64)

            def nearest(cur: np.ndarray, i: int, s: np.ndarray = s64) -> np.ndarray:
                return np.clip(np.round(cur[i] / s), -127, 127) * s

            deq = gptq(w, h[init.name], nearest)
            q8 = np.round(deq / s64).astype(np.int8)
        kept += [numpy_helper.from_array(q8, names[0]), numpy_helper.from_array(s8, names[1]),
                 numpy_helper.from_array(np.zeros(s8.shape, np.int8), names[2])]
        added.append(helper.make_node("DequantizeLinear", names, [init.name], axis=axis))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = [*added, *graph.node]
    del graph.node[:]
    graph.node.extend(nodes)
    if blocked:
        for opset in model.opset_import:
            if opset.domain in ("", "ai.onnx"):
                opset.version = max(opset.version, 21)
        model.ir_version = max(model.ir_version, 10)
    onnx.save(model, str(target))
    data = target.read_bytes()
    return len(data), len(gzip.compress(data, 9))


VARIANTS = (
    Variant("4-bit matrices, to nearest", "4bit", "rtn4"),
    Variant("4-bit matrices, GPTQ", "4bit", "gptq4"),
    Variant("ent(0.2, 0.1)", "ent", "ent", 0.2, 0.1),
    Variant("ent(0.25, 0.1)", "ent", "ent", 0.25, 0.1),
    Variant("ent(0.3, 0.1)", "ent", "ent", 0.3, 0.1),
    Variant("ent(0.3, 0.125)", "ent", "ent", 0.3, 0.125),
    Variant("ent(0.4, 0.125)", "ent", "ent", 0.4, 0.125),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=REPO, help="the project folder (with .kb/)")
    parser.add_argument("--sentences", type=int, default=2000, help="calibration sentences (default 2000)")
    args = parser.parse_args()
    folder = export_folder(args.root)
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.no_padding()
    started = time.perf_counter()
    texts = calibration_sentences(args.root, args.sentences)
    h = hessians(folder / ONNX_FILE, tokenizer, texts)
    print(f"calibration: {len(texts)} sentences, {time.perf_counter() - started:.0f} s")
    queries = test_queries()
    reference = Model(str(folder / ONNX_FILE), tokenizer).embed(queries)
    print(f"{len(queries)} queries; cosine to the fp32 export\n")
    print("| scheme | model | gzip -9 | cosine min / median | mean 1 - cosine |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "model.onnx"
        rows: list[tuple[str, tuple[int, int]]] = []
        quantise_graph(folder / ONNX_FILE, target, SCHEME)
        rows.append((f"shipped ({SCHEME.name})", (target.stat().st_size, len(gzip.compress(target.read_bytes(), 9)))))
        _row(rows[-1], Model(str(target), tokenizer).embed(queries), reference)
        for variant in VARIANTS:
            rows.append((variant.name, build(folder / ONNX_FILE, target, variant, h)))
            _row(rows[-1], Model(str(target), tokenizer).embed(queries), reference)


def _row(row: tuple[str, tuple[int, int]], vectors: np.ndarray, reference: np.ndarray) -> None:
    cosine = (vectors * reference).sum(axis=1)
    name, (size, packed) = row
    print(f"| {name} | {size / 1e6:.2f} MB | {packed / 1e6:.2f} MB | {cosine.min():.4f} / "
          f"{np.median(cosine):.4f} | {1 - cosine.mean():.5f} |", flush=True)


if __name__ == "__main__":
    main()
