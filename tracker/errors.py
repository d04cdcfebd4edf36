"""Content errors: what an editor sees when a file is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one content file, with the place and the fix.

    `path` is relative to `root` (content/ unless said otherwise); the message shows it from
    the project's root, as the editor sees it in their editor and in git.
    """

    path: str
    line: int
    field: str
    problem: str
    fix: str
    root: str = "content/"

    def __str__(self) -> str:
        # One error, one line: a line break inside a part would split the report.
        path, field, problem, fix = (" ".join(part.splitlines()) for part in (self.path, self.field, self.problem, self.fix))
        return f"{self.root}{path}:{self.line}: {field}: {problem} — {fix}"


class ContentErrors(Exception):
    """Raised when content has errors; carries every one of them."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__(f"{len(self.errors)} content error(s)")

    def report(self) -> str:
        """Return the errors as lines an editor can act on."""
        count = len(self.errors)
        noun = "error" if count == 1 else "errors"
        lines = [str(error) for error in self.errors]
        lines.append(f"{count} {noun} found; nothing was written, the previous site/ is unchanged.")
        return "\n".join(lines)
