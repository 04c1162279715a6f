"""What the ``kb`` commands share: the group and command classes, options, the project root."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..corpus.project import resolve_root as project_root
from ..problems import ArgumentError, KBError

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
    """The project folder (``corpus.project.resolve_root``): ``--root`` checked, or found from
    the current folder."""
    try:
        return project_root(root)
    except ArgumentError as exc:
        raise click.ClickException(exc.named({"root": "--root"})) from None
    except KBError as exc:
        raise click.ClickException(str(exc)) from None


def write_or_echo(text: str, output: Path | None) -> None:
    """``text`` to FILE (replaced whole, atomically: ``indexer.atomic``) or to the standard output."""
    if output is None:
        click.echo(text, nl=False)
        return
    from ..atomic import write_atomic

    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)
