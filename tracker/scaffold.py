"""`build.py new …`: write a correctly shaped content file with today's date and the next free id.

Fields the editor must fill in are left empty, so the file fails `check` until they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from tracker.load import SourceFile, load_content

_NUMBERED_ID = re.compile(r"^(.*?)(\d+)$")
KINDS = ("report", "recommendation", "commitment", "update")


class ScaffoldError(Exception):
    """Raised when the file cannot be written; the message says why and what to do."""


@dataclass(frozen=True)
class Scaffold:
    """A new content file: where it goes and what it says."""

    content_path: str
    text: str


def plan_scaffold(content_dir: Path, kind: str, parent_id: str, today: date) -> Scaffold:
    """Return the new file for kind, under the report, recommendation or commitment parent_id."""
    files = load_content(content_dir).files
    if kind == "report":
        return _new_report(files, parent_id, today)
    parent_kind = {"recommendation": "report", "commitment": "recommendation", "update": "commitment"}[kind]
    parent = _find(files, parent_kind, parent_id)
    folder = str(PurePosixPath(parent.path).parent) if parent_kind == "report" else str(PurePosixPath(parent.path).parents[1])
    siblings = [file for file in files if file.kind == kind and file.path.startswith(folder + "/")]
    new_id = next_id(siblings, _report_id(files, folder), kind)
    text = _TEMPLATES[kind].format(id=new_id, parent=parent_id, today=today.isoformat(), number=len(siblings) + 1)
    name = f"{today.isoformat()}-{new_id}.md" if kind == "update" else f"{new_id}.md"
    return Scaffold(f"{folder}/{kind}s/{name}", text)


def write_scaffold(content_dir: Path, scaffold: Scaffold) -> Path:
    """Write the new file, refusing to overwrite one that exists."""
    target = content_dir / scaffold.content_path
    if target.exists():
        raise ScaffoldError(f"content/{scaffold.content_path} already exists; edit it, or remove it first")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(scaffold.text, encoding="utf-8")
    return target


def next_id(siblings: list[SourceFile], report_id: str, kind: str) -> str:
    """Return the next free id: the siblings' highest number plus one, in their style."""
    numbered = [_NUMBERED_ID.match(str(file.data.get("id") or "")) for file in siblings]
    matches = [match for match in numbered if match]
    if not matches:
        return f"{report_id}-{kind[0]}1"
    prefix = max(matches, key=lambda match: int(match.group(2))).group(1)
    width = max(len(match.group(2)) for match in matches)
    highest = max(int(match.group(2)) for match in matches if match.group(1) == prefix)
    return f"{prefix}{highest + 1:0{width}d}"


def _find(files: tuple[SourceFile, ...], kind: str, wanted: str) -> SourceFile:
    for file in files:
        if file.kind == kind and file.data.get("id") == wanted:
            return file
    known = sorted(str(file.data.get("id")) for file in files if file.kind == kind)
    raise ScaffoldError(f"there is no {kind} with the id {wanted!r}; known {kind}s: {', '.join(known) or 'none'}")


def _report_id(files: tuple[SourceFile, ...], folder: str) -> str:
    return next(str(file.data.get("id")) for file in files if file.kind == "report" and file.path == f"{folder}/report.md")


def _new_report(files: tuple[SourceFile, ...], report_id: str, today: date) -> Scaffold:
    if any(file.kind == "report" and file.data.get("id") == report_id for file in files):
        raise ScaffoldError(f"a report with the id {report_id!r} already exists")
    return Scaffold(
        f"reports/{report_id}/report.md", _TEMPLATES["report"].format(id=report_id, today=today.isoformat(), parent="", number=0)
    )


_TEMPLATES = {
    "report": """---
id: {id}
title:
body:
chair:
published:
url:
---
A short summary of the report, in plain words.
""",
    "recommendation": """---
id: {id}
number: {number}
addressed_to: []
text_source:
  kind: report
  source:
    title:
    kind: primary
    url:
---
The recommendation's text, word for word.
""",
    "commitment": """---
id: {id}
title:
recommendations: [{parent}]
response:
paragraph:
quote:
owner:
---
""",
    "update": """---
id: {id}
commitment: {parent}
date: {today}
status:
sources:
  - title:
    kind: secondary
    url:
---
What happened, in plain words, saying only what the sources say.
""",
}
