"""Write stage: the one place that writes output. All or nothing: site/ is replaced only on success."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import minify_html

from tracker.assets import Asset
from tracker.render import RenderedPage

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputCollision(Exception):
    """Raised when two outputs claim one path, or a path escapes the output folder."""


def write_site(pages: Iterable[RenderedPage], assets: Iterable[Asset], site_dir: Path, finish: Callable[[Path], None] | None = None) -> int:
    """Write pages and assets into a fresh folder, run finish on it, then swap it in for site_dir.

    Return the number of files written (before finish).
    """
    staging = site_dir.with_name(f".{site_dir.name}.building-{os.getpid()}")
    remove_stale_builds(site_dir)
    try:
        count = _write_all(pages, assets, staging)
        if finish is not None:
            finish(staging)
        _swap_into_place(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


def remove_stale_builds(site_dir: Path) -> None:
    """Delete the half-written folders of builds that were killed."""
    for stale in site_dir.parent.glob(f".{site_dir.name}.building-*"):
        shutil.rmtree(stale, ignore_errors=True)
    old = site_dir.with_name(f".{site_dir.name}.old")
    if old.exists() and not site_dir.exists():
        old.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def minify(html: str) -> str:
    """Return minified HTML; the only place output is minified.

    Closing tags are kept because Pagefind's indexer needs an explicit <body>.
    """
    return str(minify_html.minify(html, minify_css=True, minify_js=True, keep_html_and_head_opening_tags=True, keep_closing_tags=True))


def _write_all(pages: Iterable[RenderedPage], assets: Iterable[Asset], staging: Path) -> int:
    staging.mkdir(parents=True)
    written: set[str] = set()
    for page in pages:
        text = minify(page.html) if page.output_path.endswith(".html") else page.html
        _write_file(staging, page.output_path, text.encode("utf-8"), written)
    for asset in assets:
        _write_file(staging, asset.output_path, asset.data, written)
    return len(written)


def _write_file(staging: Path, output_path: str, data: bytes, written: set[str]) -> None:
    target = safe_join(staging, output_path)
    if output_path in written:
        raise OutputCollision(f"two outputs claim {output_path}")
    written.add(output_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def safe_join(root: Path, output_path: str) -> Path:
    """Return root/output_path, refusing any path that would land outside root."""
    target = (root / output_path).resolve()
    if not target.is_relative_to(root.resolve()) or target == root.resolve():
        raise OutputCollision(f"output path {output_path!r} is outside the output folder")
    return target


def _swap_into_place(staging: Path, site_dir: Path) -> None:
    """Make staging the new site_dir; at every instant one complete site is at site_dir."""
    if not site_dir.exists():
        staging.rename(site_dir)
        return
    if _exchange(staging, site_dir):
        shutil.rmtree(staging)
        return
    old = site_dir.with_name(f".{site_dir.name}.old")
    site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old)


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
