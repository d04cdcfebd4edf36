"""The build, from top to bottom: load, validate, model, render, write."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import partial, wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

from tracker.assets import Asset, load_assets
from tracker.attention import find_warnings
from tracker.cache import CACHE_FOLDER, DATA_FOLDER, OutputRecord, RecordCache, code_digest, digest_of, save_outputs
from tracker.data import data_files
from tracker.errors import ContentError, ContentErrors
from tracker.feeds import site_feed_file
from tracker.ledger import (
    LEDGER_NAME,
    LedgerEntry,
    Redirect,
    check_ledger,
    find_redirects,
    ledger_text,
    page_urls,
    read_ledger,
    redirects_file,
)
from tracker.load import kind_of, load_content
from tracker.model import build_model
from tracker.parallel_read import read_in_parallel
from tracker.records import Content
from tracker.render import PagePlan, RenderedPage, SitePages, compile_templates, make_environment, plan_pages, read_templates, render_page
from tracker.search import index_search, plan_index_parts
from tracker.sitemap import site_files
from tracker.staging import Staging
from tracker.units import Unit, folder_digests, plan_units
from tracker.urls import INDEX_FOLDER
from tracker.validate import validate_content
from tracker.views import SiteModel
from tracker.write import Output, write_site, write_text_if_changed

P = ParamSpec("P")
T = TypeVar("T")


class _CollectorPause:
    """Keeps Python's cycle collector paused while any thread runs a paused function; the last to finish restores it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._running == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._running += 1

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0 and self._was_enabled:
                gc.enable()


_COLLECTOR_PAUSE = _CollectorPause()


def collector_paused(function: Callable[P, T]) -> Callable[P, T]:
    """Run function with Python's cycle collector paused (the live preview checks on two threads at once).

    A build makes millions of objects and almost no reference cycles; at 10,000 recommendations
    the collector's repeated passes over them took half the time of a check.
    """

    @wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with _COLLECTOR_PAUSE:
            return function(*args, **kwargs)

    return paused


@dataclass(frozen=True)
class Project:
    """Where a project's folders are."""

    content: Path
    templates: Path
    assets: Path
    site: Path
    ledger: Path | None = None  # the committed list of every URL ever published
    cache: Path | None = None  # where builds keep what the next build may reuse; None: every build is a full one

    @classmethod
    def at(cls, root: Path) -> Project:
        """Return the standard layout under root."""
        return cls(root / "content", root / "templates", root / "assets", root / "site", root / LEDGER_NAME, root / CACHE_FOLDER)


@dataclass(frozen=True)
class BuildOptions:
    """How this build differs from a production build of the same content."""

    base_url: str | None = None  # overrides site.yaml, so a deploy preview links to itself
    preview: bool = False  # a deploy preview: pages are marked noindex
    strict: bool = False  # warnings fail the build, as errors do
    stale_search: bool = False  # the live preview keeps the previous search index, to rebuild fast


@dataclass(frozen=True)
class CheckedSite:
    """Content that passed validation, modelled, with the warnings editors should see."""

    model: SiteModel
    pages: SitePages  # every page, planned
    warnings: tuple[ContentError, ...]
    ledger: tuple[LedgerEntry, ...]
    published: tuple[str, ...]
    redirects: tuple[Redirect, ...]
    digests_by_folder: dict[str, str]  # a hash of each report folder's files, and of those outside reports/ (under "")


@collector_paused
def check_site(project: Project, today: date, options: BuildOptions = BuildOptions(), records: RecordCache | None = None) -> CheckedSite:
    """Load and validate all content; raise ContentErrors listing every problem.

    records holds what earlier checks validated, and is left for the caller to save (or not);
    without it, the project's cache folder is read, then saved to; if it holds no records, the
    files of a large site are first read by two processes (parallel_read.py).
    """
    known = records or read_records(project, today)
    loaded = load_content(project.content, known=known)
    unloaded = frozenset(kind for error in loaded.errors if (kind := kind_of(error.path)))
    content, errors = validate_content(loaded.files, today, unloaded, known)
    if loaded.errors or errors or content is None:
        raise ContentErrors([*loaded.errors, *errors])
    if records is None:
        known.save()
    digests_by_folder = folder_digests((file.path, file.digest) for file in loaded.files)
    del loaded, known  # the files as read, and (unless the caller keeps it) the cache's index: the model reuses their memory
    warnings = find_warnings(content, today)
    if options.strict and warnings:
        raise ContentErrors(warnings)
    model = build_model(_with_options(content, options), preview=options.preview)
    ledger = read_ledger(project.ledger) if project.ledger else ()
    pages = plan_pages(model)
    published, redirects = page_urls(pages), find_redirects(content)
    if ledger_errors := check_ledger(LEDGER_NAME, ledger, published, redirects):
        raise ContentErrors(ledger_errors)
    return CheckedSite(model, pages, tuple(sorted(warnings)), ledger, published, redirects, digests_by_folder)


def read_records(project: Project, today: date) -> RecordCache:
    """Return what the build cache knows; if it knows nothing, two processes first read the content into it (parallel_read.py)."""
    known = RecordCache(project.cache)
    if project.cache and known.knows_nothing() and read_in_parallel(project.content, project.cache, today):
        return RecordCache(project.cache)
    return known


def _with_options(content: Content, options: BuildOptions) -> Content:
    if not options.base_url:
        return content
    return replace(content, settings=replace(content.settings, base_url=options.base_url.rstrip("/")))


@collector_paused
def check_reports(project: Project, folders: Collection[str], today: date, options: BuildOptions, records: RecordCache) -> SiteModel | None:
    """Load, validate and model the files outside reports/ with these report folders alone; None if they have an error.

    The model shows these reports' pages as the whole site's would: a report's pages show
    nothing of other reports but those its recommendations are linked with (units.py), which
    folders must hold. Nothing is checked across the other reports, and records keeps nothing.
    """
    reader = records.reading_only()
    loaded = load_content(project.content, known=reader, reports=folders)
    content, errors = validate_content(loaded.files, today, frozenset(), reader) if not loaded.errors else (None, [])
    if errors or content is None:
        return None
    return build_model(_with_options(content, options), preview=options.preview)


@dataclass(frozen=True)
class PlannedSite:
    """Every output of a checked site, in units, with what renders its pages."""

    units: list[Unit]
    render: Callable[[PagePlan], RenderedPage]
    assets: tuple[Asset, ...]


def build_site(project: Project, today: date, options: BuildOptions = BuildOptions()) -> CheckedSite:
    """Build the whole site into project.site; return what was built and its warnings.

    With a cache folder, only the units whose inputs changed since the last build are rendered;
    the others' files are linked from site/ by a helper process while the content is checked.
    """
    with Staging(project.site, project.cache, linked_whole=(INDEX_FOLDER,)) as staging:
        checked = check_site(project, today, options)
        write_planned(project, checked, plan_site(project, checked), options, staging)
    return checked


@collector_paused
def plan_site(project: Project, checked: CheckedSite) -> PlannedSite:
    """Plan every output: the site-wide units and one per report, each keyed by a hash of its inputs."""
    model = checked.model
    assets = load_assets(project.assets)
    templates = read_templates(project.templates)
    env = make_environment(project.templates, templates, assets)
    compile_templates(env, templates)
    # Besides content: the code, the templates, the assets (their names hash their bytes) and the options.
    not_content = [
        code_digest(),
        digest_of(f"{name}\0{text}" for name, text in templates),
        *(asset.output_path for asset in assets),
        repr((model.settings, model.preview)),
    ]

    def site_wide_files() -> Iterator[RenderedPage]:
        yield from site_files(model, checked.pages)
        yield site_feed_file(model)
        yield redirects_file(checked.redirects, checked.pages.list_urls())

    data_cache = project.cache / DATA_FOLDER if project.cache else None
    units = plan_units(
        model, checked.pages, checked.digests_by_folder, digest_of(not_content), site_wide_files, partial(data_files, model, data_cache)
    )
    return PlannedSite(units, partial(render_page, env), assets)


@collector_paused
def write_planned(
    project: Project, checked: CheckedSite, planned: PlannedSite, options: BuildOptions, staging: Staging | None = None
) -> OutputRecord:
    """Write the planned site into project.site (reusing unchanged units), with its search index; return what it holds.

    staging, if given, is where the new site is written (and what it has linked from site/ is reused);
    without it, the previous site is linked here and now (the check is over: a helper would gain nothing).
    """
    if staging is not None:
        return _write_planned(project, checked, planned, options, staging)
    with Staging(project.site, project.cache, linked_whole=(INDEX_FOLDER,), in_helper=False) as linked_now:
        return _write_planned(project, checked, planned, options, linked_now)


def _write_planned(project: Project, checked: CheckedSite, planned: PlannedSite, options: BuildOptions, staging: Staging) -> OutputRecord:
    output = Output(units=planned.units, render=planned.render, assets=planned.assets)
    part_of = {report.record.id: report.search_index_url for report in checked.model.reports}
    parts = plan_index_parts(
        [(part_of[unit.report], unit.report, unit.key, [plan.output_path for plan in unit.pages]) for unit in planned.units if unit.report]
    )
    finish = partial(index_search, parts=parts, previous_site=project.site, reuse_stale=options.stale_search)
    record = write_site(output, staging, finish=finish)
    save_outputs(project.cache, record)
    if project.ledger:
        write_text_if_changed(project.ledger, ledger_text(checked.ledger, checked.published))
    return record
