"""One in-text label per work, wherever it is shown: the pages (the citation extension), kb
search (text and --json), the chunk data of the search page, and kb cite's exports, for every
key of the real bibliography (year suffixes included: "Department of Health, 1998a")."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner

import indexer.search.build
import indexer.search.query
from indexer.cite.citestyle import load_style
from indexer.cli import main
from indexer.corpus.bibliography import load_bibliography

REPO = Path(__file__).resolve().parents[2]
SEARCH_FIXTURE = REPO / "tests" / "fixtures" / "search"
ENTRY = """---
id: every-work
title: Every work of the bibliography
kind: finding
summary: One section per work, citing it in both forms.
sources: [{first}]
tags: [co-location]
theme: benefits
---

{body}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The search fixture's corpus with the real bibliography and an entry citing every key."""
    root = tmp_path_factory.mktemp("labels") / "project"
    shutil.copytree(SEARCH_FIXTURE, root)
    shutil.copyfile(REPO / "bibliography.bib", root / "bibliography.bib")
    keys = list(load_bibliography(root / "bibliography.bib").references)
    body = "\n".join(
        f"## Work {n}\n\nClaim {n} rests on this work [@{key}]. Then @{key} says so.\n" for n, key in enumerate(keys)
    )
    (root / "corpus" / "findings" / "every-work.md").write_text(ENTRY.format(first=keys[0], body=body), "utf-8")
    return root


@pytest.fixture(scope="module")
def expected(project: Path) -> dict[str, tuple[str, str]]:
    """key -> (parenthetical, narrative) as the site's style gives them."""
    style = load_style(project / "bibliography.bib")
    labels = {key: style.label(key) for key in style.items}
    assert any(re.search(r"\d{4}[a-z]$", label.year) for label in labels.values())  # suffixes are in play
    return {key: (label.parenthetical, label.narrative) for key, label in labels.items()}


def _fake_embedder_class() -> type:
    """tests/conftest.py's FakeEmbedder (imported by path: each test folder has a conftest)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kb_root_conftest", REPO / "tests" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return type(module.FakeEmbedder())


FakeEmbedder = _fake_embedder_class()


@pytest.fixture(scope="module")
def indexed(project: Path) -> Path:
    indexer.search.build.build_index(project, embedder=FakeEmbedder)
    return project


def _page_labels(project: Path, keys: list[str]) -> dict[str, tuple[str, str]]:
    text = "\n\n".join(f"[@{key}] and @{key}" for key in keys)
    page = markdown.markdown(
        text,
        extensions=["indexer.site.mdx_citations"],
        extension_configs={"indexer.site.mdx_citations": {"bibliography": str(project / "bibliography.bib")}},
    )
    found: dict[str, list[str]] = {}
    for href_key, label in re.findall(r'<a class="citation-ref" href="[^"#]*#([^"]+)"[^>]*>(.*?)</a>', page):
        found.setdefault(href_key, []).append(re.sub(r"<[^>]+>", "", label).replace("&amp;", "&"))
    return {key: (found[key][0], found[key][1]) for key in keys}


def test_pages_print_the_one_label(project: Path, expected: dict[str, tuple[str, str]]) -> None:
    assert _page_labels(project, list(expected)) == expected


def test_kb_search_json_and_text_print_the_one_label(
    indexed: Path, expected: dict[str, tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = indexer.search.query.open_searcher
    monkeypatch.setattr(indexer.search.query, "open_searcher",
                        lambda root, mode="hybrid": real_open(root, mode, embedder=FakeEmbedder()))
    args = ["search", "claim rests on this work then says so", "--mode", "lexical", "--top-k", "1000",
            "--kind", "finding", "--root", str(indexed)]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    seen: dict[str, str] = {}
    for hit in json.loads(result.output)["results"]:
        if hit["id"] != "findings/every-work" or not hit["section"].startswith("Work"):
            continue  # the entry's intro cites its sources without writing them
        for cite in hit["citations"]:
            parenthetical, narrative = expected[cite["key"]]
            assert f"{cite['author']}, {cite['year']}" == parenthetical
            assert f"({parenthetical})" in hit["text"] and f"{narrative} says so" in hit["text"]
            seen[cite["key"]] = parenthetical
    assert set(seen) == set(expected)
    text = CliRunner().invoke(main, args).output
    sources = re.findall(r"^   Sources: (.*)$", text, re.M)
    shown = {label for line in sources for label in line.split("; ")}
    # results are grouped by entry: each card prints its best passage's sources, with the one label
    assert shown and shown <= {narrative for _parenthetical, narrative in expected.values()}


def test_search_page_data_carries_the_one_label(indexed: Path, expected: dict[str, tuple[str, str]]) -> None:
    from indexer.search.store import load_index
    from indexer.site.search_assets import index_document

    bib = load_bibliography(indexed / "bibliography.bib")
    document = index_document(load_index(indexed, "fake/hashing-64"), bib, load_style(bib.path))
    for key, (_parenthetical, narrative) in expected.items():
        assert document["references"][key]["cite"] == narrative
    texts = " ".join(c["text"] for c in document["chunks"] if c["id"].startswith("findings/every-work"))
    for parenthetical, narrative in expected.values():
        assert f"({parenthetical})" in texts and f"{narrative} says so" in texts


def test_exports_print_the_one_label(project: Path, expected: dict[str, tuple[str, str]]) -> None:
    result = CliRunner().invoke(main, ["cite", "--all", "--format", "text", "--in-text", "--root", str(project)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [f"({parenthetical})" for parenthetical, _narrative in expected.values()]
