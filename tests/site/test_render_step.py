"""The site step is builder-agnostic: ``kb site render OUT`` + plain MkDocs (no kb plugin) gives
the site the plugin gives, and ProperDocs (a maintained MkDocs 1.6 fork) builds both ways."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitebuild import build, make_project

from indexer.cli import main

ARTICLE_RE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)
#: files that hold the build's own time or the builder's name
VARYING = {"sitemap.xml", "sitemap.xml.gz"}


def _render(project: Path, out: Path) -> str:
    result = CliRunner().invoke(main, ["site", "render", str(out), "--no-search", "--root", str(project)])
    assert result.exit_code == 0, result.output
    return result.output


def _build_with(tool: str, config: Path, site: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", tool, "build", "--strict", "-f", str(config), "-d", str(site)]
    done = subprocess.run(command, cwd=config.parent, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def _files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file() and p.name not in VARYING}


def _same_site(a: Path, b: Path) -> None:
    files_a, files_b = _files(a), _files(b)
    assert sorted(files_a) == sorted(files_b)
    pages = [name for name in files_a if name.endswith(".html")]
    assert len(pages) > 20
    for name in pages:
        article_a = ARTICLE_RE.search(files_a[name].read_text(encoding="utf-8"))
        article_b = ARTICLE_RE.search(files_b[name].read_text(encoding="utf-8"))
        assert (article_a and article_a.group(1)) == (article_b and article_b.group(1)), name
    for name in files_a:
        if not name.endswith(".html") and name != "search/search_index.json":
            assert files_a[name].read_bytes() == files_b[name].read_bytes(), name


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("render")
    project = make_project(root / "project")  # with edit_uri: the edit links are compared too
    plugin = build(project, root / "plugin-site")
    assert plugin.returncode == 0, plugin.output
    out = root / "rendered"
    _render(project, out)
    _build_with("mkdocs", out / "mkdocs.yml", root / "rendered-site")
    return {"project": project, "plugin": plugin.site, "out": out, "rendered": root / "rendered-site", "root": root}


def test_render_step_and_plain_mkdocs_give_the_plugins_site(builds: dict[str, Path]) -> None:
    _same_site(builds["plugin"], builds["rendered"])
    config = (builds["out"] / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - kb:" not in config and "absolute_links: relative_to_docs" not in config
    finding = next((builds["rendered"] / "findings").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'class="citation-ref"' in finding and 'href="../../bibliography/#' in finding  # relative, resolved
    assert 'name="citation_title"' in finding  # the theme override put the page's meta tags in <head>
    assert "Cite this page" in finding


def test_edit_links_open_the_corpus_file_both_ways(builds: dict[str, Path]) -> None:
    """The site step gives each generated page its edit link (the corpus file's, none for an
    index page); plain MkDocs gives a hand-written page its own, as the plugin's build does."""
    for site in (builds["plugin"], builds["rendered"]):
        finding = (site / "findings" / "co-location-what-it-achieves" / "index.html").read_text(encoding="utf-8")
        assert 'href="https://example.org/kb/edit/main/corpus/findings/co-location-what-it-achieves.md"' in finding
        assert "/edit/main/" not in (site / "findings" / "index.html").read_text(encoding="utf-8")
        about = (site / "about-sources" / "index.html").read_text(encoding="utf-8")
        assert 'href="https://example.org/kb/edit/main/docs/about-sources.md"' in about


def test_generated_links_are_relative(builds: dict[str, Path]) -> None:
    pages = [p for p in (builds["out"] / "docs").rglob("*.md")]
    absolute = [p.name for p in pages if re.search(r"\]\(/[^)]*\)", p.read_text(encoding="utf-8"))]
    assert absolute == []


def test_render_rewrites_only_what_changed(builds: dict[str, Path], tmp_path: Path) -> None:
    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(builds["project"], project)
    shutil.copytree(builds["out"], out)
    _render(project, out)  # the copy's mkdocs.yml names its own folder
    again = _render(project, out)
    assert " 0 written," in again and " 0 removed" in again
    entry = next((project / "corpus" / "findings").glob("*.md"))
    entry.write_text(entry.read_text(encoding="utf-8").replace("\n\n", "\n\nEdited paragraph.\n\n", 1), encoding="utf-8")
    changed = _render(project, out)
    assert re.search(r": [1-9]\d? written, \d+ unchanged, 0 removed", changed), changed


def test_render_refuses_a_folder_it_did_not_make(tmp_path: Path, builds: dict[str, Path]) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["site", "render", str(tmp_path), "--no-search", "--root", str(builds["project"])])
    assert result.exit_code == 1 and "not made by kb site render" in result.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_properdocs_builds_the_project_and_the_rendered_pages(builds: dict[str, Path]) -> None:
    _build_with("properdocs", builds["project"] / "mkdocs.yml", builds["root"] / "proper-plugin")
    _build_with("properdocs", builds["out"] / "mkdocs.yml", builds["root"] / "proper-rendered")
    _same_site(builds["plugin"], builds["root"] / "proper-plugin")
    _same_site(builds["plugin"], builds["root"] / "proper-rendered")
