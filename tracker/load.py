"""Load stage: read every content file into plain data. The only stage that reads content."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tracker.errors import ContentError
from tracker.yaml_strict import YamlMap, YamlProblem, parse_yaml, problem_to_error

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


@dataclass(frozen=True)
class SourceFile:
    """One content file: its kind, its fields with their lines, and its Markdown body."""

    kind: str
    path: str
    data: YamlMap
    body: str
    body_line: int


@dataclass(frozen=True)
class LoadResult:
    """Every content file that could be read, and the errors of those that could not."""

    files: tuple[SourceFile, ...]
    errors: tuple[ContentError, ...]


def load_content(content_dir: Path) -> LoadResult:
    """Read every file under content_dir, collecting errors instead of stopping."""
    files: list[SourceFile] = []
    errors: list[ContentError] = []
    root = content_dir.resolve()
    for file_path in _walk(content_dir):
        content_path = file_path.relative_to(content_dir).as_posix()
        try:
            files.append(_load_file(root, file_path, content_path))
        except _FileProblem as problem:
            errors.append(problem.error)
    return LoadResult(tuple(files), tuple(errors))


def kind_of(content_path: str) -> str | None:
    """Return the kind of file at a content path, or None if the build does not read it there."""
    pure = PurePosixPath(content_path)
    for kind, pattern in KIND_PATTERNS:
        if pure.match(pattern) and len(pure.parts) == len(PurePosixPath(pattern).parts):
            return kind
    return None


def _walk(content_dir: Path) -> list[Path]:
    """Return every non-hidden file under content_dir, in a stable order."""
    found = [
        path
        for path in content_dir.rglob("*")
        if not any(part.startswith(".") for part in path.relative_to(content_dir).parts) and (path.is_file() or path.is_symlink())
    ]
    return sorted(found, key=lambda path: path.relative_to(content_dir).as_posix())


class _FileProblem(Exception):
    def __init__(self, error: ContentError) -> None:
        super().__init__(str(error))
        self.error = error


def _fail(path: str, line: int, problem: str, fix: str, field: str = "file") -> _FileProblem:
    return _FileProblem(ContentError(path, line, field, problem, fix))


def _load_file(root: Path, file_path: Path, content_path: str) -> SourceFile:
    kind = kind_of(content_path)
    if kind is None:
        raise _fail(content_path, 1, "the build does not read a file here", _placement_fix(content_path))
    text = _read_text(root, file_path, content_path)
    if content_path.endswith(".md"):
        front, body, body_line = _split_front_matter(text, content_path)
    else:
        front, body, body_line = text, "", 0
    data = _parse_fields(front, content_path, first_line=2 if content_path.endswith(".md") else 1)
    return SourceFile(kind, content_path, data, body, body_line)


def _placement_fix(content_path: str) -> str:
    places = ", ".join(pattern for _, pattern in KIND_PATTERNS)
    return f"move it to one of: {places} (or delete it)"


def _read_text(root: Path, file_path: Path, content_path: str) -> str:
    if file_path.is_symlink() and not file_path.resolve().is_relative_to(root):
        raise _fail(content_path, 1, "this is a link to a file outside content/", "copy the file into content/ instead of linking to it")
    if not file_path.exists():
        raise _fail(content_path, 1, "this is a link to a file that does not exist", "delete the link")
    size = file_path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _fail(
            content_path,
            1,
            f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}",
            "split it into smaller files, or check it is the right file",
        )
    raw = file_path.read_bytes()
    if not raw.strip():
        raise _fail(content_path, 1, "the file is empty", "fill it in (see docs/content.md) or delete it")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _fail(content_path, 1, "the file starts with a byte-order mark (BOM)", "save it as UTF-8 without BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _fail(content_path, line, "this line has bytes that are not UTF-8 text", "save the file as UTF-8") from None


def _split_front_matter(text: str, content_path: str) -> tuple[str, str, int]:
    if not text.startswith("---"):
        raise _fail(content_path, 1, "no front matter found", "start the file with a line `---`, then the fields, then another `---`")
    end = _FRONT_MATTER_END.search(text, 3)
    first_newline = text.find("\n")
    if end is None or first_newline < 0 or end.start() <= first_newline:
        raise _fail(content_path, 1, "the front matter is not closed", "add a line `---` after the last field")
    front = text[first_newline + 1 : end.start()]
    body_start = end.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    return front, text[body_start:], body_line


def _parse_fields(front: str, content_path: str, first_line: int) -> YamlMap:
    try:
        data = parse_yaml(front, first_line)
    except YamlProblem as problem:
        raise _FileProblem(problem_to_error(content_path, problem)) from None
    if not isinstance(data, YamlMap):
        raise _fail(
            content_path, first_line, "the fields are not written as `name: value` lines", "write one `name: value` per line", field="yaml"
        )
    return data
