"""Units of output, each with a key: a hash of everything its files are made from.

A report's unit is its own pages (the report, its recommendations, commitments and responses),
its feeds and its commitments' badges. They show nothing of other reports except those linked
by `related`, so the key hashes the site-wide inputs (code, templates, assets, options and every
content file outside reports/) with the files of the report's folder and of the linked reports'
folders. When a key is unchanged since the last build, the unit's files are taken from the
previous site instead of rendered again (write.py).

The site-wide units (the open data, its JSON and its CSV files apart; the site feed, the sitemap
and the redirects; and one unit for each site-wide page: home, the lists, changes) list or count
items of every report, so their key hashes every input: they are built again after any edit.
They are apart so that the two workers share them, the largest first. The pages of long lists
are the exception: each shows a hundred items, made from their reports' files, so its key hashes
those reports' keys (list_page_keys), and an edit builds again only the pages that show its report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from tracker.badges import report_badge_files
from tracker.cache import digest_of
from tracker.data import DATA_FORMS
from tracker.feeds import report_feed_files
from tracker.load import report_folder
from tracker.render import PagePlan, RenderedPage, SitePages
from tracker.views import ChangeView, ChangeYearView, CommitmentView, ReportView, SiteModel

SITE_UNIT = "site"
DATA_UNIT = "data"
SITE_PAGE_UNIT_PREFIX = "page:"  # then the page's output path


@dataclass(frozen=True)
class Unit:
    """Pages and files that are built together from the same inputs."""

    name: str
    report: str | None  # the report whose unit this is; None: a site-wide unit
    key: str  # a hash of every input
    pages: tuple[PagePlan, ...]
    files: Callable[[], Iterable[RenderedPage]]  # called only if the unit is built, one file at a time


def folder_digests(files: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return a hash of each report folder's files, from each content file's (path, hash of its bytes); "" holds those outside reports/."""
    by_folder: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path, digest in files:
        by_folder[report_folder(path) or ""].append((path, digest))
    # One folder's lines at a time: the whole site's took 14 MB at 10,000 recommendations.
    return {folder: digest_of(f"{path}\0{digest}" for path, digest in sorted(entries)) for folder, entries in sorted(by_folder.items())}


def plan_units(
    model: SiteModel,
    pages: SitePages,
    digests_by_folder: Mapping[str, str],
    shared_key: str,
    site_files: Callable[[], Iterable[RenderedPage]],
    open_data: Callable[[Mapping[str, str], str], Iterable[RenderedPage]],
) -> list[Unit]:
    """Return the site-wide units (the open data, the site-wide files, then one per site-wide page), then one unit per report.

    digests_by_folder holds a hash of each folder's files (folder_digests); shared_key hashes the inputs
    that are not content (code, templates, assets, options). open_data is given each report's
    key, under which its part of the open data is kept, and the form of the files to make (a unit each).
    """
    site_key = digest_of([shared_key, digests_by_folder.get("", "")])
    every_input = digest_of([shared_key, *(f"{folder}\0{digest}" for folder, digest in sorted(digests_by_folder.items()))])
    linked = linked_reports(model)
    folder_of = {report.record.id: report_folder(report.record.path) or "" for report in model.reports}
    report_units = []
    for report in model.reports:
        inputs = (digests_by_folder[folder_of[other]] for other in sorted({report.record.id, *linked[report.record.id]}))
        report_units.append(report_unit(model, report, digest_of([site_key, *inputs]), pages.reports[report.record.id]))
    report_keys = {unit.report: unit.key for unit in report_units if unit.report}
    list_keys = list_page_keys(model, pages, site_key, report_keys)
    return [
        *(Unit(f"{DATA_UNIT}:{form}", None, every_input, (), partial(open_data, report_keys, form)) for form in DATA_FORMS),
        Unit(SITE_UNIT, None, every_input, (), site_files),
        *(
            Unit(f"{SITE_PAGE_UNIT_PREFIX}{plan.output_path}", None, list_keys.get(plan.output_path, every_input), (plan,), no_files)
            for plan in pages.site
        ),
        *report_units,
    ]


def list_page_keys(model: SiteModel, pages: SitePages, site_key: str, report_keys: Mapping[str, str]) -> dict[str, str]:
    """Return the key of each page of a long list (a status's, a body's, a year's changes: paging.py), by its output path.

    Such a page shows where it stands in its list and its own items, each made from its report's
    files alone, as that report's own pages are; a page of changes also counts each year's. So its
    key hashes the site-wide inputs (site_key), its place, and each item's identity with the keys
    of the reports whose pages it is made from. A page with an item of no report's pages is left
    out: it is keyed by every input.
    """
    report_of_page = {plan.context.url: report_id for report_id, plans in pages.reports.items() for plan in plans}
    years = repr([(year.year, len(year.changes)) for year in model.change_years])
    keys = {}
    for plan in pages.site:
        pager = plan.context.pager
        if pager is None:
            continue
        shown = [(_identity(item), [report_of_page.get(address.split("#")[0]) for address in _addresses(item)]) for item in pager.items]
        if any(None in reports for _, reports in shown):
            continue
        place = repr((pager.number, pager.count, pager.first_position, pager.total))
        keys[plan.output_path] = digest_of(
            [
                site_key,
                plan.output_path,
                plan.template,
                plan.context.title,
                str(plan.context.description),
                place,
                years if isinstance(plan.context.item, ChangeYearView) else "",
                *(f"{identity}\0{' '.join(report_keys[report] for report in reports if report)}" for identity, reports in shown),
            ]
        )
    return keys


def _identity(item: CommitmentView | ChangeView) -> str:
    """Return what tells a list's item from every other in its list: a commitment's address; a change's date, kind, description and addresses.

    A commitment's changes share its address, so a page whose window slides along a run of them
    must still change its key.
    """
    if isinstance(item, CommitmentView):
        return item.url
    return "\0".join((item.date.isoformat(), item.kind, item.description, item.subject.url, item.url))


def _addresses(item: CommitmentView | ChangeView) -> tuple[str, ...]:
    """Return the addresses of the pages a list's item is made from: a commitment's; a change's subject's and its source's."""
    return (item.url,) if isinstance(item, CommitmentView) else (item.subject.url, item.url)


def report_unit(model: SiteModel, report: ReportView, key: str, pages: tuple[PagePlan, ...]) -> Unit:
    """Return a report's unit: its pages, and its feeds and badges made when asked for."""
    return Unit(f"report:{report.record.id}", report.record.id, key, pages, partial(report_files, model, report))


def no_files() -> Iterable[RenderedPage]:
    """Return no files: the unit of a site-wide page has none besides its page."""
    return ()


def report_files(model: SiteModel, report: ReportView) -> Iterable[RenderedPage]:
    """Yield a report's feeds and its commitments' badges."""
    yield from report_feed_files(model, report)
    yield from report_badge_files(report)


def linked_reports(model: SiteModel) -> dict[str, set[str]]:
    """Return, for each report, the other reports its recommendations link to or are linked from."""
    report_of_url = {rec.url: report.record.id for report in model.reports for rec in report.recommendations}
    linked: dict[str, set[str]] = {report.record.id: set() for report in model.reports}
    for report in model.reports:
        for rec in report.recommendations:
            for link in rec.related:
                other = report_of_url[link.url]
                linked[report.record.id].add(other)
                linked[other].add(report.record.id)
    return linked
