"""The built site in a real browser: Debian's chromium driven by playwright-core.

Builds the fixture site, serves it on 127.0.0.1, and runs tests/browser/site_check.mjs,
which checks a finding page's citations and their hover preview, an abbreviation's
tooltip, the timeline and its filter, the bibliography's anchors, the glossary, the case
studies and the search, downloads the citation exports (a page's references in each
format, the whole bibliography as RIS; parsed here with bibtexparser, rispy and json),
and intercepts every request: none may leave 127.0.0.1.
Screenshots go to a pytest temporary folder, or to ``$KB_TEST_OUTPUT/screenshots`` when set.

Needs node, ``npm ci --ignore-scripts`` (playwright-core) and /usr/bin/chromium
(``apt-get install chromium``). Missing any of them is a failure, not a skip; set
KB_SKIP_BROWSER=1 to skip this test on purpose.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitebuild import REPO, Build, serve_folder

pytestmark = pytest.mark.browser

SCRIPT = REPO / "tests" / "browser" / "site_check.mjs"
CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def served(built_site: Build) -> Iterator[str]:
    with serve_folder(built_site.site) as url:
        yield url


def _require_tools() -> str:
    if os.environ.get("KB_SKIP_BROWSER") == "1":
        pytest.skip("KB_SKIP_BROWSER=1: browser test skipped on purpose")
    node = shutil.which("node")
    missing = []
    if node is None:
        missing.append("node (Node.js 20) is not installed")
    if not (REPO / "node_modules" / "playwright-core").is_dir():
        missing.append("playwright-core is not installed: run `npm ci --ignore-scripts` at the repository root")
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} not found: `apt-get install -y chromium`")
    if missing:
        pytest.fail("browser test cannot run (set KB_SKIP_BROWSER=1 to skip it): " + "; ".join(missing))
    assert node is not None
    return node


def test_site_in_chromium(built_site: Build, served: str, tmp_path: Path, test_output: Path) -> None:
    node = _require_tools()
    screenshots = test_output / "screenshots"
    assert built_site.returncode == 0, built_site.output
    finding = built_site.html("findings/co-location-what-it-achieves")
    cited = sorted(set(re.findall(r'class="citation-ref" href="[^"]*bibliography/#([^"]+)"', finding)))
    screenshots.mkdir(parents=True, exist_ok=True)
    config = {
        "base": served,
        "out": str(screenshots),
        "chromium": CHROMIUM,
        "finding": "findings/co-location-what-it-achieves/",
        "abbr": "CAF",
        "abbrPage": "findings/co-location-what-it-achieves/",
        "citedKeys": cited,
        "searchQuery": "co-location",
        "exportPage": "findings/co-location-what-it-achieves/",
        "extraShots": [
            {"name": "case-study", "path": "case-studies/family-of-five/"},
            {"name": "event", "path": "timeline/children-act-2004/"},
            {"name": "tags", "path": "tags/"},
        ],
    }
    config_path = tmp_path / "browser.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run([node, str(SCRIPT), str(config_path)], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr or done.stdout
    report = json.loads(done.stdout.strip().splitlines()[-1])
    failed = {name: result for name, result in report["checks"].items() if isinstance(result, str)}
    assert not failed, failed
    assert report["external"] == [], "requests left 127.0.0.1"
    assert report["consoleErrors"] == []
    assert "Frost, N. (2005)" in report["checks"]["citation_tooltip"]["tooltip"] or re.search(
        r"\(\d{4}[a-z]?\)", report["checks"]["citation_tooltip"]["tooltip"]
    )
    assert report["checks"]["abbreviation_tooltip"]["tooltip"].startswith("Common Assessment Framework")
    assert report["checks"]["timeline"]["events"] == 4
    _check_downloads(report["checks"]["export_download"], finding_keys(built_site))
    for name in (
        "home",
        "finding",
        "finding-tooltip",
        "timeline",
        "glossary",
        "bibliography",
        "case-studies",
        "export-cite",
    ):
        assert (screenshots / f"{name}.png").stat().st_size > 10_000, name


def finding_keys(built_site: Build) -> list[str]:
    """The keys the finding page cites (its sources, then its text), as the export has them."""
    from indexer.cite.export import entry_keys
    from indexer.corpus.entries import load_corpus

    corpus = load_corpus(built_site.project / "corpus")
    return entry_keys(corpus.by_id()["co-location-what-it-achieves"])


def _check_downloads(result: dict[str, object], keys: list[str]) -> None:
    """What the browser downloaded parses with independent parsers and holds the page's works."""
    import bibtexparser
    import rispy

    files = result["files"]
    assert isinstance(files, dict)
    assert files["bibtex"]["name"] == "references.bib"
    library = bibtexparser.parse_string(files["bibtex"]["text"])
    assert not library.failed_blocks and [e.key for e in library.entries] == keys
    assert [r["id"] for r in rispy.loads(files["ris"]["text"])] == keys
    assert [i["id"] for i in json.loads(files["csljson"]["text"])] == keys
    assert result["coins"] == len(keys)
    assert result["meta"] == "Co-location: what it achieves"
    whole = result["whole"]
    assert isinstance(whole, dict) and whole["name"] == "references.ris"
    assert len(rispy.loads(whole["text"])) >= len(keys)
