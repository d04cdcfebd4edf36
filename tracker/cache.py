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
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path

import orjson

from tracker.load import FileStamp, SourceFile, report_folder
from tracker.texts import dumps_with_texts_apart, load_with_texts_kept

CACHE_FOLDER = ".tracker-cache"
RECORDS_FOLDER = "records"
DATA_FOLDER = "data"
OUTPUTS_FILE = "outputs.json"
CACHE_FORMAT = 2


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
    """

    def __init__(self, folder: Path | None, read_earlier: bool = True) -> None:
        """Read the records earlier builds saved in folder (unless told not to: a cold build's reader knows there are none)."""
        self.folder = folder
        self._began = time.time_ns()  # every stamp this check takes is taken after this moment
        self._earlier: dict[tuple[str, str], object] = {}
        self._stamps: dict[str, tuple[FileStamp, str]] = {}
        self._groups: dict[str, _Stored] = {}  # as on disk, by group
        for group, stored in (_read_groups(folder / RECORDS_FOLDER) if folder and read_earlier else {}).items():
            self._groups[group] = stored
            self._earlier.update(stored.records)
            trusted_before = stored.taken_after_ns - _STAMP_MARGIN_NS
            self._stamps.update((path, seen) for path, seen in stored.stamps.items() if seen[0].ctime_ns < trusted_before)
        self._now: dict[tuple[str, str], object] = {}
        self._now_stamps: dict[str, tuple[FileStamp, str]] = {}

    def knows_nothing(self) -> bool:
        """Whether no earlier build's records were read (a first build, or one by other code)."""
        return not self._earlier

    def knows(self, path: str, digest: str) -> bool:
        """Whether an earlier build validated this file with exactly these bytes."""
        return (path, digest) in self._earlier

    def seen_unchanged(self, path: str, stamp: FileStamp) -> tuple[FileStamp, str] | None:
        """Return the stamp and the hash of the file's bytes an earlier build saw, if it saw this very stamp."""
        seen = self._stamps.get(path)
        return seen if seen and seen[0] == stamp else None

    def recall(self, file: SourceFile) -> object | None:
        """Return the file's record from an earlier build, or None."""
        return self._earlier.get((file.path, file.digest))

    def keep(self, file: SourceFile, record: object) -> None:
        """Remember a record this build validated."""
        self._now[(file.path, file.digest)] = record
        if file.stamp:
            self._now_stamps[file.path] = (file.stamp, file.digest)

    def reading_only(self) -> RecordCache:
        """Return a cache that recalls what this one does, and keeps what it is given to itself (a check whose records are thrown away)."""
        reader = copy.copy(self)
        reader.folder, reader._now, reader._now_stamps = None, {}, {}
        return reader

    def advance(self) -> None:
        """Make this check's records the earlier ones of the next check (the live preview keeps them in memory)."""
        trusted_before = self._began - _STAMP_MARGIN_NS
        self._began = time.time_ns()
        self._earlier, self._now = self._now, {}
        self._stamps = {path: seen for path, seen in self._now_stamps.items() if seen[0].ctime_ns < trusted_before}
        self._now_stamps = {}

    def save(self, forget_others: bool = True) -> None:
        """Write the records of this build's groups whose files changed, and forget the groups that are gone (unless told not to)."""
        if self.folder is None:
            return
        grouped: dict[str, _Stored] = {}
        for (path, digest), record in self._now.items():
            stored = grouped.setdefault(report_folder(path) or "", _Stored(self._began))
            stored.records[(path, digest)] = record
            if path in self._now_stamps:
                stored.stamps[path] = self._now_stamps[path]
        folder = self.folder / RECORDS_FOLDER
        for group, stored in grouped.items():
            earlier = self._groups.get(group)
            if earlier is None or earlier.records.keys() != stored.records.keys() or earlier.stamps != stored.stamps:
                _write_atomically(folder / _group_file(group), dumps_with_texts_apart((code_digest(), group, stored)))
        for group in self._groups.keys() - grouped.keys() if forget_others else ():
            (folder / _group_file(group)).unlink(missing_ok=True)


@dataclass(frozen=True)
class _Stored:
    taken_after_ns: int = 0  # when the check that took these stamps began
    records: dict[tuple[str, str], object] = field(default_factory=dict)
    stamps: dict[str, tuple[FileStamp, str]] = field(default_factory=dict)


def _group_file(group: str) -> str:
    return hashlib.blake2b(group.encode("utf-8"), digest_size=8).hexdigest() + ".pickle"


def _read_groups(folder: Path) -> dict[str, _Stored]:
    groups = {}
    for path in sorted(folder.glob("*.pickle")):
        try:
            loaded = load_with_texts_kept(path)
        except Exception:
            continue
        match loaded:
            case (str() as code, str() as group, _Stored() as stored) if code == code_digest() and path.name == _group_file(group):
                groups[group] = stored
    return groups


OutputStamp = tuple[int, int, int]  # a written file's size, modification time (ns) and inode


def output_stamp(path: str | Path) -> OutputStamp:
    """Return what tells that a written file has not been changed since (by hand, or a script)."""
    found = os.stat(path)
    return (found.st_size, found.st_mtime_ns, found.st_ino)


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
        return {
            name: UnitRecord(unit["key"], {path: (size, mtime, inode) for path, size, mtime, inode in unit["files"]})
            for name, unit in stored["units"].items()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save_outputs(folder: Path | None, record: OutputRecord) -> None:
    """Write down which units the site just swapped in holds."""
    if folder is None:
        return
    units = {
        name: {"key": unit.key, "files": [[path, *stamp] for path, stamp in sorted(unit.files.items())]}
        for name, unit in sorted(record.units.items())
    }
    _write_atomically(folder / OUTPUTS_FILE, orjson.dumps({"code": code_digest(), "site_id": list(record.site_id), "units": units}))


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    temporary.replace(path)
