"""The live preview's site: site/ as the first build wrote it, with what changed since rendered in memory.

After a save, the content is checked again (files the preview has already read are known by their
stamp and not parsed again), and the units whose key changed are marked. Their pages and files
are rendered when the browser asks for them (overlay.py), so a save costs one check and the page
on screen. Search keeps the index of the first build.

A save within one report's folder is shown first from that report alone (with the reports its
recommendations are linked with, and the files outside reports/), much as Hugo's fast render
does: its pages are what the whole check will make of them (units.py), in milliseconds at any
size. The whole check follows on another thread; it shows its errors, and a reload is asked for
only if a page served in between differs from what it makes.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Collection
from datetime import date
from enum import Enum
from pathlib import Path

from tracker.cache import RecordCache, UnitRecord, outputs_stamp, read_outputs
from tracker.errors import ContentErrors
from tracker.ledger import ledger_text
from tracker.load import report_folder
from tracker.overlay import Checked, Lookup, Overlay
from tracker.pipeline import BuildOptions, Project, check_reports, check_site, collector_paused, plan_site, read_records, write_planned
from tracker.render import plan_report_pages
from tracker.texts import forget_read_texts
from tracker.units import Unit, linked_reports, report_unit
from tracker.views import SiteModel
from tracker.write import write_text_if_changed


class Refreshed(Enum):
    """What a refresh did, for the preview server to tell the browser."""

    RELOAD = "a page on screen may be out of date"
    SAME = "every page served since a save was shown ahead of the check is as the whole check makes it"
    SUPERSEDED = "a save was shown while the check ran, which may have read the files before it: the check is to run again"


class _Reports:
    """Where each report's files are, and the reports each is linked with, as the last whole check found them."""

    def __init__(self, model: SiteModel) -> None:
        folders = {report.record.id: report_folder(report.record.path) for report in model.reports}
        self.folders = {report_id: folder for report_id, folder in folders.items() if folder}
        self.report_ids = {folder: report_id for report_id, folder in self.folders.items()}
        self.linked = linked_reports(model)


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


# A unit made from its report alone is never compared by key: it is not written to site/.
_NOT_KEYED = ""


class LiveSite:
    """The preview's site: built once to disk, then refreshed in memory after every save."""

    def __init__(self, project: Project, today: Callable[[], date] = date.today) -> None:
        self.project = project
        self.today = today
        self.options = BuildOptions(stale_search=True)
        self.records = RecordCache(project.cache)
        self._built: dict[str, UnitRecord] = {}  # what this preview's own build wrote
        self._overlay = Overlay()
        self._lock = threading.Lock()  # held to change or read the overlay, and the fields below
        self._collected_with = 0  # how many objects were exempt from the cycle collector after its last pass
        self._checked: Checked | None = None  # what the last whole check made
        self._reports: _Reports | None = None
        self._shown = 0  # how many saves show_report has shown
        self._units_shown: dict[int, Unit] = {}  # by their number in that count, those a whole check may not have seen
        self._outputs_read: tuple[tuple[int, ...] | None, dict[str, UnitRecord]] = (None, {})  # the build cache's record of site/

    def build(self) -> None:
        """Build the whole site to disk, as `build.py` does (keeping any earlier search index)."""
        if self.records.knows_nothing():  # the first build of a project, or by a new version
            self.records = read_records(self.project, self.today())
        checked = check_site(self.project, self.today(), self.options, self.records)
        self.records.advance()
        planned = plan_site(self.project, checked)
        record = write_planned(self.project, checked, planned, self.options)
        with self._lock:
            self._built = dict(record.units)
            self._overlay = Overlay()
            self._checked = Checked.of(planned, self._built)
            self._reports = _Reports(checked.model)
        self._collected_with = _spare_from_collection(self._collected_with)

    def show_report(self, changed: Collection[Path]) -> bool:
        """Overlay the pages of the one report whose folder holds every changed path, made from that report alone.

        Return False, changing nothing, if the paths are not all in the folder of a report the
        last whole check knew by the same id, or if that report's files (with its linked
        reports' and those outside reports/) have an error: the whole check then tells.
        """
        folder, reports = _report_folder_of(self.project.content, changed), self._reports
        report_id = reports.report_ids.get(folder) if reports and folder else None
        if reports is None or folder is None or report_id is None:
            return False
        folders = {folder, *(reports.folders[other] for other in reports.linked[report_id])}
        model = check_reports(self.project, folders, self.today(), self.options, self.records)
        report = next((view for view in model.reports if view.record.id == report_id), None) if model else None
        if model is None or report is None:
            return False
        unit = report_unit(model, report, _NOT_KEYED, tuple(plan_report_pages(model, report)))
        with self._lock:
            assert self._checked is not None
            self._overlay = self._overlay.with_unit_ahead(unit, self._checked)
            self._shown += 1
            self._units_shown[self._shown] = unit
        return True

    @collector_paused
    def refresh(self) -> Refreshed:
        """Check the content again and overlay, in memory, every unit whose inputs differ from site/'s.

        What site/ holds is read from the build cache whenever `build.py` has written site/ since
        the preview started or last read it. If saves were shown (show_report) while the check
        ran, their units go on top of its overlay, and it is to run again; an error it found is
        then not raised, as a save shown since may have mended it.
        """
        shown_before = self._shown
        try:
            checked = check_site(self.project, self.today(), self.options, self.records)
        except ContentErrors:
            if self._shown != shown_before:
                return Refreshed.SUPERSEDED
            raise
        self.records.advance()
        planned = plan_site(self.project, checked)
        made = Checked.of(planned, self._on_disk())
        overlay = Overlay.of_changed_units(made, planned.units)
        with self._lock:
            shown_since = [unit for number, unit in sorted(self._units_shown.items()) if number > shown_before]
            for unit in shown_since:
                overlay = overlay.with_unit_ahead(unit, made)
            if shown_since:
                overlay.served = self._overlay.served
            previous, self._overlay = self._overlay, overlay
            self._checked, self._reports = made, _Reports(checked.model)
            self._units_shown = {number: unit for number, unit in self._units_shown.items() if number > shown_before}
        self._collected_with = _spare_from_collection(self._collected_with)
        if self.project.ledger:
            write_text_if_changed(self.project.ledger, ledger_text(checked.ledger, checked.published))
        if shown_since:
            return Refreshed.SUPERSEDED
        if not previous.ahead_of_check or any(self.output(path) != lookup for path, lookup in previous.served.items()):
            return Refreshed.RELOAD
        return Refreshed.SAME

    def _on_disk(self) -> dict[str, UnitRecord]:
        """Return what site/ holds, by unit: read again from the build cache only if `build.py` has written site/ since."""
        if not self.project.cache:
            return self._built
        stamp = outputs_stamp(self.project.cache, self.project.site)
        if stamp is None or stamp != self._outputs_read[0]:
            self._outputs_read = (stamp, read_outputs(self.project.cache, self.project.site))
        return self._outputs_read[1]

    def output(self, path: str) -> Lookup:
        """Return what is now at an output path, if it differs from what site/ holds there."""
        with self._lock:
            found = self._overlay.look_up(self.project.site, path)
            forget_read_texts()  # those the page was rendered from, if it was
            if self._overlay.ahead_of_check:
                self._overlay.served[path] = found
            return found
