"""The site step written to a folder, for any builder that reads ``mkdocs.yml``.

``write_site(site, out, ...)`` lays out::

    OUT/mkdocs.yml        the project's mkdocs.yml without the kb plugin: docs_dir docs,
                          the nav, the theme override, the citations extension and abbr's
                          glossary set to what the plugin would set
    OUT/docs/             the hand-written pages (with their generated parts) and assets,
                          every generated page and download, the search's files (optional)
    OUT/theme/            the theme override (``indexer/site/theme``)
    OUT/bibliography.bib  and the CSL style the citations extension reads

Only files whose content changed are rewritten (an unchanged page keeps its time stamp, so
a builder watching the folder rebuilds only what changed); files the step no longer makes
are removed. Nothing is written outside OUT.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..atomic import write_atomic
from ..cite.citestyle import DEFAULT_STYLE
from ..problems import KBError
from .glossary import abbr_glossary
from .markup import page_marker, source_marker
from .render import THEME_DIR, Settings, Site, after_front_matter, docs_page_markdown

CITATIONS_EXTENSION = "indexer.site.mdx_citations"
#: where ``kb site render --search`` puts the in-browser search's files (static files)
SEARCH_FOLDER = "docs/kb-search"
#: the file that marks a folder as the render step's own (it may remove files there)
MARK = ".kb-site-render"
_KB_PLUGIN_RE = re.compile(r"^  - kb:[ \t]*\n(?:(?:      .*|[ \t]*#.*|[ \t]*)\n)*", re.MULTILINE)
_CITATIONS_RE = re.compile(r"^  - " + re.escape(CITATIONS_EXTENSION) + r":?[ \t]*\n(?:      .*\n)*", re.MULTILINE)
_ABBR_RE = re.compile(r"^  - abbr[ \t]*\n", re.MULTILINE)


@dataclass
class Written:
    """What ``write_site`` did: files written (new or changed), unchanged, removed."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Project:
    """What ``mkdocs.yml`` says about the site: the kb plugin's options and the site's settings."""

    settings: Settings
    corpus: Path
    bibliography: Path
    docs_dir: Path
    node_modules: Path


class _Loader(yaml.SafeLoader):
    """YAML that reads ``mkdocs.yml``'s ``!!python/name:`` tags as plain text (never imports)."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: suffix)


def read_project(config_file: Path) -> Project:
    """The site's settings from ``config_file`` (a project's ``mkdocs.yml`` with the kb plugin)."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KBError(f"{config_file}: cannot read it ({exc})") from None
    if not isinstance(data, dict):
        raise KBError(f"{config_file}: not a MkDocs configuration")
    plugins = data.get("plugins") or []
    options = next((p["kb"] for p in plugins if isinstance(p, dict) and "kb" in p), None)
    if options is None and "kb" not in plugins:
        raise KBError(f"{config_file}: the kb plugin is not in its plugins")
    options = options or {}
    here = config_file.resolve().parent

    def path(value: object, default: str) -> Path:
        p = Path(str(value or default))
        return p if p.is_absolute() else here / p

    settings = Settings(
        name=str(data.get("site_name") or ""),
        url=str(data.get("site_url") or ""),
        author=str(options.get("cite_author") or data.get("site_author") or ""),
        csl=path(options["csl"], "") if options.get("csl") else DEFAULT_STYLE,
        export=bool(options.get("export", True)),
        semantic_search=bool(options.get("semantic_search", True)),
        use_directory_urls=bool(data.get("use_directory_urls", True)),
        printable=bool(options.get("printable", True)),
        printable_pdf=bool(options.get("printable_pdf", False)),
    )
    for name, value in (("corpus", options.get("corpus")), ("bibliography", options.get("bibliography"))):
        if value is not None and not isinstance(value, str):
            raise KBError(f"{config_file}: kb plugin option '{name}' must be a path")
    return Project(
        settings,
        path(options.get("corpus"), "corpus"),
        path(options.get("bibliography"), "bibliography.bib"),
        path(data.get("docs_dir"), "docs"),
        path(options.get("node_modules"), "node_modules"),
    )


def builder_config(config: str, site: Site, csl: Path, out: Path) -> str:
    """The project's ``mkdocs.yml`` text made to build OUT without the kb plugin."""
    if not _KB_PLUGIN_RE.search(config):
        raise KBError("mkdocs.yml has no '  - kb:' plugin block to replace")
    config = _KB_PLUGIN_RE.sub("", config, count=1)
    config = re.sub(r"^docs_dir:.*$", "docs_dir: docs", config, count=1, flags=re.MULTILINE)
    config = re.sub(r"^theme:[ \t]*\n", "theme:\n  custom_dir: theme\n", config, count=1, flags=re.MULTILINE)
    citations = (
        # absolute: Python-Markdown extensions read paths from the builder's working folder
        f"  - {CITATIONS_EXTENSION}:\n      bibliography: {json.dumps(str(out / 'bibliography.bib'))}\n"
        f"      csl: {json.dumps(str(out / csl.name))}\n"
        "      bibliography_url: /bibliography.md\n"
    )
    config = _CITATIONS_RE.sub(citations, config, count=1) if _CITATIONS_RE.search(config) else config
    abbr = "  - abbr:\n      glossary: " + json.dumps(abbr_glossary(site.abbreviations), ensure_ascii=False) + "\n"
    config = _ABBR_RE.sub(abbr, config, count=1)
    if site.ask_page:  # the theme override's header links to the search page
        ask = site.ask_page
        extra = re.search(r"^extra:[ \t]*\n", config, flags=re.MULTILINE)
        config = (config[: extra.end()] + f"  kb_ask: {ask}\n" + config[extra.end():]) if extra else (
            config.rstrip("\n") + f"\n\nextra:\n  kb_ask: {ask}\n")
    # JSON is YAML: the nav's titles and the glossary's texts are kept exactly
    return config.rstrip("\n") + "\n\nnav: " + json.dumps(site.nav, ensure_ascii=False) + "\n"


def write_site(site: Site, out: Path, root: Path, docs_dir: Path, config: str, csl: Path) -> Written:
    """Write the site step's output to ``out`` (see the module docstring)."""
    from ..problems import display_path

    if out.is_dir() and any(out.iterdir()) and not (out / MARK).exists():
        raise KBError(f"{out}: not empty and not made by kb site render (its files would be removed): "
                      "choose a new or empty folder")
    wanted: dict[str, bytes] = {MARK: b"Made by kb site render: files here are replaced and removed.\n"}
    for page in site.pages:
        wanted[f"docs/{page.src_uri}"] = page.markdown.encode("utf-8")
    for src_uri, text in site.files.items():
        wanted[f"docs/{src_uri}"] = text.encode("utf-8")
    if docs_dir.is_dir():
        for path in sorted(p for p in docs_dir.rglob("*") if p.is_file()):
            rel = path.relative_to(docs_dir).as_posix()
            if path.suffix == ".md":
                text = path.read_text(encoding="utf-8-sig")
                body = docs_page_markdown(text, site.corpus, rel, site.kb_citation)
                marker = f"{page_marker(rel)}\n{source_marker(display_path(path, root), 1)}\n"
                wanted[f"docs/{rel}"] = after_front_matter(body, marker).encode("utf-8")
            else:
                wanted[f"docs/{rel}"] = path.read_bytes()
    for path in sorted(THEME_DIR.rglob("*.html")):
        wanted[f"theme/{path.relative_to(THEME_DIR).as_posix()}"] = path.read_bytes()
    wanted["bibliography.bib"] = site.bibliography.path.read_bytes()
    wanted[csl.name] = csl.read_bytes()
    wanted["mkdocs.yml"] = builder_config(config, site, csl, out.resolve()).encode("utf-8")
    return sync_folder(out, wanted, keep=("site", ".cache", SEARCH_FOLDER))


def sync_folder(out: Path, wanted: dict[str, bytes], keep: tuple[str, ...] = ()) -> Written:
    """Make ``out`` hold exactly ``wanted`` (besides the top-level folders in ``keep``),
    rewriting only the files whose bytes differ (paths in ``keep`` and below them are left alone)."""
    done = Written()
    out.mkdir(parents=True, exist_ok=True)
    for rel, data in wanted.items():
        path = out / rel
        try:
            if path.is_file() and path.read_bytes() == data:
                done.unchanged += 1
                continue
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
        done.written.append(rel)
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if any(rel == k or rel.startswith(k + "/") for k in keep):
            continue
        if path.is_file() and rel not in wanted:
            path.unlink()
            done.removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return done


__all__ = ["Project", "Written", "builder_config", "read_project", "sync_folder", "write_site"]
