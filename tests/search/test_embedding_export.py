"""The ONNX export's record: sizes checked by kb search, checksums of modified files by kb index."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from indexer.atomic import file_checksum
from indexer.problems import KBError
from indexer.search.embedding import EXPORT_LAYOUT, ONNX_DATA, OnnxEmbedder, read_export_meta


@pytest.fixture
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "models" / "m"
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(b"m" * 100)
    (folder / ONNX_DATA).write_bytes(b"w" * 400)
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    files = {name: {"size": (folder / name).stat().st_size, "mtime_ns": (folder / name).stat().st_mtime_ns,
                    "blake2b": file_checksum(folder / name)} for name in ("model.onnx", ONNX_DATA, "tokenizer.json")}
    meta = {"model_id": "x", "dim": 4, "layout": EXPORT_LAYOUT, "files": files}
    (folder / "export.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def test_an_intact_export_is_used(export: Path) -> None:
    assert read_export_meta(export, verify=True) is not None


def test_a_file_changed_in_place_fails_its_checksum(export: Path) -> None:
    (export / "model.onnx").write_bytes(b"n" * 100)  # same size, new mtime
    os.utime(export / "model.onnx", ns=(1, 1))
    assert read_export_meta(export) is not None  # presence only
    assert read_export_meta(export, verify=True) is None  # kb index exports again


def test_a_truncated_model_is_refused_by_the_query_embedder(export: Path) -> None:
    (export / "model.onnx").write_bytes(b"m" * 10)
    with pytest.raises(KBError, match=r"cannot be loaded \(model.onnx has 10 bytes, the export wrote 100\)"):
        OnnxEmbedder(export, "x", 4)


def test_an_export_of_the_older_layout_is_made_again(export: Path) -> None:
    meta = json.loads((export / "export.json").read_text(encoding="utf-8"))
    del meta["layout"]  # weights inside model.onnx: kb search can use it, kb index exports again
    (export / "export.json").write_text(json.dumps(meta), encoding="utf-8")
    assert read_export_meta(export) is not None
    assert read_export_meta(export, verify=True) is None


def test_missing_weights_are_named(export: Path) -> None:
    (export / ONNX_DATA).unlink()
    with pytest.raises(KBError, match=r"cannot be loaded \(model.onnx.data is missing\): run kb index"):
        OnnxEmbedder(export, "x", 4)
