"""Site search: a static Pagefind index, built over the finished pages, in parts.

The pagefind package on PyPI ships the indexer binary in its wheel, so nothing is downloaded.
Indexing is the slowest step of a build, and Pagefind's memory grows with the pages it indexes,
so the pages of each report go to one of several parts (by a hash of the report's id; about
urls.PAGES_PER_SEARCH_PART pages each), each its own Pagefind index under /pagefind/<part>/; the
search page loads one and merges the others, which share its search code. A part whose reports'
pages are unchanged (the same unit keys, see units.py) is copied from the previous site instead
of indexed again, so an edit re-indexes one part, not the site.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pagefind.service import get_executable

from tracker.cache import digest_of
from tracker.staging import link_or_copy
from tracker.urls import INDEX_FOLDER

FINGERPRINT_FILE = ".inputs-fingerprint"
CONCURRENT_INDEXERS = 2


class SearchIndexFailed(Exception):
    """Raised when Pagefind cannot index the site."""


@dataclass(frozen=True)
class IndexPart:
    """One part of the search index: where it goes, the pages it indexes, and a hash of their inputs."""

    url: str
    pages: tuple[str, ...]  # output paths, relative to site/
    fingerprint: str  # a hash of the inputs of its reports' pages


def plan_index_parts(reports: Sequence[tuple[str, str, str, Sequence[str]]]) -> tuple[IndexPart, ...]:
    """Group (index part URL, report id, unit key, page paths), one for each report, into index parts, ordered by URL."""
    grouped: dict[str, list[tuple[str, str, Sequence[str]]]] = {}
    for url, report_id, key, paths in sorted(reports):
        grouped.setdefault(url, []).append((report_id, key, paths))
    parts = []
    for url, members in sorted(grouped.items()):
        fingerprint = digest_of(f"{report_id}\0{key}" for report_id, key, _ in members)  # keys hash Pagefind's version too
        pages = tuple(page for _, _, paths in members for page in paths if page.endswith(".html"))
        parts.append(IndexPart(url, pages, fingerprint))
    return tuple(parts)


def index_search(site_dir: Path, parts: Sequence[IndexPart], previous_site: Path | None = None, reuse_stale: bool = False) -> None:
    """Write each part's Pagefind index into site_dir, keeping those whose inputs are unchanged.

    A part is kept from site_dir itself (a rebuild's staging folder holds the previous site's
    index, linked: staging.py) or else from previous_site. With reuse_stale (the live preview),
    any earlier index of a part is kept, so that a save shows at once.
    """
    _remove_other_parts(site_dir, parts)
    to_index = []
    for part in parts:
        folder = part.url.strip("/")
        if _is_kept(site_dir / folder, part, reuse_stale):
            continue
        shutil.rmtree(site_dir / folder, ignore_errors=True)
        if previous_site and _is_kept(previous_site / folder, part, reuse_stale):
            shutil.copytree(previous_site / folder, site_dir / folder, copy_function=link_or_copy)
        else:
            to_index.append(part)
    with ThreadPoolExecutor(CONCURRENT_INDEXERS) as pool:
        list(pool.map(lambda part: _index_part(site_dir, part), to_index))


def _is_kept(index: Path, part: IndexPart, reuse_stale: bool) -> bool:
    return index.is_dir() and (reuse_stale or _fingerprint_of(index) == part.fingerprint)


def _remove_other_parts(site_dir: Path, parts: Sequence[IndexPart]) -> None:
    """Delete from site_dir's search index the parts a site of another size had."""
    index = site_dir / INDEX_FOLDER
    wanted = {part.url.strip("/") for part in parts}
    if index.is_dir():
        for other in sorted(path for path in index.iterdir() if f"{INDEX_FOLDER}/{path.name}" not in wanted):
            if other.is_dir():
                shutil.rmtree(other)
            else:
                other.unlink()


def _fingerprint_of(index: Path) -> str | None:
    file = index / FINGERPRINT_FILE
    return file.read_text(encoding="utf-8") if file.is_file() else None


def _index_part(site_dir: Path, part: IndexPart) -> None:
    """Index the part's pages alone: Pagefind reads a folder holding links to just those pages."""
    folder = part.url.strip("/")
    pages = site_dir.with_name(f"{site_dir.name}-search-{folder.replace('/', '-')}")
    shutil.rmtree(pages, ignore_errors=True)
    try:
        for page in part.pages:
            (pages / page).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(site_dir / page, pages / page)
        _run_pagefind(pages, site_dir / folder)
    finally:
        shutil.rmtree(pages, ignore_errors=True)
    (site_dir / folder / FINGERPRINT_FILE).write_text(part.fingerprint, encoding="utf-8")


@cache
def _pagefind_binary() -> str:
    """Return the indexer binary that the pagefind package's wheel installed (run directly: a part is often a second's work)."""
    binary = get_executable()
    if binary is None:
        raise SearchIndexFailed("the Pagefind indexer is not installed: run `python3 -m pip install -r requirements.txt`")
    return str(binary)


def _run_pagefind(pages: Path, output: Path) -> None:
    result = subprocess.run(
        [_pagefind_binary(), "--site", str(pages), "--output-path", str(output), "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SearchIndexFailed(f"Pagefind could not index {pages}: {result.stdout}{result.stderr}")
