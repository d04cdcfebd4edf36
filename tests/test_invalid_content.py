"""One folder per kind of bad input, each with the exact message an editor must see.

Each folder under tests/invalid/ holds `content/` (files laid over the fictional fixture),
optionally `delete.txt` (content paths to remove, one a line) and `expected.txt`: the whole
error report, word for word.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_TODAY, INVALID_CASES, copy_fixture, project_for
from tracker.errors import ContentErrors
from tracker.pipeline import check_site

CASES = sorted(path.name for path in INVALID_CASES.iterdir() if path.is_dir())


def _prepare(case: Path, destination: Path) -> Path:
    content = copy_fixture(destination)
    overlay = case / "content"
    if overlay.is_dir():
        shutil.copytree(overlay, content, dirs_exist_ok=True, symlinks=True)
    deletions = case / "delete.txt"
    if deletions.is_file():
        for line in deletions.read_text(encoding="utf-8").splitlines():
            if line.strip():
                (content / line.strip()).unlink()
    return content


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_the_exact_message(case: str, tmp_path: Path) -> None:
    content = _prepare(INVALID_CASES / case, tmp_path / "content")
    with pytest.raises(ContentErrors) as failure:
        check_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY)
    expected = (INVALID_CASES / case / "expected.txt").read_text(encoding="utf-8").strip()
    assert failure.value.report() == expected
