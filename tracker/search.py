"""Site search: a static Pagefind index, built over the finished pages.

The pagefind package on PyPI ships the indexer binary in its wheel, so nothing is downloaded.
Indexing is the slowest step of a build, so an index is reused, file by file, whenever the
pages it was made from are byte-for-byte the same.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

INDEX_FOLDER = "pagefind"
FINGERPRINT_FILE = ".pages-fingerprint"


class SearchIndexFailed(Exception):
    """Raised when Pagefind cannot index the site."""


def index_search(site_dir: Path, previous_site: Path | None = None, reuse_stale: bool = False) -> None:
    """Write a Pagefind search index into site_dir/pagefind/, reusing the previous one if no page changed.

    With reuse_stale (the live preview), any previous index is reused, so that a save shows at once.
    """
    previous = previous_site / INDEX_FOLDER if previous_site else None
    if previous and previous.is_dir() and reuse_stale:
        shutil.copytree(previous, site_dir / INDEX_FOLDER, copy_function=_link_or_copy)
        return
    fingerprint = pages_fingerprint(site_dir)
    if previous and _fingerprint_of(previous) == fingerprint:
        shutil.copytree(previous, site_dir / INDEX_FOLDER, copy_function=_link_or_copy)
        return
    _run_pagefind(site_dir)
    (site_dir / INDEX_FOLDER / FINGERPRINT_FILE).write_text(fingerprint, encoding="utf-8")


def pages_fingerprint(site_dir: Path) -> str:
    """Return a hash of every HTML page's path and bytes."""
    digest = hashlib.sha256()
    for page in sorted(site_dir.rglob("*.html")):
        digest.update(page.relative_to(site_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(page.read_bytes() + b"\0")
    return digest.hexdigest()


def _fingerprint_of(index: Path) -> str | None:
    file = index / FINGERPRINT_FILE
    return file.read_text(encoding="utf-8") if file.is_file() else None


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _run_pagefind(site_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SearchIndexFailed(f"Pagefind could not index {site_dir}: {result.stdout}{result.stderr}")
