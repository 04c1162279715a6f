"""The MkDocs plugin ``kb``: a thin adapter over the site step (``indexer.site.render``).

In ``mkdocs.yml``::

    plugins:
      - search
      - kb:                       # all optional, paths relative to mkdocs.yml
          corpus: corpus
          bibliography: bibliography.bib
          csl: indexer/data/harvard-cite-them-right.csl
      - tags

``on_config`` renders the site in memory (``render_site``: that runs ``kb check``, and each
error it reports becomes a warning, so ``mkdocs build --strict`` fails on exactly what
``kb check`` rejects), points the citations extension at the bibliography, gives the
glossary's abbreviations to ``abbr`` and adds the theme override (``indexer/site/theme``);
``on_files`` adds the generated pages and files (with ``printable``, on by default, the
printable edition ``print/index.html``); ``on_post_build`` writes the edition's PDF (with
``printable_pdf``, off: about 95 s) and the in-browser search's files
(``indexer.site.search_assets``). Nothing is written into ``docs/`` or
``corpus/``; ``on_serve`` watches both, so ``mkdocs serve`` reloads on a corpus edit.
``kb site render OUT`` writes the same pages for any other builder.
"""

from __future__ import annotations

import html
import logging
import os
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
from . import search_assets
from .glossary import abbr_glossary
from .markup import page_marker, source_marker
from .render import PRINTABLE_PAGE, THEME_DIR, Settings, Site, docs_page_markdown, docs_pages, render_site

log = logging.getLogger("mkdocs.plugins.kb")
CITATIONS_EXTENSION = "indexer.site.mdx_citations"


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
        self.csl = DEFAULT_STYLE

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        self.csl = csl = Path(self.config.csl) if self.config.csl else DEFAULT_STYLE
        settings = Settings(
            config.site_name, config.site_url or "", self.config.cite_author or config.site_author or "",
            csl, self.config.export, self.config.semantic_search, config.use_directory_urls,
            self.config.printable, self.config.printable_pdf,
        )
        pages = docs_pages(Path(config.docs_dir))
        try:
            self.site = render_site(self.root, Path(self.config.corpus), Path(self.config.bibliography), settings,
                                    pages, Path(config.docs_dir))
        except KBError as exc:
            raise PluginError(f"kb: {exc}") from None
        for problem in self.site.problems:
            log.warning(str(problem))
        if CITATIONS_EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(CITATIONS_EXTENSION)
        options = config.mdx_configs.setdefault(CITATIONS_EXTENSION, {})
        options.update(bibliography=str(self.config.bibliography), csl=str(csl))
        options.setdefault("bibliography_url", "/bibliography.md")
        if self.config.abbreviations:
            if "abbr" not in config.markdown_extensions:
                config.markdown_extensions.append("abbr")
            config.mdx_configs.setdefault("abbr", {})["glossary"] = abbr_glossary(self.site.abbreviations)
        config.theme.dirs.insert(0, str(THEME_DIR))
        if self.config.semantic_search:  # the theme override's header links to the search page
            config.extra["kb_ask"] = "ask/" if config.use_directory_urls else "ask.html"
        if self.config.nav:
            config.nav = self.site.nav
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.site is not None
        docs_dir = Path(config.docs_dir).resolve()
        for page in self.site.pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                log.warning(f"kb: docs/{page.src_uri} hides the page generated from the corpus; remove it from docs/")
                files.remove(existing)
            generated = File.generated(config, page.src_uri, content=page.markdown)
            if page.source is not None:  # "Edit this page" opens the corpus file
                generated.edit_uri = Path(os.path.relpath(page.source.resolve(), docs_dir)).as_posix()
            files.append(generated)
        for src_uri, text in self.site.files.items():
            files.append(File.generated(config, src_uri, content=text))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.edit_url and "/../" in page.edit_url:
            page.edit_url = _without_dot_segments(page.edit_url)
        marker = page_marker(page.file.src_uri)
        if page.file.generated_by is None and page.file.abs_src_path and self.site is not None:
            # let the citations extension name the hand-written page and its lines
            source = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
            offset = source.count("\n") - markdown.count("\n")
            shown = display_path(Path(page.file.abs_src_path), self.root)
            markdown = docs_page_markdown(markdown, self.site.corpus, page.file.src_uri, self.site.kb_citation)
            return f"{marker}\n{source_marker(shown, max(offset, 0) + 1)}\n{markdown}"
        return markdown if markdown.startswith("<!-- kb-page") else f"{marker}\n{markdown}"

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

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        return _escaped_html_title(output, page.title)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for path in (self.config.corpus, self.config.bibliography, self.config.csl):
            if path:
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.site is not None and self.config.printable and self.config.printable_pdf:
            from .printable import PDF_NAME, write_pdf

            write_pdf(self.site.files[PRINTABLE_PAGE], Path(config.site_dir) / "print" / PDF_NAME)
        if not self.config.semantic_search or self.site is None:
            return
        try:
            sizes = search_assets.build_assets(
                self.root, Path(config.site_dir), self.root / self.config.node_modules, self.site.bibliography,
                self.csl, log.info,
            )
        except KBError as exc:
            raise PluginError(f"kb: in-browser search: {exc}") from None
        log.debug(f"kb: in-browser search: {len(sizes)} files, {sum(sizes.values()) / 1e6:.1f} MB")


def _without_dot_segments(url: str) -> str:
    """``https://host/edit/main/docs/../corpus/x.md`` -> ``https://host/edit/main/corpus/x.md``."""
    import posixpath
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))


def _escaped_html_title(output: str, title: str | None) -> str:
    """The theme prints ``<title>{{ page.title | striptags }}``, which un-escapes the title:
    put it back escaped (``</title><script>`` in a title stays text)."""
    if not title:
        return output
    printed = Markup(str(title)).striptags()
    wanted = html.escape(printed, quote=False)
    if printed == wanted:
        return output
    return output.replace(f"<title>{printed} - ", f"<title>{wanted} - ", 1)


__all__ = ["KBPlugin"]
