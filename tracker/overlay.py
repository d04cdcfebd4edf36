"""The live preview's overlay: the outputs that differ from site/, made in memory when first asked for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from tracker.assets import ASSETS_FOLDER
from tracker.cache import UnitRecord
from tracker.pipeline import PlannedSite
from tracker.render import PagePlan, RenderedPage
from tracker.units import Unit
from tracker.write import encode


class Lookup(NamedTuple):
    """What the preview serves at an output path: from memory (data, or None: nothing is there now), or from site/."""

    in_memory: bool
    data: bytes | None


FROM_DISK = Lookup(False, None)


@dataclass(frozen=True)
class Checked:
    """What a whole check made that an overlay is built from: how to render pages, the assets, and what site/ held then."""

    render: Callable[[PagePlan], RenderedPage]
    assets: Mapping[str, bytes]  # by output path
    on_disk: Mapping[str, UnitRecord]  # by unit name

    @classmethod
    def of(cls, planned: PlannedSite, on_disk: Mapping[str, UnitRecord]) -> Checked:
        """Return what a planned site gives overlays, with what site/ held when it was planned."""
        return cls(planned.render, {asset.output_path: asset.data for asset in planned.assets}, on_disk)


@dataclass
class Overlay:
    """The outputs that differ from site/ since the last build to disk, made when first asked for."""

    render: Callable[[PagePlan], RenderedPage] | None = None  # None: nothing differs from site/
    assets: dict[str, bytes] = field(default_factory=dict)
    pages: dict[str, PagePlan] = field(default_factory=dict)  # the pages of the changed units, by output path
    # What site/ holds of the changed units and of the units that are gone, with the name of the unit that wrote it.
    stale: dict[str, str] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)  # the changed units by name, whose other files are made on request
    made: dict[str, bytes] = field(default_factory=dict)
    files_made: set[str] = field(default_factory=set)  # the units whose files are in made
    # Whether some units were made from their report alone, ahead of the whole check; then what
    # was served since, by output path, for the whole check to compare.
    ahead_of_check: bool = False
    served: dict[str, Lookup] = field(default_factory=dict)

    @classmethod
    def of_changed_units(cls, checked: Checked, units: list[Unit]) -> Overlay:
        """Return the overlay of a whole check: the units whose key differs from what site/ holds (every other unit is as it is there)."""
        changed = [unit for unit in units if unit.name not in checked.on_disk or checked.on_disk[unit.name].key != unit.key]
        unchanged = {unit.name for unit in units} - {unit.name for unit in changed}
        return cls(
            render=checked.render,
            assets=dict(checked.assets),
            pages={plan.output_path: plan for unit in changed for plan in unit.pages},
            stale={path: name for name, unit in checked.on_disk.items() if name not in unchanged for path in unit.files},
            units={unit.name: unit for unit in changed},
        )

    def with_unit_ahead(self, unit: Unit, checked: Checked) -> Overlay:
        """Return this overlay with a unit made ahead of the whole check in place of what it or site/ held of it before."""
        replaced = {plan.output_path for plan in self.units[unit.name].pages} if unit.name in self.units else set()
        on_disk = checked.on_disk[unit.name].files if unit.name in checked.on_disk else ()
        return replace(
            self,
            render=checked.render,
            assets=self.assets if self.render else dict(checked.assets),
            pages={
                **{path: plan for path, plan in self.pages.items() if path not in replaced},
                **{plan.output_path: plan for plan in unit.pages},
            },
            stale={**self.stale, **dict.fromkeys(on_disk, unit.name)},
            units={**self.units, unit.name: unit},
            made={},
            files_made=set(),
            ahead_of_check=True,
            served=self.served if self.ahead_of_check else {},
        )

    def look_up(self, site: Path, path: str) -> Lookup:
        """Return what is at an output path now, making it if it is in memory and not made yet."""
        if self.render is not None and path.startswith(f"{ASSETS_FOLDER}/"):  # since a refresh, assets come from memory
            return Lookup(True, self.assets.get(path))
        if path not in self.made and path in self.pages:
            assert self.render is not None
            self.made[path] = encode(self.render(self.pages[path]))
        if path in self.made:
            return Lookup(True, self.made[path])
        if path not in self.stale and (site / path).is_file():
            return FROM_DISK
        self.make_files(self.stale.get(path))  # the unit that wrote this file to site/
        if path not in self.made:  # a feed or badge that moved, or is new since the build
            self.make_files(None)
        if path in self.made:
            return Lookup(True, self.made[path])
        return Lookup(True, None) if path in self.stale else FROM_DISK

    def make_files(self, unit_name: str | None) -> None:
        """Make the files (feeds, badges, data) of one changed unit, or of every changed unit (None), unless made already."""
        for name in [unit_name] if unit_name is not None else list(self.units):
            unit = self.units.get(name)
            if unit is not None and name not in self.files_made:
                self.files_made.add(name)
                self.made.update((file.output_path, encode(file)) for file in unit.files())
