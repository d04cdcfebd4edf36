"""The open data, report by report: each report's records as finished JSON and CSV text.

tracker.json and the CSV files list the records of every report, so they are made again after
any edit. Each report's part of them (its JSON items and CSV lines, each with the key the files
are sorted by) is kept in the build cache's data/ folder under the report's unit key (units.py):
after an edit only the edited report's part is made again, and each file is merged from the
parts, one kind of record at a time, as it is written. A kept part's items stay in its file,
mapped into memory, and are read as they are merged, so the dataset is never held whole, not
even one kind of record (without a cache folder, the parts are held in memory: a small site's
tests, say).
"""

from __future__ import annotations

import heapq
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from operator import itemgetter
from pathlib import Path

from tracker.mapped import MappedFile, head, read_head
from tracker.texts import forget_read_texts
from tracker.views import ReportView

RECORD_KINDS = ("reports", "recommendations", "responses", "commitments", "updates")

SortKey = tuple[str | int | date, ...]  # what the files list the kind of record by (items.py)
Items = list[tuple[SortKey, bytes]]  # one kind of record in one format, in the files' order
ReportPart = dict[tuple[str, str], Items]  # by kind of record and format
# The items read back between two givings back of their memory (_KeptItems.forget).
_MERGED_BETWEEN_FORGETTING = 4096


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
        kept = [items for items in every_report if isinstance(items, _KeptItems)]
        for count, (_, item) in enumerate(heapq.merge(*every_report, key=itemgetter(0)), start=1):
            yield item
            if count % _MERGED_BETWEEN_FORGETTING == 0:
                for items in kept:
                    items.forget()

    def remove_others(self) -> None:
        """Delete the kept parts of reports that are no longer in the site."""
        if self.folder is not None and self.folder.is_dir():
            for gone in {entry.name for entry in os.scandir(self.folder)} - {report.record.id for report in self.reports}:
                shutil.rmtree(self.folder / gone, ignore_errors=True)

    def _items(self, report: ReportView, kind: str, form: str) -> Iterable[tuple[SortKey, bytes]]:
        report_id = report.record.id
        if self.folder is None or report_id not in self.keys:
            if report_id not in self._in_memory:
                self._in_memory[report_id] = self.make(report)
            return self._in_memory[report_id][kind, form]
        path = self.folder / report_id / f"{kind}.{form}"
        stored = _read_items(path, self.keys[report_id])
        if stored is not None:
            return stored
        part = self.make(report)
        forget_read_texts()  # the report's texts, read to make its part
        for (each_kind, each_form), items in part.items():
            _write_items(self.folder / report_id / f"{each_kind}.{each_form}", self.keys[report_id], items)
        return _read_items(path, self.keys[report_id]) or part[kind, form]


# A kept part's file: at its head (mapped.py), a pickle of its key, the items' sort keys and where
# each item's bytes end; then the items' bytes, one after another.


class _KeptItems:
    """A report's items of one kind and format, read from their file as they are iterated."""

    def __init__(self, sort_keys: list[SortKey], ends: list[int], mapping: MappedFile, start: int) -> None:
        self.sort_keys, self.ends, self.mapping, self.start = sort_keys, ends, mapping, start

    def __iter__(self) -> Iterator[tuple[SortKey, bytes]]:
        start = self.start
        for sort_key, end in zip(self.sort_keys, self.ends, strict=True):
            yield sort_key, self.mapping[start : self.start + end]
            start = self.start + end

    def forget(self) -> None:
        """Give back the memory of the items read so far."""
        self.mapping.forget()


def _read_items(path: Path, key: str) -> _KeptItems | None:
    """Return the items kept at path under key; None if there are none, or they were made from other inputs."""
    try:
        with path.open("rb") as file:
            pickled, mapping, items_at = read_head(file)
        stored_key, sort_keys, ends = pickle.loads(pickled)
        if stored_key != key or mapping.size != items_at + (ends[-1] if ends else 0) or ends != sorted(ends):
            return None  # made from other inputs, cut short, or not one of ours
    except Exception:  # missing, or not one of ours: made again
        return None
    return _KeptItems(sort_keys, ends, mapping, items_at)


def _write_items(path: Path, key: str, items: Items) -> None:
    """Keep items under key if the cache can be written; a reader sees the old file or the new one, never half of one.

    A preview and a build may race: one may even delete the folder of a report the other's content no longer has.
    """
    ends, end = [], 0
    for _, item in items:
        end += len(item)
        ends.append(end)
    pickled = pickle.dumps((key, [sort_key for sort_key, _ in items], ends), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as file:
            file.write(head(pickled))
            file.writelines(item for _, item in items)
        os.replace(temporary, path)
    except OSError:  # not kept: made again next time
        return
