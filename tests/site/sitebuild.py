"""Helpers for the website tests: a tiny project (tests/fixtures/site) built with MkDocs.

The project is the fixture corpus, bibliography and hand-written pages, with the
repository's own mkdocs.yml and static assets, copied to a temporary folder; the build
runs ``mkdocs build --strict`` in a subprocess, as CI and editors run it.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SITE_FIXTURE = REPO / "tests" / "fixtures" / "site"
EDIT_URI = "https://example.org/kb/edit/main/docs/"


@dataclass(frozen=True)
class Build:
    project: Path
    site: Path
    returncode: int
    output: str

    def html(self, page: str) -> str:
        return (self.site / page / "index.html").read_text(encoding="utf-8")


def make_project(dest: Path, edit_uri: str | None = EDIT_URI, semantic_search: bool = False) -> Path:
    """Copy the fixture project to ``dest`` with the repository's mkdocs.yml and assets.

    The in-browser search is off unless asked for (it needs the search index and the model;
    ``test_search_browser.py`` builds the real site with it)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("corpus", "docs"):
        shutil.copytree(SITE_FIXTURE / name, dest / name)
    shutil.copy(SITE_FIXTURE / "bibliography.bib", dest / "bibliography.bib")
    shutil.copytree(REPO / "docs" / "assets", dest / "docs" / "assets")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if not semantic_search:
        config = with_kb_options(config, semantic_search="false")
    if edit_uri:
        config += f"\nedit_uri: {edit_uri}\n"
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


def copy_repository(dest: Path, **options: str) -> Path:
    """The repository's own corpus, bibliography, docs and mkdocs.yml copied to ``dest``, with
    ``options`` added to the ``kb`` plugin's block: a build there never touches the repository
    (its ``.kb/`` index, ``site/``)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("corpus", "docs"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "bibliography.bib", dest / "bibliography.bib")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (dest / "mkdocs.yml").write_text(with_kb_options(config, **options), encoding="utf-8")
    return dest


def with_kb_options(config: str, **options: str) -> str:
    """``mkdocs.yml`` text with options added to the ``kb`` plugin's block."""
    marker = "  - kb:\n"
    assert marker in config, "mkdocs.yml has no kb plugin block"
    lines = "".join(f"      {name}: {value}\n" for name, value in options.items())
    return config.replace(marker, marker + lines, 1)


def build(project: Path, site: Path, strict: bool = True) -> Build:
    """Run ``mkdocs build`` on ``project`` into ``site``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    if strict:
        command.append("--strict")
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    return Build(project, site, done.returncode, done.stdout + done.stderr)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_folder(folder: Path, subpath: str = "") -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) in a thread; yields the base URL.

    With ``subpath``, the folder must hold the site under that name, and the URL ends in it.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/" + (f"{subpath}/" if subpath else "")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
