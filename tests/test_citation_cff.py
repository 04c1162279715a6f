"""CITATION.cff: valid Citation File Format 1.2.0, and the same citation as the site gives.

The site's "Cite this knowledge base" (``indexer.site.cite_box.kb_reference``) names the
site's title (mkdocs.yml's ``site_name``) and its editors as one corporate author; the file
must say the same. ``cffconvert --validate`` (PyPI ``cffconvert``) checks the file against
the official schema when it is installed; the required keys and forms are checked here always.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from indexer.site.cite_box import kb_version
from indexer.site.render import Settings

ROOT = Path(__file__).resolve().parents[1]
CFF = ROOT / "CITATION.cff"


def _cff() -> dict[str, object]:
    data = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _site_name() -> str:
    match = re.search(r"^site_name:\s*(.+)$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), flags=re.M)
    assert match
    return match.group(1).strip()


def test_citation_cff_has_what_cff_1_2_0_requires() -> None:
    data = _cff()
    assert data["cff-version"] == "1.2.0"
    assert isinstance(data["message"], str) and data["message"].strip()
    assert data["type"] in ("dataset", "software")
    authors = data["authors"]
    assert isinstance(authors, list) and authors
    for author in authors:  # an entity has a name; a person has family-names: never both halves of a fake person
        assert isinstance(author, dict) and ("name" in author) != ("family-names" in author)
    released = str(data["date-released"])
    assert dt.date.fromisoformat(released) <= dt.date.today()


def test_citation_cff_says_what_the_site_says() -> None:
    data = _cff()
    name = _site_name()
    settings = Settings(name=name)
    assert data["title"] == name == settings.site_info().name
    assert data["authors"] == [{"name": settings.site_info().author}]  # "Editors of ...", one corporate name
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert data["license"] == project["license"] and data["version"] == project["version"]
    assert kb_version() == project["version"]  # the version the site's "Cite this knowledge base" shows


def _cffconvert() -> str:
    """cffconvert (a dev dependency) from this Python's environment, else from PATH."""
    beside = Path(sys.executable).parent / "cffconvert"
    found = str(beside) if beside.exists() else shutil.which("cffconvert")
    assert found, "cffconvert is not installed: it is a dev dependency (scripts/setup.sh installs it)"
    return found


def test_citation_cff_validates_against_the_schema() -> None:
    done = subprocess.run([_cffconvert(), "--validate", "-i", str(CFF)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid according to schema version 1.2.0" in done.stdout
