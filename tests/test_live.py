"""The live preview serves, after any save, what a full build of the saved content writes."""

from __future__ import annotations

import shutil
import weakref
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tracker.data import data_files
from tracker.live import LiveSite
from tracker.pipeline import CheckedSite, Project, build_site, check_site
from tracker.render import RenderedPage
from tracker.views import SiteModel

TODAY = date(2026, 1, 1)


def _served(live: LiveSite, path: str) -> bytes | None:
    found = live.output(path)
    if found.in_memory:
        return found.data
    file = live.project.site / path
    return file.read_bytes() if file.is_file() else None


def _assert_serves_a_full_build(live: LiveSite, tmp_path: Path) -> None:
    full = tmp_path / "full"
    shutil.rmtree(full, ignore_errors=True)
    build_site(Project(live.project.content, live.project.templates, live.project.assets, full), TODAY)
    expected = {path.relative_to(full).as_posix(): path.read_bytes() for path in full.rglob("*") if path.is_file()}
    expected = {path: data for path, data in expected.items() if not path.startswith("pagefind/")}
    assert {path: _served(live, path) for path in expected} == expected
    on_disk = {path.relative_to(live.project.site).as_posix() for path in live.project.site.rglob("*") if path.is_file()}
    gone = {path for path in on_disk - expected.keys() if not path.startswith("pagefind/")}
    assert {path: _served(live, path) for path in gone} == dict.fromkeys(gone)


def _replace(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def test_a_renamed_report_is_served_whole_and_its_old_pages_are_gone(project: Project, tmp_path: Path) -> None:
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    _replace(project.content / "reports/lamps/report.md", "id: lamps-2021", "id: lamps-2022")
    live.refresh()
    _assert_serves_a_full_build(live, tmp_path)


def test_an_edit_undone_after_a_build_by_hand_is_served_undone(project: Project, tmp_path: Path) -> None:
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    paint = project.content / "reports/lamps/commitments/paint.md"
    _replace(paint, "Paint every bench green", "Paint every bench blue")
    live.refresh()
    build_site(project, TODAY)  # `python3 build.py` while the preview runs
    _replace(paint, "Paint every bench blue", "Paint every bench green")
    live.refresh()
    _assert_serves_a_full_build(live, tmp_path)


def test_a_new_commitment_and_an_edited_stylesheet_are_served(project: Project, tmp_path: Path) -> None:
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    commitments = project.content / "reports/lamps/commitments"
    text = (commitments / "paint.md").read_text(encoding="utf-8")
    (commitments / "oil.md").write_text(text.replace("id: lamps-c1", "id: lamps-c9").replace("Paint every", "Oil every"), encoding="utf-8")
    _replace(project.assets / "style.css", "body {", "body  {")
    live.refresh()
    _assert_serves_a_full_build(live, tmp_path)


def test_a_badge_after_a_save_is_made_without_making_the_open_data(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []

    def counted_data_files(model: SiteModel) -> list[RenderedPage]:
        made.append("data")
        return data_files(model)

    monkeypatch.setattr("tracker.pipeline.data_files", counted_data_files)
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    made.clear()
    _replace(project.content / "reports/lamps/commitments/paint.md", "Paint every bench green", "Paint every bench blue")
    live.refresh()
    badge = live.output("commitments/lamps-c1/badge.svg")
    assert badge.in_memory and badge.data is not None and b"<svg" in badge.data
    assert made == [], "the badge's own unit is made, not every changed unit's files"
    assert live.output("data/tracker.json").data is not None
    assert made == ["data"]
    _assert_serves_a_full_build(live, tmp_path)


def test_a_model_that_a_later_save_replaces_is_freed(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    # The preview exempts what it keeps from the cycle collector, so a replaced model must go by reference counting alone.
    models: list[weakref.ref[SiteModel]] = []

    def recorded(*args: Any, **kwargs: Any) -> CheckedSite:
        checked = check_site(*args, **kwargs)
        models.append(weakref.ref(checked.model))
        return checked

    monkeypatch.setattr("tracker.live.check_site", recorded)
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    paint = project.content / "reports/lamps/commitments/paint.md"
    _replace(paint, "Paint every bench green", "Paint every bench blue")
    live.refresh()
    assert live.output("commitments/lamps-c1/index.html").data is not None  # renders from the model it keeps
    _replace(paint, "Paint every bench blue", "Paint every bench red")
    live.refresh()
    assert [model() is None for model in models] == [True, True, False]
