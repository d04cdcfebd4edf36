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
import struct
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
# How much of a kept part is read at a time as it is merged: the system counts as the process's
# whole pages of a mapped file, as many as 1 MB around each byte read (large folios), so each part
# is read a piece at a time into memory, and its mapping given back after each piece.
_PIECE_BYTES = 16384
_MAPPED_AROUND = 2 << 20  # how far around a read the system may have counted pages (a large folio is at most 2 MB)


class ReportParts:
    """Every report's part of the open data: from the cache where the report's key is unchanged, else made (and kept)."""

    def __init__(
        self, reports: Sequence[ReportView], make: Callable[[str, ReportView], ReportPart], folder: Path | None, keys: Mapping[str, str]
    ) -> None:
        """Hold the reports' parts, made by make(form, report) when they are not kept in folder under the report's key."""
        self.reports = sorted(reports, key=lambda report: report.record.id)
        self.make = make
        self.folder = folder
        self.keys = keys  # a report without a key has its part made and held in memory
        self._in_memory: dict[tuple[str, str], ReportPart] = {}  # by report id and format

    def merged(self, kind: str, form: str) -> Iterator[bytes]:
        """Yield one kind of record in one format, from every report, in the files' order."""
        every_report = [self._items(report, kind, form) for report in self.reports]
        for _, item in heapq.merge(*every_report, key=itemgetter(0)):
            yield item

    def remove_others(self) -> None:
        """Delete the kept parts of reports that are no longer in the site."""
        if self.folder is not None and self.folder.is_dir():
            for gone in {entry.name for entry in os.scandir(self.folder)} - {report.record.id for report in self.reports}:
                shutil.rmtree(self.folder / gone, ignore_errors=True)

    def _items(self, report: ReportView, kind: str, form: str) -> Iterable[tuple[bytes, bytes]]:
        """Return the report's items of one kind in one format, each with its sort key as bytes (sort_bytes)."""
        report_id = report.record.id
        if self.folder is None or report_id not in self.keys:
            if (report_id, form) not in self._in_memory:
                self._in_memory[report_id, form] = self.make(form, report)
            return ((sort_bytes(key), item) for key, item in self._in_memory[report_id, form][kind, form])
        path = self.folder / report_id / f"{kind}.{form}"
        stored = _read_items(path, self.keys[report_id])
        if stored is not None:
            return stored
        part = self.make(form, report)
        forget_read_texts()  # the report's texts, read to make its part
        for (each_kind, each_form), items in part.items():
            _write_items(self.folder / report_id / f"{each_kind}.{each_form}", self.keys[report_id], items)
        return _read_items(path, self.keys[report_id]) or [(sort_bytes(key), item) for key, item in part[kind, form]]


def sort_bytes(key: SortKey) -> bytes:
    """Return bytes that sort as the key does, so that a kept item's key can be compared as read from its file.

    Each part is tagged by its type; a date is its day number, an integer eight bytes, a string
    its UTF-8 bytes, ended by two zero bytes (a zero byte in it is followed by 0xFF), so that a
    string sorts before any longer one it begins.
    """
    parts = []
    for part in key:
        if isinstance(part, date):
            parts.append(b"\x01" + part.toordinal().to_bytes(4, "big"))
        elif isinstance(part, int):
            parts.append(b"\x02" + (part + 2**63).to_bytes(8, "big"))
        else:
            parts.append(b"\x03" + part.encode("utf-8").replace(b"\x00", b"\x00\xff") + b"\x00\x00")
    return b"".join(parts)


# A kept part's file: at its head (mapped.py), a pickle of its key, how many items it holds and
# the length of what follows; then each item: the lengths of its sort key (sort_bytes) and of its
# bytes, then both. Of each part, only the piece being read (16 KB) is held in memory as it is merged.
_LENGTHS = struct.Struct(">II")


class _KeptItems:
    """A report's items of one kind and format, read from their file as they are iterated."""

    def __init__(self, count: int, mapping: MappedFile, start: int) -> None:
        self.count, self.mapping, self.start = count, mapping, start

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        pieces = _Pieces(self.mapping, self.start)
        for _ in range(self.count):
            key_length, item_length = _LENGTHS.unpack(pieces.read(_LENGTHS.size))
            yield pieces.read(key_length), pieces.read(item_length)


class _Pieces:
    """Reads a mapped file from a place on, _PIECE_BYTES at a time, giving back the mapping's memory after each piece."""

    def __init__(self, mapping: MappedFile, start: int) -> None:
        self.mapping, self.at = mapping, start  # self.at: where in the file the piece ends
        self.piece, self.used = b"", 0

    def read(self, length: int) -> bytes:
        if self.used + length > len(self.piece):
            wanted = max(length - (len(self.piece) - self.used), _PIECE_BYTES)
            self.piece = self.piece[self.used :] + self.mapping[self.at : self.at + wanted]
            self.mapping.forget(self.at - _MAPPED_AROUND, self.at + wanted + _MAPPED_AROUND)
            self.at, self.used = self.at + wanted, 0
        read = self.piece[self.used : self.used + length]
        self.used += length
        return read


def _read_items(path: Path, key: str) -> _KeptItems | None:
    """Return the items kept at path under key; None if there are none, or they were made from other inputs."""
    try:
        with path.open("rb") as file:
            pickled, mapping, items_at = read_head(file)
        stored_key, count, length = pickle.loads(pickled)
        if stored_key != key or mapping.size != items_at + length:
            return None  # made from other inputs, cut short, or not one of ours
    except Exception:  # missing, or not one of ours: made again
        return None
    return _KeptItems(count, mapping, items_at)


def _write_items(path: Path, key: str, items: Items) -> None:
    """Keep items under key if the cache can be written; a reader sees the old file or the new one, never half of one.

    A preview and a build may race: one may even delete the folder of a report the other's content no longer has.
    """
    encoded = [(sort_bytes(sort_key), item) for sort_key, item in items]
    length = sum(_LENGTHS.size + len(sort_key) + len(item) for sort_key, item in encoded)
    pickled = pickle.dumps((key, len(encoded), length), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as file:
            file.write(head(pickled))
            for sort_key, item in encoded:
                file.write(_LENGTHS.pack(len(sort_key), len(item)))
                file.write(sort_key)
                file.write(item)
        os.replace(temporary, path)
    except OSError:  # not kept: made again next time
        return
