"""One gate: ``mkdocs build --strict`` fails on exactly what ``kb check`` rejects.

The plugin runs ``kb check`` itself (``indexer.corpus.check.run_check``), so every broken fixture of
``tests/corpus/test_check.py`` and every rejected hostile case of ``tests/hostile/cases_site.py`` must
make the strict build fail, with ``kb check``'s own ``path:line: message`` among the build's
warnings; and a project ``kb check`` accepts (the good fixture, the allowed hostile cases) must
build. Builds run in-process through MkDocs' Python API with the built-in theme (the gate is
the plugin's, not the theme's), a few tenths of a second each.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from indexer.cli import main

TESTS = Path(__file__).resolve().parents[1]
GOOD = TESTS / "fixtures" / "check" / "good"
MKDOCS_YML = """\
site_name: Gate
docs_dir: docs
theme: mkdocs
plugins:
  - kb:
      semantic_search: false
      export: false
"""


def _module(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _check_fixture_problems() -> list[tuple[str, str, str, str, str]]:
    """The broken-input table of ``tests/corpus/test_check.py``: (id, rel, old, new, expected)."""
    test_check = _module("test_check", TESTS / "corpus" / "test_check.py")
    (mark,) = [m for m in test_check.test_broken_input_reported_with_path_and_line.pytestmark if m.name == "parametrize"]
    ids = mark.kwargs.get("ids") or [f"problem-{i}" for i in range(len(mark.args[1]))]
    return [(case_id, *values) for case_id, values in zip(ids, mark.args[1], strict=True)]


def _site_cases() -> list[Any]:
    if str(TESTS / "hostile") not in sys.path:
        sys.path.insert(0, str(TESTS / "hostile"))
    return list(_module("cases_site", TESTS / "hostile" / "cases_site.py").CASES)


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(GOOD, root)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return root


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def strict_build(root: Path, caplog: pytest.LogCaptureFixture) -> tuple[bool, list[str]]:
    """Build ``root`` as ``mkdocs build --strict`` does: (built, the warnings logged)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    caplog.clear()
    config = load_config(config_file=str(root / "mkdocs.yml"), strict=True, site_dir=str(root / "site"))
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        try:
            build(config)
            built = True
        except Abort:
            built = False
    return built, [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def kb_check(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--no-notes", "--root", str(root)])
    return result.exit_code, result.output.splitlines()


def test_good_project_passes_both_gates(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = _project(tmp_path)
    assert kb_check(root)[0] == 0
    built, warnings = strict_build(root, caplog)
    assert built, warnings
    assert warnings == []


@pytest.mark.parametrize(("case_id", "rel", "old", "new", "expected"), _check_fixture_problems(),
                         ids=[p[0] for p in _check_fixture_problems()])
def test_check_fixture_problem_fails_the_strict_build(
    case_id: str, rel: str, old: str, new: str, expected: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = _project(tmp_path)
    _replace(root, rel, old, new)
    code, lines = kb_check(root)
    assert code == 1 and expected in lines
    built, warnings = strict_build(root, caplog)
    assert not built, f"{case_id}: the strict build passed what kb check rejects"
    assert expected in warnings, "\n".join(warnings)
    errors = [line for line in lines if line[:1] != " " and ": " in line and not line[0].isdigit()]
    assert set(errors) <= set(warnings), "every kb check error is a build warning"


@pytest.mark.parametrize("case", _site_cases(), ids=[c.id for c in _site_cases()])
def test_site_content_case_has_the_same_answer_in_both_gates(
    case: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import harness

    root = _project(tmp_path)
    harness.apply(case, root)
    code, lines = kb_check(root)
    assert code == case.exit_code, lines
    built, warnings = strict_build(root, caplog)
    if case.exit_code == 0:
        assert built and warnings == [], warnings
    else:
        assert not built, f"{case.id}: the strict build passed what kb check rejects"
        assert case.message in warnings, "\n".join(warnings)
