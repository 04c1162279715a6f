"""``kb check``: validate the corpus and the bibliography."""

from __future__ import annotations

from pathlib import Path

import click

from .common import ROOT_OPTION, KBCommand, resolve_root


@click.command(cls=KBCommand)
@ROOT_OPTION
@click.option(
    "--notes/--no-notes", default=True, show_default=True, help="Also list notes (unused bibliography entries)."
)
def check(root: Path | None, notes: bool) -> None:
    """Validate the corpus and the bibliography.

    Reports every problem as PATH:LINE: MESSAGE, then a count; exits 1 if there is
    any error. Notes (such as bibliography entries nobody cites) do not fail the check.

    \b
    Example:
        kb check
        kb check --no-notes --root path/to/project
    """
    from ..corpus.check import run_check

    report = run_check(resolve_root(root))
    for problem in report.errors:
        click.echo(str(problem))
    if notes:
        for problem in report.notes:
            click.echo(str(problem))
    n_err, n_notes = len(report.errors), len(report.notes)
    summary = (
        f"{n_err} error{'s' * (n_err != 1)}, {n_notes} note{'s' * (n_notes != 1)} "
        f"({len(report.corpus.entries)} entries, {len(report.bibliography.references)} references)"
    )
    click.echo(summary, err=bool(n_err))
    if n_err:
        raise SystemExit(1)
