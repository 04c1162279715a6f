"""scripts/own_words.py over a made-up source and two entries (tests/fixtures/own_words)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "own_words.py"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "own_words"

RUN_SUMMARY = (
    'corpus/glossary/weekly-meetings.md:5: 17 words shared with 001_made_up.txt: "practitioners from health'
    ' education and social care met every week in the small room behind the library"'
)
RUN_BODY = (
    'corpus/glossary/weekly-meetings.md:10: 25 words shared with 001_made_up.txt: "practitioners from health'
    " education and social care met every week in the small room behind the library to plan the support each"
    ' family would receive"'
)
RUN_LAST = (
    "corpus/glossary/weekly-meetings.md:23: 12 words shared with 001_made_up.txt:"
    ' "that the lead practitioner would tell the family what had been decided"'
)
ALLOWED = (
    "corpus/glossary/weekly-meetings.md:20: 21 words shared with 001_made_up.txt (allowed):"
    ' "listen to the family first share what you know do what you said you would do and review the plan together"'
)
COUNT = "3 runs of 12 or more words shared with a source; 1 allowed by allowed.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=FIXTURE,
    )


def test_reports_each_shared_run_outside_quotes_with_its_line_and_a_count() -> None:
    # Not reported: the 10-word title, the "double-quoted" and 'single-quoted' passages,
    # the block quote, the allowed named list, the other entry, and the README (not .txt).
    result = run("sources", "--root", ".", "--allowed", "allowed.txt")
    assert result.stdout.splitlines() == [RUN_SUMMARY, RUN_BODY, RUN_LAST, COUNT]
    assert result.returncode == 1
    assert result.stderr == ""


def test_show_allowed_lists_the_excused_runs_too() -> None:
    result = run("sources", "--root", ".", "--allowed", "allowed.txt", "--show-allowed")
    assert result.stdout.splitlines() == [RUN_SUMMARY, RUN_BODY, ALLOWED, RUN_LAST, COUNT]


def test_a_longer_minimum_reports_only_the_longer_runs() -> None:
    result = run("sources", "--root", ".", "--allowed", "allowed.txt", "--min-words", "20")
    assert result.stdout.splitlines() == [
        RUN_BODY,
        "1 runs of 20 or more words shared with a source; 1 allowed by allowed.txt",
    ]


def test_no_runs_exits_0(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "own-words.md").write_text(
        (FIXTURE / "corpus" / "glossary" / "own-words.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = run("sources", "--root", str(tmp_path), "--allowed", "allowed.txt")
    assert result.stdout.splitlines() == ["0 runs of 12 or more words shared with a source; 0 allowed by allowed.txt"]
    assert result.returncode == 0


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    missing = run(str(tmp_path / "nowhere"), "--root", ".", "--allowed", "allowed.txt")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == f"Error: SOURCES: {tmp_path / 'nowhere'} is not a folder\n"
    bad = tmp_path / "allowed.txt"
    bad.write_text("a phrase without a reason\n", encoding="utf-8")
    unjustified = run("sources", "--root", ".", "--allowed", str(bad))
    assert (unjustified.returncode, unjustified.stdout) == (2, "")
    assert unjustified.stderr == f"Error: {bad}:1: allowed phrase has no reason after '#'\n"


def test_help_documents_the_sources_argument_and_the_allow_list() -> None:
    result = run("--help")
    assert result.returncode == 0
    for text in ("SOURCES", "--allowed", "--show-allowed", "--min-words", "own_words_allowed.txt", "quotes"):
        assert text in result.stdout
