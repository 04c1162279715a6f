"""The kb index / kb search command line: one-line messages, the JSON contract, --queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import indexer.search.build
import indexer.search.query
from indexer.cli import main


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch, fake_embedder) -> None:
    """Make kb index and kb search use the fake embedder instead of the real model."""
    real_build, real_open = indexer.search.build.build_index, indexer.search.query.open_searcher
    monkeypatch.setattr(indexer.search.build, "build_index",
                        lambda root, **kw: real_build(root, embedder=lambda: fake_embedder, **kw))
    monkeypatch.setattr(indexer.search.query, "open_searcher",
                        lambda root, mode="hybrid": real_open(root, mode, embedder=fake_embedder))


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_index_reports_counts_problems_and_skipped_files(search_project: Path, fake_model) -> None:
    result = run("index", "--root", str(search_project))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("indexed 10 chunks from 5 entries in ")
    assert "(10 embedded, 0 unchanged)" in lines[0]
    assert lines[1] == "skipped 1 file(s) that could not be parsed: corpus/findings/broken-entry.md"
    assert lines[2].endswith("problem(s): run kb check")
    again = run("index", "--root", str(search_project))
    assert "(0 embedded, 10 unchanged)" in again.output


def test_search_without_index_says_what_to_run(search_project: Path, fake_model) -> None:
    line = one_line_error(run("search", "co-location", "--root", str(search_project)))
    assert "no search index" in line and line.endswith("run kb index")


def test_search_with_stale_index_refuses(fake_index: Path, fake_model) -> None:
    (fake_index / "corpus" / "glossary" / "co-location.md").unlink()
    line = one_line_error(run("search", "co-location", "--root", str(fake_index)))
    assert "older than the corpus" in line and line.endswith("run kb index")


def test_json_output_is_one_line_per_query(fake_index: Path, fake_model) -> None:
    result = run("search", "TAC meeting", "--json", "--top-k", "2", "--root", str(fake_index))
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    data = json.loads(line)
    assert data["query"] == "TAC meeting" and len(data["results"]) == 2
    assert data["results"][0]["id"] == "glossary/team-around-the-child"
    assert set(data["results"][0]) == {"rank", "score", "id", "kind", "title", "section", "url", "text", "citations"}


def test_queries_file_answers_in_order(fake_index: Path, fake_model, tmp_path: Path) -> None:
    queries = ["Childcare Act 2006", "", "TAC", "Carlisle team of the year"]
    path = tmp_path / "q.txt"
    path.write_text("\n".join(queries) + "\n", encoding="utf-8")
    result = run("search", "--queries", str(path), "--json", "--mode", "lexical", "--root", str(fake_index))
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["query"] for a in answers] == ["Childcare Act 2006", "TAC", "Carlisle team of the year"]
    assert answers[2]["results"][0]["id"] == "case-studies/carlisle-childrens-centre"


def test_people_output_is_plain_off_a_terminal(fake_index: Path, fake_model) -> None:
    result = run("search", "one-stop shop", "--top-k", "1", "--root", str(fake_index))
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.output
    assert "1. Co-location  [term]" in result.output and "glossary/co-location/" in result.output
    assert "Sources: McInnes (2007)" in result.output


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--kind", "findng"], "--kind 'findng' is unknown (did you mean finding?)"),
        (["--tag", "colocation"], "--tag 'colocation' is unknown"),
        (["--year-from", "2010", "--year-to", "2000"], "--year-from 2010 is after --year-to 2000"),
        (["--queries", "/no/such/file.txt"], "--queries /no/such/file.txt: cannot read it"),
    ],
)
def test_bad_arguments_get_one_line_naming_them(fake_index: Path, fake_model, args: list[str], named: str) -> None:
    query = [] if "--queries" in args else ["co-location"]
    line = one_line_error(run("search", *query, *args, "--root", str(fake_index)))
    assert named in line


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--year-from", "soon"], "Error: Invalid value for '--year-from': 'soon' is not a valid integer."),
        (["--top-k", "ten"], "Error: Invalid value for '--top-k': 'ten' is not a valid integer range."),
        (["--top-k", "0"], "Error: Invalid value for '--top-k': 0 is not in the range x>=1."),
        (["--mode", "fuzzy"], "Error: Invalid value for '--mode': 'fuzzy' is not one of 'hybrid', 'semantic', 'lexical'."),
    ],
)
def test_click_validates_enumerated_and_integer_options(fake_index: Path, fake_model, args: list[str], line: str) -> None:
    result = run("search", "co-location", *args, "--root", str(fake_index))
    assert result.exit_code == 2 and line in result.output.splitlines()


def test_help_shows_the_types_of_mode_and_top_k() -> None:
    from indexer.cli import MODES
    from indexer.search.query import MODES as LIBRARY_MODES

    assert MODES == LIBRARY_MODES
    help_text = run("search", "--help").output
    assert "[hybrid|semantic|lexical]" in help_text and "INTEGER RANGE" in help_text


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_is_one_line(fake_index: Path, fake_model, query: str) -> None:
    assert "the query is empty" in one_line_error(run("search", query, "--root", str(fake_index)))


def test_query_and_queries_file_are_exclusive(fake_index: Path, fake_model) -> None:
    assert "give a QUERY or --queries FILE" in one_line_error(run("search", "--root", str(fake_index)))


@pytest.mark.parametrize("command", ["index", "search", "bench"])
def test_every_command_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output
