"""The site step written to a folder, for any builder that reads ``mkdocs.yml``.

``write_site(site, out, ...)`` lays out::

    OUT/mkdocs.yml        the project's mkdocs.yml without the kb plugin: docs_dir docs, and
                          what the plugin sets (``indexer.site.builder.builder_config``: the
                          nav, the theme override, the citations extension, abbr's glossary)
    OUT/docs/             the hand-written pages (with their generated parts) and assets,
                          every generated page and download; the static files made after
                          the pages (``builder.write_static``: the search's files, the PDF)
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
from .builder import BuilderConfig, builder_config, extension_options, project_settings
from .printable import PDF_NAME
from .render import PRINTABLE_PAGE, Settings, Site, docs_page_text
from .search_document import ASSETS_DIR

#: the folder of OUT that holds the pages and the static files
DOCS = "docs"
#: the files ``builder.write_static`` makes in OUT/docs: kept by the render (not its pages)
STATIC = (f"{DOCS}/{ASSETS_DIR}", f"{DOCS}/{PRINTABLE_PAGE.rsplit('/', 1)[0]}/{PDF_NAME}")
#: the file that marks a folder as the render step's own (it may remove files there)
MARK = ".kb-site-render"
_KB_PLUGIN_RE = re.compile(r"^  - kb:[ \t]*\n(?:(?:      .*|[ \t]*#.*|[ \t]*)\n)*", re.MULTILINE)


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

    csl = path(options["csl"], "") if options.get("csl") else DEFAULT_STYLE
    settings = project_settings(data, options, csl)
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


def builder_yaml(config: str, built: BuilderConfig) -> str:
    """The project's ``mkdocs.yml`` text made to build OUT without the kb plugin (``built``:
    what the plugin would set)."""
    if not _KB_PLUGIN_RE.search(config):
        raise KBError("mkdocs.yml has no '  - kb:' plugin block to replace")
    config = _KB_PLUGIN_RE.sub("", config, count=1)
    config = re.sub(r"^docs_dir:.*$", f"docs_dir: {DOCS}", config, count=1, flags=re.MULTILINE)
    config = re.sub(r"^theme:[ \t]*\n", "theme:\n  custom_dir: theme\n", config, count=1, flags=re.MULTILINE)
    for name in built.extensions:
        config = _with_extension(config, name, built)
    for key, value in built.extra.items():
        extra = re.search(r"^extra:[ \t]*\n", config, flags=re.MULTILINE)
        line = f"  {key}: {json.dumps(value)}\n"
        config = (config[: extra.end()] + line + config[extra.end():]) if extra else (
            config.rstrip("\n") + f"\n\nextra:\n{line}")
    if built.nav is not None:  # JSON is YAML: the nav's titles are kept exactly
        config = config.rstrip("\n") + "\n\nnav: " + json.dumps(built.nav, ensure_ascii=False) + "\n"
    return config


def _with_extension(config: str, name: str, built: BuilderConfig) -> str:
    """``config`` with extension ``name`` in its ``markdown_extensions``, its options the project's
    with the builder's set over them (JSON is YAML: texts and paths are kept exactly)."""
    block_re = re.compile(r"^  - " + re.escape(name) + r"(?::[ \t]*\n(?:      .*\n)*|[ \t]*\n)", re.MULTILINE)
    found = block_re.search(config)
    current: dict[str, object] = {}
    if found is not None:
        parsed = yaml.load(found.group(0), Loader=_Loader)
        if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
            current = dict(parsed[0].get(name) or {})
    options = extension_options(built, name, current)
    block = f"  - {name}:\n" + "".join(f"      {k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in options.items())
    if found is not None:
        return config[: found.start()] + block + config[found.end():]
    section = re.search(r"^markdown_extensions:[ \t]*\n", config, flags=re.MULTILINE)
    if section is None:
        return config.rstrip("\n") + "\n\nmarkdown_extensions:\n" + block
    return config[: section.end()] + block + config[section.end():]


def write_site(site: Site, out: Path, root: Path, docs_dir: Path, config: str, settings: Settings) -> Written:
    """Write the site step's output to ``out`` (see the module docstring)."""
    from ..problems import display_path

    csl = settings.csl
    if out.is_dir() and any(out.iterdir()) and not (out / MARK).exists():
        raise KBError(f"{out}: not empty and not made by kb site render (its files would be removed): "
                      "choose a new or empty folder")
    wanted: dict[str, bytes] = {MARK: b"Made by kb site render: files here are replaced and removed.\n"}
    for page in site.pages:
        wanted[f"{DOCS}/{page.src_uri}"] = page.markdown.encode("utf-8")
    for src_uri, text in site.files.items():
        wanted[f"{DOCS}/{src_uri}"] = text.encode("utf-8")
    if docs_dir.is_dir():
        for path in sorted(p for p in docs_dir.rglob("*") if p.is_file()):
            rel = path.relative_to(docs_dir).as_posix()
            if path.suffix == ".md":
                text = docs_page_text(path.read_text(encoding="utf-8-sig"), site, rel, display_path(path, root))
                wanted[f"{DOCS}/{rel}"] = text.encode("utf-8")
            else:
                wanted[f"{DOCS}/{rel}"] = path.read_bytes()
    # absolute: Python-Markdown extensions read paths from the builder's working folder
    built = builder_config(site, settings, out.resolve() / "bibliography.bib", out.resolve() / csl.name)
    for path in sorted(built.theme_dir.rglob("*.html")):
        wanted[f"theme/{path.relative_to(built.theme_dir).as_posix()}"] = path.read_bytes()
    wanted["bibliography.bib"] = site.bibliography.path.read_bytes()
    wanted[csl.name] = csl.read_bytes()
    wanted["mkdocs.yml"] = builder_yaml(config, built).encode("utf-8")
    return sync_folder(out, wanted, keep=("site", ".cache", *STATIC))


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


__all__ = ["DOCS", "Project", "Written", "builder_yaml", "read_project", "sync_folder", "write_site"]
