"""``kb search``: search the knowledge base."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..problems import ArgumentError, KBError
from .common import MODES, OUTPUT_OPTION, ROOT_OPTION, KBCommand, resolve_root, write_or_echo

#: the library's argument names -> this command's options
OPTION_NAMES = {"kind": "--kind", "tag": "--tag", "year_from": "--year-from", "year_to": "--year-to",
                "mode": "--mode", "top_k": "--top-k"}


@click.command(cls=KBCommand)
@click.argument("query", required=False)
@click.option(
    "--queries", "queries_file", metavar="FILE", help="Search every line of FILE (one JSON line each with --json)."
)
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True, help="How to rank.")
@click.option("--top-k", type=click.IntRange(min=1), default=10, show_default=True, help="How many results.")
@click.option("--kind", multiple=True, help="Only entries of this kind (repeat for several).")
@click.option("--tag", multiple=True, help="Only entries with this tag (repeat: all of them).")
@click.option(
    "--year-from", type=int, default=None, help="Only entries dated this year or later (undated entries are left out)."
)
@click.option(
    "--year-to", type=int, default=None, help="Only entries dated this year or earlier (undated entries are left out)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query, on one line.")
@click.option(
    "--answer", "with_answer", is_flag=True,
    help="Also give an extractive answer: sentences quoted from the best entries (as kb ask).",
)
@click.option(
    "--export",
    "export_fmt",
    type=click.Choice(["bibtex", "ris", "csljson"]),
    default=None,
    help="Write the references the results cite (to -o FILE, else instead of the results).",
)
@OUTPUT_OPTION
@ROOT_OPTION
def search(
    query: str | None,
    queries_file: str | None,
    mode: str,
    top_k: int,
    kind: tuple[str, ...],
    tag: tuple[str, ...],
    year_from: int | None,
    year_to: int | None,
    as_json: bool,
    with_answer: bool,
    export_fmt: str | None,
    output: Path | None,
    root: Path | None,
) -> None:
    """Search the knowledge base (dense + BM25, fused by score), results grouped by entry.

    Glossary acronyms and other names count as their terms ("TAC meeting" finds Team
    Around the Child). --top-k counts entries for people and passages in --json (which
    adds the entries as "groups"). Needs an index that is up to date: run kb index first.

    \b
    Example:
        kb search "what does co-location achieve"
        kb search "what does co-location achieve" --answer
        kb search "TAC meeting" --kind term --top-k 3
        kb search --queries questions.txt --json --mode lexical
        kb search "joint training" --export ris -o joint-training.ris
    """
    import json

    from ..search.query import Filters, open_searcher
    from ..search.respond import respond

    if (query is None) == (queries_file is None):
        raise click.ClickException("give a QUERY or --queries FILE (one of them)")
    if export_fmt and as_json and output is None:
        raise click.ClickException("--export with --json needs -o FILE (without it the references replace the results)")
    if queries_file is not None:
        try:
            with open(queries_file, encoding="utf-8") as fh:
                queries = [line.strip() for line in fh if line.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise click.ClickException(f"--queries {queries_file}: cannot read it ({reason})") from None
    else:
        queries = [query or ""]
    filters = Filters(kinds=frozenset(kind), tags=frozenset(tag), year_from=year_from, year_to=year_to)
    project = resolve_root(root)
    try:
        from ..corpus.schema import KIND_FOLDER

        filters.validate(sorted(KIND_FOLDER), None)
        searcher = open_searcher(project, mode)
        filters.validate(sorted(KIND_FOLDER), searcher.index.manifest.tags)
        tty = sys.stdout.isatty()
        found: list[dict[str, object]] = []  # every result, for --export
        for text in queries:
            response = respond(searcher, text, mode=mode, top_k=top_k, filters=filters, with_answer=with_answer)
            found += response.results.to_dict()["results"]
            if export_fmt and output is None:
                continue
            if as_json:
                click.echo(json.dumps(response.to_dict(), ensure_ascii=False))
                continue
            click.echo(people_text(response, tty))
            if len(queries) > 1:
                click.echo("")
        if export_fmt:
            from ..cite.load import search_export

            write_or_echo(search_export(project, found, export_fmt), output)
    except ArgumentError as exc:  # the library names its arguments; the user typed options
        raise click.ClickException(exc.named(OPTION_NAMES)) from None
    except KBError as exc:
        raise click.ClickException(str(exc)) from None


def people_text(response: object, tty: bool) -> str:
    """The answer (when there is one) and the entries, as ``kb search`` and ``kb ask`` print them."""
    from ..search.render import format_answer, format_groups
    from ..search.respond import Response

    assert isinstance(response, Response)
    bold = (lambda w: click.style(w, bold=True, fg="yellow")) if tty else (lambda w: w)
    title = (lambda w: click.style(w, bold=True)) if tty else (lambda w: w)
    parts = []
    if response.answer is not None:
        parts.append(format_answer(response.results, response.answer, title))
    parts.append(format_groups(response.results, response.groups, bold, title))
    return "\n\n".join(parts)
