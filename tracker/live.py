"""The live preview's site: site/ as the first build wrote it, with what changed since rendered in memory.

After a save, the content is checked again (files the preview has already read are known by their
stamp and not parsed again), and the units whose key changed are marked. Their pages and files
are rendered when the browser asks for them, so a save costs one check and the page on screen.
Search keeps the index of the first build.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from tracker.assets import ASSETS_FOLDER
from tracker.cache import RecordCache, UnitRecord, read_outputs
from tracker.ledger import ledger_text
from tracker.pipeline import BuildOptions, Project, check_site, collector_paused, plan_site, write_planned
from tracker.render import PagePlan, RenderedPage
from tracker.units import Unit
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

    def make_files(self, unit_name: str | None) -> None:
        """Make the files (feeds, badges, data) of one changed unit, or of every changed unit (None), unless made already."""
        for name in [unit_name] if unit_name is not None else list(self.units):
            unit = self.units.get(name)
            if unit is not None and name not in self.files_made:
                self.files_made.add(name)
                self.made.update((file.output_path, encode(file)) for file in unit.files())


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

    def build(self) -> None:
        """Build the whole site to disk, as `build.py` does (keeping any earlier search index)."""
        checked = check_site(self.project, self.today(), self.options, self.records)
        self.records.advance()
        record = write_planned(self.project, checked, plan_site(self.project, checked), self.options)
        with self._lock:
            self._built = dict(record.units)
            self._overlay = _Overlay()
        self._collected_with = _spare_from_collection(self._collected_with)

    @collector_paused
    def refresh(self) -> None:
        """Check the content again and overlay, in memory, every unit whose inputs differ from site/'s.

        What site/ holds is read from the build cache each time, since `build.py` may have
        replaced it since the preview started.
        """
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
            self._overlay = overlay
        self._collected_with = _spare_from_collection(self._collected_with)
        if self.project.ledger:
            write_text_if_changed(self.project.ledger, ledger_text(checked.ledger, checked.published))

    def output(self, path: str) -> Lookup:
        """Return what is now at an output path, if it differs from what site/ holds there."""
        with self._lock:
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
