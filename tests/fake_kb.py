"""``kb`` in a process of its own, with the fake embedder of ``conftest.py``: for the tests
that need a real process (stdout to /dev/full, kill -9, two runs at once).

    python tests/fake_kb.py index --root PROJECT

``KB_TEST_PAUSE=POINT:FOLDER`` makes the run stop at POINT (``embed``: while embedding, the
writer lock held; ``write``: half-way through writing the new index folder; ``switch``: the
folder written and renamed, ``current`` not yet switched): it creates ``FOLDER/POINT`` and
waits until ``FOLDER/go`` exists (or it is killed). ``KB_TEST_REAL_QUERY=1`` leaves
``kb search`` its real query embedder (the ONNX export named by the index).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from conftest import FakeEmbedder

import indexer.search.build
import indexer.search.query
import indexer.search.writer
from indexer.cli import run


def _pause(point: str) -> None:
    wanted, _, folder = os.environ.get("KB_TEST_PAUSE", "").partition(":")
    if wanted != point:
        return
    (Path(folder) / point).touch()
    while not (Path(folder) / "go").exists():
        time.sleep(0.02)


def _patch() -> None:
    embedder = FakeEmbedder()
    real_encode = embedder.encode

    def encode(texts: Any) -> Any:
        _pause("embed")
        return real_encode(texts)

    embedder.encode = encode  # type: ignore[method-assign]
    real_build, real_open = indexer.search.build.build_index, indexer.search.query.open_searcher
    indexer.search.build.build_index = lambda root, **kw: real_build(root, embedder=lambda: embedder, **kw)
    if os.environ.get("KB_TEST_REAL_QUERY") != "1":
        indexer.search.query.open_searcher = lambda root, mode="hybrid": real_open(root, mode, embedder=embedder)
    real_write, real_switch = indexer.search.writer._write_new, indexer.search.writer._switch

    def write_new(path: Path, data: bytes) -> None:
        real_write(path, data)
        if path.name == indexer.search.writer.LEXICAL:  # the last file before the manifest
            _pause("write")

    def switch(base: Path, name: str) -> None:
        _pause("switch")
        real_switch(base, name)

    indexer.search.writer._write_new = write_new
    indexer.search.writer._switch = switch

if __name__ == "__main__":
    _patch()
    run()
