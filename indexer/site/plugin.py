"""The MkDocs plugin ``kb``: the site's pages, rendered from ``corpus/`` at build time.

A thin adapter over ``indexer.site``: nothing is written into ``docs/`` or
``corpus/``. In ``mkdocs.yml``::

    plugins:
      - search
      - kb:                       # all optional, paths relative to mkdocs.yml
          corpus: corpus
          bibliography: bibliography.bib
          csl: indexer/data/harvard-cite-them-right.csl
      - tags

* ``on_config`` runs ``kb check`` (``indexer.check.run_check``) on the corpus and
  bibliography: every error it reports becomes a warning ``path:line: message``, so
  ``mkdocs build --strict`` fails on exactly what ``kb check`` rejects; points the citations
  extension at the bibliography, and writes the glossary's abbreviations to a
  temporary file that pymdownx.snippets appends to every page.
* ``on_files`` adds a generated page per entry (its edit link is the corpus file)
  and the index pages, and builds the navigation.
* ``on_files`` also writes the citation exports (``indexer.site.export_assets``): the
  whole bibliography as ``bibliography/references.bib``, ``.ris`` and ``.json``
  (linked from the bibliography page) and, per entry page, the references it cites
  (``PAGE/references.bib``...); ``on_page_content`` puts the export links, COinS spans
  and a "Cite this page" box at the foot of each entry page; ``on_post_page`` adds the
  page's ``citation_*`` meta tags. ``export: false`` turns all of this off;
  ``cite_author`` names the corporate author of the pages (default: ``site_author``,
  else "Editors of SITE_NAME").
* The in-browser search (``indexer.site.search_assets``): ``on_files`` adds the page
  ``ask/``, ``on_post_page`` a link to it in every page's header, and ``on_post_build``
  writes ``kb-search/`` (passages, vectors, the int8 model, the npm packages copied from
  ``node_modules``) from the search index, updating the index first when it is missing or
  stale. ``semantic_search: false`` turns it off; ``node_modules`` says where the npm
  packages are (default: ``node_modules`` beside mkdocs.yml).
* Content stays text: ``on_nav`` marks the nav's titles (escaped by ``indexer.site.nav``) as
  HTML so the theme does not escape them twice, and ``on_post_page`` puts the ``<title>``
  back escaped (the theme's ``| striptags`` un-escapes it).
* ``on_serve`` watches the corpus and the bibliography.
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..cite.citestyle import DEFAULT_STYLE, load_style
from ..cite.export import FORMATS, LABEL, entry_keys
from ..corpus import schema
from ..corpus.bibliography import Bibliography, Reference
from ..corpus.check import run_check
from ..corpus.entries import Corpus, Entry
from ..problems import display_path
from . import export_assets, search_assets
from . import nav as site_nav
from .bibliography_page import bibliography_page, cited_in
from .gallery import gallery_page
from .glossary import PREVIEWS_FILE, abbreviation_map, abbreviations, glossary_data, glossary_page
from .markup import md_text, source_marker
from .pages import entry_page, findings_index, simple_index, sources_index, sources_list, strategies_index
from .timeline import timeline_page

log = logging.getLogger("mkdocs.plugins.kb")
CITATIONS_EXTENSION = "indexer.site.mdx_citations"
SOURCES_MARKER = "<!-- kb:sources -->"
ABBREVIATIONS_FILE = "abbreviations.md"


class KBConfig(Config):  # type: ignore[no-untyped-call]
    corpus = c.Type(str, default="corpus")
    bibliography = c.Type(str, default="bibliography.bib")
    csl = c.Optional(c.Type(str))
    nav = c.Type(bool, default=True)
    abbreviations = c.Type(bool, default=True)
    export = c.Type(bool, default=True)
    semantic_search = c.Type(bool, default=True)
    node_modules = c.Type(str, default="node_modules")
    cite_author = c.Optional(c.Type(str))


@dataclass(frozen=True)
class PageCitation:
    """What an entry page offers for citing: its references' downloads and the page itself."""

    entry: Entry
    references: tuple[Reference, ...]
    folder: str
    page_ref: Reference
    harvard: str


class KBPlugin(BasePlugin[KBConfig]):  # type: ignore[no-untyped-call]
    """Render the knowledge base's pages from the corpus (see the module docstring)."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.bib: Bibliography | None = None
        self.root = Path.cwd()
        self._tmp: Path | None = None
        self.site: export_assets.SiteInfo | None = None
        self._citations: dict[str, PageCitation] = {}
        self._abbreviations: dict[str, str] = {}

    # -- paths --------------------------------------------------------------------------

    def _path(self, value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else self.root / path

    @property
    def csl_path(self) -> Path:
        return self._path(self.config.csl) if self.config.csl else DEFAULT_STYLE

    # -- hooks --------------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        corpus_dir = self._path(self.config.corpus)
        if not corpus_dir.is_dir():
            raise PluginError(f"kb: corpus folder not found: {corpus_dir}")
        if not self.csl_path.exists():
            raise PluginError(f"kb: CSL style file not found: {self.csl_path}")
        bib_path = self._path(self.config.bibliography)
        # the one gate: the build runs kb check itself, and each error it reports is a warning
        # (so that ``--strict`` fails on exactly what ``kb check`` rejects)
        report = run_check(self.root, corpus_dir, bib_path)
        self.corpus, self.bib = report.corpus, report.bibliography
        for problem in report.errors:
            log.warning(str(problem))
        author = self.config.cite_author or config.site_author or f"Editors of {config.site_name}"
        self.site = export_assets.SiteInfo(
            config.site_name, config.site_url or "", author, export_assets.build_date()
        )

        if CITATIONS_EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(CITATIONS_EXTENSION)
        options = config.mdx_configs.setdefault(CITATIONS_EXTENSION, {})
        options["bibliography"] = str(bib_path)
        options["csl"] = str(self.csl_path)
        options.setdefault("bibliography_url", f"/{site_nav.BIBLIOGRAPHY_PAGE}")

        if self.config.abbreviations:
            self._tmp = Path(tempfile.mkdtemp(prefix="kb-site-"))
            terms = self.corpus.of_kind("term")
            self._abbreviations = abbreviation_map(terms)
            (self._tmp / ABBREVIATIONS_FILE).write_text(abbreviations(terms), encoding="utf-8")
            if "abbr" not in config.markdown_extensions:
                config.markdown_extensions.append("abbr")
            if "pymdownx.snippets" not in config.markdown_extensions:
                config.markdown_extensions.append("pymdownx.snippets")
            snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
            bases = snippets.get("base_path", ["."])
            snippets["base_path"] = [*(bases if isinstance(bases, list) else [bases]), str(self._tmp)]
            snippets["auto_append"] = [*snippets.get("auto_append", []), ABBREVIATIONS_FILE]
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.corpus is not None and self.bib is not None
        entries = [e for e in self.corpus.entries if e.kind and e.folder in site_nav.INDEX_PAGES]
        by_id = self.corpus.by_id()
        docs_pages = [f.src_uri for f in files.documentation_pages()]

        def add(src_uri: str, content: str, edit_path: Path | None = None) -> None:
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                log.warning(f"kb: docs/{src_uri} hides the page generated from the corpus; remove it from docs/")
                files.remove(existing)
            generated = File.generated(config, src_uri, content=content)
            if edit_path is not None:
                # relative to the docs folder's edit URI, as mkdocs-gen-files does
                docs_dir = Path(config.docs_dir).resolve()
                generated.edit_uri = Path(os.path.relpath(edit_path.resolve(), docs_dir)).as_posix()
            files.append(generated)

        for entry in entries:
            shown = display_path(entry.path, self.root)
            add(f"{entry.path_id}.md", entry_page(entry, by_id, shown, self.bib), entry.path)
        of = {kind: [e for e in entries if e.kind == kind] for kind in schema.KIND_FOLDER}
        add(site_nav.INDEX_PAGES["findings"], findings_index(of["finding"]))
        add(site_nav.INDEX_PAGES["strategies"], strategies_index(of["strategy"]))
        add(
            site_nav.INDEX_PAGES["procedures"],
            simple_index(
                "Procedures",
                "Procedural guidance for working together: multi-agency plans, meetings and reviews.",
                of["procedure"],
            ),
        )
        add(site_nav.INDEX_PAGES["timeline"], timeline_page(of["event"], by_id))
        add(site_nav.INDEX_PAGES["glossary"], glossary_page(of["term"]))
        add(PREVIEWS_FILE, glossary_data(of["term"]))
        add(site_nav.INDEX_PAGES["case-studies"], gallery_page(of["case-study"]))
        add(site_nav.INDEX_PAGES["sources"], sources_index(of["source"]))
        style = load_style(self.bib.path, self.csl_path)
        for message in style.problems:
            log.warning(f"{display_path(self.bib.path, self.root)}: {message}")
        downloads: dict[str, str] = {}
        if self.config.export:
            self._add_exports(files, entries, add)
            folder = export_assets.BIBLIOGRAPHY_FOLDER
            downloads = {LABEL[f]: f"/{export_assets.download_name(folder, f)}" for f in FORMATS}
        add(site_nav.BIBLIOGRAPHY_PAGE, bibliography_page(style, cited_in(entries), downloads))
        add(site_nav.TAGS_PAGE, tags_page(self.corpus.tags))
        if self.config.semantic_search:
            add(search_assets.SEARCH_PAGE, search_assets.search_page("../" if config.use_directory_urls else ""))
        if self.config.nav:
            config.nav = site_nav.build_nav(entries, docs_pages)
        return files

    def _add_exports(self, files: Files, entries: list[Entry], add: Any) -> None:
        """The citation downloads, and what each entry page needs to offer for citing."""
        assert self.bib is not None and self.site is not None
        bib = self.bib
        everything = list(bib.references.values())
        for src_uri, text in export_assets.download_files(export_assets.BIBLIOGRAPHY_FOLDER, everything).items():
            add(src_uri, text)
        self._citations = {}
        template = ""
        for entry in entries:
            page = files.get_file_from_path(f"{entry.path_id}.md")
            if page is None:
                continue
            refs = tuple(bib[k] for k in entry_keys(entry) if k in bib)
            if refs:
                for src_uri, text in export_assets.download_files(entry.path_id, refs).items():
                    add(src_uri, text)
            page_ref = export_assets.page_reference(entry, self.site, page.url)
            template = template or export_assets.page_citation_template(entry, self.site, self.csl_path)
            text = export_assets.page_citation_html(template, page_ref)
            self._citations[page.src_uri] = PageCitation(entry, refs, entry.path_id, page_ref, text)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        cite = self._citations.get(page.file.src_uri)
        if cite is None or self.site is None:
            return html
        links = {}
        for fmt in FORMATS:
            target = files.get_file_from_path(export_assets.download_name(cite.folder, fmt))
            if target is not None:
                links[fmt] = target.url_relative_to(page.file)
        control = export_assets.export_control(cite.references, links)
        box = export_assets.cite_box(cite.page_ref, cite.harvard, self.site)
        return html + export_assets.with_abbreviations(control + box, self._abbreviations)

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """The nav's titles are HTML already (``indexer.site.nav`` escaped them): marked so, the
        theme's ``| e`` does not escape them twice."""
        if self.config.nav:
            for item in _walk(nav.items):
                if isinstance(item.title, str):
                    item.title = Markup(item.title)
        return nav

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        output = _escaped_html_title(output, page.title)
        if self.config.semantic_search:
            search_url = "ask/" if config.use_directory_urls else "ask.html"
            output = search_assets.with_header_link(output, get_relative_url(search_url, page.url) or "./")
        cite = self._citations.get(page.file.src_uri)
        if cite is None or self.site is None or "</head>" not in output:
            return output
        meta = export_assets.highwire_meta(cite.page_ref, self.site, cite.entry.tags)
        head, rest = output.split("</head>", 1)
        return f"{head}{meta}\n</head>{rest}"

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.edit_url and "/../" in page.edit_url:
            page.edit_url = _without_dot_segments(page.edit_url)
        if page.file.generated_by is None and page.file.abs_src_path:
            # let the citations extension name the hand-written page and its lines
            source = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
            offset = source.count("\n") - markdown.count("\n")
            shown = display_path(Path(page.file.abs_src_path), self.root)
            markdown = f"{source_marker(shown, max(offset, 0) + 1)}\n{markdown}"
        if SOURCES_MARKER in markdown and self.corpus is not None:
            markdown = markdown.replace(SOURCES_MARKER, sources_list(self.corpus.of_kind("source")))
        return markdown

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self._path(self.config.corpus)))
        server.watch(str(self._path(self.config.bibliography)))
        if self.config.csl:
            server.watch(str(self.csl_path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            if self.config.semantic_search:
                self._write_search(config)
        finally:
            self._cleanup()

    def _write_search(self, config: MkDocsConfig) -> None:
        """The in-browser search's files (``indexer.site.search_assets``), from the live index."""
        from ..problems import KBError

        root = self._path(self.config.corpus).parent
        try:
            search_assets.vendor_sources(self._path(self.config.node_modules))  # fail before any indexing
            index = search_assets.live_index(root, log.info)
            style = load_style(self.bib.path, self.csl_path) if self.bib is not None else None
            sizes = search_assets.write_assets(
                Path(config.site_dir), index, self._path(self.config.node_modules), self.bib, style
            )
        except KBError as exc:
            raise PluginError(f"kb: in-browser search: {exc}") from None
        log.debug(f"kb: in-browser search: {len(sizes)} files, {sum(sizes.values()) / 1e6:.1f} MB")

    def on_build_error(self, *, error: Exception) -> None:
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _without_dot_segments(url: str) -> str:
    """``https://host/edit/main/docs/../corpus/x.md`` -> ``https://host/edit/main/corpus/x.md``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))


def _walk(items: Iterable[StructureItem]) -> Iterator[StructureItem]:
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from _walk(item.children)


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


def tags_page(tags: dict[str, str]) -> str:
    """The tags index: mkdocs-material's listing, and what each tag means."""
    lines = [
        "---",
        "title: Tags",
        "---",
        "# Tags",
        "",
        "Every entry carries tags: the themes it is about. Choose a tag to see all its entries.",
        "",
    ]
    if tags:
        lines += ['??? info "What each tag means"', ""]
        lines += [f"    - **{md_text(tag)}**: {md_text(text)}" for tag, text in tags.items()]
        lines += [""]
    lines += ["<!-- material/tags -->", ""]
    return "\n".join(lines)


__all__ = ["KBPlugin", "tags_page"]
