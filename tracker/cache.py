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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tracker.load import SourceFile

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


class RecordCache:
    """Validated records by (content path, hash of the file's bytes), read from and saved to disk."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._earlier: dict[tuple[str, str], object] = _read_records(folder / RECORDS_FILE) if folder else {}
        self._now: dict[tuple[str, str], object] = {}

    def knows(self, path: str, digest: str) -> bool:
        """Whether an earlier build validated this file with exactly these bytes."""
        return (path, digest) in self._earlier

    def recall(self, file: SourceFile) -> object | None:
        """Return the file's record from an earlier build, or None."""
        record = self._earlier.get((file.path, file.digest))
        if record is not None:
            self._now[(file.path, file.digest)] = record
        return record

    def keep(self, file: SourceFile, record: object) -> None:
        """Remember a record this build validated."""
        self._now[(file.path, file.digest)] = record

    def save(self) -> None:
        """Write this build's records, unless they are the ones already on disk."""
        if self.folder is None or self._now.keys() == self._earlier.keys():
            return
        _write_atomically(self.folder / RECORDS_FILE, pickle.dumps((code_digest(), self._now), protocol=pickle.HIGHEST_PROTOCOL))


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


def _read_records(path: Path) -> dict[tuple[str, str], object]:
    try:
        with path.open("rb") as file:
            code, records = pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return {}
    return records if code == code_digest() and isinstance(records, dict) else {}


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    temporary.replace(path)
