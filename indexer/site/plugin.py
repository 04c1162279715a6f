"""The MkDocs plugin ``kb``: a thin adapter over the site step (``indexer.site.render``).

In ``mkdocs.yml``::

    plugins:
      - kb:                       # all optional, paths relative to mkdocs.yml
          corpus: corpus
          bibliography: bibliography.bib
          csl: indexer/data/harvard-cite-them-right.csl
      - tags

Each hook hands over to the builder-agnostic site step, which ``kb site render OUT`` shares:
``on_config`` renders the site in memory (``render_site`` runs ``kb check``: each error is a
warning, so ``--strict`` fails on exactly what ``kb check`` rejects) and sets what
``indexer.site.builder`` says a builder needs; ``on_files`` adds the generated pages and files;
``on_post_build`` writes the PDF and the search's files (``builder.write_static``). Edit links
and ``<title>`` are the theme override's. Nothing is written into ``docs/`` or ``corpus/``;
``on_serve`` watches both, so ``mkdocs serve`` reloads on a corpus edit.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from ..cite.citestyle import DEFAULT_STYLE
from ..problems import KBError, display_path
from .builder import builder_config, extension_options, project_settings, write_static
from .markup import page_marker
from .render import THEME_DIR, Settings, Site, docs_page_body, docs_pages, render_site

log = logging.getLogger("mkdocs.plugins.kb")


class KBConfig(Config):  # type: ignore[no-untyped-call]
    corpus = c.Dir(exists=True, default="corpus")
    bibliography = c.File(exists=True, default="bibliography.bib")
    csl = c.Optional(c.File(exists=True))
    nav = c.Type(bool, default=True)
    abbreviations = c.Type(bool, default=True)
    export = c.Type(bool, default=True)
    semantic_search = c.Type(bool, default=True)
    node_modules = c.Type(str, default="node_modules")
    cite_author = c.Optional(c.Type(str))
    printable = c.Type(bool, default=True)
    printable_pdf = c.Type(bool, default=False)


class KBPlugin(BasePlugin[KBConfig]):  # type: ignore[no-untyped-call]
    """Render the knowledge base's pages from the corpus (see the module docstring)."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.root = Path.cwd()
        self.site: Site | None = None
        self.settings = Settings("")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        o = self.config
        self.settings = settings = project_settings(config, o, Path(o.csl) if o.csl else DEFAULT_STYLE)
        docs_dir = Path(config.docs_dir)
        try:
            self.site = site = render_site(self.root, Path(o.corpus), Path(o.bibliography), settings,
                                           docs_pages(docs_dir), docs_dir)
        except KBError as exc:
            raise PluginError(f"kb: {exc}") from None
        for problem in site.problems:
            log.warning(str(problem))
        built = builder_config(site, settings, Path(o.bibliography), settings.csl)
        for name in built.extensions:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
            config.mdx_configs[name] = extension_options(built, name, config.mdx_configs.get(name, {}))
        config.theme.dirs.insert(0, str(built.theme_dir))
        config.extra.update(built.extra)
        if built.nav is not None:
            config.nav = built.nav
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.site is not None
        for page in self.site.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                log.warning(f"kb: docs/{page.src_uri} hides the page generated from the corpus; remove it from docs/")
                files.remove(existing)
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        for src_uri, text in self.site.files.items():
            files.append(File.generated(config, src_uri, content=text))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.generated_by is None and page.file.abs_src_path and self.site is not None:
            # a hand-written page: the citations extension names it and its lines
            source = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
            first_line = max(source.count("\n") - markdown.count("\n"), 0) + 1
            shown = display_path(Path(page.file.abs_src_path), self.root)
            return docs_page_body(markdown, self.site, page.file.src_uri, shown, first_line)
        return markdown if markdown.startswith("<!-- kb-page") else f"{page_marker(page.file.src_uri)}\n{markdown}"

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """The nav's titles are HTML already (``indexer.site.nav`` escaped them): marked so, the
        theme's ``| e`` does not escape them twice."""
        if self.config.nav:
            stack: list[Any] = list(nav.items)
            while stack:
                item = stack.pop()
                if isinstance(item.title, str):
                    item.title = Markup(item.title)
                if isinstance(item, Section):
                    stack.extend(item.children)
        return nav

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for path in (self.config.corpus, self.config.bibliography, self.config.csl):
            if path:
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.site is None:
            return
        try:
            sizes = write_static(self.site, Path(config.site_dir), self.settings, self.root,
                                 self.root / self.config.node_modules, log.info)
        except KBError as exc:
            raise PluginError(f"kb: {exc}") from None
        if sizes:
            log.debug(f"kb: {len(sizes)} static files, {sum(sizes.values()) / 1e6:.1f} MB")


__all__ = ["THEME_DIR", "KBPlugin"]
