"""Permalinks never break: the URL ledger, former ids and redirects."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_TODAY, ROOT, copy_fixture, project_for
from tracker.errors import ContentErrors
from tracker.ledger import LEDGER_NAME, read_ledger
from tracker.pipeline import Project, build_site, check_site


def _project(tmp_path: Path) -> Project:
    content = copy_fixture(tmp_path / "content")
    return replace(project_for(content, tmp_path / "site"), ledger=tmp_path / LEDGER_NAME)


def _rename_commitment(project: Project, former_ids: str = "") -> None:
    paint = project.content / "reports/benches/commitments/paint.md"
    paint.write_text(paint.read_text(encoding="utf-8").replace("id: benches-c1\n", f"id: benches-paint\n{former_ids}"), encoding="utf-8")
    for update in ("u1.md", "u2.md"):
        path = project.content / "reports/benches/updates" / update
        path.write_text(path.read_text(encoding="utf-8").replace("commitment: benches-c1", "commitment: benches-paint"), encoding="utf-8")


def test_the_build_records_every_published_url(tmp_path: Path) -> None:
    project = _project(tmp_path)
    build_site(project, FIXTURE_TODAY)
    assert project.ledger is not None
    recorded = [entry.url for entry in read_ledger(project.ledger)]
    assert "/commitments/benches-c1/" in recorded
    assert recorded == sorted(recorded)


def test_a_published_url_that_would_disappear_fails_the_build(tmp_path: Path) -> None:
    project = _project(tmp_path)
    build_site(project, FIXTURE_TODAY)
    before = (project.site / "index.html").read_bytes()
    _rename_commitment(project)
    with pytest.raises(ContentErrors) as failure:
        build_site(project, FIXTURE_TODAY)
    assert project.ledger is not None
    line = project.ledger.read_text(encoding="utf-8").splitlines().index("/commitments/benches-c1/") + 1
    assert failure.value.report().splitlines()[0] == (
        f"published-urls.txt:{line}: url: /commitments/benches-c1/ was published before and would now disappear — "
        "if its item was given a new id, add the old id under `former_ids:` in the item's file; if the page never went live, delete this line"
    )
    assert (project.site / "index.html").read_bytes() == before


def test_a_former_id_redirects_the_old_url(tmp_path: Path) -> None:
    project = _project(tmp_path)
    build_site(project, FIXTURE_TODAY)
    _rename_commitment(project, former_ids="former_ids: [benches-c1]\n")
    build_site(project, FIXTURE_TODAY)
    redirects = (project.site / "_redirects").read_text(encoding="utf-8").splitlines()
    assert redirects[0] == "/commitments/benches-c1/ /commitments/benches-paint/ 301"
    assert [line for line in redirects[1:] if not line.endswith(" 302")] == []  # the rest send gone pages of long lists to the first
    assert project.ledger is not None
    assert {"/commitments/benches-c1/", "/commitments/benches-paint/"} <= {entry.url for entry in read_ledger(project.ledger)}


def test_a_former_id_may_not_be_a_current_id(tmp_path: Path) -> None:
    project = _project(tmp_path)
    review = project.content / "reports/benches/commitments/review.md"
    review.write_text(
        review.read_text(encoding="utf-8").replace("id: benches-c2\n", "id: benches-c2\nformer_ids: [benches-c1]\n"), encoding="utf-8"
    )
    with pytest.raises(ContentErrors) as failure:
        check_site(project, FIXTURE_TODAY)
    assert (
        "content/reports/benches/commitments/review.md:3: id: the commitment id 'benches-c1' is already used in content/reports/benches/commitments/paint.md"
        in failure.value.report()
    )


def test_the_committed_ledger_holds_every_url_the_real_content_publishes() -> None:
    published = check_site(Project.at(ROOT), date.today()).published
    missing = set(published) - {entry.url for entry in read_ledger(ROOT / LEDGER_NAME)}
    assert missing == set(), f"run `python3 build.py` and commit {LEDGER_NAME}"
