"""``kb index``: build the search index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..problems import KBError
from .common import ROOT_OPTION, KBCommand, resolve_root


@click.command(cls=KBCommand)
@ROOT_OPTION
@click.option("--full", is_flag=True, help="Embed every chunk again (ignore the vectors of the previous index).")
def index(root: Path | None, full: bool) -> None:
    """Build the search index in .kb/ (chunks, vectors, BM25, manifest).

    Only chunks whose text changed since the last run are embedded again; the ONNX copy
    of the model that kb search uses is exported once. An interrupted or killed run
    leaves the previous index in place (the next run removes what it left). One kb index
    at a time: a second one fails at once ("another kb index is running"), the first
    carries on. Files that fail their checksum are not reused.

    \b
    Example:
        kb index
        kb index --full --root path/to/project
    """
    from contextlib import ExitStack

    from ..search.build import build_index

    project = resolve_root(root)
    with ExitStack() as stack:
        bars: list[Any] = []

        def progress(done: int, total: int) -> None:
            if not total or not sys.stderr.isatty():
                return
            if not bars:
                bars.append(stack.enter_context(click.progressbar(length=total, label="embedding", file=sys.stderr)))
            bars[0].update(done - bars[0].pos)

        try:
            report = build_index(project, progress=progress, reuse=not full)
        except KBError as exc:
            raise click.ClickException(str(exc)) from None
    if report.cleaned:
        click.echo(f"removed {len(report.cleaned)} leftover(s) of an interrupted run: {', '.join(report.cleaned)}")
    if report.damaged:
        click.echo(f"the previous index was damaged ({report.damaged}): its vectors were not reused")
    click.echo(
        f"indexed {report.chunks} chunks from {report.entries} entries in {report.seconds:.1f} s "
        f"({report.embedded} embedded, {report.reused} unchanged"
        + (", model exported to ONNX" if report.exported else "")
        + ")"
    )
    if report.skipped:
        click.echo(f"skipped {len(report.skipped)} file(s) that could not be parsed: {', '.join(report.skipped)}")
    if report.problems:
        click.echo(f"the corpus has {report.problems} problem(s): run kb check")
