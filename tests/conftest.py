from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_CONTENT, FIXTURE_TODAY, ROOT, add_report_copy, copy_fixture, project_for
from tracker.cache import CACHE_FOLDER
from tracker.pipeline import Project, build_site


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fictional fixture site, built once per test session."""
    site = tmp_path_factory.mktemp("fixture") / "site"
    build_site(project_for(FIXTURE_CONTENT, site), FIXTURE_TODAY)
    return site


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content/, built once per test session."""
    site = tmp_path_factory.mktemp("real") / "site"
    build_site(Project(ROOT / "content", ROOT / "templates", ROOT / "assets", site), date.today())
    return site


@pytest.fixture
def small_search_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split the search index into parts of 3 pages, so that a few fictional reports fill several parts as a large site's would."""
    monkeypatch.setattr("tracker.urls.PAGES_PER_SEARCH_PART", 3)


@pytest.fixture
def project(tmp_path: Path, small_search_parts: None) -> Project:
    """A project of three fictional reports, the second linked to the first, with its own templates, assets and build cache.

    Its search index is in several parts (small_search_parts).
    """
    root = tmp_path / "project"
    content = copy_fixture(root / "content")
    add_report_copy(content, "swings", related_to="benches-r1")
    add_report_copy(content, "lamps")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "assets", root / "assets")
    return Project(content, root / "templates", root / "assets", root / "site", None, root / CACHE_FOLDER)
