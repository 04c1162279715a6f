"""kb search --export: the references behind the results (their citations, once each, in order)."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
import rispy
from click.testing import CliRunner

import indexer.search.build
import indexer.search.query
from indexer.cite.export import keys_from_results
from indexer.cli import main


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    """kb search with the fake embedder instead of the real model (as in test_cli_search)."""
    real_open = indexer.search.query.open_searcher
    monkeypatch.setattr(indexer.search.query, "open_searcher",
                        lambda root, mode="hybrid": real_open(root, mode, embedder=fake_embedder))


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def cited(root: Path, *query_args: str) -> list[str]:
    result = run("search", *query_args, "--json", "--root", str(root))
    assert result.exit_code == 0, result.output
    return keys_from_results(r for line in result.output.splitlines() for r in json.loads(line)["results"])


def test_export_replaces_the_results_on_stdout(fake_index: Path, fake_model) -> None:  # type: ignore[no-untyped-def]
    keys = cited(fake_index, "co-location")
    assert keys
    result = run("search", "co-location", "--export", "bibtex", "--root", str(fake_index))
    assert result.exit_code == 0, result.output
    assert [e.key for e in bibtexparser.parse_string(result.output).entries] == keys


def test_export_to_a_file_keeps_the_results(fake_index: Path, fake_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "refs.ris"
    result = run("search", "co-location", "--json", "--export", "ris", "-o", str(out), "--root", str(fake_index))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.splitlines()[0])
    assert [r["id"] for r in rispy.loads(out.read_text(encoding="utf-8"))] == keys_from_results(data["results"])


def test_export_of_several_queries_in_order_once(fake_index: Path, fake_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    queries = tmp_path / "q.txt"
    queries.write_text("co-location\nTAC meeting\nco-location\n", encoding="utf-8")
    keys = cited(fake_index, "--queries", str(queries))
    result = run("search", "--queries", str(queries), "--export", "csljson", "--root", str(fake_index))
    assert result.exit_code == 0, result.output
    assert [i["id"] for i in json.loads(result.output)] == keys


def test_export_with_json_needs_a_file(fake_index: Path, fake_model) -> None:  # type: ignore[no-untyped-def]
    result = run("search", "co-location", "--json", "--export", "ris", "--root", str(fake_index))
    assert result.exit_code != 0
    assert "-o FILE" in result.output
