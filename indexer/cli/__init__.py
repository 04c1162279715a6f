"""The ``kb`` command line: a thin click adapter over the pipeline modules.

Library errors (``KBError``) become one-line messages and a non-zero exit; nothing
here holds logic that the modules do not. Two things no command can do alone are done
for all of them (``KBCommand``, ``KBGroup``): an argument with bytes that are not UTF-8 is a
usage error naming it (exit 2), and a standard output that cannot be written (a full disk,
``/dev/full``) is one line, ``Error: cannot write to the standard output: ...`` (exit 1); a
closed pipe (``kb search ... | head``) ends the command quietly (exit 1, as click does).

The installed ``kb`` is ``run``: ``main``, and after a search or an ask the process ends as
soon as its output is flushed (see ``run``).
"""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from . import ask, bench, check, cite, evidence, index, printable, search, site
from .common import MODES as MODES
from .common import KBGroup


@click.group(cls=KBGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def main() -> None:
    """Knowledge base on multi-agency working in early childhood services.

    \b
    Example:
        kb check
    """


for _command in (
    check.check, index.index, search.search, ask.ask, bench.bench, cite.cite, evidence.evidence, site.site,
    printable.print_edition,
):
    main.add_command(_command)


#: commands after which the process ends at once (``run``): they write only to the standard
#: streams, hold no lock, leave no temporary file and start no thread that outlives them
QUICK_EXIT = frozenset({"search", "ask"})


def run() -> None:
    """The ``kb`` command. After ``kb search`` or ``kb ask`` (``QUICK_EXIT``), once the standard
    streams are flushed, the process ends with ``os._exit`` instead of tearing down the
    interpreter: unloading FAISS, onnxruntime and numpy takes about 0.1 s (measured:
    docs/search.md), more than the search itself, and does nothing a finished search needs.
    Every other command, and a search whose output cannot be flushed, exits as usual."""
    try:
        main()
    except SystemExit as exc:
        if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT and (exc.code is None or isinstance(exc.code, int)):
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except (OSError, ValueError):
                raise exc from None
            os._exit(exc.code or 0)
        raise
