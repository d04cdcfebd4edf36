"""Shared helpers for the tests: where things are, and how to read a built page."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tracker import validate
from tracker.load import SourceFile
from tracker.pipeline import Project

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "site" / "content"
INVALID_CASES = ROOT / "tests" / "invalid"
# The fictional fixture is judged as if today were this day, so that its tests never age.
FIXTURE_TODAY = date(2026, 1, 1)


def project_for(content: Path, site: Path) -> Project:
    """Return a project that builds content into site with the real templates and assets."""
    return Project(content, ROOT / "templates", ROOT / "assets", site)


def copy_fixture(destination: Path) -> Path:
    """Copy the fictional fixture content to destination and return it."""
    shutil.copytree(FIXTURE_CONTENT, destination)
    return destination


def add_report_copy(content: Path, name: str, related_to: str | None = None) -> None:
    """Add a fictional report to fixture content: a copy of its "benches" report, renamed name.

    With related_to, the copy's first recommendation says it repeats that recommendation.
    """
    source, target = content / "reports/benches", content / f"reports/{name}"
    shutil.copytree(source, target)
    for file in target.rglob("*.md"):
        text = file.read_text(encoding="utf-8").replace("office-reply-2021", f"{name}-reply-2021").replace("benches", name)
        file.write_text(text.replace("Fictional report on park", f"Fictional report on {name} and park"), encoding="utf-8")
    if related_to:
        rec = target / "recommendations/rec-1.md"
        link = f"related:\n  - recommendation: {related_to}\n    relation: repeats\naddressed_to:"
        rec.write_text(rec.read_text(encoding="utf-8").replace("addressed_to:", link), encoding="utf-8")


def read_page(site: Path, url: str) -> lxml.html.HtmlElement:
    """Parse the built page that serves url."""
    path = url.split("#", 1)[0].lstrip("/")
    file = site / (path + "index.html" if path == "" or path.endswith("/") else path)
    return lxml.html.fromstring(file.read_text(encoding="utf-8"))


_INLINE_TAGS = frozenset({"a", "abbr", "b", "code", "del", "em", "i", "small", "span", "strong", "time"})


def text_of(element: lxml.html.HtmlElement) -> str:
    """Return an element's text as a reader meets it: blocks apart, inline runs together."""
    parts: list[str] = []
    _collect_text(element, parts)
    return " ".join("".join(parts).split())


def _collect_text(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    block = element.tag not in _INLINE_TAGS
    parts.append(" " if block else "")
    parts.append(element.text or "")
    for child in element:
        if isinstance(child.tag, str):
            _collect_text(child, parts)
        parts.append(child.tail or "")
    parts.append(" " if block else "")


def main_text(site: Path, url: str) -> str:
    """Return the text of a page's <main>, folded."""
    return text_of(read_page(site, url).xpath("//main")[0])


def files_read_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return a list to which this process (not a forked one) adds the content path of each file it parses and validates."""
    read: list[str] = []
    pid = os.getpid()
    original = validate._read_file

    def counted(file: SourceFile, *args: Any) -> Any:
        if os.getpid() == pid:
            read.append(file.path)
        return original(file, *args)

    monkeypatch.setattr("tracker.validate._read_file", counted)
    return read
