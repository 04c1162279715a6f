"""Hostile index states: no index, stale, tampered, torn or reshaped files, a broken manifest
or pointer, a corrupt ONNX export, ``.kb`` a file or read-only, leftovers, the lock held.

Readers (``kb search``) refuse a damaged index in one line naming the file; ``kb index`` does
not reuse what fails its checksum or shape and says so.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
from harness import AS_ROOT, FINDING, Case

from indexer.search import store

K = "index state"
R = ["--root", "{root}"]
SEARCH = ["search", "co-location", *R]
INDEX = ["index", *R]
_HELD: list[int] = []  # lock descriptors kept open for the length of the test run


def _live(root: Path) -> Path:
    folder = store.current_folder(root)
    assert folder is not None
    return folder


def _manifest(root: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((_live(root) / store.MANIFEST).read_text(encoding="utf-8"))


def _set_manifest(root: Path, data: object) -> None:
    (_live(root) / store.MANIFEST).write_text(json.dumps(data), encoding="utf-8")


def replace_file(name: str, change: Callable[[bytes], bytes], fix_checksum: bool = False) -> Callable[[Path], None]:
    """A setup changing one file of the live index (and, with ``fix_checksum``, its checksum too)."""

    def setup(root: Path) -> None:
        path = _live(root) / name
        data = change(path.read_bytes())
        path.write_bytes(data)
        if fix_checksum:
            manifest = _manifest(root)
            manifest["checksums"][name] = store.checksum(data)
            _set_manifest(root, manifest)

    return setup


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _first_passage_emptied(data: bytes) -> bytes:
    """chunks.json with its first passage replaced by an object that is not a passage (every
    passage of the small project is among a search's candidates, so a search reads it)."""
    lines = data.split(b"\n")
    lines[1] = b"{},"
    return b"\n".join(lines)


def _second_passage_cut(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[2] = lines[2][: len(lines[2]) // 2]
    return b"\n".join(lines)


def _narrow_dense(data: bytes) -> bytes:
    import faiss

    index = faiss.IndexFlatIP(32)
    index.add(np.zeros((4, 32), dtype=np.float32))
    return bytes(faiss.serialize_index(index).tobytes())


def _bm25_version_1(data: bytes) -> bytes:
    """bm25.npz as the kb before this one wrote it: the same arrays, version 1 in the header."""
    import io
    import json

    arrays = dict(np.load(io.BytesIO(data), allow_pickle=False))
    header = json.loads(arrays["header"].tobytes().decode("utf-8"))
    arrays["header"] = np.frombuffer(json.dumps({**header, "version": 1}).encode("utf-8"), dtype=np.uint8)
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def _edit_manifest(**changes: object) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        _set_manifest(root, {**_manifest(root), **changes})

    return setup


def _pointer(text: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / ".kb" / "current").write_text(text, encoding="utf-8")

    return setup


def _remove(name: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (_live(root) / name).unlink()

    return setup


def _append_to_finding(root: Path) -> None:
    with open(root / FINDING, "a", encoding="utf-8") as fh:
        fh.write("\nA sentence added after indexing.\n")


def _kb_a_file(root: Path) -> None:
    (root / ".kb").write_text("not a folder\n", encoding="utf-8")


def _kb_read_only(root: Path) -> None:
    (root / ".kb").mkdir()
    (root / ".kb").chmod(0o555)


def _leftovers(root: Path) -> None:
    (root / ".kb" / "index-18e0-1.tmp").mkdir(parents=True)
    (root / ".kb" / "index-18e0-1.tmp" / "chunks.json").write_text("[]", encoding="utf-8")
    (root / ".kb" / ".current.abc123.tmp").write_text("index-18e0-1\n", encoding="utf-8")
    (root / ".kb" / "models" / ".export-k1l2m3").mkdir(parents=True)
    (root / ".kb" / "models" / ".export-k1l2m3" / "raw.onnx").write_bytes(b"\0" * 1000)


def _lock_held(root: Path) -> None:
    (root / ".kb").mkdir(exist_ok=True)
    fd = os.open(root / ".kb" / "lock", os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.pwrite(fd, b"4242\n", 0)
    _HELD.append(fd)


def _onnx(tokenizer: bytes | None, model: bytes, sizes: dict[str, int] | None = None) -> Callable[[Path], None]:
    """An index that names an ONNX export (the real model's id) whose files are broken."""

    def setup(root: Path) -> None:
        from indexer.search.embedding import model_id, model_path

        folder = root / ".kb" / "models" / "broken"
        folder.mkdir(parents=True)
        if tokenizer is None:
            shutil.copyfile(model_path() / "tokenizer.json", folder / "tokenizer.json")
        else:
            (folder / "tokenizer.json").write_bytes(tokenizer)
        (folder / "model.onnx").write_bytes(model)
        meta: dict[str, object] = {"model_id": model_id(), "dim": 64}
        if sizes:
            meta["files"] = {name: {"size": size, "blake2b": "0" * 32} for name, size in sizes.items()}
        (folder / "export.json").write_text(json.dumps(meta), encoding="utf-8")
        _set_manifest(root, {**_manifest(root), "model_id": model_id(), "onnx": "models/broken"})

    return setup


DAMAGED = "Error: the search index in {root}/.kb is damaged"
NOT_REUSED = "the previous index was damaged"
REAL_QUERY = {"KB_TEST_REAL_QUERY": "1"}

CASES = [
    Case("index-none", K, SEARCH, 1, "Error: no search index in {root}/.kb: run kb index"),
    Case("index-stale", K, SEARCH, 1, "Error: the search index is older than the corpus (it changed since): "
         "run kb index", index_first=True, setup=_append_to_finding),
    Case("index-other-model", K, SEARCH, 1, "Error: the search index was built by other/model, not "
         "fake/hashing-64: run kb index", index_first=True, setup=_edit_manifest(model_id="other/model")),
    Case("index-old-format", K, SEARCH, 1, "Error: the search index in {root}/.kb was written by an older "
         "version of kb (format 3; this one reads format 5): run kb index",
         index_first=True, setup=_edit_manifest(format=3)),
    Case("index-dense-tampered", K, SEARCH, 1, f"{DAMAGED} (dense.faiss checksum): run kb index",
         index_first=True, setup=replace_file("dense.faiss", _flip)),
    Case("index-dense-truncated", K, SEARCH, 1, f"{DAMAGED} (dense.faiss checksum): run kb index",
         index_first=True, setup=replace_file("dense.faiss", _half)),
    Case("index-dense-torn-checksum-fixed", K, SEARCH, 1, f"{DAMAGED} (dense.faiss cannot be read): run kb index",
         index_first=True, setup=replace_file("dense.faiss", _half, fix_checksum=True)),
    Case("index-dense-wrong-shape", K, SEARCH, 1, f"{DAMAGED} (dense.faiss has 4 vectors of 32 dimensions, "
         "the manifest 4 of 64): run kb index", index_first=True,
         setup=replace_file("dense.faiss", _narrow_dense, fix_checksum=True)),
    Case("index-chunks-truncated", K, SEARCH, 1, f"{DAMAGED} (chunks.json checksum): run kb index",
         index_first=True, setup=replace_file("chunks.json", _half)),
    Case("index-chunks-garbage-checksum-fixed", K, SEARCH, 1, f"{DAMAGED} (chunks.json: not a JSON array with one "
         "passage a line): run kb index", index_first=True, setup=replace_file("chunks.json", _half, fix_checksum=True)),
    Case("index-chunks-line-not-a-passage", K, SEARCH, 1, f"{DAMAGED} (chunks.json: line 2: KeyError): run kb index",
         index_first=True, setup=replace_file("chunks.json", _first_passage_emptied, fix_checksum=True)),
    Case("index-chunks-line-broken", K, SEARCH, 1, f"{DAMAGED} (chunks.json: line 3 is not one passage): "
         "run kb index", index_first=True, setup=replace_file("chunks.json", _second_passage_cut, fix_checksum=True)),
    Case("index-roles-missing", K, SEARCH, 1, f"{DAMAGED} (roles.json is missing): run kb index",
         index_first=True, setup=_remove("roles.json")),
    Case("index-roles-garbage-checksum-fixed", K, SEARCH, 1, f"{DAMAGED} (roles.json: ValueError): run kb index",
         index_first=True, setup=replace_file("roles.json", lambda _d: b'{"roles": [1], "themes": {}}',
                                              fix_checksum=True)),
    Case("index-chunks-missing", K, SEARCH, 1, f"{DAMAGED} (chunks.json is missing): run kb index",
         index_first=True, setup=_remove("chunks.json")),
    Case("index-bm25-missing", K, SEARCH, 1, f"{DAMAGED} (bm25.npz is missing): run kb index",
         index_first=True, setup=_remove("bm25.npz")),
    Case("index-bm25-older-version", K, SEARCH, 1, "Error: the search index in {root}/.kb was written by an older "
         "version of kb (bm25.npz version 1; this one reads version 2): run kb index",
         index_first=True, setup=replace_file("bm25.npz", _bm25_version_1, fix_checksum=True)),
    Case("index-expansion-tampered", K, SEARCH, 1, f"{DAMAGED} (expansion.json checksum): run kb index",
         index_first=True, setup=replace_file("expansion.json", lambda d: d.replace(b"LP", b"XX"))),
    Case("index-manifest-missing", K, SEARCH, 1, f"{DAMAGED} (manifest.json is missing): run kb index",
         index_first=True, setup=_remove("manifest.json")),
    Case("index-manifest-garbage", K, SEARCH, 1, f"{DAMAGED} (manifest.json: Expecting value: line 1 column 1 "
         "(char 0)): run kb index", index_first=True, setup=replace_file("manifest.json", lambda d: b"\0garbage")),
    Case("index-manifest-not-an-object", K, SEARCH, 1, f"{DAMAGED} (manifest.json: not a JSON object): "
         "run kb index", index_first=True, setup=replace_file("manifest.json", lambda d: b"[1, 2]")),
    Case("index-manifest-wrong-type", K, SEARCH, 1, f"{DAMAGED} (manifest.json: dim is str): run kb index",
         index_first=True, setup=_edit_manifest(dim="sixty-four")),
    Case("index-manifest-no-checksum", K, SEARCH, 1, f"{DAMAGED} (the manifest has no checksum for chunks.json): "
         "run kb index", index_first=True, setup=_edit_manifest(checksums={})),
    Case("index-pointer-missing-folder", K, SEARCH, 1, f"{DAMAGED} (current names index-0-0, which is missing): "
         "run kb index", index_first=True, setup=_pointer("index-0-0\n")),
    Case("index-pointer-garbage", K, SEARCH, 1, f"{DAMAGED} (current names '../../etc', not an index folder): "
         "run kb index", index_first=True, setup=_pointer("../../etc\n")),
    Case("index-pointer-empty", K, SEARCH, 1, "Error: no search index in {root}/.kb: run kb index",
         index_first=True, setup=_pointer("")),
    Case("index-reindex-vectors-tampered", K, INDEX, 0,
         f"{NOT_REUSED} (dense.faiss checksum): its vectors were not reused", index_first=True,
         setup=replace_file("dense.faiss", _flip)),
    Case("index-reindex-vectors-wrong-shape", K, INDEX, 0,
         f"{NOT_REUSED} (dense.faiss has 4 vectors of 32 dimensions, the manifest 4 of 64): its vectors were "
         "not reused", index_first=True, setup=replace_file("dense.faiss", _narrow_dense, fix_checksum=True)),
    Case("index-reindex-chunks-tampered", K, INDEX, 0,
         f"{NOT_REUSED} (chunks.json checksum): its vectors were not reused", index_first=True,
         setup=replace_file("chunks.json", _flip)),
    Case("index-reindex-manifest-garbage", K, INDEX, 0,
         f"{NOT_REUSED} (manifest.json: Expecting property name enclosed in double quotes: line 1 column 2 "
         "(char 1)): its vectors were not reused",
         index_first=True, setup=replace_file("manifest.json", lambda d: b"{")),
    Case("index-kb-is-a-file", K, INDEX, 1,
         "Error: {root}/.kb is not a folder (kb index keeps the search index there): move it away", setup=_kb_a_file),
    Case("index-kb-is-a-file-search", K, SEARCH, 1, "Error: no search index in {root}/.kb: run kb index",
         setup=_kb_a_file),
    Case("index-kb-read-only", K, INDEX, 1, "Error: cannot write the search index in {root}/.kb: Permission denied",
         setup=_kb_read_only, skip=AS_ROOT),
    Case("index-leftovers-removed", K, INDEX, 0, "removed 3 leftover(s) of an interrupted run: .current.abc123.tmp, "
         "index-18e0-1.tmp, models/.export-k1l2m3", setup=_leftovers),
    Case("index-lock-held", K, INDEX, 1, "Error: another kb index is running in {root} (pid 4242)",
         setup=_lock_held),
    Case("index-onnx-tokenizer-corrupt", K, SEARCH, 1, "Error: the ONNX model in {root}/.kb/models/broken cannot "
         "be loaded (tokenizer.json: expected value at line 1 column 1): run kb index", index_first=True,
         runner="process", env=REAL_QUERY, setup=_onnx(b"garbage", b"garbage")),
    Case("index-onnx-model-corrupt", K, SEARCH, 1, "Error: the ONNX model in {root}/.kb/models/broken cannot be "
         "loaded (model.onnx: [ONNXRuntimeError] : 7 : INVALID_PROTOBUF : Load model from model.onnx failed:Protobuf "
         "parsing failed.): run kb index", index_first=True, runner="process",
         env=REAL_QUERY, setup=_onnx(None, b"garbage")),
    Case("index-onnx-model-truncated", K, SEARCH, 1, "Error: the ONNX model in {root}/.kb/models/broken cannot be "
         "loaded (model.onnx has 7 bytes, the export wrote 90000000): run kb index", index_first=True,
         runner="process", env=REAL_QUERY, setup=_onnx(None, b"garbage", sizes={"model.onnx": 90000000})),
]
