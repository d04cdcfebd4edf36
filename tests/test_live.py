"""The live preview serves, after any save, what a full build of the saved content writes."""

from __future__ import annotations

import gc
import shutil
import threading
import weakref
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import files_read_here
from tracker.cache import read_outputs
from tracker.data import data_files
from tracker.errors import ContentErrors
from tracker.live import LiveSite, Refreshed
from tracker.pipeline import CheckedSite, Project, build_site, check_site, collector_paused
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


def test_the_first_build_of_the_preview_reads_the_files_in_two_processes(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.parallel_read.PARALLEL_FROM", 0)
    read_here = files_read_here(monkeypatch)
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    assert read_here == [], "every record was read by the two processes, from the build cache"
    _replace(project.content / "reports/lamps/commitments/paint.md", "Paint every bench green", "Paint every bench blue")
    live.refresh()
    assert read_here == ["reports/lamps/commitments/paint.md"]
    _assert_serves_a_full_build(live, tmp_path)


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

    def counted_data_files(model: SiteModel, cache_folder: Path | None, report_keys: Mapping[str, str], form: str) -> list[RenderedPage]:
        made.append(form)
        return data_files(model, cache_folder, report_keys, form)

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
    assert made == ["json"], "the CSV files are not made for tracker.json"
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


def _unit_outputs(live: LiveSite, tmp_path: Path, unit: str) -> dict[str, bytes]:
    """Return what a full build (with a cache, to tell which unit wrote what) of the content writes for one unit."""
    full = tmp_path / "full-with-cache"
    shutil.rmtree(full, ignore_errors=True)
    project = Project(live.project.content, live.project.templates, live.project.assets, full / "site", None, full / "cache")
    build_site(project, TODAY)
    paths = read_outputs(project.cache, project.site)[unit].files
    assert any(path.startswith("commitments/") for path in paths) and any(path.endswith(".xml") for path in paths)
    return {path: (project.site / path).read_bytes() for path in paths}


@pytest.mark.parametrize(
    ("edited", "old", "new", "unit"),
    [
        ("reports/lamps/commitments/paint.md", "Paint every bench green", "Paint every bench blue", "report:lamps-2021"),
        ("reports/lamps/updates/u2.md", "status: partly-delivered", "status: delivered", "report:lamps-2021"),
        ("reports/swings/recommendations/rec-1.md", "relation: repeats", "relation: follows-up", "report:swings-2021"),
        ("reports/benches/report.md", "Fictional report on park", "A fictional report on park", "report:benches-2021"),
    ],
)
def test_a_save_in_one_report_is_shown_from_it_alone_as_the_whole_check_shows_it(
    project: Project, tmp_path: Path, edited: str, old: str, new: str, unit: str
) -> None:
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    _replace(project.content / edited, old, new)
    assert live.show_report([project.content / edited])
    expected = _unit_outputs(live, tmp_path, unit)
    assert {path: _served(live, path) for path in expected} == expected
    assert live.refresh() is Refreshed.SAME, "nothing served from the report alone differs after the whole check"
    _assert_serves_a_full_build(live, tmp_path)


def test_a_page_shown_before_the_whole_check_that_it_changes_asks_for_a_reload(project: Project) -> None:
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    paint = project.content / "reports/lamps/commitments/paint.md"
    _replace(paint, "Paint every bench green", "Paint every bench blue")
    assert live.show_report([paint])
    assert b"Paint every bench blue" not in (_served(live, "data/tracker.json") or b"")  # open data lists every report
    assert live.refresh() is Refreshed.RELOAD
    assert b"Paint every bench blue" in (_served(live, "data/tracker.json") or b"")


@pytest.mark.parametrize(
    "edits",
    [
        [("statuses.yaml", "label: In progress", "label: Under way")],  # outside reports/: every page may change
        [  # two reports
            ("reports/lamps/commitments/paint.md", "Paint every bench green", "Paint every bench blue"),
            ("reports/benches/commitments/paint.md", "Paint every bench green", "Paint every bench blue"),
        ],
        [("reports/lamps/updates/u1.md", "status: in-progress", "status: in-progres")],  # an error in the report
    ],
)
def test_a_save_not_shown_from_one_report_alone_waits_for_the_whole_check(project: Project, edits: list[tuple[str, str, str]]) -> None:
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    page = "commitments/lamps-c1/index.html"
    before = _served(live, page)
    for path, old, new in edits:
        _replace(project.content / path, old, new)
    assert live.show_report([project.content / path for path, _, _ in edits]) is False
    assert _served(live, page) == before
    try:
        assert live.refresh() is Refreshed.RELOAD
    except ContentErrors as errors:
        assert "in-progres" in errors.report()
    else:
        assert _served(live, page) != before


def test_an_error_across_reports_shows_once_the_whole_check_is_done(project: Project) -> None:
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    updates = project.content / "reports/lamps/updates"
    text = (updates / "u1.md").read_text(encoding="utf-8")
    (updates / "u3.md").write_text(text.replace("id: lamps-u1", "id: benches-u1"), encoding="utf-8")  # an update's id in another report
    assert live.show_report([updates / "u3.md"]), "the report alone has no error"
    with pytest.raises(ContentErrors) as raised:
        live.refresh()
    assert "benches-u1" in raised.value.report()


def test_a_check_overtaken_by_a_save_shown_while_it_ran_keeps_that_save_on_top_and_runs_again(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    paint = project.content / "reports/lamps/commitments/paint.md"
    _replace(paint, "Paint every bench green", "Paint every bench blue")
    assert live.show_report([paint])

    def check_then_save(*args: Any, **kwargs: Any) -> CheckedSite:
        checked = check_site(*args, **kwargs)
        _replace(paint, "Paint every bench blue", "Paint every bench red")  # saved and shown while the check runs
        assert live.show_report([paint])
        return checked

    monkeypatch.setattr("tracker.live.check_site", check_then_save)
    assert live.refresh() is Refreshed.SUPERSEDED
    assert b"Paint every bench red" in (_served(live, "commitments/lamps-c1/index.html") or b"")
    assert b"Paint every bench blue" in (_served(live, "data/tracker.json") or b""), "the site-wide files follow, a check behind"
    monkeypatch.undo()
    assert live.refresh() is Refreshed.RELOAD, "the open data served differs from what the next check makes"
    _assert_serves_a_full_build(live, tmp_path)


def test_an_error_found_by_a_check_that_a_shown_save_overtook_is_not_reported(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    live = LiveSite(project, today=lambda: TODAY)
    live.build()
    update = project.content / "reports/lamps/updates/u1.md"
    _replace(update, "status: in-progress", "status: in-progres")

    def check_then_mend(*args: Any, **kwargs: Any) -> CheckedSite:
        try:
            return check_site(*args, **kwargs)
        finally:
            _replace(update, "status: in-progres", "status: partly-delivered")  # mended and shown while the check runs
            assert live.show_report([update])

    monkeypatch.setattr("tracker.live.check_site", check_then_mend)
    assert live.refresh() is Refreshed.SUPERSEDED
    monkeypatch.undo()
    assert live.refresh() is Refreshed.SAME


def test_the_collector_stays_paused_until_the_last_of_two_overlapping_checks_ends() -> None:
    # The preview shows a save (on the watcher's thread) while a whole check runs (on its own).
    first_entered, first_may_finish = threading.Event(), threading.Event()
    enabled_inside: list[bool] = []

    @collector_paused
    def first() -> None:
        first_entered.set()
        first_may_finish.wait(timeout=10)

    @collector_paused
    def second() -> None:
        first_may_finish.set()
        thread.join(timeout=10)
        enabled_inside.append(gc.isenabled())

    assert gc.isenabled()
    thread = threading.Thread(target=first)
    thread.start()
    assert first_entered.wait(timeout=10)
    second()
    assert enabled_inside == [False], "the first check to finish left the collector paused for the other"
    assert gc.isenabled()
