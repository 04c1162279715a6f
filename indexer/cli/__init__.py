"""The ``kb`` command line: a thin click adapter over the pipeline modules.

Library errors (``KBError``) become one-line messages and a non-zero exit; nothing
here holds logic that the modules do not. Two things no command can do alone are done
for all of them (``KBCommand``, ``KBGroup``): an argument with bytes that are not UTF-8 is a
usage error naming it (exit 2), and a standard output that cannot be written (a full disk,
``/dev/full``) is one line, ``Error: cannot write to the standard output: ...`` (exit 1); a
closed pipe (``kb search ... | head``) ends the command quietly (exit 1, as click does).
"""

from __future__ import annotations

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
