"""``mkdocs serve`` shows an editor's change to a corpus file or to the bibliography live."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sitebuild import make_project


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, needle: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.read().decode("utf-8")
            if needle in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} never appeared at {url}")


def test_serve_rebuilds_on_corpus_and_bibliography_changes(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", edit_uri=None)
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/glossary/lead-professional/"
        _wait_for(url, "single point of contact")
        entry = project / "corpus" / "glossary" / "lead-professional.md"
        entry.write_text(entry.read_text().replace("single point of contact", "one named contact"))
        _wait_for(url, "one named contact")
        bib = project / "bibliography.bib"
        bib.write_text(bib.read_text().replace("A Practitioner's Guide to Interagency", "A Practitioner's Handbook of Interagency"))
        _wait_for(url, "Handbook of Interagency")
    finally:
        server.terminate()
        server.wait(timeout=30)
