"""Write stage: the one place that writes output. All or nothing: site/ is replaced only on success.

Pages are rendered, minified and written by two worker processes (forked, so they share the
model without copying it), into a staging folder that is then swapped in for site/ in one step.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import posixpath
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import minify_html

from tracker.assets import Asset
from tracker.cache import OutputRecord, OutputStamp, UnitRecord, folder_id, output_stamp, stamped_size
from tracker.render import Chunks, PagePlan, RenderedPage
from tracker.texts import forget_read_texts
from tracker.units import Unit

T = TypeVar("T")

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
WORKERS = 2
# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 400


class OutputCollision(Exception):
    """Raised when two outputs claim one path, or a path escapes the output folder."""


class WorkerStopped(Exception):
    """Raised when a worker process rendering the site stops without finishing its work."""


@dataclass(frozen=True)
class Output:
    """Everything a build writes: units of pages and files, and static assets."""

    units: Sequence[Unit]
    render: Callable[[PagePlan], RenderedPage]
    assets: Sequence[Asset]


def write_site(
    output: Output, site_dir: Path, finish: Callable[[Path], None] | None = None, previous: Mapping[str, UnitRecord] | None = None
) -> OutputRecord:
    """Write every output into a fresh folder, run finish on it, then swap it in for site_dir.

    previous describes the units of the site now in site_dir: a unit whose key is unchanged, and
    whose files are as they were written, is linked from there instead of rendered. Return what
    the new site holds.
    """
    earlier = previous or {}
    reused = {unit.name: earlier[unit.name] for unit in output.units if _is_unchanged(unit, earlier.get(unit.name), site_dir)}
    # Largest first (by what each wrote last time), so that neither worker is left with a large unit at the end.
    built = sorted((unit for unit in output.units if unit.name not in reused), key=lambda unit: -_size_of(earlier.get(unit.name)))
    claimed: set[str] = set()
    rendered_paths = [plan.output_path for unit in built for plan in unit.pages] + [asset.output_path for asset in output.assets]
    linked_paths = [path for unit in reused.values() for path in unit.files]
    for path in rendered_paths + linked_paths:
        claim(claimed, path)
    staging = site_dir.with_name(f".{site_dir.name}.building-{os.getpid()}")
    remove_stale_builds(site_dir)
    try:
        staging.mkdir(parents=True)
        _make_folders(staging, rendered_paths)
        for asset in output.assets:
            _write_bytes(staging, asset.output_path, [asset.data])

        def link_reused() -> dict[str, OutputStamp]:
            """Link the unchanged units' files from site_dir (while the workers render the others: it is mostly the system's work)."""
            _make_folders(staging, linked_paths)
            # A linked file keeps its size, modification time and inode: its stamp need not be taken again.
            return {
                path: stamp
                for unit in reused.values()
                for path, stamp in unit.files.items()
                if link_or_copy(os.path.join(site_dir, path), os.path.join(staging, path))
            }

        written: dict[str, list[str]] = {name: list(unit.files) for name, unit in reused.items()}
        pages_of = {unit.name: [plan.output_path for plan in unit.pages] for unit in built}
        # On a large site, even the site-wide units alone (after an edit) are worth two workers.
        parallel = sum(len(unit.pages) for unit in output.units) >= PARALLEL_FROM
        files_of, linked = _build_units(built, output.render, staging, parallel, meanwhile=link_reused)
        for name, files in files_of.items():
            written[name] = pages_of[name] + [claim(claimed, path) for path in files]
        if finish is not None:
            finish(staging)
        record = _record_of(staging, output.units, written, linked)
        _swap_into_place(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return record


def _is_unchanged(unit: Unit, earlier: UnitRecord | None, site_dir: Path) -> bool:
    """Whether the unit's files in site_dir were made from the same inputs, and are as they were written."""
    if earlier is None or earlier.key != unit.key:
        return False
    try:
        return all(output_stamp(os.path.join(site_dir, path)) == stamp for path, stamp in earlier.files.items())
    except OSError:
        return False


def _size_of(unit: UnitRecord | None) -> int:
    """Return how many bytes a unit's files held when last written (0 for a unit not written before)."""
    return sum(stamped_size(stamp) for stamp in unit.files.values()) if unit else 0


def _record_of(staging: Path, units: Sequence[Unit], written: Mapping[str, list[str]], known: Mapping[str, OutputStamp]) -> OutputRecord:
    """Return what the finished staging folder holds: each unit's key and files, with their stamps (known ones not taken again)."""

    def stamp(path: str) -> OutputStamp:
        return known.get(path) or output_stamp(os.path.join(staging, path))

    units_written = {unit.name: UnitRecord(unit.key, {path: stamp(path) for path in sorted(written[unit.name])}) for unit in units}
    return OutputRecord(folder_id(staging), units_written)


def _write_file(staging: Path, file: RenderedPage) -> str:
    path = _inside(file.output_path)
    (staging / path).parent.mkdir(parents=True, exist_ok=True)
    _write_bytes(staging, path, file.text.make() if isinstance(file.text, Chunks) else [encode(file)])
    return path


def link_or_copy(source: str | Path, destination: str | Path) -> bool:
    """Hard-link a file of the previous site into the new one (the old site is deleted, not changed); return False if it was copied."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
        return False
    return True


def claim(claimed: set[str], path: str) -> str:
    """Record an output path, refusing a second claim on it and any path that leaves the output folder."""
    if path in claimed:
        raise OutputCollision(f"two outputs claim {path}")
    claimed.add(_inside(path))
    return path


def _inside(path: str) -> str:
    """Return path, if it stays inside the output folder."""
    if posixpath.isabs(path) or posixpath.normpath(path) != path or path.split("/")[0] in ("..", "."):
        raise OutputCollision(f"output path {path!r} is outside the output folder")
    return path


def remove_stale_builds(site_dir: Path) -> None:
    """Delete the half-written folders of builds that were killed, and old sites left to delete."""
    for stale in site_dir.parent.glob(f".{site_dir.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for replaced in site_dir.parent.glob(f".{site_dir.name}.old-*"):
        _remove_in_background(replaced)
    old = site_dir.with_name(f".{site_dir.name}.old")
    if old.exists() and not site_dir.exists():
        old.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def minify(html: str) -> str:
    """Return minified HTML; the only place output is minified.

    Closing tags are kept because Pagefind's indexer needs an explicit <body>. Scripts are not
    minified: the pages' only inline script is JSON-LD, which the JavaScript minifier leaves as it
    was (the site is byte for byte the same) after a third of the minifier's time.
    """
    return str(minify_html.minify(html, minify_css=True, minify_js=False, keep_html_and_head_opening_tags=True, keep_closing_tags=True))


def encode(page: RenderedPage) -> bytes:
    """Return the bytes written for an output: HTML minified, everything UTF-8."""
    if isinstance(page.text, bytes):
        return page.text
    if isinstance(page.text, Chunks):
        return b"".join(page.text.make())
    text = minify(page.text) if page.output_path.endswith(".html") else page.text
    return text.encode("utf-8")


def _make_folders(staging: Path, paths: Iterable[str]) -> None:
    for folder in sorted({posixpath.dirname(path) for path in paths} - {""}):
        (staging / folder).mkdir(parents=True, exist_ok=True)


def _write_bytes(staging: Path, output_path: str, data: Iterable[bytes]) -> None:
    """Write a new file, a piece at a time; never write into an existing one, which may be linked to the live site."""
    try:
        with open(staging / output_path, "xb") as file:
            file.writelines(data)
    except FileExistsError:
        raise OutputCollision(f"two outputs claim {output_path}") from None


# Parallel rendering. The forked workers find the job in this module-level slot, set just
# before the pool starts: passing it as an argument would copy the whole model to each worker.
_JOB: tuple[Sequence[Unit], Callable[[PagePlan], RenderedPage], Path] | None = None


def _build_units(
    units: Sequence[Unit], render: Callable[[PagePlan], RenderedPage], staging: Path, parallel: bool, meanwhile: Callable[[], T]
) -> tuple[dict[str, tuple[str, ...]], T]:
    """Render and write each unit's pages and files, running meanwhile as the workers do; return the files (not pages) each wrote, and meanwhile's result."""
    global _JOB
    _JOB = (units, render, staging)
    try:
        if not parallel or len(units) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return dict(_build_unit(index) for index in range(len(units))), meanwhile()
        # Not multiprocessing.Pool: it waits forever for a worker the system has killed (out of memory, say).
        with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("fork")) as pool:
            results = pool.map(_build_unit, range(len(units)))  # the workers are forked, and start, here
            done_meanwhile = meanwhile()
            return dict(results), done_meanwhile
    except BrokenProcessPool:
        raise WorkerStopped(
            "a worker process stopped before it had written its pages (the machine may have run out of memory); "
            "nothing was published, and site/ is as it was"
        ) from None
    finally:
        _JOB = None


def _build_unit(index: int) -> tuple[str, tuple[str, ...]]:
    assert _JOB is not None
    units, render, staging = _JOB
    unit = units[index]
    for plan in unit.pages:
        page = render(plan)
        _write_bytes(staging, page.output_path, [encode(page)])
    files = tuple(_write_file(staging, file) for file in unit.files())
    forget_read_texts()  # this unit's texts are not read again
    return unit.name, files


def _swap_into_place(staging: Path, site_dir: Path) -> None:
    """Make staging the new site_dir; at every instant one complete site is at site_dir."""
    if not site_dir.exists():
        staging.rename(site_dir)
        return
    if _exchange(staging, site_dir):
        _remove_in_background(staging)
        return
    old = site_dir.with_name(f".{site_dir.name}.old")
    site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old)


def _remove_in_background(folder: Path) -> None:
    """Delete the replaced site after the build has finished: deleting many files is slow."""
    if ".building-" in folder.name:  # named apart from any earlier site still being deleted (by this process, even)
        doomed = folder.with_name(f"{folder.name.replace('.building-', '.old-')}-{time.time_ns()}")
        folder.rename(doomed)
    else:
        doomed = folder
    _start_deleting(doomed)


def _start_deleting(folder: Path) -> None:
    """Start a process that deletes folder, and return at once."""
    subprocess.Popen(
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two folders with Linux's renameat2; False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)


def write_text_if_changed(path: Path, text: str) -> None:
    """Write text to path unless it already holds exactly that (so git sees no change)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
