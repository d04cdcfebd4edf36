"""The build cache: what earlier builds worked out, kept on disk so that the next build can skip it.

It lives in the project's .tracker-cache/ folder (never committed, never published) and holds:

- records.pickle: each content file's validated record, keyed by the file's path and a hash of
  its bytes, so an unchanged file is neither parsed nor validated again;
- outputs.json: for each unit of output (the site-wide pages, or one report's pages, feeds and
  badges), a hash of everything it was made from and the files it wrote, so that an unchanged
  unit's files are linked from the previous site instead of rendered again (see units.py).

Every entry is also keyed by a hash of the tracker's own code: a new version starts afresh. A
cache that cannot be read is ignored, so the build is then a full one, never a wrong one.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tracker.load import FileStamp, SourceFile

CACHE_FOLDER = ".tracker-cache"
RECORDS_FILE = "records.pickle"
OUTPUTS_FILE = "outputs.json"


@cache
def code_digest() -> str:
    """Return a hash of the tracker package's source: a cache made by other code is not used."""
    digest = hashlib.blake2b(digest_size=16)
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode("utf-8") + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """Return a hash of every file's path and bytes under folder (templates, assets)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(item for item in folder.rglob("*") if item.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def digest_of(parts: Iterable[str]) -> str:
    """Return a hash of a sequence of strings."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


# A file changed within this long of the cache being written might not show it in its
# modification time (a coarse clock), so its stamp is not trusted: it is read and hashed again.
_STAMP_MARGIN_NS = 2_000_000_000


class RecordCache:
    """Validated records by (content path, hash of the file's bytes), read from and saved to disk.

    It also keeps each file's stamp (modification time, size, inode) with its hash, so that an
    unchanged file need not be read to know its hash.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        stored = _read_stored(folder / RECORDS_FILE) if folder else _Stored()
        self._earlier = stored.records
        self._stamps = {path: stamp for path, stamp in stored.stamps.items() if stamp[0][0] < stored.written_ns - _STAMP_MARGIN_NS}
        self._now: dict[tuple[str, str], object] = {}
        self._now_stamps: dict[str, tuple[FileStamp, str]] = {}

    def knows(self, path: str, digest: str) -> bool:
        """Whether an earlier build validated this file with exactly these bytes."""
        return (path, digest) in self._earlier

    def unchanged_digest(self, path: str, stamp: FileStamp) -> str | None:
        """Return the hash of the file's bytes if an earlier build saw it with this very stamp."""
        seen = self._stamps.get(path)
        return seen[1] if seen and seen[0] == stamp else None

    def recall(self, file: SourceFile) -> object | None:
        """Return the file's record from an earlier build, or None."""
        record = self._earlier.get((file.path, file.digest))
        if record is not None:
            self.keep(file, record)
        return record

    def keep(self, file: SourceFile, record: object) -> None:
        """Remember a record this build validated."""
        self._now[(file.path, file.digest)] = record
        if file.stamp:
            self._now_stamps[file.path] = (file.stamp, file.digest)

    def advance(self) -> None:
        """Make this check's records the earlier ones of the next check (the live preview keeps them in memory)."""
        trusted_before = time.time_ns() - _STAMP_MARGIN_NS
        self._earlier, self._now = self._now, {}
        self._stamps = {path: seen for path, seen in self._now_stamps.items() if seen[0][0] < trusted_before}
        self._now_stamps = {}

    def save(self) -> None:
        """Write this build's records, unless nothing changed since they were written."""
        if self.folder is None or (self._now.keys() == self._earlier.keys() and self._now_stamps.items() <= self._stamps.items()):
            return
        stored = _Stored(time.time_ns(), self._now, self._now_stamps)
        _write_atomically(self.folder / RECORDS_FILE, pickle.dumps((code_digest(), stored), protocol=pickle.HIGHEST_PROTOCOL))


@dataclass(frozen=True)
class _Stored:
    written_ns: int = 0
    records: dict[tuple[str, str], object] = field(default_factory=dict)
    stamps: dict[str, tuple[FileStamp, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitRecord:
    """What one unit of output was made from (its key) and the files it wrote."""

    key: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class OutputRecord:
    """The units of the site now in site/, and which folder that is (its inode)."""

    site_inode: int
    units: dict[str, UnitRecord]


def read_outputs(folder: Path | None, site_dir: Path) -> dict[str, UnitRecord]:
    """Return the units of the site now in site_dir, if the cache describes that very folder."""
    if folder is None:
        return {}
    try:
        stored = json.loads((folder / OUTPUTS_FILE).read_text(encoding="utf-8"))
        if stored["code"] != code_digest() or stored["site_inode"] != site_dir.stat().st_ino:
            return {}
        return {name: UnitRecord(unit["key"], tuple(unit["paths"])) for name, unit in stored["units"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save_outputs(folder: Path | None, record: OutputRecord) -> None:
    """Write down which units the site just swapped in holds."""
    if folder is None:
        return
    units = {name: {"key": unit.key, "paths": list(unit.paths)} for name, unit in sorted(record.units.items())}
    text = json.dumps({"code": code_digest(), "site_inode": record.site_inode, "units": units}, separators=(",", ":"))
    _write_atomically(folder / OUTPUTS_FILE, text.encode("utf-8"))


def _read_stored(path: Path) -> _Stored:
    try:
        with path.open("rb") as file:
            code, stored = pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return _Stored()
    return stored if code == code_digest() and isinstance(stored, _Stored) else _Stored()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    temporary.replace(path)
