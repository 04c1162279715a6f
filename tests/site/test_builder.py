"""What any builder sets and writes around the site step's pages (``indexer.site.builder``), as
the plugin sets it on MkDocs' config and ``kb site render`` writes it into its mkdocs.yml."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from sitebuild import SITE_FIXTURE

from indexer.cite.citestyle import DEFAULT_STYLE
from indexer.site.builder import CITATIONS_EXTENSION, builder_config, project_settings, write_static
from indexer.site.output import _Loader, builder_yaml
from indexer.site.render import PRINTABLE_PAGE, THEME_DIR, docs_pages, render_site

MKDOCS_YML = """\
site_name: Test
docs_dir: somewhere
theme:
  name: material
plugins:
  - kb:
      printable_pdf: true
      nav: false
markdown_extensions:
  - toc:
      permalink: true
  - indexer.site.mdx_citations:
      bibliography_url: /refs.md
      own_option: kept
"""


def _site(tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    settings = project_settings({"site_name": "Test"}, options, DEFAULT_STYLE)
    docs = SITE_FIXTURE / "docs"
    site = render_site(SITE_FIXTURE, SITE_FIXTURE / "corpus", SITE_FIXTURE / "bibliography.bib", settings,
                       docs_pages(docs), docs)
    return site, settings


def test_settings_from_the_plugins_options_with_their_defaults() -> None:
    site = {"site_name": "S", "site_author": "A", "repo_url": "https://github.com/o/r"}
    settings = project_settings(site, {"printable_pdf": True, "nav": False}, Path("s.csl"))
    assert (settings.name, settings.author, settings.csl) == ("S", "A", Path("s.csl"))
    assert settings.printable_pdf and not settings.nav and settings.export and settings.semantic_search
    assert settings.edit.edit_uri == "edit/master/docs/"  # MkDocs' default for GitHub
    assert project_settings({}, {"cite_author": "C"}, Path("s.csl")).author == "C"


def test_the_builders_config_and_the_rendered_mkdocs_yml_say_the_same(tmp_path: Path) -> None:
    site, settings = _site(tmp_path, nav=False, semantic_search=True)
    built = builder_config(site, settings, Path("/out/bibliography.bib"), Path("/out/x.csl"))
    assert built.theme_dir == THEME_DIR and built.nav is None and built.extra == {"kb_ask": "ask/"}
    assert built.extensions[CITATIONS_EXTENSION] == {"bibliography": "/out/bibliography.bib", "csl": "/out/x.csl"}
    assert built.extensions["abbr"]["glossary"]
    text = builder_yaml(MKDOCS_YML, built)
    config = yaml.load(text, Loader=_Loader)
    assert config["docs_dir"] == "docs" and config["theme"]["custom_dir"] == "theme"
    assert not config["plugins"]  # the kb plugin block is gone (it was the only plugin)
    extensions = {next(iter(e)) if isinstance(e, dict) else e: e for e in config["markdown_extensions"]}
    citations = extensions[CITATIONS_EXTENSION][CITATIONS_EXTENSION]
    # the project's options are kept, the builder's set over them; a missing extension is added
    assert citations == {"bibliography_url": "/refs.md", "own_option": "kept",
                         "bibliography": "/out/bibliography.bib", "csl": "/out/x.csl"}
    assert extensions["abbr"]["abbr"]["glossary"] == built.extensions["abbr"]["glossary"]
    assert extensions["toc"] == {"toc": {"permalink": True}}
    assert config["extra"] == {"kb_ask": "ask/"} and "nav" not in config


def test_write_static_writes_the_pdf_beside_the_printable_edition(tmp_path: Path) -> None:
    site, settings = _site(tmp_path, semantic_search=False, printable_pdf=True)
    sizes = write_static(site, tmp_path / "out", settings, SITE_FIXTURE, tmp_path / "node_modules", print)
    [(name, size)] = sizes.items()
    assert name.startswith(PRINTABLE_PAGE.rsplit("/", 1)[0] + "/") and name.endswith(".pdf") and size > 1000
    assert (tmp_path / "out" / name).read_bytes().startswith(b"%PDF")
    off = dataclasses.replace(settings, printable_pdf=False)
    assert write_static(site, tmp_path / "none", off, SITE_FIXTURE, tmp_path / "node_modules", print) == {}
