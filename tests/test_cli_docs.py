"""The docs stay true to the command line: every command and option is documented, with an example."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from indexer.cli import main

REPO = Path(__file__).resolve().parents[1]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md")))
README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_an_example_in_its_help(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"kb {name}" in result.output


@pytest.mark.parametrize("name", _commands())
def test_every_command_and_option_is_documented(name: str) -> None:
    assert f"kb {name}" in DOCS, f"no page in docs/ shows kb {name}"
    command = main.commands[name]
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        for opt in (*param.opts, *param.secondary_opts):
            if opt.startswith("--") and opt not in ("--help", "--root"):
                assert opt in DOCS, f"no page in docs/ mentions kb {name} {opt}"


def test_readme_lists_the_two_commands_and_the_cli() -> None:
    assert "scripts/serve.sh" in README and "scripts/test.sh" in README
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test.sh" in ci
    for name in ("check", "index", "search"):
        assert f"kb {name}" in README
