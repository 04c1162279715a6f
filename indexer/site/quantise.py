"""Weight-only quantisation of the browser model's ONNX graph: int8 per channel, or 4-bit in
blocks; activations stay float32.

Each large 2-D float weight is replaced by its quantised values, a float scale (and for 4-bit a
zero point) and a ``DequantizeLinear`` node that gives the float weight back. onnxruntime folds
those nodes into float weights once, when the session is created (``disable_quant_qdq``), so
the model computes as the float one does; only the file is smaller.

- ``int8``: symmetric, one scale per output channel (per row for an embedding table).
- ``int4``: asymmetric (``uint4`` values 0..15 and a ``uint4`` zero point), one scale per block
  of ``block`` weights along the input dimension (along the row for an embedding table): the
  blocked ``DequantizeLinear`` of ONNX opset 21, so the graph's opset is raised to 21. With
  ``half_scales`` the scales are float16 (half the bytes; a block's scale of the word-piece
  table costs as much as 8 of its 32 values), the weight dequantised to float16 and cast to
  float32 by a ``Cast`` node: a relative error of 2^-11 on each weight, against the 1/30 of
  the block's range that 4 bits lose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from onnx import TensorProto

Bits = Literal[8, 4]
#: the ops that read a weight by rows (an embedding table)
ROW_READERS = frozenset({"Gather", "EmbedLayerNormalization"})
#: the fractions of each block's range tried; the one with the least squared error is kept
CLIP_SEARCH = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7)


@dataclass(frozen=True)
class Scheme:
    """How the weights are stored: ``bits`` for the weight matrices, ``table_bits`` for the
    embedding tables, ``block`` weights per scale for 4-bit, whose scales are float16 with
    ``half_scales``."""

    bits: Bits = 4
    table_bits: Bits = 4
    block: int = 32
    min_size: int = 4096
    half_scales: bool = False

    @property
    def name(self) -> str:
        blocked = 4 in (self.bits, self.table_bits)
        return (f"w{self.bits}-t{self.table_bits}" + (f"-b{self.block}" if blocked else "")
                + ("-h16" if blocked and self.half_scales else ""))


INT8 = Scheme(bits=8, table_bits=8)


def _int8(weights: npt.NDArray[np.float32], axis: int) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    import numpy as np

    peak = np.max(np.abs(weights), axis=1 - axis)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    shaped = scale[:, None] if axis == 0 else scale[None, :]
    return np.clip(np.round(weights / shaped), -127, 127).astype(np.int8), scale


def int4_blocks(
    weights: npt.NDArray[np.float32], axis: int, block: int, half: bool = False
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float32], npt.NDArray[np.uint8]]:
    """Asymmetric 4-bit values (0..15, the shape of ``weights``), scales and zero points (the
    shape of ``weights`` with ``ceil(n / block)`` along ``axis``), as opset 21's blocked
    ``DequantizeLinear`` reads them: ``w = (q - zero) * scale``; with ``half``, scales that
    float16 holds exactly (the values are rounded with the scale that will be stored)."""
    import numpy as np

    moved = np.moveaxis(weights, axis, -1)
    size = moved.shape[-1]
    count = -(-size // block)
    padded = np.zeros((*moved.shape[:-1], count * block), dtype=np.float32)
    padded[..., :size] = moved
    blocks = padded.reshape(*moved.shape[:-1], count, block)
    low0 = np.minimum(blocks.min(axis=-1), 0.0)
    high0 = np.maximum(blocks.max(axis=-1), 0.0)
    best_err = None
    for shrink in CLIP_SEARCH:
        low, high = low0 * shrink, high0 * shrink
        s = ((high - low) / 15.0).astype(np.float32)
        if half:
            # within float16's range: none rounds to 0 or overflows (the model check sees a clipped one)
            s = np.clip(s, 2.0**-24, 65504.0).astype(np.float16).astype(np.float32)
        s[s == 0] = 1.0
        z = np.clip(np.round(-low / s), 0, 15)
        qq = np.clip(np.round(blocks / s[..., None]) + z[..., None], 0, 15)
        err = (((qq - z[..., None]) * s[..., None] - blocks) ** 2).sum(axis=-1)
        if best_err is None:
            best_err, scale, zero, q = err, s, z, qq
        else:
            better = err < best_err
            best_err = np.where(better, err, best_err)
            scale, zero = np.where(better, s, scale), np.where(better, z, zero)
            q = np.where(better[..., None], qq, q)
    values = q.reshape(*moved.shape[:-1], count * block)[..., :size]
    return (
        np.moveaxis(values, -1, axis).astype(np.uint8),
        np.moveaxis(scale, -1, axis).astype(np.float32),
        np.moveaxis(zero, -1, axis).astype(np.uint8),
    )


def _uint4_tensor(values: npt.NDArray[np.uint8], name: str) -> TensorProto:
    """A ``UINT4`` initializer: two values a byte, the first in the low nibble (ONNX's packing)."""
    import numpy as np
    from onnx import TensorProto, helper

    flat = values.reshape(-1).astype(np.uint8)
    if flat.size % 2:
        flat = np.append(flat, np.uint8(0))
    packed = (flat[0::2] & 0x0F) | (flat[1::2] << 4)
    return helper.make_tensor(name, TensorProto.UINT4, list(values.shape), packed.astype(np.uint8).tobytes(), raw=True)


def quantise_graph(source: Path, target: Path, scheme: Scheme = INT8) -> int:
    """Write ``source`` with its large 2-D float weights stored as ``scheme`` says to
    ``target``; returns how many weights were quantised."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    consumers: dict[str, list[str]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node.op_type)
    kept, added, count, blocked = [], [], 0, False
    for init in graph.initializer:
        weights = numpy_helper.to_array(init)
        if weights.dtype != np.float32 or weights.ndim != 2 or weights.size < scheme.min_size:
            kept.append(init)
            continue
        table = any(op in ROW_READERS for op in consumers.get(init.name, []))
        bits = scheme.table_bits if table else scheme.bits
        inputs = [f"{init.name}_q", f"{init.name}_scale", f"{init.name}_zero"]
        if bits == 8:
            axis = 0 if table else 1  # the axis of the scales: one per row, or per output column
            q8, scale = _int8(weights, axis)
            kept += [
                numpy_helper.from_array(q8, inputs[0]),
                numpy_helper.from_array(scale, inputs[1]),
                numpy_helper.from_array(np.zeros(scale.shape, dtype=np.int8), inputs[2]),
            ]
            attributes: dict[str, Any] = {"axis": axis}
        else:
            axis = 1 if table else 0  # the axis the blocks run along: a row, or an input column
            q4, scale4, zero = int4_blocks(weights, axis, scheme.block, scheme.half_scales)
            scales = numpy_helper.from_array(scale4.astype(np.float16) if scheme.half_scales else scale4, inputs[1])
            kept += [_uint4_tensor(q4, inputs[0]), scales, _uint4_tensor(zero, inputs[2])]
            attributes = {"axis": axis, "block_size": scheme.block}
            blocked = True
        half = bits == 4 and scheme.half_scales  # float16 out of DequantizeLinear, then a Cast
        weight = f"{init.name}_half" if half else init.name
        added.append(helper.make_node("DequantizeLinear", inputs, [weight], name=f"{init.name}_dequantize",
                                      **attributes))
        if half:
            added.append(helper.make_node("Cast", [weight], [init.name], name=f"{init.name}_cast",
                                          to=onnx.TensorProto.FLOAT))
        count += 1
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = [*added, *graph.node]
    del graph.node[:]
    graph.node.extend(nodes)
    if blocked:  # blocked DequantizeLinear and 4-bit types are opset 21 (IR version 10)
        for opset in model.opset_import:
            if opset.domain in ("", "ai.onnx"):
                opset.version = max(opset.version, 21)
        model.ir_version = max(model.ir_version, 10)
    onnx.save(model, str(target))
    return count


__all__ = ["INT8", "ROW_READERS", "Scheme", "int4_blocks", "quantise_graph"]
