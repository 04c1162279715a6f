"""The ``kb`` command line: a thin click adapter over the pipeline modules.

Library errors (``KBError``) become one-line messages and a non-zero exit; nothing
here holds logic that the modules do not.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__
from .problems import KBError
from .project import find_root

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder holding corpus/ and bibliography.bib (default: found from the current folder).",
)


def resolve_root(root: Path | None) -> Path:
    try:
        return find_root(root) if root is None else _explicit_root(root)
    except KBError as exc:
        raise click.ClickException(str(exc)) from None


def _explicit_root(root: Path) -> Path:
    if not (root / "corpus").is_dir():
        raise KBError(f"--root {root}: no corpus/ folder there")
    return root


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def main() -> None:
    """Knowledge base on multi-agency working in early childhood services.

    \b
    Example:
        kb check
    """


@main.command()
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
    from .check import run_check

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
