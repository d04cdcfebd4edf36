"""The open data, report by report: each report's records as finished JSON and CSV text.

tracker.json and the CSV files list the records of every report, so they are made again after
any edit. Each report's part of them (its JSON items and CSV lines, each with the key the files
are sorted by) is kept in the build cache's data/ folder under the report's unit key (units.py):
after an edit only the edited report's part is made again, and each file is merged from the
parts, one kind of record at a time, as it is written, so the dataset is never held whole
(without a cache folder, the parts are held in memory: a small site's tests, say).
"""

from __future__ import annotations

import heapq
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from operator import itemgetter
from pathlib import Path

from tracker.views import ReportView

RECORD_KINDS = ("reports", "recommendations", "responses", "commitments", "updates")

SortKey = tuple[str | int | date, ...]  # what the files list the kind of record by (items.py)
Items = list[tuple[SortKey, bytes]]  # one kind of record in one format, in the files' order
ReportPart = dict[tuple[str, str], Items]  # by kind of record and format


class ReportParts:
    """Every report's part of the open data: from the cache where the report's key is unchanged, else made (and kept)."""

    def __init__(
        self, reports: Sequence[ReportView], make: Callable[[ReportView], ReportPart], folder: Path | None, keys: Mapping[str, str]
    ) -> None:
        self.reports = sorted(reports, key=lambda report: report.record.id)
        self.make = make
        self.folder = folder
        self.keys = keys  # a report without a key has its part made and held in memory
        self._in_memory: dict[str, ReportPart] = {}

    def merged(self, kind: str, form: str) -> Iterator[bytes]:
        """Yield one kind of record in one format, from every report, in the files' order."""
        every_report = [self._items(report, kind, form) for report in self.reports]
        return map(itemgetter(1), heapq.merge(*every_report, key=itemgetter(0)))

    def remove_others(self) -> None:
        """Delete the kept parts of reports that are no longer in the site."""
        if self.folder is not None and self.folder.is_dir():
            for gone in {entry.name for entry in os.scandir(self.folder)} - {report.record.id for report in self.reports}:
                shutil.rmtree(self.folder / gone, ignore_errors=True)

    def _items(self, report: ReportView, kind: str, form: str) -> Items:
        report_id = report.record.id
        if self.folder is None or report_id not in self.keys:
            if report_id not in self._in_memory:
                self._in_memory[report_id] = self.make(report)
            return self._in_memory[report_id][kind, form]
        stored = _read_items(self.folder / report_id / f"{kind}.{form}", self.keys[report_id])
        if stored is not None:
            return stored
        part = self.make(report)
        for (each_kind, each_form), items in part.items():
            _write_items(self.folder / report_id / f"{each_kind}.{each_form}", self.keys[report_id], items)
        return part[kind, form]


def _read_items(path: Path, key: str) -> Items | None:
    """Return the items kept at path under key; None if there are none, or they were made from other inputs."""
    try:
        with path.open("rb") as file:
            stored_key, items = pickle.load(file)
    except Exception:  # missing, or cut short by a build that was killed: made again
        return None
    return items if stored_key == key else None


def _write_items(path: Path, key: str, items: Items) -> None:
    """Keep items under key if the cache can be written; a reader sees the old file or the new one, never half of one.

    A preview and a build may race: one may even delete the folder of a report the other's content no longer has.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as file:
            pickle.dump((key, items), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:  # not kept: made again next time
        return
