"""Fixtures for the website tests (helpers in ``sitebuild``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sitebuild import Build, build, make_project


@pytest.fixture(scope="session")
def test_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests put screenshots and measured figures: a pytest temporary folder,
    or ``$KB_TEST_OUTPUT`` when set (to keep them and look at them). Never the source tree."""
    chosen = os.environ.get("KB_TEST_OUTPUT")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("test-output")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("site-build")
    project = make_project(root / "project")
    return build(project, root / "site")
