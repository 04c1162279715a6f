"""The hostile-input suite: one case per fixture, each asserting the exact message and exit code.

A ``Case`` changes a copy of the good check fixture project (``tests/fixtures/check/good``),
runs one ``kb`` command in-process (click's runner, the fake embedder for ``kb index`` and
``kb search``) and asserts three things: the exit code, that one line of the output is exactly
``message`` (``{root}`` in it stands for the project folder), and that no traceback escaped.
Cases live in the ``cases_*.py`` modules beside this file, one list ``CASES`` per module;
``test_hostile.py`` runs them all and checks the summary table in ``docs/hostile-input.md``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner, Result

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "check" / "good"
FINDING = "corpus/findings/co-location-what-it-achieves.md"
TERM = "corpus/glossary/lead-professional.md"
EVENT = "corpus/timeline/children-act-1989.md"
BIB = "bibliography.bib"

# The classes of the summary table, in its order.
CLASSES = (
    "front matter",
    "Markdown body and citations",
    "corpus files",
    "bibliography",
    "command-line arguments",
    "output files",
    "index state",
    "site content",
)


@dataclass(frozen=True)
class Case:
    """One hostile input and what ``kb`` must answer.

    ``files`` maps a path under the project to its new content (``None`` deletes it);
    ``edits`` are ``(path, old, new)`` replacements of existing text (``old`` must be there);
    ``setup`` runs last, for what files cannot say (symlinks, permissions, an index).
    ``message`` is one whole line of the output; ``{root}`` is replaced by the project folder.
    """

    id: str
    klass: str
    command: Sequence[str]
    exit_code: int
    message: str
    files: dict[str, str | bytes | None] = field(default_factory=dict)
    edits: Sequence[tuple[str, str, str]] = ()
    setup: Callable[[Path], None] | None = None
    index_first: bool = False  # build the index (fake embedder) before the changes
    runner: str = "cli"  # "cli": in-process (click's runner); "process": tests/fake_kb.py in a subprocess
    stdout: str | None = None  # with runner "process": a file the command's stdout goes to (e.g. /dev/full)
    skip: str = ""  # a reason to skip the case on this machine (e.g. permissions, as root)
    env: dict[str, str] = field(default_factory=dict)  # with runner "process": extra environment

    def __post_init__(self) -> None:
        assert self.klass in CLASSES, f"{self.id}: unknown class {self.klass!r}"
        assert self.runner in ("cli", "process"), f"{self.id}: unknown runner {self.runner!r}"


def make_project(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(GOOD, root)
    return root


def apply(case: Case, root: Path) -> None:
    for rel, content in case.files.items():
        path = root / rel
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    for rel, old, new in case.edits:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{case.id}: fixture text {old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if case.setup is not None:
        case.setup(root)


def invoke(args: Sequence[str], root: Path) -> Result:
    from indexer.cli import main

    argv = [arg.replace("{root}", str(root)) for arg in args]
    return CliRunner().invoke(main, argv, catch_exceptions=True)


def assert_case(case: Case, result: Result | ProcessResult, root: Path) -> None:
    output = result.output
    assert "Traceback" not in output, f"{case.id}: traceback\n{output}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{case.id}: {type(result.exception).__name__} escaped: {result.exception}\n{output}")
    assert result.exit_code == case.exit_code, f"{case.id}: exit {result.exit_code}, expected {case.exit_code}\n{output}"
    expected = case.message.replace("{root}", str(root))
    assert expected in output.splitlines(), f"{case.id}: no line {expected!r} in\n{output}"


FAKE_KB = Path(__file__).resolve().parents[1] / "fake_kb.py"
AS_ROOT = "root ignores file permissions" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""


@dataclass(frozen=True)
class ProcessResult:
    """What ``run_process`` saw, with the attributes of click's ``Result`` that ``assert_case`` reads."""

    output: str
    exit_code: int
    exception: BaseException | None = None


def run_process(args: Sequence[str], root: Path, stdout: str | None = None, timeout: float = 60,
                env: dict[str, str] | None = None) -> ProcessResult:
    """``kb ARGS`` in a subprocess (``tests/fake_kb.py``: the fake embedder); stdout to ``stdout``
    when given (then the output is stderr alone), else stdout and stderr together."""
    argv = [sys.executable, str(FAKE_KB), *(arg.replace("{root}", str(root)) for arg in args)]
    env = {**os.environ, "PYTHONPATH": str(FAKE_KB.parents[1]), "HF_HUB_OFFLINE": "1", **(env or {})}
    env.pop("KB_ROOT", None)
    if stdout is None:
        proc = subprocess.run(argv, capture_output=True, env=env, timeout=timeout, check=False)
        out = proc.stdout + proc.stderr
    else:
        with open(stdout, "wb") as sink:
            proc = subprocess.run(argv, stdout=sink, stderr=subprocess.PIPE, env=env, timeout=timeout, check=False)
        out = proc.stderr
    return ProcessResult(out.decode("utf-8", "replace"), proc.returncode)


def run_case(case: Case, root: Path) -> Result | ProcessResult:
    """Run the case's command with its runner."""
    if case.runner == "process":
        return run_process(case.command, root, case.stdout, env=case.env)
    return invoke(case.command, root)
