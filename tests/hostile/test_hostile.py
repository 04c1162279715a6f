"""Run every hostile case (``cases_*.py``) and keep the summary table in the docs true."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter
from pathlib import Path

import harness
import pytest

import indexer.search.build
import indexer.search.query

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "hostile-input.md"


def all_cases() -> list[harness.Case]:
    package = Path(__file__).parent
    cases: list[harness.Case] = []
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        if info.name.startswith("cases_"):
            cases.extend(importlib.import_module(info.name).CASES)
    return cases


CASES = all_cases()


def test_case_ids_are_unique() -> None:
    ids = Counter(case.id for case in CASES)
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    real_build, real_open = indexer.search.build.build_index, indexer.search.query.open_searcher
    monkeypatch.setattr(indexer.search.build, "build_index",
                        lambda root, **kw: real_build(root, embedder=lambda: fake_embedder, **kw))
    monkeypatch.setattr(indexer.search.query, "open_searcher",
                        lambda root, mode="hybrid": real_open(root, mode, embedder=fake_embedder))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_case(case: harness.Case, tmp_path: Path, fake_model: None) -> None:
    if case.skip:
        pytest.skip(case.skip)
    root = harness.make_project(tmp_path)
    if case.index_first:
        first = harness.invoke(["index", "--root", "{root}"], root)
        assert first.exit_code == 0, first.output
    harness.apply(case, root)
    harness.assert_case(case, harness.run_case(case, root), root)


def test_summary_table_in_docs_matches_the_cases() -> None:
    counts = Counter(case.klass for case in CASES)
    rows = dict(re.findall(r"^\| ([^|]+?) \| (\d+) \|", DOC.read_text(encoding="utf-8"), re.MULTILINE))
    assert {name: int(n) for name, n in rows.items() if name != "total"} == {
        k: counts[k] for k in harness.CLASSES if counts[k]
    }
    assert int(rows["total"]) == len(CASES)
