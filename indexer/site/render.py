"""The site step: corpus + bibliography in, the site's Markdown pages, files and nav out.

Pure functions with no builder's types, so that any builder that reads Markdown can build
the site: the MkDocs plugin (``indexer.site.plugin``) calls ``render_site`` in memory, and
``kb site render OUT`` writes the same pages to a folder (``indexer.site.output``) that
plain MkDocs, ProperDocs or another reader of ``mkdocs.yml`` builds.

What ``render_site`` gives:

* ``pages``: every generated page (one per entry, the index pages, the bibliography, the
  tags and the search page) as Markdown with front matter; links between pages are
  relative to the page (``../glossary/x.md``), so no builder needs to resolve
  docs-root-absolute links; an entry page ends with its "Export" and "Cite this page"
  blocks (raw HTML) and carries its ``citation_*`` meta tags in the front matter
  (``kb_head``), which the theme override (``indexer/site/theme/main.html``) puts in ``<head>``;
* ``files``: the citation downloads (the whole bibliography, and each entry's references);
* ``nav``: the navigation in ``mkdocs.yml``'s format (``indexer.site.nav``);
* ``abbreviations``: the glossary's abbreviations for Python-Markdown's ``abbr`` ``glossary``
  option (not appended to every page);
* ``problems``: what ``kb check`` reports (the one gate: builders turn them into warnings).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..cite.citestyle import DEFAULT_STYLE, load_style
from ..cite.export import FORMATS, LABEL, entry_keys
from ..corpus import schema
from ..corpus.bibliography import Bibliography
from ..corpus.check import run_check
from ..corpus.entries import Corpus, Entry
from ..problems import Problem, display_path
from . import export_assets
from . import nav as site_nav
from .bibliography_page import bibliography_page, cited_in
from .edit_links import EditLinks
from .gallery import gallery_page
from .glossary import abbreviation_map
from .markup import md_text, page_marker, source_marker
from .pages import entry_page, findings_index, simple_index, sources_index, sources_list, strategies_index
from .themes import theme_page
from .timeline import timeline_page

#: the page that hand-written pages mark where the list of source overviews goes
SOURCES_MARKER = "<!-- kb:sources -->"
SEARCH_PAGE = "ask.md"
PRINTABLE_PAGE = "print/index.html"
#: the theme override (Material's blocks): a builder adds it as ``theme.custom_dir``
THEME_DIR = Path(__file__).parent / "theme"


@dataclass(frozen=True)
class Settings:
    """What the site step needs besides the corpus: the site's name, address and options."""

    name: str
    url: str = ""  # site_url, "" when not set
    author: str = ""  # the corporate author of the pages (default: "Editors of NAME")
    csl: Path = DEFAULT_STYLE
    export: bool = True
    semantic_search: bool = True
    use_directory_urls: bool = True
    printable: bool = True  # the printable edition, print/index.html
    printable_pdf: bool = False  # and its PDF (about 95 s: off unless asked for)
    nav: bool = True  # the builder's nav is the site step's (``indexer.site.nav``)
    abbreviations: bool = True  # the glossary's abbreviations shown on hover on every page
    edit: EditLinks = field(default_factory=EditLinks)  # "Edit this page" (off without edit_uri)

    def site_info(self) -> export_assets.SiteInfo:
        author = self.author or f"Editors of {self.name}"
        return export_assets.SiteInfo(self.name, self.url, author, export_assets.build_date())


@dataclass(frozen=True)
class Page:
    """A generated page: its path in the docs folder, its Markdown, the file it comes from."""

    src_uri: str
    markdown: str
    source: Path | None = None  # the corpus file ("Edit this page" opens it)


@dataclass
class Site:
    corpus: Corpus
    bibliography: Bibliography
    pages: list[Page] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    nav: list[site_nav.NavItem] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    ask_page: str = ""  # the search page's URL from the site's root ("" when there is none)


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The page's URL relative to the site's root, as MkDocs makes it."""
    stem = src_uri.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


_ABSOLUTE_LINK_RE = re.compile(r"\]\(/([^)\s#]*)(#[^)\s]*)?\)")


def relative_links(markdown: str, src_uri: str) -> str:
    """Docs-root-absolute Markdown links (``](/findings/x.md#a)``) made relative to the page."""
    here = posixpath.dirname(src_uri) or "."

    def relative(match: re.Match[str]) -> str:
        target = posixpath.relpath(match.group(1) or ".", here)
        return f"]({target}{match.group(2) or ''})"

    return _ABSOLUTE_LINK_RE.sub(relative, markdown)


def docs_page_markdown(markdown: str, corpus: Corpus, src_uri: str) -> str:
    """A hand-written page's Markdown with the generated parts it asks for filled in."""
    if SOURCES_MARKER in markdown:
        listing = relative_links(sources_list(corpus.of_kind("source")), src_uri)
        markdown = markdown.replace(SOURCES_MARKER, listing)
    return markdown


def docs_page_body(body: str, site: Site, src_uri: str, shown: str, first_line: int) -> str:
    """A hand-written page's body (its front matter taken off; it starts at ``first_line`` of the
    file ``shown``) as the site builds it: the page marker and the source marker (the citations
    extension names the page, the file and its lines), then the body with its generated parts."""
    marked = f"{page_marker(src_uri)}\n{source_marker(shown, first_line)}\n"
    return marked + docs_page_markdown(body, site.corpus, src_uri)


def docs_page_text(text: str, site: Site, src_uri: str, shown: str) -> str:
    """A hand-written page's whole file (front matter kept) as a builder reads it: the same body
    as ``docs_page_body`` gives the plugin (the blank lines after the front matter dropped, as
    MkDocs drops them)."""
    front = _front_matter_end(text)
    body = text[front:].lstrip("\n")
    first_line = text[: len(text) - len(body)].count("\n") + 1
    return text[:front] + docs_page_body(body, site, src_uri, shown, first_line)


def render_site(
    root: Path, corpus_dir: Path, bib_path: Path, settings: Settings, docs_pages: Iterable[str],
    docs_dir: Path | None = None,
) -> Site:
    """Every generated page, file and the nav of the site (``docs_pages``: the hand-written
    pages, in ``docs_dir``)."""
    report = run_check(root, corpus_dir, bib_path)
    site = Site(report.corpus, report.bibliography, problems=list(report.errors))
    site.abbreviations = abbreviation_map(site.corpus.of_kind("term"))
    entries = [e for e in site.corpus.entries if e.kind and e.folder in site_nav.INDEX_PAGES]
    by_id = site.corpus.by_id()
    pages: dict[str, Page] = {}

    def add(src_uri: str, markdown: str, source: Path | None = None) -> None:
        pages[src_uri] = Page(src_uri, markdown, source)

    for entry in entries:
        shown = display_path(entry.path, root)
        if entry.kind == "theme":
            page = theme_page(entry, entries, shown)
        else:
            page = entry_page(entry, by_id, shown, site.bibliography)  # the bibliography: the evidence marker
        add(f"{entry.path_id}.md", page, entry.path)
    of = {kind: [e for e in entries if e.kind == kind] for kind in schema.KIND_FOLDER}
    add(site_nav.INDEX_PAGES["findings"], findings_index(of["finding"], of["theme"]))
    add(site_nav.INDEX_PAGES["strategies"], strategies_index(of["strategy"]))
    intro = "Procedural guidance for working together: multi-agency plans, meetings and reviews."
    add(site_nav.INDEX_PAGES["procedures"], simple_index("Procedures", intro, of["procedure"]))
    add(site_nav.INDEX_PAGES["timeline"], timeline_page(of["event"], by_id))
    from .glossary import PREVIEWS_FILE, glossary_data, glossary_page

    add(site_nav.INDEX_PAGES["glossary"], glossary_page(of["term"]))
    site.files[PREVIEWS_FILE] = glossary_data(of["term"])  # the glossary previews' data (kb.js)
    add(site_nav.INDEX_PAGES["case-studies"], gallery_page(of["case-study"]))
    docs_pages = list(docs_pages)
    add(site_nav.INDEX_PAGES["sources"], sources_index(of["source"], site_nav.ABOUT_SOURCES_PAGE in docs_pages))
    style = load_style(site.bibliography.path, settings.csl)
    shown_bib = display_path(site.bibliography.path, root)
    site.problems += [Problem(shown_bib, 0, message) for message in style.problems]
    downloads: dict[str, str] = {}
    if settings.export:
        _add_exports(site, entries, pages, settings)
        folder = export_assets.BIBLIOGRAPHY_FOLDER
        downloads = {LABEL[f]: f"/{export_assets.download_name(folder, f)}" for f in FORMATS}
    add(site_nav.BIBLIOGRAPHY_PAGE, bibliography_page(style, cited_in(entries), downloads))
    add(site_nav.TAGS_PAGE, tags_page(site.corpus.tags))
    if settings.printable:
        from .markup import format_date
        from .printable import build_edition

        built = format_date(export_assets.build_date().isoformat())
        pdf = settings.printable_pdf
        edition = build_edition(site.corpus, site.bibliography.path, settings.csl, docs_dir, built, pdf)
        site.files[PRINTABLE_PAGE] = edition.html
    if settings.semantic_search:
        from .search_page import search_page

        add(SEARCH_PAGE, search_page("../" if settings.use_directory_urls else ""))
        site.ask_page = "ask/" if settings.use_directory_urls else "ask.html"
    edit_dir = docs_dir if docs_dir is not None else root / "docs"
    for p in pages.values():
        markdown = relative_links(p.markdown, p.src_uri)
        if settings.edit.on:  # "" for a page with no file of its own: no edit link
            markdown = with_meta(markdown, "kb_edit_url", settings.edit.url(p.source, edit_dir) if p.source else "")
        site.pages.append(Page(p.src_uri, after_front_matter(markdown, page_marker(p.src_uri) + "\n"), p.source))
    site.nav = site_nav.build_nav(entries, docs_pages)
    return site


def _add_exports(site: Site, entries: list[Entry], pages: dict[str, Page], settings: Settings) -> None:
    """The citation downloads, and on each entry page its export links, COinS, "Cite this
    page" and (in the front matter) its meta tags."""
    bib, info = site.bibliography, settings.site_info()
    site.files.update(export_assets.download_files(export_assets.BIBLIOGRAPHY_FOLDER, list(bib.references.values())))
    template = ""
    for entry in entries:
        src_uri = f"{entry.path_id}.md"
        url = page_url(src_uri, settings.use_directory_urls)
        refs = tuple(bib[k] for k in entry_keys(entry) if k in bib)
        links: dict[str, str] = {}
        if refs:
            files = export_assets.download_files(entry.path_id, refs)
            site.files.update(files)
            folder = url.rstrip("/") if url.endswith("/") else posixpath.dirname(url)
            for fmt in FORMATS:
                links[fmt] = posixpath.relpath(export_assets.download_name(entry.path_id, fmt), folder or ".")
        page_ref = export_assets.page_reference(entry, info, url)
        template = template or export_assets.page_citation_template(entry, info, settings.csl)
        harvard = export_assets.page_citation_html(template, page_ref)
        blocks = export_assets.export_control(refs, links) + export_assets.cite_box(page_ref, harvard, info)
        head = export_assets.highwire_meta(page_ref, info, entry.tags)
        page = pages[src_uri]
        # the page's <head> additions, read by the theme override
        markdown = with_meta(page.markdown, "kb_head", head)
        # "@" as an entity: the BibTeX shown (``@misc{...``) is not a citation to the citations extension
        html_blocks = export_assets.with_abbreviations(blocks, site.abbreviations).replace("@", "&#64;")
        markdown += "\n\n" + html_blocks + "\n"
        pages[src_uri] = Page(src_uri, markdown, page.source)


def _front_matter_end(markdown: str) -> int:
    """Where ``markdown``'s front matter ends (0 when it has none)."""
    end = markdown.find("\n---\n", 4) if markdown.startswith("---\n") else -1
    return end + 5 if end >= 0 else 0


def after_front_matter(markdown: str, insert: str) -> str:
    """``markdown`` with ``insert`` placed just after its front matter (at the start when it has none)."""
    at = _front_matter_end(markdown)
    return markdown[:at] + insert + markdown[at:]


def docs_pages(docs_dir: Path) -> list[str]:
    """The hand-written pages of ``docs_dir`` (their paths in it), sorted."""
    return sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")) if docs_dir.is_dir() else []


def with_meta(markdown: str, key: str, value: str) -> str:
    """The page's front matter with ``key: value`` first (a front matter made when it has none)."""
    import json

    # JSON is YAML: the text is kept exactly, whatever characters it holds
    line = f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
    return "---\n" + line + markdown[4:] if _front_matter_end(markdown) else f"---\n{line}---\n{markdown}"


def tags_page(tags: dict[str, str]) -> str:
    """The tags index: mkdocs-material's listing, and what each tag means."""
    lines = ["---", "title: Tags", "---", "# Tags", ""]
    lines += ["Every entry carries tags: the themes it is about. Choose a tag to see all its entries.", ""]
    if tags:
        lines += ['??? info "What each tag means"', ""]
        lines += [f"    - **{md_text(tag)}**: {md_text(text)}" for tag, text in tags.items()]
        lines += [""]
    lines += ["<!-- material/tags -->", ""]
    return "\n".join(lines)


__all__ = [
    "PRINTABLE_PAGE",
    "SEARCH_PAGE",
    "SOURCES_MARKER",
    "THEME_DIR",
    "Page",
    "Settings",
    "Site",
    "after_front_matter",
    "docs_page_body",
    "docs_page_markdown",
    "docs_page_text",
    "docs_pages",
    "page_url",
    "relative_links",
    "render_site",
    "tags_page",
    "with_meta",
]
