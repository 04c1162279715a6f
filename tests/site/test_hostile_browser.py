"""The hostile fixture site in chromium: content is always shown as text.

The hostile variant of the site fixture (``hostile_fixture.make_hostile``, made at test time
from ``tests/fixtures/site``) puts markup and script (``<script>``, ``<img onerror>`` loading
from another host, ``</title>``, quotes, an unknown element ``<kbx-evil>``, ``&``) in every
front-matter field, every tag description and the bibliography's titles and publishers; the
bodies show the same as code or escaped text, which ``kb check`` allows. It passes ``kb check``
and builds with ``mkdocs build --strict``. The built HTML is read here (no raw markup from
content in any page), then tests/browser/hostile_check.mjs visits every page kind, the nav, the
citation and abbreviation tooltips, the search box's results and the Ask page's word results: no
script runs (every payload calls ``alert``), no element is made from content, nothing is loaded
from another host, and the titles show as written, escaped exactly once. The Ask page is built
from a fake-embedder index with a stand-in for the model, so its meaning-based results (which
need the real model) are not checked here; the word results are.

Needs node, playwright-core and /usr/bin/chromium, as ``test_browser.py``; set KB_SKIP_BROWSER=1
to skip on purpose.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hostile_fixture import make_hostile
from sitebuild import REPO, Build, serve_folder, with_kb_options
from test_browser import CHROMIUM, _require_tools

from indexer.corpus.check import run_check

pytestmark = pytest.mark.browser

SCRIPT = REPO / "tests" / "browser" / "hostile_check.mjs"
LITERAL = 'Co-location: what it achieves <under five> & "q" </title><script>'
ENTRIES = [
    "findings/co-location-what-it-achieves/",
    "glossary/common-assessment-framework/",
    "case-studies/wirral-eec/",
    "timeline/children-act-2004/",
    "strategies/joint-training/",
    "procedures/multi-agency-plans/",
    "sources/mcinnes-2007-review/",
]
INDEXES = ["", "findings/", "glossary/", "case-studies/", "timeline/", "strategies/", "procedures/",
           "sources/", "bibliography/", "tags/", "ask/"]


def _fake_embedder() -> Any:
    """The fake embedder of ``tests/conftest.py`` (this folder's conftest shadows its name)."""
    spec = importlib.util.spec_from_file_location("kb_tests_conftest", REPO / "tests" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FakeEmbedder()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The hostile fixture built as ``mkdocs build --strict`` does (in-process), with the Ask page:
    its index from the fake embedder and a stand-in for the model (the page then shows its word
    matches, which is what is checked)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    from indexer.search.build import build_index
    from indexer.search.store import load_index
    from indexer.site import search_assets

    root = tmp_path_factory.mktemp("hostile-site")
    project = make_hostile(root / "project")
    shutil.copytree(REPO / "docs" / "assets", project / "docs" / "assets")
    config = with_kb_options((REPO / "mkdocs.yml").read_text(encoding="utf-8"), node_modules=str(REPO / "node_modules"))
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    embedder = _fake_embedder()
    build_index(project, embedder=lambda: embedder)
    index = load_index(project, embedder.model_id)
    (index.onnx_folder / "tokenizer.json").write_text(json.dumps({"model": {"vocab": {}}}), encoding="utf-8")
    stand_in = root / "model.onnx"
    stand_in.write_bytes(b"not a model")
    write_assets = search_assets.write_assets
    site = root / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_assets, "live_index", lambda where, info: load_index(where, embedder.model_id))
        patch.setattr(search_assets, "write_assets",
                      lambda *args, **kw: write_assets(*args, **kw, model=lambda _folder: stand_in))
        try:
            mkdocs_build(load_config(config_file=str(project / "mkdocs.yml"), strict=True, site_dir=str(site)))
        except Abort as exc:
            return Build(project, site, 1, str(exc))
    return Build(project, site, 0, "")


def test_hostile_fixture_passes_kb_check(tmp_path: Path) -> None:
    report = run_check(make_hostile(tmp_path / "project"))
    assert report.errors == []


def test_no_markup_from_content_in_the_built_html(hostile_site: Build) -> None:
    assert hostile_site.returncode == 0, hostile_site.output
    pages = sorted(hostile_site.site.rglob("*.html"))
    assert len(pages) >= len(ENTRIES) + len(INDEXES)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(hostile_site.site)
        assert "<kbx-evil" not in text, f"{where}: an element from content"
        assert not re.search(r"<img[^>]*other\.host", text), f"{where}: an image from another host"
        assert "<script>alert(" not in text, f"{where}: a script from content"
        assert "</title><script>" not in text, f"{where}: the title broke out"
    finding = hostile_site.html("findings/co-location-what-it-achieves")
    description = re.search(r'<meta name="description" content="([^"]*)">', finding)
    assert description is not None and "&quot;q&quot;" in description.group(1)
    assert not (hostile_site.site / "search" / "search_index.json").exists()  # no Material search (lunr)


def test_hostile_site_in_chromium(hostile_site: Build, tmp_path: Path, test_output: Path) -> None:
    node = _require_tools()
    assert hostile_site.returncode == 0, hostile_site.output
    shots = test_output / "hostile-screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with serve_folder(hostile_site.site) as url:
        config = {"base": url, "out": str(shots), "chromium": CHROMIUM, "pages": [*INDEXES, *ENTRIES],
                  "entries": ENTRIES[:1], "literal": LITERAL, "searchQuery": "achieves", "ask": "ask/"}
        config_file = tmp_path / "config.json"
        config_file.write_text(json.dumps(config), encoding="utf-8")
        done = subprocess.run([node, str(SCRIPT), str(config_file)], cwd=REPO, capture_output=True, text=True,
                              timeout=300, env={**os.environ})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    failed = {name: outcome for name, outcome in result["checks"].items() if outcome is not True}
    assert failed == {}, json.dumps(result, indent=1)[:4000]
    assert len(result["checks"]) == len(INDEXES) + len(ENTRIES) + 7
