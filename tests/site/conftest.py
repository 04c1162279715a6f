"""Fixtures for the website tests (helpers in ``sitebuild``)."""

from __future__ import annotations

import pytest
from sitebuild import Build, build, make_project


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("site-build")
    project = make_project(root / "project")
    return build(project, root / "site")
