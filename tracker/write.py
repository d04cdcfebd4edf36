"""Write stage: the one place that writes output. All or nothing: site/ is replaced only on success.

Pages are rendered, minified and written by two worker processes (forked, so they share the
model without copying it), into a staging folder (staging.py) that already holds links to the
previous site's unchanged files, and is then swapped in for site/ in one step.
"""

from __future__ import annotations

import multiprocessing
import os
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import minify_html

from tracker.assets import Asset
from tracker.cache import OutputRecord, OutputStamp, UnitRecord, folder_id, output_stamp, stamped_size
from tracker.render import Chunks, PagePlan, RenderedPage
from tracker.staging import Staging
from tracker.texts import forget_read_texts
from tracker.units import Unit

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


def write_site(output: Output, staging: Staging, finish: Callable[[Path], None] | None = None) -> OutputRecord:
    """Write every output into the staging folder, run finish on it, then swap it in for site/; return what the new site holds.

    A unit whose key is unchanged, and whose files staging linked from the previous site (they
    were as written), is kept as linked instead of rendered.
    """
    linked = staging.linked()
    earlier = linked.previous
    reused = {unit.name: earlier[unit.name] for unit in output.units if unit.name in linked.units and earlier[unit.name].key == unit.key}
    staging.keep_only(reused)
    # Largest first (by what each wrote last time), so that neither worker is left with a large unit at the end.
    built = sorted((unit for unit in output.units if unit.name not in reused), key=lambda unit: -_size_of(earlier.get(unit.name)))
    claimed: set[str] = set()
    rendered_paths = [plan.output_path for unit in built for plan in unit.pages] + [asset.output_path for asset in output.assets]
    for path in rendered_paths + [path for unit in reused.values() for path in unit.files]:
        claim(claimed, path)
    _make_folders(staging.folder, rendered_paths)
    for asset in output.assets:
        _write_bytes(staging.folder, asset.output_path, [asset.data])
    written: dict[str, list[str]] = {name: list(unit.files) for name, unit in reused.items()}
    pages_of = {unit.name: [plan.output_path for plan in unit.pages] for unit in built}
    # On a large site, even the site-wide units alone (after an edit) are worth two workers.
    parallel = sum(len(unit.pages) for unit in output.units) >= PARALLEL_FROM
    for name, files in _build_units(built, output.render, staging.folder, parallel).items():
        written[name] = pages_of[name] + [claim(claimed, path) for path in files]
    if finish is not None:
        finish(staging.folder)
    # A linked file keeps its size, modification time and inode: its stamp need not be taken again.
    known = {path: stamp for unit in reused.values() for path, stamp in unit.files.items() if path not in linked.copied}
    record = _record_of(staging.folder, output.units, written, known)
    staging.swap_in()
    return record


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
    units: Sequence[Unit], render: Callable[[PagePlan], RenderedPage], staging: Path, parallel: bool
) -> dict[str, tuple[str, ...]]:
    """Render and write each unit's pages and files; return the files (not pages) each wrote."""
    global _JOB
    _JOB = (units, render, staging)
    try:
        if not parallel or len(units) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return dict(_build_unit(index) for index in range(len(units)))
        # Not multiprocessing.Pool: it waits forever for a worker the system has killed (out of memory, say).
        with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("fork")) as pool:
            return dict(pool.map(_build_unit, range(len(units))))  # the workers are forked, and start, here
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


def write_text_if_changed(path: Path, text: str) -> None:
    """Write text to path unless it already holds exactly that (so git sees no change)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
