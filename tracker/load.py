"""Load stage: read every content file into plain data. The only stage that reads content."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import struct
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NewType, Protocol

from tracker.errors import ContentError
from tracker.yaml_strict import YamlList, YamlMap, YamlProblem, parse_yaml, problem_to_error

MAX_FILE_BYTES = 1_000_000
_FRONT_MATTER_END = re.compile(r"^---[ \t]*$", re.MULTILINE)

# Where each kind of file lives, relative to content/; `*` is one folder or file name.
KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("site", "site.yaml"),
    ("statuses", "statuses.yaml"),
    ("stances", "stances.yaml"),
    ("body", "bodies/*.yaml"),
    ("page", "pages/*.md"),
    ("report", "reports/*/report.md"),
    ("recommendation", "reports/*/recommendations/*.md"),
    ("response", "reports/*/responses/*.md"),
    ("commitment", "reports/*/commitments/*.md"),
    ("update", "reports/*/updates/*.md"),
)


def _pattern_regex(pattern: str) -> str:
    return re.escape(pattern).replace(r"\*", "[^/]*")


# The same patterns as one regular expression, in which `*` never crosses a `/`.
_KIND_REGEX = re.compile("|".join(f"(?P<{kind}>{_pattern_regex(pattern)})" for kind, pattern in KIND_PATTERNS))


# What tells, without reading a file, that it has not changed (as git does): its modification
# time, its change time (which changes with any change to the file, even one that keeps its
# modification time), size and inode, packed as bytes: 65 bytes of memory, where four integers
# in a named tuple took 216 (91,000 of them at 10,000 recommendations).
FileStamp = NewType("FileStamp", bytes)
_STAMP = struct.Struct("<qqQQ")


def stamp_ctime_ns(stamp: FileStamp) -> int:
    """Return the change time a stamp holds, in nanoseconds."""
    return int(_STAMP.unpack(stamp)[1])


def file_stamp(path: str | Path) -> FileStamp | None:
    """Return a plain file's stamp; None for a link or anything else."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return (
        FileStamp(_STAMP.pack(found.st_mtime_ns, found.st_ctime_ns, found.st_size, found.st_ino)) if stat.S_ISREG(found.st_mode) else None
    )


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One content file: its kind, its fields with their lines, and its Markdown body."""

    kind: str
    path: str
    data: YamlMap
    body: str
    body_line: int
    digest: str  # a hash of the file's bytes: the build cache's key
    stamp: FileStamp | None  # None for a link
    parsed: bool = True  # False when the build cache already holds this file's record: data and body are left empty


@dataclass(frozen=True)
class LoadResult:
    """Every content file that could be read, and the errors of those that could not."""

    files: tuple[SourceFile, ...]
    errors: tuple[ContentError, ...]


class KnownFiles(Protocol):
    """What the build cache knows of content files (see cache.RecordCache)."""

    def knows(self, path: str, digest: str) -> bool:
        """Whether the cache holds the record of this file with these bytes."""

    def seen_unchanged(self, path: str, stamp: FileStamp) -> tuple[FileStamp, str] | None:
        """The stamp and the hash of the file's bytes the cache holds, if it saw the file with this stamp, safely before now."""


class _NothingKnown:
    def knows(self, path: str, digest: str) -> bool:
        return False

    def seen_unchanged(self, path: str, stamp: FileStamp) -> tuple[FileStamp, str] | None:
        return None


NOTHING_KNOWN = _NothingKnown()
# The fields of every file left unparsed (its record is in the build cache): one empty map, never
# filled, instead of one each (35 MB at 10,000 recommendations).
_UNPARSED_FIELDS = YamlMap(1)


def load_content(content_dir: Path, known: KnownFiles = NOTHING_KNOWN, reports: Collection[str] | None = None) -> LoadResult:
    """Read every file under content_dir, collecting errors instead of stopping.

    A file the build cache knows is not parsed: the cache holds its record. A plain file whose
    modification time, size and inode are as the cache saw them is not even read, as git does.
    With reports (report folders, as reports/<folder>), the other report folders are left out.
    """
    files: list[SourceFile] = []
    errors: list[ContentError] = []
    root = content_dir.resolve()
    for content_path, file_path in _walk(content_dir, reports):
        try:
            files.append(_load_file(root, file_path, content_path, known))
        except _FileProblem as problem:
            errors.append(problem.error)
    return LoadResult(tuple(files), tuple(errors))


def report_folder(content_path: str) -> str | None:
    """Return the report folder a content path is in (reports/<folder>), or None outside reports/."""
    parts = content_path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 and parts[0] == "reports" else None


def kind_of(content_path: str) -> str | None:
    """Return the kind of file at a content path, or None if the build does not read it there."""
    found = _KIND_REGEX.fullmatch(content_path)
    return found.lastgroup if found else None


def _walk(content_dir: Path, reports: Collection[str] | None = None) -> list[tuple[str, str]]:
    """Return every non-hidden file under content_dir with its content path, in a stable order (only these report folders, if given)."""
    found: list[tuple[str, str]] = []
    for folder, subfolders, names in os.walk(content_dir):
        # A link to a folder is listed as a file, so that it is reported instead of followed.
        links = [name for name in subfolders if os.path.islink(os.path.join(folder, name))]
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in links]
        relative = os.path.relpath(folder, content_dir).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        if reports is not None and relative == "reports":
            subfolders[:] = [name for name in subfolders if f"reports/{name}" in reports]
        found.extend((prefix + name, os.path.join(folder, name)) for name in [*names, *links] if not name.startswith("."))
    return sorted(found)


class _FileProblem(Exception):
    def __init__(self, error: ContentError) -> None:
        super().__init__(str(error))
        self.error = error


def _fail(path: str, line: int, problem: str, fix: str, field: str = "file") -> _FileProblem:
    return _FileProblem(ContentError(path, line, field, problem, fix))


def _load_file(root: Path, file_path: str, content_path: str, known: KnownFiles) -> SourceFile:
    kind = kind_of(content_path)
    if kind is None:
        raise _fail(content_path, 1, *_placement_problem(content_path))
    stamp = file_stamp(file_path)
    seen = known.seen_unchanged(content_path, stamp) if stamp else None
    if seen and known.knows(content_path, seen[1]):
        # The cache's own stamp and hash: the same values, not a second copy of them for every file.
        return SourceFile(kind, content_path, _UNPARSED_FIELDS, "", 0, seen[1], seen[0], parsed=False)
    text, digest = _read_text(root, Path(file_path), content_path)
    if known.knows(content_path, digest):
        return SourceFile(kind, content_path, _UNPARSED_FIELDS, "", 0, digest, stamp, parsed=False)
    if content_path.endswith(".md"):
        front, body, body_line = _split_front_matter(text, content_path)
    else:
        front, body, body_line = text, "", 0
    data = _parse_fields(front, content_path, first_line=2 if content_path.endswith(".md") else 1)
    return SourceFile(kind, content_path, data, body, body_line, digest, stamp)


def _placement_problem(content_path: str) -> tuple[str, str]:
    pure = PurePosixPath(content_path)
    for _, pattern in KIND_PATTERNS:
        expected = PurePosixPath(pattern)
        if pure.suffix != expected.suffix and len(pure.parts) == len(expected.parts) and pure.with_suffix(expected.suffix).match(pattern):
            return (
                f"the build reads only {expected.suffix} files here, and this file ends in {pure.suffix or 'no extension'}",
                f"rename it to {pure.stem}{expected.suffix} (or delete it)",
            )
    places = ", ".join(pattern for _, pattern in KIND_PATTERNS)
    return "the build does not read a file here", f"move it to one of: {places} (or delete it)"


def _read_text(root: Path, file_path: Path, content_path: str) -> tuple[str, str]:
    """Return the file's text, with every line end made a newline, and a hash of its bytes."""
    try:
        raw = _read_bytes(root, file_path, content_path)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise _fail(content_path, 1, f"the file cannot be read ({reason})", "check that the file exists and that you may read it") from None
    if not raw.strip():
        raise _fail(content_path, 1, "the file is empty", "fill it in (see docs/content.md) or delete it")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _fail(
            content_path,
            1,
            "the file starts with an invisible byte-order mark (BOM)",
            'save it as UTF-8 without BOM (in your editor\'s encoding setting, choose "UTF-8", not "UTF-8 with BOM")',
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(content_path, 1, "the file is saved as UTF-16, not UTF-8", "save it as UTF-8 (in your editor's encoding setting)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        before = raw[raw.rfind(b"\n", 0, error.start) + 1 : error.start].decode("utf-8", "replace").strip()
        shown = before[-30:]
        if len(before) > 30 and " " in shown:
            shown = shown[shown.index(" ") + 1 :]
        where = f"just after {shown!r}" if shown else "at the start of the line"
        raise _fail(
            content_path,
            line,
            f"this line has a character that is not saved as UTF-8, {where}",
            "save the file as UTF-8 (in your editor's encoding setting), then check that character",
        ) from None
    # Editors count a line at each Windows (CR LF) or old Mac (CR) line end, and so does YAML.
    return text.replace("\r\n", "\n").replace("\r", "\n"), hashlib.blake2b(raw, digest_size=16).hexdigest()


def _read_bytes(root: Path, file_path: Path, content_path: str) -> bytes:
    if file_path.is_symlink():
        try:
            target = file_path.resolve()
        except (OSError, RuntimeError):
            raise _fail(content_path, 1, "this is a link that leads back to itself", "delete the link") from None
        if not target.is_relative_to(root):
            raise _fail(
                content_path, 1, "this is a link to a file outside content/", "copy the file into content/ instead of linking to it"
            )
        if not target.exists():
            raise _fail(content_path, 1, "this is a link to a file that does not exist", "delete the link")
        if not target.is_file():
            raise _fail(content_path, 1, "this is a link to a folder, not to a file", "delete the link")
    size = file_path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _fail(
            content_path,
            1,
            f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
            "split it into smaller files, or check it is the right file",
        )
    return file_path.read_bytes()


def _split_front_matter(text: str, content_path: str) -> tuple[str, str, int]:
    first_newline = text.find("\n")
    first = text if first_newline < 0 else text[:first_newline]
    if first.rstrip(" \t") != "---":
        raise _fail(
            content_path,
            1,
            "the file does not start with a line `---`",
            "start the file with a line `---`, then the fields, then another line `---`, then the text",
        )
    end = _FRONT_MATTER_END.search(text, first_newline + 1) if first_newline >= 0 else None
    if end is None:
        raise _fail(content_path, 1, "the fields are not closed by a second line `---`", "add a line `---` after the last field")
    front = text[first_newline + 1 : end.start()]
    body_start = end.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    return front, text[body_start:], body_line


def _parse_fields(front: str, content_path: str, first_line: int) -> YamlMap:
    try:
        data = parse_yaml(front, first_line)
    except YamlProblem as problem:
        raise _FileProblem(problem_to_error(content_path, problem)) from None
    if data is None:
        where = "between the two `---` lines" if content_path.endswith(".md") else "in the file"
        raise _fail(
            content_path,
            first_line,
            f"no fields are written {where}",
            "write one `name: value` per line (see docs/content.md)",
            field="yaml",
        )
    if not isinstance(data, YamlMap):
        line = data.line if isinstance(data, YamlList) else first_line
        raise _fail(
            content_path, line, "the fields are not written as `name: value` lines", "write one `name: value` per line", field="yaml"
        )
    return data
