"""``kb cite``: export references."""

from __future__ import annotations

from pathlib import Path

import click

from ..problems import KBError
from .common import OUTPUT_OPTION, ROOT_OPTION, KBCommand, resolve_root, write_or_echo


@click.command(cls=KBCommand)
@click.argument("keys", nargs=-1)
@click.option("--page", "page_id", metavar="ENTRY_ID", help="Also the works an entry cites (sources and text).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["bibtex", "ris", "csljson", "text"]),
    default="bibtex",
    show_default=True,
    help="Export format, or text formatted in --style.",
)
@click.option(
    "--style",
    type=click.Choice(["harvard", "apa"]),
    default="harvard",
    show_default=True,
    help="Style of --format text.",
)
@click.option("--in-text", is_flag=True, help="With --format text: in-text citations, e.g. (McInnes, 2007a).")
@click.option("--skip-unknown", is_flag=True, help="Leave out unknown keys (named on stderr) instead of failing.")
@OUTPUT_OPTION
@ROOT_OPTION
def cite(
    keys: tuple[str, ...],
    page_id: str | None,
    fmt: str,
    style: str,
    in_text: bool,
    skip_unknown: bool,
    output: Path | None,
    root: Path | None,
) -> None:
    """Export references as BibTeX, RIS, CSL-JSON or formatted text.

    KEYs are bibliography keys; --page adds the works an entry cites. An unknown key
    fails the command, naming the nearest keys, and nothing is written (unless
    --skip-unknown). See docs/export.md.

    \b
    Example:
        kb cite mcinnes2007practitioners atkinson2002multiagency --format ris
        kb cite --page lead-professional -o lead-professional.bib
        kb cite cameron2003factors --format text --style apa
    """
    from ..cite.export import gather, render, unknown_keys_message

    project = resolve_root(root)
    try:
        bib, selection = gather(project, keys, page_id, skip_unknown=skip_unknown)
        if selection.unknown:
            click.echo(f"left out {unknown_keys_message(selection.unknown, bib.references)}", err=True)
        if not selection.references:
            raise KBError("no known reference to export")
        write_or_echo(render(selection.references, bib, fmt, style, in_text=in_text), output)
    except KBError as exc:
        raise click.ClickException(str(exc)) from None
