"""Render stage: turn the site model into HTML pages through Jinja templates."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from tracker.assets import Asset, visible_files
from tracker.markdown import render_markdown
from tracker.paging import Pager, pages_of
from tracker.texts import Text
from tracker.urls import changes_url, output_path, page_url
from tracker.views import CommitmentView, Link, ReportView, SiteModel, long_date


@dataclass(frozen=True, slots=True)
class PageContext:
    """What every template may use (a class, not a dictionary: 31,000 dictionaries took 11 MB at 10,000 recommendations)."""

    site: SiteModel
    title: str
    description: str | OpeningWords | CommitmentDescription
    url: str
    breadcrumbs: tuple[Link, ...]
    item: Any
    pager: Pager[Any] | None  # the page of a long list this page shows, if it shows one

    def template_values(self) -> dict[str, Any]:
        """Return the names the templates use, each with its value."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class OpeningWords:
    """A page's description made of the first words of a text: found when the page is rendered, so that planning reads no text."""

    text: Text
    limit: int = 160

    def __str__(self) -> str:
        text = " ".join(str(self.text).split())
        return text if len(text) <= self.limit else text[: self.limit - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True, slots=True)
class CommitmentDescription:
    """A commitment page's description, its status and quote, made when the page is rendered."""

    commitment: CommitmentView

    def __str__(self) -> str:
        return f"Status: {self.commitment.status.label}. {self.commitment.record.quote}"


@dataclass(frozen=True, slots=True)
class PagePlan:
    """A page to render: where it goes, with which template and context."""

    output_path: str
    template: str
    context: PageContext


@dataclass(frozen=True)
class Chunks:
    """UTF-8 text made a piece at a time as it is written (the open data: 387 MB at 10,000 recommendations)."""

    make: Callable[[], Iterator[bytes]]


@dataclass(frozen=True)
class RenderedPage:
    """A rendered page or file (feed, badge, data) and the path, relative to site/, it is written to."""

    output_path: str
    text: str | bytes | Chunks  # bytes and chunks are UTF-8 text, written as they are


Templates = tuple[tuple[str, str], ...]  # each template's name (its path under templates/) and text, by name


def read_templates(templates_dir: Path) -> Templates:
    """Read every template (every file under templates_dir but hidden ones) once, for one build."""
    found = []
    for name, path in visible_files(templates_dir):
        try:
            found.append((name, path.read_text(encoding="utf-8")))
        except FileNotFoundError:  # an editor's temporary file, already gone
            continue
    return tuple(found)


def make_environment(templates_dir: Path, templates: Templates, assets: tuple[Asset, ...]) -> jinja2.Environment:
    """Return a Jinja environment for these templates, that fails on undefined values and escapes by default.

    It compiles the templates as read (not as they may be on disk by the time a page is rendered),
    and the same templates and asset URLs give the same environment, so the live preview compiles
    a template again only when its text changes.
    """
    return _environment(templates_dir.resolve(), templates, tuple((asset.name, f"/{asset.output_path}") for asset in assets))


def compile_templates(env: jinja2.Environment, templates: Templates) -> None:
    """Compile every HTML template once, before the pages are rendered (by forked workers, which then need not).

    Other files in templates/ (an editor's backup, say) are left alone, as they are when rendering.
    """
    for name, _ in templates:
        if name.endswith(".html"):
            env.get_template(name)


@lru_cache(maxsize=8)
def _environment(templates_dir: Path, templates: Templates, asset_urls: tuple[tuple[str, str], ...]) -> jinja2.Environment:
    text_of = dict(templates)

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        return (text_of[name], str(templates_dir / name), lambda: True) if name in text_of else None

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = _markdown
    env.filters["long_date"] = long_date
    env.filters["number"] = count_text
    url_of = dict(asset_urls)
    env.globals["asset_url"] = lambda name: url_of[name]
    return env


@dataclass(frozen=True)
class SitePages:
    """Every page of a site, planned once: the site-wide pages, and each report's own."""

    site: tuple[PagePlan, ...]  # home and /reports/ first
    reports: dict[str, tuple[PagePlan, ...]]  # by report id, in the model's order

    def every_page(self) -> Iterator[PagePlan]:
        """Yield every page, home first, then /reports/, each report's pages and the other site-wide pages."""
        yield from self.site[:2]
        for pages in self.reports.values():
            yield from pages
        yield from self.site[2:]

    def urls(self) -> Iterator[str]:
        """Yield the URL of every page that has one (not the 404 page), in the order of every_page."""
        return (plan.context.url for plan in self.every_page() if plan.output_path != "404.html")

    def permanent_urls(self) -> Iterator[str]:
        """Yield the URLs that must keep working: all but the later pages of long lists, which come and go (paging.py)."""
        return (plan.context.url for plan in self.every_page() if plan.output_path != "404.html" and not _is_later_page(plan))

    def list_urls(self) -> list[str]:
        """Return the addresses of the long lists (the first page of each), in the order of every_page."""
        return [pager.list_url for plan in self.site if (pager := plan.context.pager) and pager.number == 1]


def _is_later_page(plan: PagePlan) -> bool:
    pager = plan.context.pager
    return pager is not None and pager.number > 1


def plan_pages(model: SiteModel) -> SitePages:
    """Plan every page of the site."""
    return SitePages(tuple(plan_site_pages(model)), {report.record.id: tuple(plan_report_pages(model, report)) for report in model.reports})


def plan_site_pages(model: SiteModel) -> list[PagePlan]:
    """Return the pages that list or count items from every report: home and /reports/ first."""
    home = Link("Home", "/")
    pages = [
        _plan("/", "home.html", model, model.settings.title, model.settings.description, (), None),
        _plan("/reports/", "reports.html", model, "Reports", "Every report this site follows.", (home,), None),
    ]
    for status in model.statuses:
        title = f"Commitments: {status.status.label}"
        pages += _list_pages(status.url, status.commitments, "status.html", model, title, status.status.definition, (home,), status)
    for body in model.bodies:
        description = f"The commitments {body.body.name} is responsible for, and their current status."
        pages += _list_pages(body.url, body.commitments, "body.html", model, body.body.name, description, (home,), body)
    changes = "The latest changes of a commitment’s status and corrections, and every one by year."
    pages.append(_plan(changes_url(), "changes.html", model, "Changes and corrections", changes, (home,), None))
    for year in model.change_years:
        description = f"Every change of a commitment’s status and every correction in {year.year}, newest first."
        crumbs = (home, Link("Changes and corrections", changes_url()))
        title = f"Changes and corrections in {year.year}"
        pages += _list_pages(year.url, year.changes, "changes.html", model, title, description, crumbs, year)
    data = "The tracker’s data as JSON, with its schema, and as CSV files: what each file holds."
    pages.append(_plan("/data/", "data.html", model, "Open data", data, (home,), None))
    for page in model.pages:
        pages.append(_plan(page_url(page.id), "page.html", model, page.title, page.description, (home,), page))
    search = "Search the reports, recommendations, commitments and updates."
    pages.append(_plan("/search/", "search.html", model, "Search", search, (home,), None))
    not_found = _context(model, "Page not found", "There is no page at this address.", "/404.html", (home,), None)
    pages.append(PagePlan("404.html", "404.html", not_found))
    return pages


def plan_report_pages(model: SiteModel, report: ReportView) -> Iterator[PagePlan]:
    """Yield one report's own pages: the report, its recommendations, commitments and responses."""
    crumbs = (Link("Home", "/"),)
    title = report.record.title
    yield _plan(report.url, "report.html", model, title, f"The recommendations of {title} and what became of them.", crumbs, report)
    for rec in report.recommendations:
        yield _plan(
            rec.url, "recommendation.html", model, f"{rec.heading}: {title}", OpeningWords(rec.record.text), (*crumbs, rec.report), rec
        )
        commitment_crumbs = (*crumbs, rec.report, Link(rec.heading, rec.url))
        for commitment in rec.commitments:
            if commitment.recommendations[0].url == rec.url:
                yield _plan(
                    commitment.url,
                    "commitment.html",
                    model,
                    commitment.record.title,
                    CommitmentDescription(commitment),
                    commitment_crumbs,
                    commitment,
                )
    for response in report.responses:
        yield _plan(
            response.url,
            "response.html",
            model,
            f"{response.from_body.short_name}'s response to {title}",
            f"The full text of the response, {long_date(response.record.date)}.",
            (*crumbs, response.report),
            response,
        )


def _plan(
    url: str,
    template: str,
    model: SiteModel,
    title: str,
    description: str | OpeningWords | CommitmentDescription,
    crumbs: tuple[Link, ...],
    item: Any,
) -> PagePlan:
    return PagePlan(output_path(url), template, _context(model, title, description, url, crumbs, item))


def _list_pages(
    url: str, items: Sequence[Any], template: str, model: SiteModel, title: str, description: str, crumbs: tuple[Link, ...], item: Any
) -> list[PagePlan]:
    """Plan a long list's pages (paging.py): each after the first is titled with its number, and its crumbs lead to the first."""
    plans = []
    for pager in pages_of(url, items):
        if pager.number == 1:
            context = _context(model, title, description, url, crumbs, item, pager)
        else:
            numbered = f"{title}, page {pager.number} of {pager.count}"
            context = _context(model, numbered, description, pager.url, (*crumbs, Link(title, url)), item, pager)
        plans.append(PagePlan(output_path(pager.url), template, context))
    return plans


def _context(
    model: SiteModel,
    title: str,
    description: str | OpeningWords | CommitmentDescription,
    url: str,
    crumbs: tuple[Link, ...],
    item: Any,
    pager: Pager[Any] | None = None,
) -> PageContext:
    return PageContext(site=model, title=title, description=description, url=url, breadcrumbs=crumbs, item=item, pager=pager)


def count_text(count: int) -> str:
    """The templates' `number` filter: a count as the site writes it, its thousands apart ("6,660")."""
    return f"{count:,}"


def _markdown(text: str | Text) -> Markup:
    """The templates' `markdown` filter: sanitized HTML for a Markdown text, kept or not."""
    return render_markdown(str(text))


def render_page(env: jinja2.Environment, plan: PagePlan) -> RenderedPage:
    """Render one planned page."""
    return RenderedPage(plan.output_path, env.get_template(plan.template).render(plan.context.template_values()))
