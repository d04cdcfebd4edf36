"""The live preview's site: site/ as the first build wrote it, with what changed since rendered in memory.

After a save, the content is checked again (files the preview has already read are known by their
stamp and not parsed again), and the units whose key changed are marked. Their pages and files
are rendered when the browser asks for them, so a save costs one check and the page on screen.
Search keeps the index of the first build.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from tracker.cache import RecordCache, UnitRecord
from tracker.ledger import ledger_text
from tracker.pipeline import BuildOptions, PlannedSite, Project, check_site, plan_site, write_planned
from tracker.render import PagePlan, RenderedPage
from tracker.units import Unit
from tracker.write import encode, write_text_if_changed


@dataclass
class _Overlay:
    """The outputs that differ from site/: by output path, the page plan (or None: a file of the unit)."""

    units: dict[str, Unit] = field(default_factory=dict)
    pages: dict[str, tuple[str, PagePlan | None]] = field(default_factory=dict)  # path: (unit name, plan)
    render: Callable[[PagePlan], RenderedPage] | None = None
    assets: dict[str, bytes] = field(default_factory=dict)
    made: dict[str, bytes] = field(default_factory=dict)  # what has been rendered since the last save
    files_of: set[str] = field(default_factory=set)  # the units whose files have been made


class LiveSite:
    """The preview's site: built once to disk, then refreshed in memory after every save."""

    def __init__(self, project: Project, today: Callable[[], date] = date.today) -> None:
        self.project = project
        self.today = today
        self.options = BuildOptions(stale_search=True)
        self.records = RecordCache(project.cache)
        self.on_disk: dict[str, UnitRecord] = {}
        self._planned: PlannedSite | None = None
        self._overlay = _Overlay()
        self._lock = threading.Lock()

    def build(self) -> None:
        """Build the whole site to disk, as `build.py` does (keeping any earlier search index)."""
        checked = check_site(self.project, self.today(), self.options, self.records)
        self.records.advance()
        planned = plan_site(self.project, checked)
        record = write_planned(self.project, checked, planned, self.options)
        with self._lock:
            self.on_disk = dict(record.units)
            self._overlay = _Overlay()

    def refresh(self) -> None:
        """Check the content again and mark, in memory, every unit whose inputs changed since the disk build."""
        checked = check_site(self.project, self.today(), self.options, self.records)
        self.records.advance()
        planned = plan_site(self.project, checked)
        overlay = _Overlay(render=planned.render, assets={asset.output_path: asset.data for asset in planned.assets})
        for unit in planned.units:
            earlier = self.on_disk.get(unit.name)
            if earlier is not None and earlier.key == unit.key:
                continue
            overlay.units[unit.name] = unit
            for path in earlier.paths if earlier else ():
                overlay.pages[path] = (unit.name, None)
            for plan in unit.pages:
                overlay.pages[plan.output_path] = (unit.name, plan)
        for name, earlier in self.on_disk.items():
            if name not in overlay.units and all(unit.name != name for unit in planned.units):
                overlay.pages.update((path, (name, None)) for path in earlier.paths)  # a unit that is gone
        with self._lock:
            self._overlay = overlay
        if self.project.ledger:
            write_text_if_changed(self.project.ledger, ledger_text(checked.ledger, checked.published))

    def output(self, path: str) -> bytes | bool | None:
        """Return the bytes now at an output path if they differ from site/; None if it no longer exists; False to use site/."""
        with self._lock:
            overlay = self._overlay
            if path in overlay.assets:
                return overlay.assets[path]
            if path in overlay.made:
                return overlay.made[path]
            entry = overlay.pages.get(path)
            if entry is None:
                if (self.project.site / path).is_file() or not overlay.units:
                    return False
                for name in overlay.units:  # a file new since the disk build, such as a new commitment's feed
                    self._make_files(overlay, name)
                return overlay.made.get(path, False)
            name, plan = entry
            if plan is not None:
                assert overlay.render is not None
                overlay.made[path] = encode(overlay.render(plan))
                return overlay.made[path]
            if name in overlay.units:
                self._make_files(overlay, name)
            return overlay.made.get(path)

    @staticmethod
    def _make_files(overlay: _Overlay, name: str) -> None:
        if name in overlay.files_of:
            return
        overlay.files_of.add(name)
        for file in overlay.units[name].files():
            overlay.made[file.output_path] = encode(file)
