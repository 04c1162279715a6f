"""The ``kb`` CLI run in-process (click's runner), as the CLI tests run it."""

from __future__ import annotations

from click.testing import CliRunner, Result

from indexer.cli import main


def run(*args: str) -> Result:
    """``kb ARGS...``: its exit code and output (stdout and stderr together)."""
    return CliRunner().invoke(main, list(args))
