"""The index under faults, in real processes (``tests/fake_kb.py``, the fake embedder):
``kill -9`` at three moments, two ``kb index`` at once, searches during re-indexing.
Bounded: every wait has a timeout; the whole file takes some seconds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.search import snapshot, store
from indexer.search.build import build_index
from indexer.search.store import current_folder, kb_dir, load_index

FAKE_KB = Path(__file__).parent.parent / "fake_kb.py"
REPO = Path(__file__).resolve().parents[2]


def start(args: list[str], pause: str = "", marker: Path | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    if pause:
        env["KB_TEST_PAUSE"] = f"{pause}:{marker}"
    return subprocess.Popen([sys.executable, str(FAKE_KB), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def wait_for(path: Path, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before {path.name}: {proc.stdout.read().decode()}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"timed out waiting for {path.name}")
        time.sleep(0.02)


@pytest.mark.parametrize("moment", ["embed", "write", "switch"])
def test_kill_9_leaves_the_live_index_usable_and_the_next_run_cleans_up(
    fake_index: Path, fake_embedder, tmp_path: Path, moment: str
) -> None:
    before = current_folder(fake_index)
    marker = tmp_path / "markers"
    marker.mkdir()
    proc = start(["index", "--full", "--root", str(fake_index)], moment, marker)
    wait_for(marker / moment, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()  # type: ignore[union-attr]
    assert current_folder(fake_index) == before
    assert len(load_index(fake_index, fake_embedder.model_id).chunks) == 10
    leftovers = sorted(p.name for p in kb_dir(fake_index).iterdir() if p.name.endswith(".tmp"))
    assert bool(leftovers) == (moment == "write")
    report = build_index(fake_index, embedder=lambda: fake_embedder)
    assert set(report.cleaned) == set(leftovers)
    folders = [p.name for p in kb_dir(fake_index).iterdir() if p.is_dir() and p.name.startswith("index-")]
    assert sorted(folders) == sorted({before.name, report.folder.name})  # the killed run's folder is gone
    assert len(load_index(fake_index, fake_embedder.model_id).chunks) == 10


def test_a_second_kb_index_fails_at_once_and_the_first_completes(fake_index: Path, fake_embedder,
                                                                 tmp_path: Path) -> None:
    marker = tmp_path / "markers"
    marker.mkdir()
    first = start(["index", "--full", "--root", str(fake_index)], "embed", marker)
    wait_for(marker / "embed", first)
    started = time.monotonic()
    second = subprocess.run([sys.executable, str(FAKE_KB), "index", "--root", str(fake_index)],
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60)
    assert second.returncode == 1 and "Traceback" not in second.stderr
    assert second.stderr.strip().splitlines()[-1] == (
        f"Error: another kb index is running in {fake_index} (pid {first.pid})"
    )
    assert time.monotonic() - started < 30
    (marker / "go").touch()
    out, _ = first.communicate(timeout=60)
    assert first.returncode == 0, out.decode()
    assert "(10 embedded, 0 unchanged)" in out.decode()
    assert len(load_index(fake_index, fake_embedder.model_id).chunks) == 10


WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from conftest import FakeEmbedder
from indexer.search.build import build_index
embedder = FakeEmbedder()
for _ in range(int(sys.argv[3])):
    build_index(Path(sys.argv[1]), embedder=lambda: embedder, reuse=False)
"""


def test_searches_during_reindexing_never_see_a_damaged_index(fake_index: Path, fake_embedder) -> None:
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(fake_index), str(Path(__file__).parent.parent), "15"],
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    loads, seen = 0, set()
    deadline = time.monotonic() + 60
    try:
        while writer.poll() is None and time.monotonic() < deadline:
            index = load_index(fake_index, fake_embedder.model_id)  # raises on anything damaged
            assert len(index.chunks) == 10
            seen.add(index.folder.name)
            loads += 1
    finally:
        writer.kill() if writer.poll() is None else None
    assert writer.wait(timeout=10) == 0
    assert loads >= 15 and len(seen) >= 3  # the readers really raced several switches


def test_a_reader_whose_folder_vanishes_reads_the_new_one(fake_index: Path, fake_embedder,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real = snapshot._load_folder
    raced: list[Path] = []

    def racing(folder: Path, root: Path, model: str) -> store.LoadedIndex:
        if not raced:  # between reading the pointer and reading the files, two re-indexes
            raced.append(folder)
            build_index(fake_index, embedder=lambda: fake_embedder)
            build_index(fake_index, embedder=lambda: fake_embedder)
            assert not folder.exists()
        return real(folder, root, model)

    monkeypatch.setattr(snapshot, "_load_folder", racing)
    index = load_index(fake_index, fake_embedder.model_id)
    assert raced and index.folder != raced[0] and len(index.chunks) == 10


def test_a_search_process_ends_at_once_with_its_output_whole(fake_index: Path, tmp_path: Path) -> None:
    """``kb search`` and ``kb ask`` end by ``os._exit`` once flushed (``indexer.cli.run``): all
    their output still arrives, with the exit code, and a standard output that cannot be
    written is still one line and exit 1."""
    queries = tmp_path / "queries.txt"
    queries.write_text("\n".join(["lead professional", "co-location", "information sharing"] * 20), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    many = subprocess.run([sys.executable, str(FAKE_KB), "search", "--queries", str(queries), "--json", "--top-k", "10",
                           "--root", str(fake_index)], env=env, capture_output=True, text=True, timeout=120)
    assert many.returncode == 0, many.stderr
    lines = many.stdout.splitlines()
    assert len(lines) == 60 and all(json.loads(line)["results"] for line in lines)
    empty = subprocess.run([sys.executable, str(FAKE_KB), "ask", "  ", "--root", str(fake_index)], env=env,
                           capture_output=True, text=True, timeout=120)
    assert empty.returncode == 1 and empty.stderr.strip().startswith("Error: "), empty.stderr
    with open("/dev/full", "w") as full:
        failed = subprocess.run([sys.executable, str(FAKE_KB), "search", "lead professional", "--root", str(fake_index)],
                                env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert failed.returncode == 1
    assert failed.stderr.strip() == "Error: cannot write to the standard output: No space left on device"


def test_vectors_faiss_cannot_open_by_path_are_read_from_the_checked_bytes(
    fake_index: Path, fake_embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faiss
    import numpy as np

    expected = load_index(fake_index, fake_embedder.model_id).dense

    read_index = faiss.read_index

    def cannot_open(source: object, *args: object) -> object:
        if isinstance(source, str):  # a path (deserialize_index passes a reader)
            raise RuntimeError("Error: 'f' failed: could not open for reading")
        return read_index(source, *args)

    monkeypatch.setattr(faiss, "read_index", cannot_open)  # say, the folder was cleaned up since
    dense = load_index(fake_index, fake_embedder.model_id).dense
    assert dense.ntotal == expected.ntotal > 0
    assert np.array_equal(dense.reconstruct_n(0, dense.ntotal), expected.reconstruct_n(0, expected.ntotal))
