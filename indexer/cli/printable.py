"""``kb print``: the printable edition (one HTML page, and a PDF)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .common import ROOT_OPTION, KBCommand, resolve_root


@click.command("print", cls=KBCommand)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also write the PDF (WeasyPrint; slow).")
@ROOT_OPTION
def print_edition(out: Path, pdf: bool, root: Path | None) -> None:
    """Write the printable edition into the folder OUT: index.html and the PDF.

    The whole knowledge base in reading order, with a table of contents, built from the
    corpus and the bibliography (the corpus must pass kb check). Prints what it wrote,
    with sizes and times.

    \b
    Example:
        kb print site/print
        kb print /tmp/edition --no-pdf
    """
    from ..atomic import write_atomic
    from ..corpus.check import run_check
    from ..site.export_assets import build_date
    from ..site.markup import format_date
    from ..site.printable import PDF_NAME, build_edition, write_pdf

    project = resolve_root(root)
    started = time.perf_counter()
    report = run_check(project)
    if report.errors:
        for problem in report.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"kb check found {len(report.errors)} errors: fix them first")
    edition = build_edition(report.corpus, project / "bibliography.bib", docs_dir=project / "docs",
                            built=format_date(build_date().isoformat()), pdf_link=pdf)
    page = out / "index.html"
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_atomic(page, edition.html)
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write: {exc.strerror or exc}") from None
    made = time.perf_counter()
    size = page.stat().st_size
    click.echo(f"{page}: {len(edition.entry_ids)} entries, {size / 1e6:.2f} MB, {made - started:.1f} s")
    if pdf:
        target = out / PDF_NAME
        pages = write_pdf(edition.html, target)
        click.echo(f"{target}: {pages} pages, {target.stat().st_size / 1e6:.2f} MB, {time.perf_counter() - made:.1f} s")
