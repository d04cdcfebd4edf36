"""The command line: build, check, serve."""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import NoReturn

from tracker.cache import RecordCache
from tracker.errors import ContentError, ContentErrors
from tracker.pipeline import BuildOptions, CheckedSite, Project, build_site, check_site
from tracker.scaffold import KINDS, ScaffoldError, plan_scaffold, write_scaffold
from tracker.staging import HelperStopped
from tracker.write import WorkerStopped


def main(argv: list[str] | None = None, root: Path | None = None, exit_at_once: bool = False) -> int:
    """Run the command line; return the exit status.

    With exit_at_once (build.py), a build or a check ends the process once it has printed its
    outcome, without freeing what it made: at 10,000 recommendations Python spent about a second
    freeing the model and the cache's records, object by object, just before exiting.
    """
    args = _parser().parse_args(argv)
    project = Project.at(args.project or root or Path.cwd())
    command = args.command or "build"
    if command == "new":
        return _run_new(project, args.kind, args.parent)
    if command == "serve":
        from tracker.serve import serve

        return serve(project, args.port)
    options = BuildOptions(base_url=args.base_url, preview=args.preview, strict=args.strict)
    status, made = _run_checked(project, command, options)
    if exit_at_once:
        exit_now(status)
    del made
    return status


def exit_now(status: int) -> NoReturn:
    """End the process with this status once what it printed is written, without freeing its objects or running exit handlers."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _run_checked(project: Project, command: str, options: BuildOptions) -> tuple[int, CheckedSite | None]:
    """Check or build; return the exit status, and what was made (for the caller to free, or not)."""
    started = time.perf_counter()
    try:
        if command == "check":
            # Reads the build cache but writes nothing, not even the cache.
            checked = check_site(project, date.today(), options, RecordCache(project.cache))
            print("No errors found.")
        else:
            checked = build_site(project, date.today(), options)
            print(f"Built {project.site} in {time.perf_counter() - started:.2f} s.")
    except ContentErrors as failure:
        print(failure.report(), file=sys.stderr)
        return 1, None
    except (WorkerStopped, HelperStopped) as failure:
        print(f"build.py: {failure}", file=sys.stderr)
        return 1, None
    if checked.warnings:
        print(warnings_report(checked.warnings), file=sys.stderr)
    return 0, checked


def _run_new(project: Project, kind: str, parent: str) -> int:
    try:
        scaffold = plan_scaffold(project.content, kind, parent, date.today())
        path = write_scaffold(project.content, scaffold)
    except ScaffoldError as problem:
        print(f"build.py new: {problem}", file=sys.stderr)
        return 2
    print(path)
    return 0


def warnings_report(warnings: tuple[ContentError, ...]) -> str:
    """Return warnings as lines, with what they mean for the build."""
    noun = "warning" if len(warnings) == 1 else "warnings"
    lines = [f"warning: {warning}" for warning in warnings]
    lines.append(f"{len(warnings)} {noun}: the site builds, but `check --strict` (deploy previews) fails until they are dealt with.")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the commitments tracker from content/ into site/.")
    _add_common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="command")
    for name, help_text in (
        ("build", "build content/ into site/ (the default)"),
        ("check", "check content/ without writing anything"),
        ("serve", "build, serve on 127.0.0.1 and rebuild on every save"),
        ("new", "write a new content file with the next free id and print its path"),
    ):
        command = commands.add_parser(name, help=help_text)
        # The same options after the command: suppressed defaults, so they never undo ones given before it.
        _add_common_options(command, suppress=True)
        if name == "serve":
            command.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
        if name == "new":
            command.add_argument("kind", choices=KINDS, help="what to create")
            command.add_argument(
                "parent",
                help="the id it belongs to: the commitment for an update, the recommendation for a commitment, "
                "the report for a recommendation; for a report, its new id",
            )
    return parser


def _add_common_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument("--project", type=Path, default=default(None), help="the folder holding content/, templates/ and assets/")
    parser.add_argument("--base-url", default=default(None), help="the address the site is published at, overriding content/site.yaml")
    parser.add_argument(
        "--preview", action="store_true", default=default(False), help="a deploy preview: ask search engines not to index it"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        default=default(False),
        help="fail on warnings (overdue, stale, unexplained target changes, non-https sources)",
    )
