"""The staging folder: where a build writes its new site, before swapping it in for site/ in one step.

A rebuild keeps most of the previous site: a unit of output whose inputs are unchanged (units.py)
is hard-linked from site/ into the staging folder, not rendered again. Linking a large site's
files is mostly the system's work, so a helper process does it while the content is checked:
it links every file of the previous site that is as the build cache says it was written. Once
the new units' keys are known, the links of the units that changed are removed again, and those
units are rendered in their place (write.py).

At every instant one complete site is at site/: the old one until the swap, then the new one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType

from tracker.cache import OutputStamp, UnitRecord, output_stamp, read_outputs

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class HelperStopped(Exception):
    """Raised when the process linking the previous site's files stops without finishing its work."""


@dataclass(frozen=True)
class Linked:
    """What the staging folder holds of the previous site: the units it linked whole, and the files it had to copy instead."""

    previous: Mapping[str, UnitRecord]  # the units of the site in site/, as the build cache recorded them
    units: frozenset[str]  # the units all of whose files are as recorded, and were linked
    copied: frozenset[str]  # files that could not be linked (another file system), so have new stamps


NOTHING_LINKED = Linked({}, frozenset(), frozenset())


class Staging:
    """A fresh folder next to site/, being filled with links to the previous site's files; a context manager that discards it unless swapped in."""

    def __init__(self, site_dir: Path, cache: Path | None, linked_whole: Sequence[str] = (), in_helper: bool = True) -> None:
        """Make the staging folder and start linking the files of the site in site_dir that the cache in folder cache describes.

        Folders of site_dir named in linked_whole (the search index) are linked whole, for their
        makers to check (search.py). With in_helper, a forked process links them while the caller
        goes on (where processes cannot be forked, or the system refuses, this one links them at once).
        """
        remove_stale_builds(site_dir)
        self.site_dir = site_dir
        self.linked_whole = tuple(linked_whole)
        self.folder = site_dir.with_name(f".{site_dir.name}.building-{os.getpid()}")
        self.folder.mkdir(parents=True)
        self._result: Linked | None = None
        self._helper: tuple[multiprocessing.process.BaseProcess, Connection] | None = None
        if cache is None or not site_dir.is_dir():
            self._result = NOTHING_LINKED
            return
        if in_helper and "fork" in multiprocessing.get_all_start_methods():
            try:
                self._helper = _start_helper(site_dir, self.folder, cache, self.linked_whole)
                return
            except OSError:  # no process to spare (EAGAIN, ENOMEM): link here
                pass
        self._result = link_previous(site_dir, self.folder, read_outputs(cache, site_dir), self.linked_whole)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.discard()

    def linked(self) -> Linked:
        """Return what was linked, waiting for the helper to finish."""
        if self._result is None:
            assert self._helper is not None
            process, receiving = self._helper
            try:
                self._result = receiving.recv()
            except EOFError:
                process.join()
                raise HelperStopped(f"{_how_it_stopped(process.exitcode)}; nothing was published, and site/ is as it was") from None
            finally:
                receiving.close()
                process.join()
                self._helper = None
        return self._result

    def keep_only(self, reused: Collection[str]) -> None:
        """Remove the links of every previous unit not in reused (its inputs changed, or its files did), and the folders they leave empty."""
        linked = self.linked()
        emptied: set[str] = set()
        for name, unit in linked.previous.items():
            if name in reused:
                continue
            for path in unit.files:
                try:
                    os.unlink(os.path.join(self.folder, path))
                except FileNotFoundError:  # not linked: the unit's linking stopped at a file not as recorded
                    continue
                emptied.add(posixpath.dirname(path))
        _remove_empty_folders(self.folder, emptied)

    def swap_in(self) -> None:
        """Make the staging folder site/, in one step."""
        _swap_into_place(self.folder, self.site_dir)

    def discard(self) -> None:
        """Stop the helper, if it is still linking, and delete the staging folder (in the background: it may hold many links)."""
        if self._helper is not None:
            process, receiving = self._helper
            process.terminate()
            process.join()
            receiving.close()
            self._helper = None
        if self.folder.exists() and self._result is NOTHING_LINKED:
            shutil.rmtree(self.folder, ignore_errors=True)
        elif self.folder.exists():
            _remove_in_background(self.folder)


def _how_it_stopped(exit_code: int | None) -> str:
    """Say how the helper stopped: killed by a signal (as the system kills a process when memory runs out), or by an error it printed."""
    if exit_code is not None and exit_code < 0:
        return (
            f"the process linking the unchanged pages was stopped by signal {-exit_code} before it had finished "
            "(the machine may have run out of memory)"
        )
    return "the process linking the unchanged pages failed before it had finished (its error is above)"


def _start_helper(
    site_dir: Path, folder: Path, cache: Path, linked_whole: Sequence[str]
) -> tuple[multiprocessing.process.BaseProcess, Connection]:
    """Fork a process that links the previous site's files into folder, then sends what it linked (a Linked)."""
    context = multiprocessing.get_context("fork")  # forked: nothing is pickled to start it
    receiving, sending = context.Pipe(duplex=False)
    arguments = (receiving, sending, site_dir, folder, cache, linked_whole, os.getpid())
    process = context.Process(target=_link_and_send, args=arguments, daemon=True)
    process.start()
    sending.close()  # the helper holds the only sending end: if it stops, recv() raises EOFError
    return process, receiving


def _link_and_send(
    receiving: Connection, sending: Connection, site_dir: Path, folder: Path, cache: Path, linked_whole: Sequence[str], parent: int
) -> None:
    """In the helper: link, then send what was linked; end quietly if the build has ended (killed, say) before it reads it.

    What is sent (the previous site's record) is larger than a pipe holds, so sending waits for
    the build to read it. The helper closes its copy of the reading end first: if the build ends,
    no reader is left, and sending fails at once instead of waiting for ever.
    """
    receiving.close()
    linked = link_previous(site_dir, folder, read_outputs(cache, site_dir), linked_whole, still_wanted=lambda: os.getppid() == parent)
    try:
        sending.send(linked)
    except BrokenPipeError:
        return
    finally:
        sending.close()


def link_previous(
    site_dir: Path,
    folder: Path,
    previous: Mapping[str, UnitRecord],
    linked_whole: Sequence[str] = (),
    still_wanted: Callable[[], bool] = lambda: True,
) -> Linked:
    """Link into folder the files of each previous unit, stopping at a unit's first file that is not as recorded, and the folders linked_whole.

    still_wanted is asked before each unit: a helper whose build was killed stops.
    """
    for name in linked_whole:
        if (site_dir / name).is_dir() and still_wanted():
            shutil.copytree(site_dir / name, folder / name, copy_function=link_or_copy)
    units: set[str] = set()
    copied: set[str] = set()
    made: set[str] = {""}
    for name, unit in previous.items():
        if not still_wanted():
            break
        if _link_unit(site_dir, folder, unit.files, made, copied):
            units.add(name)
    return Linked(previous, frozenset(units), frozenset(copied))


def _link_unit(site_dir: Path, folder: Path, files: Mapping[str, OutputStamp], made: set[str], copied: set[str]) -> bool:
    """Link a unit's files while each is as it was written; return whether all were."""
    for path, stamp in files.items():
        source = os.path.join(site_dir, path)
        try:
            if output_stamp(source) != stamp:
                return False
        except OSError:
            return False
        parent = posixpath.dirname(path)
        if parent not in made:
            os.makedirs(os.path.join(folder, parent), exist_ok=True)
            made.add(parent)
        if not link_or_copy(source, os.path.join(folder, path)):
            copied.add(path)
    return True


def _remove_empty_folders(root: Path, folders: Collection[str]) -> None:
    """Remove each of these folders under root, and then its parents, while they are empty; deepest first."""
    for folder in sorted(folders, key=lambda name: -name.count("/")):
        while folder:
            try:
                os.rmdir(os.path.join(root, folder))
            except OSError:  # not empty (or already removed, with a deeper one)
                break
            folder = posixpath.dirname(folder)


def link_or_copy(source: str | Path, destination: str | Path) -> bool:
    """Hard-link a file of the previous site into the new one (the old site is deleted, not changed); return False if it was copied."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
        return False
    return True


def remove_stale_builds(site_dir: Path) -> None:
    """Delete the half-written folders of builds that were killed (not of another build still running), and old sites left to delete."""
    for stale in site_dir.parent.glob(f".{site_dir.name}.building-*"):
        if not _is_running_elsewhere(stale.name.removeprefix(f".{site_dir.name}.building-")):
            shutil.rmtree(stale, ignore_errors=True)
    for replaced in site_dir.parent.glob(f".{site_dir.name}.old-*"):
        _remove_in_background(replaced)
    old = site_dir.with_name(f".{site_dir.name}.old")
    if old.exists() and not site_dir.exists():
        old.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def _is_running_elsewhere(named: str) -> bool:
    """Whether the build that named a staging folder (its process id, then perhaps more) is another process still running."""
    digits = re.match(r"\d+", named)
    if digits is None or int(digits.group()) == os.getpid():
        return False
    try:
        os.kill(int(digits.group()), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


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
    """Delete a replaced or discarded site after the build has finished: deleting many files is slow."""
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
