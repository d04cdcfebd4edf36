"""The build, from top to bottom: load, validate, model, render, write."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from itertools import chain
from pathlib import Path

from tracker.assets import load_assets
from tracker.attention import find_warnings
from tracker.badges import badge_files
from tracker.data import data_files
from tracker.errors import ContentError, ContentErrors
from tracker.feeds import feed_files
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
from tracker.render import make_environment, plan_pages, render_page
from tracker.search import index_search
from tracker.sitemap import site_files
from tracker.validate import validate_content
from tracker.views import SiteModel
from tracker.write import Output, write_site, write_text_if_changed


@dataclass(frozen=True)
class Project:
    """Where a project's folders are."""

    content: Path
    templates: Path
    assets: Path
    site: Path
    ledger: Path | None = None  # the committed list of every URL ever published

    @classmethod
    def at(cls, root: Path) -> Project:
        """Return the standard layout under root."""
        return cls(root / "content", root / "templates", root / "assets", root / "site", root / LEDGER_NAME)


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
    warnings: tuple[ContentError, ...]
    ledger: tuple[LedgerEntry, ...]
    published: tuple[str, ...]
    redirects: tuple[Redirect, ...]


def check_site(project: Project, today: date, options: BuildOptions = BuildOptions()) -> CheckedSite:
    """Load and validate all content; raise ContentErrors listing every problem."""
    loaded = load_content(project.content)
    unloaded = frozenset(kind for error in loaded.errors if (kind := kind_of(error.path)))
    content, errors = validate_content(loaded.files, today, unloaded)
    if loaded.errors or errors or content is None:
        raise ContentErrors([*loaded.errors, *errors])
    warnings = find_warnings(content, today)
    if options.strict and warnings:
        raise ContentErrors(warnings)
    if options.base_url:
        content = replace(content, settings=replace(content.settings, base_url=options.base_url.rstrip("/")))
    model = build_model(content, preview=options.preview)
    ledger = read_ledger(project.ledger) if project.ledger else ()
    published, redirects = page_urls(model), find_redirects(content)
    if ledger_errors := check_ledger(LEDGER_NAME, ledger, published, redirects):
        raise ContentErrors(ledger_errors)
    return CheckedSite(model, tuple(sorted(warnings)), ledger, published, redirects)


def build_site(project: Project, today: date, options: BuildOptions = BuildOptions()) -> CheckedSite:
    """Build the whole site into project.site; return what was built and its warnings."""
    checked = check_site(project, today, options)
    model = checked.model
    assets = load_assets(project.assets)
    env = make_environment(project.templates, assets)
    files = chain(site_files(model), feed_files(model), data_files(model), badge_files(model), [redirects_file(checked.redirects)])
    output = Output(pages=list(plan_pages(model)), render=partial(render_page, env), files=files, assets=assets)
    write_site(output, project.site, finish=partial(index_search, previous_site=project.site, reuse_stale=options.stale_search))
    if project.ledger:
        write_text_if_changed(project.ledger, ledger_text(checked.ledger, checked.published))
    return checked
