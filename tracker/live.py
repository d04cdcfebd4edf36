"""The live preview's site: site/ as the first build wrote it, with what changed since rendered in memory.

After a save, the content is checked again (files the preview has already read are known by their
stamp and not parsed again), and the units whose key changed are marked. Their pages and files
are rendered when the browser asks for them, so a save costs one check and the page on screen.
Search keeps the index of the first build.

A save within one report's folder is shown first from that report alone (with the reports its
recommendations are linked with, and the files outside reports/), as Hugo's fast render does:
its pages are what the whole check will make of them (units.py), in milliseconds at any size.
The whole check follows at once; it shows its errors, and a reload is asked for only if a page
served in between differs from what it makes.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import NamedTuple

from tracker.assets import ASSETS_FOLDER
from tracker.cache import RecordCache, UnitRecord, read_outputs
from tracker.ledger import ledger_text
from tracker.load import report_folder
from tracker.pipeline import BuildOptions, PlannedSite, Project, check_reports, check_site, collector_paused, plan_site, write_planned
from tracker.render import PagePlan, RenderedPage, plan_report_pages
from tracker.units import Unit, linked_reports, report_unit
from tracker.views import SiteModel
from tracker.write import encode, write_text_if_changed


class Lookup(NamedTuple):
    """What the preview serves at an output path: from memory (data, or None: nothing is there now), or from site/."""

    in_memory: bool
    data: bytes | None


FROM_DISK = Lookup(False, None)


@dataclass
class _Overlay:
    """The outputs that differ from site/ since the last build to disk, made when first asked for."""

    render: Callable[[PagePlan], RenderedPage] | None = None
    assets: dict[str, bytes] = field(default_factory=dict)
    pages: dict[str, PagePlan] = field(default_factory=dict)  # the pages of the changed units, by output path
    # What site/ holds of the changed units and of the units that are gone, with the name of the unit that wrote it.
    stale: dict[str, str] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)  # the changed units by name, whose other files are made on request
    made: dict[str, bytes] = field(default_factory=dict)
    files_made: set[str] = field(default_factory=set)  # the units whose files are in made
    # For an overlay made from one report alone (None otherwise): what it served, by output path.
    served: dict[str, Lookup] | None = None

    def make_files(self, unit_name: str | None) -> None:
        """Make the files (feeds, badges, data) of one changed unit, or of every changed unit (None), unless made already."""
        for name in [unit_name] if unit_name is not None else list(self.units):
            unit = self.units.get(name)
            if unit is not None and name not in self.files_made:
                self.files_made.add(name)
                self.made.update((file.output_path, encode(file)) for file in unit.files())


class Refreshed(Enum):
    """What a refresh did, for the preview server to tell the browser."""

    RELOAD = "a page on screen may be out of date"
    SAME = "every page served since the save was shown is as the whole check makes it"
    SUPERSEDED = "a later save was shown while the check ran, so its outcome was dropped: the check is to run again"


class _Checked:
    """What the live preview keeps of its last whole check: to show a save from one report, and where that report's files are."""

    def __init__(self, model: SiteModel, planned: PlannedSite, on_disk: Mapping[str, UnitRecord]) -> None:
        self.planned = planned
        self.on_disk = on_disk  # what site/ held then, by unit
        folders = {report.record.id: report_folder(report.record.path) for report in model.reports}
        self.folders = {report_id: folder for report_id, folder in folders.items() if folder}
        self.report_ids = {folder: report_id for report_id, folder in self.folders.items()}
        self.linked = linked_reports(model)


def _overlay_unit(current: _Overlay, unit: Unit, checked: _Checked) -> _Overlay:
    """Return current with unit's pages and files in place of what it or site/ held of that unit before."""
    replaced = {plan.output_path for plan in current.units[unit.name].pages} if unit.name in current.units else set()
    on_disk = checked.on_disk[unit.name].files if unit.name in checked.on_disk else ()
    return _Overlay(
        render=checked.planned.render,
        assets=current.assets if current.render else {asset.output_path: asset.data for asset in checked.planned.assets},
        pages={
            **{path: plan for path, plan in current.pages.items() if path not in replaced},
            **{plan.output_path: plan for plan in unit.pages},
        },
        stale={**current.stale, **dict.fromkeys(on_disk, unit.name)},
        units={**current.units, unit.name: unit},
        served=current.served if current.served is not None else {},
    )


def _report_folder_of(content: Path, changed: Collection[Path]) -> str | None:
    """Return the report folder (reports/<folder>) that holds every changed path, or None."""
    root = content.resolve()
    folders = set()
    for path in changed:
        try:
            folders.add(report_folder(path.resolve().relative_to(root).as_posix()))
        except ValueError:  # a template or an asset
            return None
    return folders.pop() if len(folders) == 1 else None


def _spare_from_collection(collected_with: int) -> int:
    """Exempt every object alive now (the records and the model, kept until the next save) from the cycle collector.

    Otherwise the first page asked for after a save waits while the collector walks them all:
    about a second at 10,000 recommendations. The model and the records hold no reference cycles,
    so a model that a later save replaces is still freed, by reference counting. What is cyclic
    (a template environment dropped from its cache, say) would be kept for good: so once twice as
    many objects are exempt as after the last collection (collected_with), they are collected
    first. Return how many objects are exempt after the last collection.
    """
    gc.freeze()
    if gc.get_freeze_count() <= 2 * collected_with:
        return collected_with
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


class LiveSite:
    """The preview's site: built once to disk, then refreshed in memory after every save."""

    def __init__(self, project: Project, today: Callable[[], date] = date.today) -> None:
        self.project = project
        self.today = today
        self.options = BuildOptions(stale_search=True)
        self.records = RecordCache(project.cache)
        self._built: dict[str, UnitRecord] = {}  # what this preview's own build wrote
        self._overlay = _Overlay()
        self._lock = threading.Lock()
        self._collected_with = 0  # how many objects were exempt from the cycle collector after its last pass
        self._checked: _Checked | None = None  # what the last whole check made, for a save shown from one report
        self._shown = 0  # how many saves show_report has shown

    def build(self) -> None:
        """Build the whole site to disk, as `build.py` does (keeping any earlier search index)."""
        checked = check_site(self.project, self.today(), self.options, self.records)
        self.records.advance()
        planned = plan_site(self.project, checked)
        record = write_planned(self.project, checked, planned, self.options)
        with self._lock:
            self._built = dict(record.units)
            self._overlay = _Overlay()
        self._checked = _Checked(checked.model, planned, self._built)
        self._collected_with = _spare_from_collection(self._collected_with)

    def show_report(self, changed: Collection[Path]) -> bool:
        """Overlay the pages of the one report whose folder holds every changed path, made from that report alone.

        Return False, changing nothing, if the paths are not all in one known report's folder, or
        if that report's files (with its linked reports' and those outside reports/) have an
        error: the whole check (refresh) then tells what is wrong.
        """
        folder, last = _report_folder_of(self.project.content, changed), self._checked
        report_id = last.report_ids.get(folder) if last and folder else None
        if last is None or folder is None or report_id is None:
            return False
        folders = {folder, *(last.folders[other] for other in last.linked[report_id])}
        model = check_reports(self.project, folders, self.today(), self.options, self.records)
        report = next((view for view in model.reports if view.record.id == report_id), None) if model else None
        if model is None or report is None:
            return False
        unit = report_unit(model, report, "", tuple(plan_report_pages(model, report)))
        with self._lock:  # a whole check may finish meanwhile: this overlay goes on top of its
            self._overlay = _overlay_unit(self._overlay, unit, self._checked or last)
            self._shown += 1
        return True

    @collector_paused
    def refresh(self) -> Refreshed:
        """Check the content again and overlay, in memory, every unit whose inputs differ from site/'s.

        What site/ holds is read from the build cache each time, since `build.py` may have
        replaced it since the preview started. After show_report, a reload is asked for only if
        something served since differs now; and if show_report showed a later save while the
        check ran (which may have read the files before it), the check's outcome is dropped.
        """
        shown_before = self._shown
        checked = check_site(self.project, self.today(), self.options, self.records)
        self.records.advance()
        planned = plan_site(self.project, checked)
        on_disk = read_outputs(self.project.cache, self.project.site) if self.project.cache else self._built
        changed = [unit for unit in planned.units if unit.name not in on_disk or on_disk[unit.name].key != unit.key]
        unchanged = {unit.name for unit in planned.units} - {unit.name for unit in changed}
        overlay = _Overlay(
            render=planned.render,
            assets={asset.output_path: asset.data for asset in planned.assets},
            pages={plan.output_path: plan for unit in changed for plan in unit.pages},
            stale={path: name for name, unit in on_disk.items() if name not in unchanged for path in unit.files},
            units={unit.name: unit for unit in changed},
        )
        with self._lock:
            if self._shown != shown_before:
                return Refreshed.SUPERSEDED
            shown, self._overlay = self._overlay, overlay
            self._checked = _Checked(checked.model, planned, on_disk)
        served = shown.served
        self._collected_with = _spare_from_collection(self._collected_with)
        if self.project.ledger:
            write_text_if_changed(self.project.ledger, ledger_text(checked.ledger, checked.published))
        if served is None or any(self.output(path) != lookup for path, lookup in served.items()):
            return Refreshed.RELOAD
        return Refreshed.SAME

    def output(self, path: str) -> Lookup:
        """Return what is now at an output path, if it differs from what site/ holds there."""
        with self._lock:
            found = self._look_up(path)
            if self._overlay.served is not None:
                self._overlay.served[path] = found
            return found

    def _look_up(self, path: str) -> Lookup:
        overlay = self._overlay
        if overlay.render is not None and path.startswith(f"{ASSETS_FOLDER}/"):  # since a refresh, assets come from memory
            return Lookup(True, overlay.assets.get(path))
        if path not in overlay.made and path in overlay.pages:
            assert overlay.render is not None
            overlay.made[path] = encode(overlay.render(overlay.pages[path]))
        if path in overlay.made:
            return Lookup(True, overlay.made[path])
        if path not in overlay.stale and (self.project.site / path).is_file():
            return FROM_DISK
        overlay.make_files(overlay.stale.get(path))  # the unit that wrote this file to site/
        if path not in overlay.made:  # a feed or badge that moved, or is new since the build
            overlay.make_files(None)
        if path in overlay.made:
            return Lookup(True, overlay.made[path])
        return Lookup(True, None) if path in overlay.stale else FROM_DISK
