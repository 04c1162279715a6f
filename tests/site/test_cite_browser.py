"""Citing in Debian's chromium: tests/browser/cite_check.mjs over a copy of the real site.

The bibliography's style switch (by mouse and keyboard, kept across a reload), its filter, A–Z
bar and folded "Cited in"; a reference copied (plain text as shown, HTML with italics) and one
downloaded (its own RIS file); "Cite this page" with the reader's address (no query or
fragment) and today's date; the knowledge base's own citation and its file; the bibliography
without JavaScript (Harvard shown, APA hidden, no dead controls, the downloads still there).
Screenshots at 1280x800 and 390x844 go to ``screenshots/`` under ``$KB_TEST_OUTPUT`` or a
pytest temporary folder.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from sitebuild import REPO, Build, build, copy_repository, serve_folder
from test_browser import CHROMIUM, _require_tools

pytestmark = pytest.mark.browser

SCRIPT = REPO / "tests" / "browser" / "cite_check.mjs"
KEY = "atkinson2002multiagency"
ENTRY = "findings/co-location-what-it-achieves/"


@pytest.fixture(scope="module")
def cite_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("cite-site")
    built = build(copy_repository(root / "project", semantic_search="false"), root / "site")
    assert built.returncode == 0, built.output
    return built


def test_citing_in_chromium(cite_site: Build, tmp_path: Path, test_output: Path) -> None:
    node = _require_tools()
    shots = test_output / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with serve_folder(cite_site.site) as url:
        config = {"base": url, "out": str(shots), "chromium": CHROMIUM, "entry": ENTRY, "key": KEY, "filter": "Laming"}
        path = tmp_path / "cite.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        done = subprocess.run([node, str(SCRIPT), str(path)], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr or done.stdout
    report = json.loads(done.stdout.strip().splitlines()[-1])
    checks = report["checks"]
    assert {k: v for k, v in checks.items() if isinstance(v, str)} == {}
    assert report["external"] == [] and report["consoleErrors"] == []

    switch = checks["style_switch"]
    assert switch["harvard"].startswith("Atkinson, M. et al. (2002) Multi-agency working: a detailed study.")
    assert switch["apa"].startswith("Atkinson, M., Wilkin, A., Stott, A., Doherty, P., & Kinder, K. (2002).")
    assert switch["pressed"] == "true" and switch["kept"] and switch["back"]

    copied = checks["copy_reference"]
    assert copied["copied"] == copied["shown"] and copied["italic"]
    download = checks["download_reference"]
    assert download["name"] == f"{KEY}.ris" and f"ID  - {KEY}" in download["text"]

    found = checks["filter_and_letters"]
    assert found["total"] > 100 and 0 < found["shown"] < 10 and found["status"] == f"{found['shown']} references match."
    assert found["letters"] >= 15 and found["hash"] == "#letter-a"
    assert checks["cited_in_folded"] == {"before": False, "after": True}

    for name in ("desktop", "phone"):
        box = checks[f"cite_this_page_{name}"]
        address = url + ENTRY  # the reader's own address, without ?from=test#cite-this-page
        assert [u for u in box["urls"] if u] == [address, address], box["urls"]
        assert box["accessed"] == [box["today"]] and not box["noJsNote"] and not box["siteUrlNote"]
        assert box["today"].endswith(str(dt.date.today().year))

    kb = checks["cite_the_knowledge_base"]
    assert [u for u in kb["urls"] if u] == [url, url]
    assert "Editors of Multi-agency working in the early years" in kb["text"]
    assert kb["bibtex"].startswith("@online{kb-knowledge-base,") and f"url = {{{url}}}" in kb["bibtex"]

    assert checks["without_javascript"] == {"harvard": True, "apa": False, "switchShown": False,
                                            "copyShown": False, "download": True}
    assert {p.name for p in shots.glob("*.png")} >= {"bibliography-desktop.png", "bibliography-phone.png",
                                                       "cite-this-page-desktop.png", "cite-this-page-phone.png"}
