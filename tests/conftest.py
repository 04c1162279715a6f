"""Shared test fixtures: a deterministic fake embedder and the search fixture corpus."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEARCH_FIXTURE = FIXTURES / "search"


class FakeEmbedder:
    """Hashes lowercase words into a fixed-dimension vector, normalised: no model needed.

    Texts sharing words get similar vectors, so ranking tests are meaningful; ``calls``
    counts the texts embedded, so incremental re-indexing can be checked.
    """

    model_id = "fake/hashing-64"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.lower()) or ["<empty>"]
            for word in words:
                h = int.from_bytes(hashlib.md5(word.encode()).digest()[:4], "little")
                out[row, h % self.dim] += 1.0 if h & 1 << 31 else -1.0
            norm = np.linalg.norm(out[row])
            if norm == 0:
                out[row, 0], norm = 1.0, 1.0
            out[row] /= norm
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def search_project(tmp_path: Path) -> Path:
    """A copy of the search fixture project (corpus/ and bibliography.bib) to change freely."""
    root = tmp_path / "project"
    shutil.copytree(SEARCH_FIXTURE, root)
    return root


@pytest.fixture
def fake_index(search_project: Path, fake_embedder: FakeEmbedder) -> Path:
    """The fixture project indexed with the fake embedder; returns the project root."""
    from indexer.search.build import build_index

    build_index(search_project, embedder=lambda: fake_embedder)
    return search_project


# --- no test writes into the source tree -------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
_TOOL_CACHES = ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")


def _tree_state() -> set[str] | None:
    """Untracked, ignored and modified paths of the checkout (None outside a git checkout)."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
            cwd=REPO, capture_output=True, text=True, timeout=60, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    paths = {line[3:] for line in done.stdout.splitlines()}
    return {p for p in paths if not any(part in _TOOL_CACHES for part in Path(p).parts)}


_BEFORE: set[str] | None = None


def pytest_sessionstart(session: pytest.Session) -> None:
    global _BEFORE
    _BEFORE = _tree_state()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    after = _tree_state()
    if _BEFORE is None or after is None:
        return
    written = sorted(after - _BEFORE)
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"FAILED: the tests wrote into the source tree: {', '.join(written[:20])}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
