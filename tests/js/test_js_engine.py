"""The site's search engine in JavaScript equals the Python one: the Node suite (tests/js/*.test.mjs)
run on fixtures written here, from the real corpus, into tmp_path (so they are never stale).

No browser and no model: the vectors come from a fake embedder (``jsfixtures.WordVectorEmbedder``),
and the JS engine is given the same query vectors as the Python one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from jsfixtures import REPO, WordVectorEmbedder, copy_project, write_fixtures

SUITE = Path(__file__).parent


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("KB_SKIP_BROWSER") == "1":
            pytest.skip("KB_SKIP_BROWSER=1")
        pytest.fail("node (Node.js 20.19 or newer) is not installed")
    if not (REPO / "node_modules" / "multilingual-stemmer").is_dir():
        pytest.fail("the JavaScript packages are missing: run `npm ci --ignore-scripts` at the repository root")
    return node


def test_node_suite_on_fixtures_from_python(tmp_path: Path) -> None:
    node = _node()
    out = tmp_path / "fixtures"
    counts = write_fixtures(copy_project(tmp_path / "project"), out, WordVectorEmbedder, REPO / "node_modules")
    assert counts["queries"] >= 100 and counts["words"] >= 5000, counts
    done = subprocess.run(
        [node, "--test", "--test-reporter=tap", *sorted(str(p) for p in SUITE.glob("*.test.mjs"))],
        capture_output=True, text=True, timeout=300, cwd=REPO,
        env={**os.environ, "KB_JS_FIXTURES": str(out)},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "# fail 0" in output and "# SKIP" not in output, output
    assert "identical top 10 in hybrid mode" in output, output
    assert "the same answer given the same sentence vectors" in output, output
