"""Render stage: turn the site model into HTML pages through Jinja templates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import jinja2

from tracker.assets import Asset
from tracker.markdown import render_markdown
from tracker.model import long_date
from tracker.urls import output_path, page_url
from tracker.views import Link, SiteModel


class PageContext(TypedDict):
    """What every template may use."""

    site: SiteModel
    title: str
    description: str
    url: str
    breadcrumbs: tuple[Link, ...]
    item: Any


@dataclass(frozen=True)
class PagePlan:
    """A page to render: where it goes, with which template and context."""

    output_path: str
    template: str
    context: PageContext


@dataclass(frozen=True)
class RenderedPage:
    """A rendered page and the path, relative to site/, it is written to."""

    output_path: str
    html: str


def make_environment(templates_dir: Path, assets: tuple[Asset, ...]) -> jinja2.Environment:
    """Return a Jinja environment that fails on undefined values and escapes by default."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = render_markdown
    env.filters["long_date"] = long_date
    asset_urls = {asset.name: f"/{asset.output_path}" for asset in assets}
    env.globals["asset_url"] = lambda name: asset_urls[name]
    return env


def plan_pages(model: SiteModel) -> Iterator[PagePlan]:
    """Yield every page of the site, home first."""
    home = Link("Home", "/")
    yield _plan("/", "home.html", model, model.settings.title, model.settings.description, (), None)
    yield _plan("/reports/", "reports.html", model, "Reports", "Every report this site follows.", (home,), None)
    for report in model.reports:
        crumbs = (home,)
        yield _plan(
            report.url,
            "report.html",
            model,
            report.record.title,
            f"The recommendations of {report.record.title} and what became of them.",
            crumbs,
            report,
        )
        for rec in report.recommendations:
            yield _plan(
                rec.url,
                "recommendation.html",
                model,
                f"{rec.heading}: {report.record.title}",
                _first_words(rec.record.text),
                (*crumbs, rec.report),
                rec,
            )
            for commitment in rec.commitments:
                if commitment.recommendations[0].url == rec.url:
                    yield _plan(
                        commitment.url,
                        "commitment.html",
                        model,
                        commitment.record.title,
                        f"Status: {commitment.status.label}. {commitment.record.quote}",
                        (*crumbs, rec.report, Link(rec.heading, rec.url)),
                        commitment,
                    )
        for response in report.responses:
            yield _plan(
                response.url,
                "response.html",
                model,
                f"{response.from_body.short_name}'s response to {report.record.title}",
                f"The full text of the response, {long_date(response.record.date)}.",
                (*crumbs, response.report),
                response,
            )
    for status in model.statuses:
        yield _plan(status.url, "status.html", model, f"Commitments: {status.status.label}", status.status.definition, (home,), status)
    for body in model.bodies:
        yield _plan(
            body.url,
            "body.html",
            model,
            body.body.name,
            f"The commitments {body.body.name} is responsible for, and their current status.",
            (home,),
            body,
        )
    yield _plan(
        "/changes/",
        "changes.html",
        model,
        "Changes and corrections",
        "Every change of a commitment’s status and every correction, newest first.",
        (home,),
        None,
    )
    yield _plan(
        "/data/",
        "data.html",
        model,
        "Open data",
        "The tracker’s data as JSON, with its schema, and as CSV files: what each file holds.",
        (home,),
        None,
    )
    for page in model.pages:
        yield _plan(page_url(page.id), "page.html", model, page.title, page.description, (home,), page)
    yield _plan("/search/", "search.html", model, "Search", "Search the reports, recommendations, commitments and updates.", (home,), None)
    yield PagePlan(
        "404.html", "404.html", _context(model, "Page not found", "There is no page at this address.", "/404.html", (home,), None)
    )


def _plan(url: str, template: str, model: SiteModel, title: str, description: str, crumbs: tuple[Link, ...], item: Any) -> PagePlan:
    return PagePlan(output_path(url), template, _context(model, title, description, url, crumbs, item))


def _context(model: SiteModel, title: str, description: str, url: str, crumbs: tuple[Link, ...], item: Any) -> PageContext:
    return PageContext(site=model, title=title, description=description, url=url, breadcrumbs=crumbs, item=item)


def _first_words(markdown: str, limit: int = 160) -> str:
    text = " ".join(markdown.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def render_page(env: jinja2.Environment, plan: PagePlan) -> RenderedPage:
    """Render one planned page."""
    return RenderedPage(plan.output_path, env.get_template(plan.template).render(**plan.context))
