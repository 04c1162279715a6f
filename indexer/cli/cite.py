"""``kb cite``: export references."""

from __future__ import annotations

from pathlib import Path

import click

from ..problems import ArgumentError, KBError
from .common import OUTPUT_OPTION, ROOT_OPTION, KBCommand, resolve_root, write_or_echo

#: the library's argument names -> this command's options
OPTION_NAMES = {"tag": "--tag", "kind": "--kind", "format": "--format", "style": "--style"}


@click.command(cls=KBCommand)
@click.argument("keys", nargs=-1)
@click.option("--page", "page_id", metavar="ENTRY_ID", help="Also the works an entry cites (sources and text).")
@click.option("--all", "everything", is_flag=True, help="Every reference of the bibliography.")
@click.option("--tag", "tags", multiple=True, metavar="KEYWORD",
              help="Only references with this keyword (repeatable: all of them); alone, every such reference.")
@click.option("--kind", "kinds", multiple=True, metavar="TYPE",
              help="Only references of this CSL type: book, chapter, report, article-journal, webpage, "
                   "legislation, document (repeatable: any of them); alone, every such reference.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["bibtex", "ris", "csljson", "text", "html", "markdown"]),
    default="bibtex",
    show_default=True,
    help="Export format, or references formatted in --style as plain text, HTML or Markdown (italics kept).",
)
@click.option(
    "--style",
    type=click.Choice(["harvard", "apa"]),
    default="harvard",
    show_default=True,
    help="Style of --format text, html and markdown.",
)
@click.option("--in-text", is_flag=True,
              help="With --format text/html/markdown: in-text citations, e.g. (McInnes, 2007).")
@click.option("--skip-unknown", is_flag=True, help="Leave out unknown keys (named on stderr) instead of failing.")
@OUTPUT_OPTION
@ROOT_OPTION
def cite(
    keys: tuple[str, ...],
    page_id: str | None,
    everything: bool,
    tags: tuple[str, ...],
    kinds: tuple[str, ...],
    fmt: str,
    style: str,
    in_text: bool,
    skip_unknown: bool,
    output: Path | None,
    root: Path | None,
) -> None:
    """Export references as BibTeX, RIS, CSL-JSON or formatted text, HTML or Markdown.

    KEYs are bibliography keys; --page adds the works an entry cites, --all every work;
    --tag and --kind keep those with a keyword or of a type. An unknown key fails the
    command, naming the nearest keys, and nothing is written (unless --skip-unknown).
    Year suffixes (2003a, 2003b) are those of the works exported together. See docs/export.md.

    \b
    Example:
        kb cite mcinnes2007practitioners atkinson2002multiagency --format ris
        kb cite --page lead-professional -o lead-professional.bib
        kb cite --all --kind legislation --format markdown --style apa
    """
    from ..cite.export import render
    from ..cite.load import gather
    from ..cite.select import unknown_keys_message

    project = resolve_root(root)
    try:
        bib, selection = gather(project, keys, page_id, skip_unknown=skip_unknown, everything=everything,
                                tags=tags, kinds=kinds)
        if selection.unknown:
            click.echo(f"left out {unknown_keys_message(selection.unknown, bib.references)}", err=True)
        if not selection.references:
            raise KBError("no known reference to export")
        write_or_echo(render(selection.references, bib, fmt, style, in_text=in_text), output)
    except ArgumentError as exc:
        raise click.ClickException(exc.named(OPTION_NAMES)) from None
    except KBError as exc:
        raise click.ClickException(str(exc)) from None
