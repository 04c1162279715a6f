"""``kb ask``: an extractive answer to a question, with the entries it comes from."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..problems import KBError
from .common import ROOT_OPTION, KBCommand, resolve_root


@click.command(cls=KBCommand)
@click.argument("question")
@click.option("--top-k", type=click.IntRange(min=1), default=5, show_default=True, help="How many entries to list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the kb search contract plus an answer.")
@ROOT_OPTION
def ask(question: str, top_k: int, as_json: bool, root: Path | None) -> None:
    """Answer a question with sentences quoted from the knowledge base (no text is generated).

    Two to four sentences from the best entries, each with its citation and link, or
    "No good answer" when nothing answers the question well; then the entries found.
    Needs an index that is up to date: run kb index first.

    \\b
    Example:
        kb ask "what does co-location achieve"
        kb ask "who coordinates support for a family" --json
    """
    import json

    from ..search.query import open_searcher
    from ..search.respond import respond
    from .search import people_text

    project = resolve_root(root)
    try:
        searcher = open_searcher(project, "hybrid")
        response = respond(searcher, question, top_k=top_k, with_answer=True)
    except KBError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(response.to_dict(), ensure_ascii=False))
    else:
        click.echo(people_text(response, sys.stdout.isatty()))
