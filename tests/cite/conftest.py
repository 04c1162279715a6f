"""Shared fixtures of the citation tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SITE_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "site"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of the site fixture's corpus and bibliography.bib (no docs, no mkdocs.yml), to change freely."""
    root = tmp_path / "project"
    shutil.copytree(SITE_FIXTURE / "corpus", root / "corpus")
    shutil.copy(SITE_FIXTURE / "bibliography.bib", root / "bibliography.bib")
    return root
