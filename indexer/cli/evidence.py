"""``kb evidence``: every citation in the corpus as a row (CSV or JSON)."""

from __future__ import annotations

from pathlib import Path

import click

from ..problems import KBError
from .common import OUTPUT_OPTION, ROOT_OPTION, KBCommand, resolve_root, write_or_echo


@click.command(cls=KBCommand)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="CSV (a header line) or a JSON array of objects.")
@click.option("--key", "keys", multiple=True, metavar="KEY", help="Only the rows citing this key (repeatable).")
@OUTPUT_OPTION
@ROOT_OPTION
def evidence(fmt: str, keys: tuple[str, ...], output: Path | None, root: Path | None) -> None:
    """The per-claim evidence table: one row per cited work per sentence.

    Columns: entry, title, kind, section, url, sentence (as the site reads it), key, label
    (as the site prints it, e.g. McInnes, 2007a), locator, prefix. See docs/export.md.

    \b
    Example:
        kb evidence -o evidence.csv
        kb evidence --format json --key mcinnes2007practitioners
    """
    from ..cite.evidence import evidence_export, evidence_rows
    from ..cite.labels import citation_labels
    from ..cite.load import project_bibliography, project_corpus
    from ..cite.select import select_references

    project = resolve_root(root)
    try:
        bib = project_bibliography(project)
        select_references(bib, keys)  # an unknown --key fails, naming the nearest keys
        rows = evidence_rows(project_corpus(project).entries, citation_labels(bib.references))
        if keys:
            rows = [row for row in rows if row.key in keys]
        write_or_echo(evidence_export(rows, fmt), output)
    except KBError as exc:
        raise click.ClickException(str(exc)) from None
