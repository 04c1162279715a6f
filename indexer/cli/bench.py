"""``kb bench``: measure indexing, search and retrieval quality."""

from __future__ import annotations

from pathlib import Path

import click

from ..problems import KBError
from .common import ROOT_OPTION, KBCommand, resolve_root


@click.command(cls=KBCommand)
@ROOT_OPTION
@click.option("--runs", default=3, show_default=True, help="Runs per measurement (medians are printed).")
@click.option(
    "--queries",
    "query_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Query files to score (default: the project's tests/queries/project_queries.json and dev_queries.json).",
)
def bench(root: Path | None, runs: int, query_files: tuple[Path, ...]) -> None:
    """Measure indexing, re-indexing, cold and warm search, and retrieval quality.

    Works on a temporary copy of the project; prints medians of RUNS runs and the
    ratios the targets are set in (see docs/search.md). Takes a few minutes.

    \b
    Example:
        kb bench
        kb bench --runs 5 --queries tests/queries/dev_queries.json
    """
    from ..search.bench import run_bench

    project = resolve_root(root)
    files = list(query_files) or [
        p
        for p in (project / "tests/queries/project_queries.json", project / "tests/queries/dev_queries.json")
        if p.exists()
    ]
    try:
        run_bench(project, files, click.echo, runs=max(1, runs))
    except KBError as exc:
        raise click.ClickException(str(exc)) from None
