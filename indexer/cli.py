"""The ``kb`` command line: a thin click adapter over the pipeline modules.

Library errors (``KBError``) become one-line messages and a non-zero exit; nothing
here holds logic that the modules do not. Two things no command can do alone are done
for all of them (``KBCommand``, ``KBGroup``): an argument with bytes that are not UTF-8 is a
usage error naming it (exit 2), and a standard output that cannot be written (a full disk,
``/dev/full``) is one line, ``Error: cannot write to the standard output: ...`` (exit 1); a
closed pipe (``kb search ... | head``) ends the command quietly (exit 1, as click does).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .corpus.project import check_root, find_root
from .problems import KBError

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder holding corpus/ and bibliography.bib (default: found from the current folder).",
)


OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (replaced whole, atomically; a link's target is replaced) instead of the standard output.",
)
#: the search modes (``indexer.search.MODES``, kept here so that ``kb --help`` imports nothing)
MODES = ("hybrid", "semantic", "lexical")


def _not_utf8(value: str) -> bool:
    """Whether ``value`` holds bytes that were not UTF-8 (Python keeps them as lone surrogates)."""
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _shown(value: str) -> str:
    """``value`` printable: its undecodable bytes as ``\\xff``."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class KBCommand(click.Command):
    """A command that refuses arguments with bytes that are not UTF-8, naming the argument."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = {opt: p for p in self.params if isinstance(p, click.Option) for opt in p.opts}
        for n, arg in enumerate(args):
            if not _not_utf8(arg):
                continue
            before = args[n - 1] if n else ""
            if arg.startswith("-"):
                name = arg.split("=", 1)[0]
            elif before in options and not options[before].is_flag:
                name = before
            else:
                positional = [p for p in self.params if isinstance(p, click.Argument)]
                name = positional[0].human_readable_name if positional else "an argument"
            raise click.UsageError(f"{_shown(name)} '{_shown(arg)}' contains bytes that are not UTF-8", ctx)
        return super().parse_args(ctx, args)


class KBGroup(click.Group):
    """The ``kb`` group: its commands are ``KBCommand``s; output errors are one line."""

    command_class = KBCommand

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and _not_utf8(args[0]):
            raise click.UsageError(f"COMMAND '{_shown(args[0])}' contains bytes that are not UTF-8", ctx)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            value = super().invoke(ctx)
            sys.stdout.flush()
            return value
        except BrokenPipeError:
            raise  # click's main ends quietly on a closed pipe
        except OSError as exc:
            if exc.filename is not None:
                raise click.ClickException(f"{exc.filename}: {exc.strerror or exc}") from None
            _detach_stdout()
            raise click.ClickException(f"cannot write to the standard output: {exc.strerror or exc}") from None


def _detach_stdout() -> None:
    """Point the standard output at /dev/null so that the exit's flush does not fail again."""
    import os

    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):  # not a real file (click's test runner)
        pass


def resolve_root(root: Path | None) -> Path:
    try:
        return find_root(root) if root is None else _explicit_root(root)
    except KBError as exc:
        raise click.ClickException(str(exc)) from None


def _explicit_root(root: Path) -> Path:
    return check_root(root, f"--root {root}")


@click.group(cls=KBGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    from .corpus.check import run_check

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


# --- search: kb index, kb search, kb bench -------------------------------------------------


@main.command()
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

    from .search.build import build_index

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


@main.command()
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
    export_fmt: str | None,
    output: Path | None,
    root: Path | None,
) -> None:
    """Search the knowledge base (dense + BM25, fused by rank).

    Glossary acronyms and other names count as their terms ("TAC meeting" finds Team
    Around the Child). Needs an index that is up to date: run kb index first.

    \b
    Example:
        kb search "what does co-location achieve"
        kb search "TAC meeting" --kind term --top-k 3
        kb search --queries questions.txt --json --mode lexical
        kb search "joint training" --export ris -o joint-training.ris
    """
    import json

    from .search.query import Filters, open_searcher

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
        from .corpus.schema import KIND_FOLDER

        filters.validate(sorted(KIND_FOLDER), None)
        searcher = open_searcher(project, mode)
        filters.validate(sorted(KIND_FOLDER), searcher.index.manifest.tags)
        tty = sys.stdout.isatty()
        found: list[dict[str, object]] = []  # every result, for --export
        for text in queries:
            results = searcher.search(text, mode=mode, top_k=top_k, filters=filters)
            found += results.to_dict()["results"]
            if export_fmt and output is None:
                continue
            if as_json:
                click.echo(json.dumps(results.to_dict(), ensure_ascii=False))
                continue
            from .search.render import format_results

            bold = (lambda w: click.style(w, bold=True, fg="yellow")) if tty else (lambda w: w)
            title = (lambda w: click.style(w, bold=True)) if tty else (lambda w: w)
            click.echo(format_results(results, bold, title))
            if len(queries) > 1:
                click.echo("")
        if export_fmt:
            from .cite.export import search_export

            _write_or_echo(search_export(project, found, export_fmt), output)
    except KBError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
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
    from .search.bench import run_bench

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


# --- citation export: kb cite -------------------------------------------------------------


def _write_or_echo(text: str, output: Path | None) -> None:
    """``text`` to FILE (replaced whole, atomically: ``indexer.atomic``) or to the standard output."""
    if output is None:
        click.echo(text, nl=False)
        return
    from .atomic import write_atomic

    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)


@main.command()
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
    from .cite.export import gather, render, unknown_keys_message

    project = resolve_root(root)
    try:
        bib, selection = gather(project, keys, page_id, skip_unknown=skip_unknown)
        if selection.unknown:
            click.echo(f"left out {unknown_keys_message(selection.unknown, bib.references)}", err=True)
        if not selection.references:
            raise KBError("no known reference to export")
        _write_or_echo(render(selection.references, bib, fmt, style, in_text=in_text), output)
    except KBError as exc:
        raise click.ClickException(str(exc)) from None
