"""A rebuild that reuses the build cache gives, byte for byte, the site a full build gives."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers import FIXTURE_TODAY, ROOT, add_report_copy, files_read_here
from tracker import staging
from tracker.cache import OutputRecord, RecordCache, UnitRecord, folder_id, output_stamp, read_outputs, save_outputs
from tracker.cli import main
from tracker.data import report_part
from tracker.data_parts import ReportPart, sort_bytes
from tracker.errors import ContentErrors
from tracker.mapped import read_pickled
from tracker.pipeline import BuildOptions, Project, build_site, check_site
from tracker.render import render_page
from tracker.staging import HelperStopped
from tracker.write import WorkerStopped

Edit = Callable[[Path], None]


def _tree(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def _folders(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_dir())


def _full_build(project: Project, site: Path) -> dict[str, bytes]:
    build_site(Project(project.content, project.templates, project.assets, site), FIXTURE_TODAY)
    return _tree(site)


def _replace(relative: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        file = root / relative
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {relative}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _add_update(root: Path) -> None:
    update = (root / "content/reports/lamps/updates/u1.md").read_text(encoding="utf-8")
    (root / "content/reports/lamps/updates/u3.md").write_text(update.replace("id: lamps-u1", "id: lamps-u3"), encoding="utf-8")


def _add_status_change(root: Path) -> None:
    """Add an update that changes a status back (partly delivered to in progress) in 2022: the other years' pages count it."""
    update = (root / "content/reports/lamps/updates/u1.md").read_text(encoding="utf-8")
    changed = update.replace("id: lamps-u1", "id: lamps-u4").replace("date: 2021-09-01", "date: 2022-06-01")
    (root / "content/reports/lamps/updates/u4.md").write_text(changed, encoding="utf-8")


EDITS: dict[str, Edit] = {
    "a commitment's title": _replace(
        "content/reports/lamps/commitments/paint.md", "title: Paint every bench green", "title: Paint every lamp green"
    ),
    "an update's words": _replace("content/reports/benches/updates/u2.md", "Fictional", "Invented"),
    "a new update": _add_update,
    "a new update that changes a status": _add_status_change,
    "the title of a report another one links to": _replace(
        "content/reports/benches/report.md", 'title: "Fictional', 'title: "Revised fictional'
    ),
    "a body's name": _replace("content/bodies/office.yaml", "name: ", "name: The "),
    "a status's label": _replace(
        "content/statuses.yaml",
        "label: ",
        "label: Now ",
    ),
    "a template": _replace("templates/commitment.html", "{% block main %}", "{% block main %}<p>Template changed.</p>"),
    "the stylesheet": _replace("assets/style.css", "body {", "body  {"),
    "a report's id": _replace("content/reports/lamps/report.md", "id: lamps-2021", "id: lamps-2022"),
    "a related link removed": _replace(
        "content/reports/swings/recommendations/rec-1.md", "related:\n  - recommendation: benches-r1\n    relation: repeats\n", ""
    ),
    "a report removed": lambda root: shutil.rmtree(root / "content/reports/lamps"),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_rebuild_after_an_edit_equals_a_full_build(project: Project, tmp_path: Path, edit: Edit) -> None:
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "before")
    edit(project.content.parent)
    build_site(project, FIXTURE_TODAY)
    after = _full_build(project, tmp_path / "after")
    assert _tree(project.site) == after
    assert _folders(project.site) == _folders(tmp_path / "after"), "no folder is left empty by the pages that went"
    assert after != _tree(tmp_path / "before"), "the edit should change the site"


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_rebuild_after_an_edit_with_lists_of_one_item_a_page_equals_a_full_build(
    project: Project, tmp_path: Path, edit: Edit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.paging.ITEMS_PER_PAGE", 1)  # each list page is keyed by its one item's report
    build_site(project, FIXTURE_TODAY)
    edit(project.content.parent)
    build_site(project, FIXTURE_TODAY)
    after = _full_build(project, tmp_path / "after")
    assert _tree(project.site) == after
    assert _folders(project.site) == _folders(tmp_path / "after")


def test_a_change_that_moves_past_another_commitments_run_of_changes_in_its_year_equals_a_full_build(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.paging.ITEMS_PER_PAGE", 1)
    updates = project.content / "reports/benches/updates"
    first = (updates / "u1.md").read_text(encoding="utf-8")  # in progress
    for number, month in ((5, 3), (6, 4), (7, 5), (8, 6)):  # benches-c1 changes status back and forth four more times in 2022
        status = "in-progress" if number % 2 else "partly-delivered"
        text = first.replace("id: benches-u1", f"id: benches-u{number}").replace("date: 2021-09-01", f"date: 2022-0{month}-01")
        (updates / f"u{number}.md").write_text(text.replace("status: in-progress", f"status: {status}"), encoding="utf-8")
    build_site(project, FIXTURE_TODAY)
    # lamps' change of 1 February moves to the year's end: each page of benches-c1's run now shows the change before its own.
    _replace("content/reports/lamps/updates/u2.md", "date: 2022-02-01", "date: 2022-12-31")(project.content.parent)
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")


def test_an_edit_builds_again_only_the_list_pages_that_show_what_it_changed(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tracker.paging.ITEMS_PER_PAGE", 1)
    build_site(project, FIXTURE_TODAY)
    lists = ("statuses/", "bodies/", "changes/2")  # the pages of each status, body and year of changes
    before = {path: (project.site / path).stat().st_ino for path in _tree(project.site) if path.startswith(lists)}
    EDITS["a commitment's title"](project.content.parent)  # lamps-c1, "Paint every lamp green"
    build_site(project, FIXTURE_TODAY)
    rewritten = {path for path in before if (project.site / path).stat().st_ino != before[path]}
    # An item is made from its report's files: the pages showing any item of the edited report are built again.
    showing = {path for path in before if re.search(r'href="?/[a-z]+/lamps-', (project.site / path).read_text(encoding="utf-8"))}
    assert rewritten == showing
    assert len(showing) < len(before) / 2, "most pages of the lists show other reports' items"
    assert any("Paint every lamp green" in (project.site / path).read_text(encoding="utf-8") for path in rewritten)


def test_a_rebuild_by_two_workers_while_the_unchanged_files_are_linked_equals_a_full_build(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.write.PARALLEL_FROM", 0)
    build_site(project, FIXTURE_TODAY)
    benches = {path: (project.site / path).stat().st_ino for path in _tree(project.site) if "benches" in path}
    EDITS["a commitment's title"](project.content.parent)
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")
    assert benches and {path: (project.site / path).stat().st_ino for path in benches} == benches, "another report's files are linked"


def test_an_edit_renders_only_its_report_and_the_site_wide_pages(project: Project) -> None:
    build_site(project, FIXTURE_TODAY)
    before = {path: (project.site / path).stat().st_ino for path in _tree(project.site)}
    EDITS["a commitment's title"](project.content.parent)
    build_site(project, FIXTURE_TODAY)
    rewritten = {path for path in _tree(project.site) if before.get(path) != (project.site / path).stat().st_ino}
    assert "commitments/lamps-c1/index.html" in rewritten
    assert "feeds/commitments/lamps-c1.xml" in rewritten
    assert "index.html" in rewritten  # the home page lists every report
    assert not {path for path in rewritten if "benches" in path or "swings" in path}, "other reports' files are reused"
    edited_part = _part_of(project, "lamps")
    assert {_part_of(project, "benches"), _part_of(project, "swings")} - {edited_part}, "another report's pages are in another part"
    assert not {path for path in rewritten if path.startswith("pagefind/")} - {
        path for path in rewritten if path.startswith(f"pagefind/{edited_part}/")
    }, "only the edited report's part of the search index is made again"


def test_an_edit_makes_again_only_its_reports_part_of_the_open_data(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(project, FIXTURE_TODAY)
    made: list[str] = []

    def counted_report_part(*args: Any) -> ReportPart:
        made.append(args[-1].record.id)
        return report_part(*args)

    monkeypatch.setattr("tracker.data.report_part", counted_report_part)
    EDITS["a commitment's title"](project.content.parent)
    build_site(project, FIXTURE_TODAY)
    assert made == ["lamps-2021", "lamps-2021"], "its JSON and CSV parts; the other reports' parts are taken from the cache"
    assert _tree(project.site) == _full_build(project, tmp_path / "full")


def test_a_kept_part_of_the_open_data_cut_short_is_made_again(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_site(project, FIXTURE_TODAY)
    assert project.cache is not None
    kept = project.cache / "data/benches-2021/updates.json"
    kept.write_bytes(kept.read_bytes()[:-10])
    made: list[str] = []

    def counted_report_part(*args: Any) -> ReportPart:
        made.append(args[-1].record.id)
        return report_part(*args)

    monkeypatch.setattr("tracker.data.report_part", counted_report_part)
    EDITS["a commitment's title"](project.content.parent)  # in another report: the open data is made again
    build_site(project, FIXTURE_TODAY)
    assert sorted(made) == ["benches-2021", "lamps-2021", "lamps-2021"], "the part cut short (JSON), and the edited report's two"
    assert _tree(project.site) == _full_build(project, tmp_path / "full")


# Short strings share beginnings often; few keys keep each example small (Hypothesis checks how long inputs take to make).
_SORT_KEY_PARTS = (st.dates(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.text(max_size=4))


def _keys_of_one_shape(shape: list[int]) -> st.SearchStrategy[list[tuple[object, ...]]]:
    """Keys whose parts have the types shape gives, position by position, some cut short."""
    whole = st.tuples(*(_SORT_KEY_PARTS[kind] for kind in shape))
    return st.lists(
        st.tuples(whole, st.integers(0, len(shape))).map(lambda key_and_length: key_and_length[0][: key_and_length[1]]), max_size=12
    )


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # no test times anything: the machines are shared
@given(st.lists(st.integers(0, 2), min_size=1, max_size=3).flatmap(_keys_of_one_shape))
@example([("a", 1), ("a\x00", 0), ("a\x01", -1), ("", 2)])  # a string, then another part: the string must end
def test_kept_items_sort_by_their_keys_bytes_as_by_their_keys(keys: list[tuple[object, ...]]) -> None:
    """The open data's kept items are merged by their keys as bytes: dates, integers and strings (with a zero byte, or one a prefix of another)."""
    assert sorted(keys, key=sort_bytes) == sorted(keys)  # type: ignore[type-var]


def test_the_kept_part_of_the_open_data_of_a_removed_report_is_deleted(project: Project) -> None:
    build_site(project, FIXTURE_TODAY)
    assert project.cache is not None
    kept = project.cache / "data"
    assert {path.name for path in kept.iterdir()} == {"benches-2021", "lamps-2021", "swings-2021"}
    EDITS["a report removed"](project.content.parent)
    build_site(project, FIXTURE_TODAY)
    assert {path.name for path in kept.iterdir()} == {"benches-2021", "swings-2021"}


def test_a_second_rebuild_with_nothing_changed_reuses_every_file(project: Project) -> None:
    build_site(project, FIXTURE_TODAY)
    EDITS["a commitment's title"](project.content.parent)
    build_site(project, FIXTURE_TODAY)  # links the other reports' files, and records them as they were

    def files() -> dict[str, int]:  # assets are written from memory every time
        return {path: (project.site / path).stat().st_ino for path in _tree(project.site) if not path.startswith("assets/")}

    before = files()
    build_site(project, FIXTURE_TODAY)
    assert files() == before
    recorded = {path: stamp for unit in read_outputs(project.cache, project.site).values() for path, stamp in unit.files.items()}
    assert recorded == {path: output_stamp(project.site / path) for path in recorded}


def test_builds_one_after_another_while_the_sites_they_replaced_are_still_being_deleted(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.staging._start_deleting", lambda folder: None)  # as if each deletion were still running
    for _ in range(3):
        build_site(project, FIXTURE_TODAY)
    assert len(list(project.site.parent.glob(".site.old-*"))) == 2


def test_a_report_that_doubles_the_search_index_parts_and_goes_again_moves_reports_between_parts_as_a_full_build_does(
    project: Project, tmp_path: Path
) -> None:
    build_site(project, FIXTURE_TODAY)
    parts_before = {path.name for path in (project.site / "pagefind").iterdir()}
    add_report_copy(project.content, "slides")  # 21 searchable pages become 28: more than 8 parts of 3
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")
    parts_after = {path.name for path in (project.site / "pagefind").iterdir()}
    assert parts_after - parts_before, "the index should now be in more parts, some of them new"
    shutil.rmtree(project.content / "reports/slides")  # and back to 8 parts: the others go
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full again")
    assert {path.name for path in (project.site / "pagefind").iterdir()} == parts_before


def test_an_edit_rewrites_the_cached_records_of_its_report_folder_only(project: Project) -> None:
    build_site(project, FIXTURE_TODAY)
    assert project.cache is not None
    before = {path.name: path.stat().st_mtime_ns for path in (project.cache / "records").iterdir()}
    assert len(before) == 4, "one file for each of the three report folders, one for the rest"
    EDITS["a commitment's title"](project.content.parent)
    build_site(project, FIXTURE_TODAY)
    after = {path.name: path.stat().st_mtime_ns for path in (project.cache / "records").iterdir()}
    assert after.keys() == before.keys()
    assert len([name for name in after if after[name] != before[name]]) == 1


def test_records_cut_short_after_their_index_are_read_again_from_the_content(project: Project, tmp_path: Path) -> None:
    build_site(project, FIXTURE_TODAY)
    assert project.cache is not None
    cut_at = {}
    for path in (project.cache / "records").iterdir():
        with path.open("rb") as file:
            read_pickled(file)  # the index: the stamps and hashes of the folder's files
            cut_at[path] = file.tell() + 10
        path.write_bytes(path.read_bytes()[: cut_at[path]])
    EDITS["an update's words"](project.content.parent)
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")
    assert all(path.stat().st_size > size for path, size in cut_at.items()), "every folder's records are written whole again"


def test_a_build_with_other_options_is_not_reused_by_a_plain_one(project: Project, tmp_path: Path) -> None:
    build_site(project, FIXTURE_TODAY, BuildOptions(preview=True, base_url="https://preview.example"))
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")


def test_a_file_changed_by_hand_in_site_is_built_again(project: Project, tmp_path: Path) -> None:
    build_site(project, FIXTURE_TODAY)
    page = project.site / "commitments/swings-c1/index.html"
    with page.open("a", encoding="utf-8") as file:
        file.write("<!-- added by hand -->")
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")


def test_a_unit_whose_last_file_was_changed_by_hand_is_built_again_whole(project: Project, tmp_path: Path) -> None:
    build_site(project, FIXTURE_TODAY)
    assert project.cache is not None
    lamps = next(unit for unit in read_outputs(project.cache, project.site).values() if "commitments/lamps-c1/index.html" in unit.files)
    *linked_before, last = lamps.files  # linked in this order: the others are linked before the last is found changed
    assert linked_before
    with (project.site / last).open("ab") as file:
        file.write(b"\n")
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")


def _cannot_link(source: object, destination: object, *_: object, **__: object) -> None:
    raise OSError(18, "Invalid cross-device link")  # as os.link fails across file systems (EXDEV)


def test_files_copied_where_they_cannot_be_linked_are_recorded_as_copied_and_reused_by_the_next_rebuild(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.write.PARALLEL_FROM", 10**9)  # rendered in this process, where the renders are counted
    build_site(project, FIXTURE_TODAY)
    link = os.link
    monkeypatch.setattr("os.link", _cannot_link)
    EDITS["a commitment's title"](project.content.parent)
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")
    rendered: list[str] = []

    def counted_render_page(env: Any, plan: Any) -> Any:
        rendered.append(plan.output_path)
        return render_page(env, plan)

    monkeypatch.setattr("tracker.pipeline.render_page", counted_render_page)
    build_site(project, FIXTURE_TODAY)
    assert rendered == [], "every unit's copies are as the cache recorded them"
    monkeypatch.setattr("os.link", link)
    build_site(project, FIXTURE_TODAY)  # the copies are linked again
    assert rendered == []
    assert _tree(project.site) == _full_build(project, tmp_path / "full again")


def test_a_cache_that_cannot_be_read_gives_a_full_build(project: Project, tmp_path: Path) -> None:
    build_site(project, FIXTURE_TODAY)
    assert project.cache is not None
    files = [path for path in project.cache.rglob("*") if path.is_file()]
    assert len(files) > 3, "one file of records per report folder, and the list of outputs"
    for file in files:
        file.write_bytes(b"not a cache")
    EDITS["an update's words"](project.content.parent)
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")


def test_a_site_changed_by_hand_is_not_reused(project: Project, tmp_path: Path) -> None:
    build_site(project, FIXTURE_TODAY)
    shutil.rmtree(project.site / "commitments/swings-c1")
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")


def test_an_error_found_while_the_previous_site_is_being_linked_leaves_the_site_and_no_staging_folder(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(project, FIXTURE_TODAY)
    assert project.cache is not None
    before, units = _tree(project.site), len(read_outputs(project.cache, project.site))
    begun = tmp_path / "units begun"  # a line for each unit the helper begins to link
    link_unit = staging._link_unit

    def slow_link_unit(*args: Any) -> bool:  # in the helper: linking every unit would take units × 0.2 s
        with begun.open("a", encoding="utf-8") as file:
            file.write(f"{os.getpid()}\n")
        time.sleep(0.2)
        return link_unit(*args)

    def check_once_linking(*args: Any, **kwargs: Any) -> Any:  # so that the error is certainly found while the helper links
        deadline = time.monotonic() + 10
        while not begun.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return check_site(*args, **kwargs)

    monkeypatch.setattr("tracker.staging._link_unit", slow_link_unit)
    monkeypatch.setattr("tracker.pipeline.check_site", check_once_linking)
    _replace("content/reports/lamps/commitments/paint.md", "title: Paint every bench green", "title:")(project.content.parent)
    with pytest.raises(ContentErrors) as failure:
        build_site(project, FIXTURE_TODAY)
    assert "reports/lamps/commitments/paint.md" in failure.value.report()
    helpers = begun.read_text(encoding="utf-8").split()
    assert len(set(helpers)) == 1 and helpers[0] != str(os.getpid()), "one helper, in a process of its own, was linking"
    assert units > 10 and len(helpers) < units / 2, "the helper was stopped, not left to link every unit"
    assert not _is_running(helpers[0])
    assert _tree(project.site) == before
    _wait_for_deletions(project.site.parent)
    assert sorted(path.name for path in project.site.parent.iterdir() if path.name.startswith(".site")) == []


def _refuse_to_fork(*_: object) -> None:
    raise BlockingIOError(11, "Resource temporarily unavailable")  # as fork() fails with EAGAIN


@pytest.mark.parametrize("without", ["fork", "a process to spare"])
def test_a_rebuild_that_cannot_fork_a_helper_links_the_unchanged_files_itself(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, without: str
) -> None:
    build_site(project, FIXTURE_TODAY)
    benches = {path: (project.site / path).stat().st_ino for path in _tree(project.site) if "benches" in path}
    if without == "fork":
        monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    else:
        monkeypatch.setattr("tracker.staging._start_helper", _refuse_to_fork)
    EDITS["a commitment's title"](project.content.parent)
    build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == _full_build(project, tmp_path / "full")
    assert benches and {path: (project.site / path).stat().st_ino for path in benches} == benches, "another report's files are linked"


def test_a_build_deletes_the_folders_of_killed_builds_but_not_of_one_still_running(project: Project) -> None:
    running = project.site.parent / f".site.building-{os.getppid()}"  # as if this process's parent were building now
    killed = project.site.parent / ".site.building-4194304"  # above Linux's largest process id: no such process
    for folder in (running, killed):
        (folder / "commitments").mkdir(parents=True)
    build_site(project, FIXTURE_TODAY)
    assert (running / "commitments").is_dir()
    assert not killed.exists()


def _stop_linking(*_: object, **__: object) -> None:
    """Stand in for the helper linking the previous site's files, killed by the system (out of memory, say)."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_linking_helper_that_stops_fails_the_build_and_leaves_the_site_as_it_was(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build_site(project, FIXTURE_TODAY)
    before = _tree(project.site)
    EDITS["a commitment's title"](project.content.parent)
    monkeypatch.setattr("tracker.staging.link_previous", _stop_linking)
    with pytest.raises(HelperStopped, match="site/ is as it was"):
        build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == before
    assert main(["build", "--project", str(project.content.parent)]) == 1
    assert "build.py: the process linking the unchanged pages was stopped by signal 9" in capsys.readouterr().err
    assert _tree(project.site) == before
    monkeypatch.undo()
    build_site(project, FIXTURE_TODAY)
    assert "Paint every lamp green" in (project.site / "commitments/lamps-c1/index.html").read_text(encoding="utf-8")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the helper through Linux's /proc")
def test_a_linking_helper_ends_when_its_build_is_killed_before_reading_what_it_linked(project: Project) -> None:
    build_site(project, FIXTURE_TODAY)
    assert project.cache is not None
    record = read_outputs(project.cache, project.site)
    # Units of files not there: the helper links none of them, but sends them all back, more than a pipe holds.
    many = {f"fictional:{number}": UnitRecord("key", {f"gone/{number}/index.html": "0:0:0"}) for number in range(3000)}
    save_outputs(project.cache, OutputRecord(folder_id(project.site), {**record, **many}))
    build = subprocess.Popen(
        [sys.executable, "-c", _HOLD_STAGING, str(project.site), str(project.cache)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert build.stdout is not None and build.stdout.readline() == "started\n"
    children = Path(f"/proc/{build.pid}/task/{build.pid}/children").read_text(encoding="utf-8").split()
    assert len(children) == 1, "the helper, linking"
    time.sleep(1)  # long enough for the helper to finish linking and wait to send
    build.kill()
    build.wait()
    deadline = time.monotonic() + 10
    while _is_running(children[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _is_running(children[0]):
        os.kill(int(children[0]), signal.SIGKILL)
        pytest.fail("the helper still waits to send what it linked")


def _is_running(pid: str) -> bool:
    """Whether a process is there and not a zombie (ended, but not yet reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


# A build that starts linking the previous site, then stands still (as if checking) until it is killed.
_HOLD_STAGING = """
import sys, time
from pathlib import Path
from tracker.staging import Staging
staging = Staging(Path(sys.argv[1]), Path(sys.argv[2]))
print("started", flush=True)
time.sleep(60)
"""


def _wait_for_deletions(folder: Path) -> None:
    """Wait (up to 10 s) until the folders that builds left to delete in the background are gone."""
    deadline = time.monotonic() + 10
    while any(folder.glob(".site.old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def _part_of(project: Project, report_folder: str) -> str:
    """Return the folder, under pagefind/, of the search index part that holds a report folder's pages."""
    model = check_site(project, FIXTURE_TODAY).model
    part = next(report.search_index_url for report in model.reports if report.record.path.startswith(f"reports/{report_folder}/"))
    return part.strip("/").split("/")[1]


def _stop_at_once(index: int) -> None:
    """Stand in for a worker that the system kills (out of memory, say) while it renders a unit."""
    os._exit(1)


def test_a_worker_that_stops_fails_the_build_and_leaves_the_site_as_it_was(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    build_site(project, FIXTURE_TODAY)
    before = _tree(project.site)
    EDITS["a commitment's title"](project.content.parent)
    monkeypatch.setattr("tracker.write.PARALLEL_FROM", 0)
    monkeypatch.setattr("tracker.write._build_unit", _stop_at_once)
    with pytest.raises(WorkerStopped, match="site/ is as it was"):
        build_site(project, FIXTURE_TODAY)
    assert _tree(project.site) == before


@pytest.mark.parametrize("folders_at_once", [1, 16])
def test_a_first_build_reads_the_files_in_two_processes_and_equals_a_full_build(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folders_at_once: int
) -> None:
    monkeypatch.setattr("tracker.parallel_read.PARALLEL_FROM", 0)
    monkeypatch.setattr("tracker.parallel_read.FOLDERS_AT_ONCE", folders_at_once)  # 1: each reader reads its folders one by one
    read_here = files_read_here(monkeypatch)
    build_site(project, FIXTURE_TODAY)
    assert read_here == [], "every file was read by the two processes, and its record found in the cache"
    assert project.cache is not None
    assert len(list((project.cache / "records").iterdir())) == 4, "one file of records per report folder, one for the rest"
    assert _tree(project.site) == _full_build(project, tmp_path / "full")


def test_errors_in_a_first_build_read_in_two_processes_are_those_one_reader_finds(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    _replace("content/reports/lamps/commitments/paint.md", "title:", "titel:")(project.content.parent)  # wrong in the file itself
    _replace("content/reports/benches/updates/u2.md", "status: ", "status: not-a-status-")(
        project.content.parent
    )  # wrong against statuses.yaml
    with pytest.raises(ContentErrors) as one_reader:
        check_site(project, FIXTURE_TODAY, records=RecordCache(None))
    monkeypatch.setattr("tracker.parallel_read.PARALLEL_FROM", 0)
    monkeypatch.setattr("tracker.parallel_read.FOLDERS_AT_ONCE", 1)
    read_here = files_read_here(monkeypatch)
    with pytest.raises(ContentErrors) as two_readers:
        build_site(project, FIXTURE_TODAY)
    assert two_readers.value.report() == one_reader.value.report()
    assert "titel" in two_readers.value.report() and "not-a-status-" in two_readers.value.report()
    assert read_here == ["reports/lamps/commitments/paint.md"], "a file with an error of its own is read again, to report it"
    assert not project.site.exists()


def test_a_reader_that_cannot_save_its_records_leaves_them_to_the_check_and_prints_nothing(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("tracker.parallel_read.PARALLEL_FROM", 0)
    parent, save = os.getpid(), RecordCache.save

    def save_here_only(self: RecordCache, forget_others: bool = True) -> None:
        if os.getpid() != parent:
            raise PermissionError("fictional: the cache cannot be written")
        save(self, forget_others)

    monkeypatch.setattr(RecordCache, "save", save_here_only)
    read_here = files_read_here(monkeypatch)
    build_site(project, FIXTURE_TODAY)
    assert capfd.readouterr().err == ""
    assert len(read_here) > 20, "the check read every file itself"
    assert _tree(project.site) == _full_build(project, tmp_path / "full")
