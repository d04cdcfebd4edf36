"""Site search: a static Pagefind index, built over the finished pages.

The pagefind package on PyPI ships the indexer binary in its wheel, so nothing is downloaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchIndexFailed(Exception):
    """Raised when Pagefind cannot index the site."""


def index_search(site_dir: Path) -> None:
    """Write a Pagefind search index into site_dir/pagefind/."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SearchIndexFailed(f"Pagefind could not index {site_dir}: {result.stdout}{result.stderr}")
