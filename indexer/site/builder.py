"""What a builder does around the site step's pages: shared by the MkDocs plugin and ``kb site render``.

* ``project_settings``: the site step's settings from ``mkdocs.yml``'s (the site's name,
  address, edit links...) and the kb plugin's options, as the plugin and ``kb site render`` read them.
* ``builder_config``: what the builder's configuration must say for the pages to build (the
  citations extension's and ``abbr``'s options, the theme override, ``extra.kb_ask`` for the
  header's link to the search page, the nav). The plugin sets it on MkDocs' config in memory;
  ``kb site render`` writes it into OUT/mkdocs.yml (``indexer.site.output``).
* ``write_static``: the files made once the pages are: the printable edition's PDF (with
  ``printable_pdf``) and the in-browser search's files (``kb-search/``, from the live search
  index). The plugin writes them into the built site after the build; ``kb site render`` into
  OUT/docs, where any builder copies them as static files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import KBError
from .edit_links import edit_links
from .glossary import abbr_glossary
from .nav import NavItem
from .render import PRINTABLE_PAGE, THEME_DIR, Settings, Site

CITATIONS_EXTENSION = "indexer.site.mdx_citations"


@dataclass(frozen=True)
class BuilderConfig:
    """The builder's settings for the rendered pages, in ``mkdocs.yml``'s terms."""

    #: Markdown extensions to enable, with the options to set (over the project's own)
    extensions: dict[str, dict[str, object]]
    #: options set only where the project's configuration has none
    defaults: dict[str, dict[str, object]] = field(default_factory=dict)
    theme_dir: Path = THEME_DIR  # the theme override: first in the theme's folders (``custom_dir``)
    extra: dict[str, str] = field(default_factory=dict)
    nav: list[NavItem] | None = None  # None: the project's own nav


def project_settings(site: Mapping[str, object], options: Mapping[str, object], csl: Path) -> Settings:
    """The settings from ``mkdocs.yml``'s top level (``site``) and the kb plugin's ``options``
    (a missing one takes its default; ``csl``: the style's path, resolved by the caller)."""

    def text(mapping: Mapping[str, object], key: str) -> str | None:
        value = mapping.get(key)
        return None if value is None else str(value)

    def flag(key: str, default: bool) -> bool:
        value = options.get(key)
        return default if value is None else bool(value)

    return Settings(
        name=text(site, "site_name") or "",
        url=text(site, "site_url") or "",
        author=text(options, "cite_author") or text(site, "site_author") or "",
        csl=csl,
        export=flag("export", True),
        semantic_search=flag("semantic_search", True),
        use_directory_urls=bool(site.get("use_directory_urls", True)),
        printable=flag("printable", True),
        printable_pdf=flag("printable_pdf", False),
        nav=flag("nav", True),
        abbreviations=flag("abbreviations", True),
        edit=edit_links(text(site, "repo_url"), text(site, "edit_uri"), text(site, "edit_uri_template")),
    )


def builder_config(site: Site, settings: Settings, bibliography: Path, csl: Path) -> BuilderConfig:
    """The builder's settings; ``bibliography`` and ``csl``: the paths the citations extension reads."""
    extensions: dict[str, dict[str, object]] = {
        CITATIONS_EXTENSION: {"bibliography": str(bibliography), "csl": str(csl)}
    }
    if settings.abbreviations:
        extensions["abbr"] = {"glossary": abbr_glossary(site.abbreviations)}
    return BuilderConfig(
        extensions,
        defaults={CITATIONS_EXTENSION: {"bibliography_url": "/bibliography.md"}},
        extra={"kb_ask": site.ask_page} if site.ask_page else {},  # the theme override's header link
        nav=site.nav if settings.nav else None,
    )


def extension_options(config: BuilderConfig, name: str, current: dict[str, object]) -> dict[str, object]:
    """Extension ``name``'s options: the project's (``current``) with the builder's set over them."""
    return {**config.defaults.get(name, {}), **current, **config.extensions[name]}


def write_static(
    site: Site, folder: Path, settings: Settings, root: Path, node_modules: Path,
    info: Callable[[str], None], search: bool | None = None,
) -> dict[str, int]:
    """Write the PDF and the search's files into ``folder`` (the built site, or a docs folder);
    ``search``: write the search's files (default: ``settings.semantic_search``). Returns the
    size of each file written, by its path in ``folder``."""
    sizes: dict[str, int] = {}
    if settings.printable and settings.printable_pdf and PRINTABLE_PAGE in site.files:
        from .printable import PDF_NAME, write_pdf

        pdf = folder / PRINTABLE_PAGE.rsplit("/", 1)[0] / PDF_NAME
        write_pdf(site.files[PRINTABLE_PAGE], pdf)
        sizes[pdf.relative_to(folder).as_posix()] = pdf.stat().st_size
    if settings.semantic_search if search is None else search:
        from .search_assets import build_assets

        try:
            sizes.update(build_assets(root, folder, node_modules, site.bibliography, settings.csl, info))
        except KBError as exc:
            raise KBError(f"in-browser search: {exc}") from None
    return sizes


__all__ = [
    "CITATIONS_EXTENSION",
    "BuilderConfig",
    "builder_config",
    "extension_options",
    "project_settings",
    "write_static",
]
