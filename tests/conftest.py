from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_CONTENT, FIXTURE_TODAY, ROOT, project_for
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
