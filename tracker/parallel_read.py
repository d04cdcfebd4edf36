"""A cold build's first reading of the content, shared by two processes.

Parsing and validating every file is a cold build's check's slowest step (at 10,000
recommendations, 30 s of one core). When the build cache knows no records, two forked processes
each read half of the report folders (and the files outside reports/), and save the records they
validated to the cache; the check that follows then finds every valid file there, as a rebuild
does. What they find wrong is not kept: the whole check reads those files again and reports them.
The check also never holds the parsed files of the whole site at once, only the records.
"""

from __future__ import annotations

import multiprocessing
import os
from datetime import date
from pathlib import Path

from tracker.cache import RecordCache
from tracker.load import load_content
from tracker.validate import validate_content

READERS = 2
# Below this many report folders, starting the processes costs more than it saves.
PARALLEL_FROM = 20
# A batch of report folders read at once: parsed files take several times their records' memory,
# and each batch reads the few files outside reports/ again (at 10,000 recommendations, 16 batches in each reader).
FOLDERS_AT_ONCE = 16


def read_in_parallel(content_dir: Path, cache_folder: Path, today: date) -> bool:
    """Read and validate the content in two processes, saving the records to the cache; return False if it was not worth it."""
    folders = _report_folders(content_dir)
    if len(folders) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return False
    context = multiprocessing.get_context("fork")
    readers = [context.Process(target=_read, args=(content_dir, cache_folder, today, folders[index::READERS])) for index in range(READERS)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()  # one that fails leaves its files to the whole check, which reads any file the cache lacks
    return True


def _report_folders(content_dir: Path) -> list[str]:
    """Return the report folders (as reports/<folder>), by name."""
    try:
        entries = list(os.scandir(content_dir / "reports"))
    except OSError:
        return []
    return sorted(f"reports/{entry.name}" for entry in entries if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."))


def _read(content_dir: Path, cache_folder: Path, today: date, folders: list[str]) -> None:
    """Validate the files outside reports/ and in these report folders, a few folders at a time; save the records of the valid ones.

    Parsed files take several times the memory of their records: a reader holds one batch's.
    """
    for start in range(0, len(folders), FOLDERS_AT_ONCE):
        records = RecordCache(cache_folder, read_earlier=False)  # the cache knew nothing when the readers began
        loaded = load_content(content_dir, known=records, reports=folders[start : start + FOLDERS_AT_ONCE])
        validate_content(loaded.files, today, frozenset(), records)
        try:
            records.save(forget_others=False)  # the other batches' records, and the other reader's, stay
        except OSError:  # a cache that cannot be written: the whole check reads every file, and saving it fails there, plainly
            return
