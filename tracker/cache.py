"""The build cache: what earlier builds worked out, kept on disk so that the next build can skip it.

It lives in the project's .tracker-cache/ folder (never committed, never published) and holds:

- records/: each content file's validated record, keyed by the file's path and a hash of its
  bytes, so an unchanged file is neither parsed nor validated again (one file per report folder,
  the records' long texts after them, read only when a page needs them: texts.py);
- outputs.json: for each unit of output (a site-wide page, the open data, the site-wide files,
  or one report's pages, feeds and badges), a hash of everything it was made from and the files
  it wrote, so that an unchanged unit's files are linked from the previous site instead of
  rendered again (see units.py);
- data/: each report's part of the open data, under the report's unit key (see data_parts.py).

Every entry is also keyed by a hash of the tracker's own code: a new version starts afresh. A
cache that cannot be read is ignored, so the build is then a full one, never a wrong one.
"""

from __future__ import annotations

import copy
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import BinaryIO, cast

import orjson

from tracker.load import FileStamp, SourceFile, report_folder, stamp_ctime_ns
from tracker.mapped import head, read_pickled
from tracker.texts import dumps_with_texts_apart, load_texts_kept_from

CACHE_FOLDER = ".tracker-cache"
RECORDS_FOLDER = "records"
DATA_FOLDER = "data"
OUTPUTS_FILE = "outputs.json"
CACHE_FORMAT = 5


# Output and records depend on these libraries' versions as much as on the tracker's code.
_LIBRARIES = ("cmarkgfm", "nh3", "minify-html", "jinja2", "markupsafe", "orjson", "pyyaml", "pagefind")


@cache
def code_digest() -> str:
    """Return a hash of the tracker's source, Python's version and its libraries': a cache made by other code is not used."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{sys.version}\0{CACHE_FORMAT}\0".encode())
    for library in _LIBRARIES:
        digest.update(f"{library} {version(library)}\0".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode("utf-8") + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def digest_of(parts: Iterable[str]) -> str:
    """Return a hash of a sequence of strings."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


# A file changed within this long before its stamp was taken might change again without its
# stamp showing it (a coarse clock), so such a stamp is not trusted: the file is read and hashed.
_STAMP_MARGIN_NS = 2_000_000_000


class RecordCache:
    """Validated records by (content path, hash of the file's bytes), read from and saved to disk.

    It also keeps each file's stamp (modification time, size, inode) with its hash, so that an
    unchanged file need not be read to know its hash. On disk there is one file per report folder
    (and one for the files outside reports/), so that saving after an edit rewrites one small file.
    Each file holds first its index (each file's stamp and hash), then its records, then their
    long texts. The indexes of every folder are read before any records: they are thrown away
    after the check, and read among the records, which stay, they left 36 MB of holes at 10,000
    recommendations that the process could not give back.
    """

    def __init__(self, folder: Path | None, read_earlier: bool = True) -> None:
        """Read the records earlier builds saved in folder (unless told not to: a cold build's reader knows there are none)."""
        self.folder = folder
        self._began = time.time_ns()  # every stamp this check takes is taken after this moment
        indexed = _read_indexes(folder / RECORDS_FOLDER) if folder and read_earlier else {}
        records: dict[str, object] = {}
        self._indexes: dict[str, _Index] = {}  # as on disk, by group: only those whose records were read whole
        for group, group_records in _read_records(folder / RECORDS_FOLDER, indexed) if folder else ():
            records.update(group_records)
            self._indexes[group] = indexed[group].index
        seen = {path: file for index in self._indexes.values() for path, file in index.files.items()}
        stamps = {path: file for index in self._indexes.values() for path, file in _trusted(index.files, index.taken_after_ns)}
        self._known = _Known(seen, stamps, records)  # one value, replaced whole (advance): a reader on another thread sees one or the other
        self._now: dict[str, object] = {}
        self._now_seen: dict[str, Seen] = {}

    def knows_nothing(self) -> bool:
        """Whether no earlier build's records were read (a first build, or one by other code)."""
        return not self._known.records

    def knows(self, path: str, digest: str) -> bool:
        """Whether an earlier build validated this file with exactly these bytes."""
        return self._known.knows(path, digest)

    def seen_unchanged(self, path: str, stamp: FileStamp) -> tuple[FileStamp, str] | None:
        """Return the stamp and the hash of the file's bytes an earlier build saw, if it saw this very stamp."""
        seen = self._known.stamps.get(path)
        return seen if seen and seen[0] == stamp else None

    def recall(self, file: SourceFile) -> object | None:
        """Return the file's record from an earlier build, or None."""
        known = self._known
        return known.records.get(file.path) if known.knows(file.path, file.digest) else None

    def keep(self, file: SourceFile, record: object) -> None:
        """Remember a record this build validated."""
        self._now[file.path] = record
        self._now_seen[file.path] = (file.stamp, file.digest)

    def reading_only(self) -> RecordCache:
        """Return a cache that recalls what this one does, and keeps what it is given to itself (a check whose records are thrown away)."""
        reader = copy.copy(self)
        reader.folder, reader._now, reader._now_seen = None, {}, {}
        return reader

    def advance(self) -> None:
        """Make this check's records the earlier ones of the next check (the live preview keeps them in memory)."""
        began, self._began = self._began, time.time_ns()
        self._known = _Known(self._now_seen, dict(_trusted(self._now_seen, began)), self._now)
        self._now, self._now_seen = {}, {}

    def save(self, forget_others: bool = True) -> None:
        """Write the records of this build's groups whose files changed, and forget the groups that are gone (unless told not to)."""
        if self.folder is None:
            return
        indexes: dict[str, _Index] = {}
        records: dict[str, dict[str, object]] = {}
        for path, record in self._now.items():
            group = report_folder(path) or ""
            indexes.setdefault(group, _Index(self._began)).files[path] = self._now_seen[path]
            records.setdefault(group, {})[path] = record
        folder = self.folder / RECORDS_FOLDER
        for group, index in indexes.items():
            earlier = self._indexes.get(group)
            if earlier is None or earlier.files != index.files:
                kept = pickle.dumps((code_digest(), group, index), protocol=pickle.HIGHEST_PROTOCOL)
                _write_atomically(folder / _group_file(group), head(kept) + dumps_with_texts_apart(records[group]))
        for group in self._indexes.keys() - indexes.keys() if forget_others else ():
            (folder / _group_file(group)).unlink(missing_ok=True)


Seen = tuple[FileStamp | None, str]  # a file's stamp (None for a link) and the hash of its bytes


@dataclass(frozen=True)
class _Known:
    """What earlier checks saw, by path: each file's stamp and hash, those whose stamps can be trusted, and each file's record."""

    seen: dict[str, Seen]
    stamps: dict[str, tuple[FileStamp, str]]
    records: dict[str, object]  # each made from the bytes whose hash seen holds

    def knows(self, path: str, digest: str) -> bool:
        seen = self.seen.get(path)
        return seen is not None and seen[1] == digest and path in self.records


@dataclass(frozen=True)
class _Index:
    taken_after_ns: int = 0  # when the check that took these stamps began
    files: dict[str, Seen] = field(default_factory=dict)


@dataclass(frozen=True)
class _Indexed:
    """A group's index, which file it was read from (inode, size, modification time), and where in it the records start."""

    index: _Index
    file: tuple[int, int, int]
    records_at: int


def _trusted(files: dict[str, Seen], taken_after_ns: int) -> Iterator[tuple[str, tuple[FileStamp, str]]]:
    """Yield the files whose stamps, taken after taken_after_ns, can be trusted: not changed just before (_STAMP_MARGIN_NS)."""
    for path, seen in files.items():
        stamp = seen[0]
        if stamp and stamp_ctime_ns(stamp) < taken_after_ns - _STAMP_MARGIN_NS:
            yield path, cast(tuple[FileStamp, str], seen)  # the same tuple: not a second one for every file


def _group_file(group: str) -> str:
    return hashlib.blake2b(group.encode("utf-8"), digest_size=8).hexdigest() + ".pickle"


def _read_indexes(folder: Path) -> dict[str, _Indexed]:
    """Return the index at the head of each group's file that this code wrote, by group."""
    indexes = {}
    for path in sorted(folder.glob("*.pickle")):
        try:
            with path.open("rb") as file:
                loaded = pickle.loads(read_pickled(file))
                identity, records_at = _identity(file), file.tell()
        except Exception:
            continue
        match loaded:
            case (str() as code, str() as group, _Index() as index) if code == code_digest() and path.name == _group_file(group):
                indexes[group] = _Indexed(index, identity, records_at)
    return indexes


def _read_records(folder: Path, indexes: dict[str, _Indexed]) -> Iterator[tuple[str, dict[str, object]]]:
    """Yield the records of each group whose index was read, from the same file (not one since renamed over it), as its index lists."""
    for group, indexed in indexes.items():
        try:
            with (folder / _group_file(group)).open("rb") as file:
                if _identity(file) != indexed.file:
                    continue
                file.seek(indexed.records_at)  # past the index, read already
                records = load_texts_kept_from(file)
        except Exception:
            continue
        if isinstance(records, dict) and records.keys() == indexed.index.files.keys():
            yield group, records


def _identity(file: BinaryIO) -> tuple[int, int, int]:
    found = os.fstat(file.fileno())
    return (found.st_ino, found.st_size, found.st_mtime_ns)


# A written file's size, modification time (ns) and inode, as "size:mtime:inode": stored in
# outputs.json as it is kept in memory, so that reading it makes one string a file, not a list of
# three numbers turned into a tuple (at 10,000 recommendations, 105,000 files: 49 MB to 22 MB).
OutputStamp = str


def output_stamp(path: str | Path) -> OutputStamp:
    """Return what tells that a written file has not been changed since (by hand, or a script)."""
    found = os.stat(path)
    return f"{found.st_size}:{found.st_mtime_ns}:{found.st_ino}"


def stamped_size(stamp: OutputStamp) -> int:
    """Return the size of the file an output stamp was taken of."""
    return int(stamp.split(":", 1)[0])


@dataclass(frozen=True)
class UnitRecord:
    """What one unit of output was made from (its key), and the files it wrote with their stamps."""

    key: str
    files: dict[str, OutputStamp]


@dataclass(frozen=True)
class OutputRecord:
    """The units of the site now in site/, and which folder that is (device and inode)."""

    site_id: tuple[int, int]
    units: dict[str, UnitRecord]


def folder_id(folder: Path) -> tuple[int, int]:
    """Return a folder's device and inode, which a swap of folders changes."""
    found = folder.stat()
    return (found.st_dev, found.st_ino)


def outputs_stamp(folder: Path | None, site_dir: Path) -> tuple[int, ...] | None:
    """Return what changes whenever the record of site_dir's units is written again or site_dir is swapped (None: no record)."""
    try:
        found = (folder / OUTPUTS_FILE).stat() if folder else None
        return (found.st_mtime_ns, found.st_size, found.st_ino, *folder_id(site_dir)) if found else None
    except OSError:
        return None


def read_outputs(folder: Path | None, site_dir: Path) -> dict[str, UnitRecord]:
    """Return the units of the site now in site_dir, if the cache describes that very folder."""
    if folder is None:
        return {}
    try:
        stored = orjson.loads((folder / OUTPUTS_FILE).read_bytes())
        if stored["code"] != code_digest() or tuple(stored["site_id"]) != folder_id(site_dir):
            return {}
        return {name: UnitRecord(unit["key"], _stamps_only(unit["files"])) for name, unit in stored["units"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save_outputs(folder: Path | None, record: OutputRecord) -> None:
    """Write down which units the site just swapped in holds."""
    if folder is None:
        return
    units = {name: {"key": unit.key, "files": dict(sorted(unit.files.items()))} for name, unit in sorted(record.units.items())}
    _write_atomically(folder / OUTPUTS_FILE, orjson.dumps({"code": code_digest(), "site_id": list(record.site_id), "units": units}))


def _stamps_only(files: object) -> dict[str, OutputStamp]:
    """Return files, a unit's files read from outputs.json, if it maps each path to a stamp; raise TypeError if not."""
    if not isinstance(files, dict) or not all(isinstance(stamp, str) for stamp in files.values()):
        raise TypeError("not a unit's files")
    return files


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    temporary.replace(path)
