#!/usr/bin/env python3
"""One build in this process, for bench/run.py (and for profiling one build by hand).

    python3 bench/driver.py build|check --content DIR --site DIR [--cache DIR] [--repo DIR] [--templates DIR] [--assets DIR]

Prints one JSON line: seconds spent importing the tracker, seconds in build_site (or
check_site), and this process's peak RSS in KiB. On content
errors, prints every error to stderr and exits 1.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import resource
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    """Run one build or check and print its figures as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("build", "check"))
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None, help="the build cache's folder (default: none, every build a full one)")
    parser.add_argument("--repo", type=Path, default=REPO, help="where the tracker's code is (default: this checkout)")
    parser.add_argument("--templates", type=Path, default=None, help="default: REPO/templates")
    parser.add_argument("--assets", type=Path, default=None, help="default: REPO/assets")
    args = parser.parse_args()
    repo = args.repo.resolve()

    started = time.perf_counter()
    sys.path.insert(0, str(repo))
    from tracker.errors import ContentErrors
    from tracker.pipeline import Project, build_site, check_site

    # A worker or helper process the system stopped (out of memory, say): its message, as build.py prints it. Older commits lack them.
    stopped: tuple[type[BaseException], ...] = tuple(
        getattr(importlib.import_module(module), name)
        for module, name in (("tracker.write", "WorkerStopped"), ("tracker.staging", "HelperStopped"))
        if importlib.util.find_spec(module) and hasattr(importlib.import_module(module), name)
    )

    imported = time.perf_counter()
    stages = _time_stages()
    templates, assets = args.templates or repo / "templates", args.assets or repo / "assets"
    project = (
        Project(args.content, templates, assets, args.site, None, args.cache)
        if args.cache
        else Project(args.content, templates, assets, args.site)
    )
    try:
        # Kept, as build.py keeps it: freed, if at all, after the figures are printed.
        made = check_site(project, date.today()) if args.mode == "check" else build_site(project, date.today())
    except ContentErrors as failure:
        print(failure.report(), file=sys.stderr)
        return 1
    except stopped as failure:
        print(f"driver.py: {failure}", file=sys.stderr)
        return 1
    finished = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures: dict[str, object] = {"import_s": imported - started, "build_s": finished - imported, "maxrss_kib": peak_kib}
    figures["stages"] = {name: round(seconds, 3) for name, seconds in stages.items()}
    print(json.dumps(figures))
    # As build.py ends: where the tracker's command line exits without freeing what the build made, so does
    # this; but not under a profiler (python3 -m cProfile bench/driver.py …), which writes its figures at exit.
    exit_now = getattr(importlib.import_module("tracker.cli"), "exit_now", None)
    if exit_now is not None and sys.getprofile() is None:
        exit_now(0)
    del made
    return 0


def _time_stages() -> dict[str, float]:
    """Wrap the pipeline's stage functions (where they exist) to add up the seconds each takes.

    Nothing in the build changes: each wrapper calls the original and returns what it returns.
    """
    import tracker.pipeline as pipeline

    totals: dict[str, float] = {}

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            begun = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.perf_counter() - begun

        return wrapper

    names = (
        "check_site",
        "load_content",
        "validate_content",
        "find_warnings",
        "build_model",
        "render_page",
        "site_files",
        "feed_files",
        "data_files",
        "badge_files",
        "write_site",
        "index_search",
    )
    for name in names:
        if hasattr(pipeline, name):
            setattr(pipeline, name, timed(name, getattr(pipeline, name)))
    return totals


if __name__ == "__main__":
    sys.exit(main())
