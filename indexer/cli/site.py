"""``kb site render``: the site's pages written to a folder that any builder can build."""

from __future__ import annotations

from pathlib import Path

import click

from ..problems import KBError
from .common import ROOT_OPTION, KBCommand, resolve_root


@click.group()
def site() -> None:
    """The website: its pages rendered from the corpus, for any builder.

    \b
    Example:
        kb site render build/site-src
    """


@site.command(cls=KBCommand)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The project's MkDocs configuration (default: mkdocs.yml in the project folder).",
)
@click.option(
    "--search/--no-search",
    default=None,
    help="Also write the in-browser search's files (default: as mkdocs.yml's semantic_search says).",
)
@ROOT_OPTION
def render(out: Path, config_file: Path | None, search: bool | None, root: Path | None) -> None:
    """Write the site's Markdown pages, downloads, theme override and a mkdocs.yml to OUT.

    OUT then builds with plain MkDocs (no kb plugin), ProperDocs, or another builder that
    reads mkdocs.yml and runs Python-Markdown extensions. Only files whose content changed
    are rewritten; files no longer made are removed from OUT. The in-browser search's files
    and (with printable_pdf) the printable edition's PDF go into OUT/docs as static files,
    as the plugin writes them into the built site. Content problems are reported
    as kb check reports them, and the command exits 1 (nothing is written).

    \b
    Example:
        kb site render build/site-src
        mkdocs build --strict -f build/site-src/mkdocs.yml
    """
    from ..site.builder import write_static
    from ..site.output import DOCS, read_project, write_site
    from ..site.render import docs_pages, render_site

    project_root = resolve_root(root)
    config = config_file or project_root / "mkdocs.yml"
    try:
        project = read_project(config)
        pages = docs_pages(project.docs_dir)
        rendered = render_site(project_root, project.corpus, project.bibliography, project.settings, pages,
                               project.docs_dir)
        for problem in rendered.problems:
            click.echo(str(problem), err=True)
        if rendered.problems:
            raise SystemExit(1)
        out = out.resolve()
        for inside in (project.docs_dir, project.corpus):
            if out == project_root.resolve() or out.is_relative_to(inside.resolve()):
                raise KBError(f"OUT {out}: must not be the project folder or inside {inside.name}/")
        done = write_site(rendered, out, project_root, project.docs_dir, config.read_text(encoding="utf-8"),
                          project.settings)
        write_static(rendered, out / DOCS, project.settings, project_root, project.node_modules,
                     lambda m: click.echo(m, err=True), search)
    except KBError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"rendered {len(rendered.pages)} pages and {len(rendered.files)} downloads to {out}: "
        f"{len(done.written)} written, {done.unchanged} unchanged, {len(done.removed)} removed"
    )
