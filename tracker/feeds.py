"""Atom 1.0 feeds of progress updates: the whole site, each report and each commitment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from tracker.data_csv import SOURCE_SEPARATOR
from tracker.data_json import flatten_source
from tracker.items import all_updates, report_commitments, response_dates
from tracker.markdown import markdown_to_text
from tracker.render import RenderedPage
from tracker.urls import commitment_feed_url, output_path, report_feed_url, site_feed_url
from tracker.views import CommitmentView, ReportView, SiteModel, UpdateView

ATOM_NS = "http://www.w3.org/2005/Atom"
# A feed reader fetches the site feed again and again: it carries the newest updates only.
SITE_FEED_ENTRIES = 100
EPOCH = date(1970, 1, 1)  # the <updated> of a site-wide feed when the site has no reports at all

_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Feed:
    """What one Atom feed says about itself, and its entries."""

    path: str
    title: str
    page_url: str
    fallback_updated: date
    updates: tuple[UpdateView, ...]


def feed_files(model: SiteModel) -> Iterator[RenderedPage]:
    """Yield the site-wide feed, then each report's feed and its commitments' feeds."""
    yield site_feed_file(model)
    for report in sorted(model.reports, key=lambda item: item.record.id):
        yield from report_feed_files(model, report)


def site_feed_file(model: SiteModel) -> RenderedPage:
    """Return the site-wide feed of the newest updates."""
    return _render(model, site_feed(model))


def report_feed_files(model: SiteModel, report: ReportView) -> Iterator[RenderedPage]:
    """Yield a report's feed, then its commitments' feeds.

    One report at a time, so that a large site never holds every feed in memory; within a
    report, each update's entry is written once and shared by the feeds it stands in.
    """
    commitments = report_commitments(report)
    entries = {update.url: entry_xml(model.settings.base_url, update) for view in commitments for update in view.updates}
    yield _render(model, report_feed(report, commitments), entries)
    for view in commitments:
        yield _render(model, commitment_feed(view, view.response_date), entries)


def _render(model: SiteModel, feed: Feed, entries: dict[str, str] | None = None) -> RenderedPage:
    known = entries if entries is not None else {update.url: entry_xml(model.settings.base_url, update) for update in feed.updates}
    return RenderedPage(feed.path, atom_xml(model, feed, known))


def site_feed(model: SiteModel) -> Feed:
    """Return the feed of the site's newest progress updates (the whole history is in /data/ and /changes/)."""
    dates = [report.record.published for report in model.reports] + list(response_dates(model).values())
    title = f"{model.settings.title}: all progress updates"
    newest = newest_first(all_updates(model))[:SITE_FEED_ENTRIES]
    return Feed(output_path(site_feed_url()), title, "/", max(dates, default=EPOCH), newest)


def report_feed(report: ReportView, commitments: list[CommitmentView]) -> Feed:
    """Return a report's feed: the updates on the commitments made in answer to it."""
    updates = newest_first([update for view in commitments for update in view.updates])
    return Feed(
        output_path(report_feed_url(report.record.id)),
        f"{report.record.title}: progress updates",
        report.url,
        report.record.published,
        updates,
    )


def commitment_feed(view: CommitmentView, made_on: date) -> Feed:
    """Return a commitment's feed; an empty one is dated by the response that made the commitment."""
    return Feed(
        output_path(commitment_feed_url(view.record.id)),
        f"{view.record.title}: progress updates",
        view.url,
        made_on,
        newest_first(list(view.updates)),
    )


def newest_first(updates: list[UpdateView]) -> tuple[UpdateView, ...]:
    """Return updates newest first, ties broken by id (as the model orders them)."""
    return tuple(sorted(updates, key=lambda item: (item.record.date, item.record.id), reverse=True))


def atom_xml(model: SiteModel, feed: Feed, entries: dict[str, str]) -> str:
    """Return a feed as Atom 1.0 XML, taking each update's entry from entries (by update URL)."""
    base = model.settings.base_url
    updated = feed.updates[0].record.date if feed.updates else feed.fallback_updated
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="{ATOM_NS}" xml:lang="en-GB">\n'
        f"  <id>{text(base + '/' + feed.path)}</id>\n"
        f"  <title>{text(feed.title)}</title>\n"
        f"  <subtitle>{text(model.settings.description)}</subtitle>\n"
        f"  <updated>{timestamp(updated)}</updated>\n"
        f"  <author><name>{text(model.settings.title)}</name><uri>{text(base + '/')}</uri></author>\n"
        f'  <link rel="self" type="application/atom+xml" href="{attribute(base + "/" + feed.path)}"/>\n'
        f'  <link rel="alternate" type="text/html" href="{attribute(base + feed.page_url)}"/>\n'
    )
    body = "".join(entries[update.url] for update in feed.updates)
    return f"{head}{body}</feed>\n"


def entry_xml(base: str, update: UpdateView) -> str:
    """Return one progress update as an Atom entry."""
    permalink = base + update.url
    return (
        "  <entry>\n"
        f"    <id>{text(permalink)}</id>\n"
        f"    <title>{text(f'{update.commitment.label}: {update.status.label}')}</title>\n"
        f"    <updated>{timestamp(update.record.date)}</updated>\n"
        f"    <published>{timestamp(update.record.date)}</published>\n"
        f'    <link rel="alternate" type="text/html" href="{attribute(permalink)}"/>\n'
        f'    <category term="{attribute(update.status.id)}" label="{attribute(update.status.label)}"/>\n'
        f'    <summary type="text">{text(entry_summary(update))}</summary>\n'
        "  </entry>\n"
    )


def entry_summary(update: UpdateView) -> str:
    """Return an update as plain text: what happened, its sources, and the body's own claim if any."""
    record = update.record
    parts = [
        markdown_to_text(str(record.summary)),
        f"Sources: {SOURCE_SEPARATOR.join(flatten_source(source) for source in record.sources)}.",
    ]
    if record.body_claim and update.claimed_status:
        verdict = "agrees" if update.claimed_status.id == update.status.id else "differs from our assessment"
        parts.append(
            f"The responsible body’s own claim ({verdict}): {update.claimed_status.label}, in {flatten_source(record.body_claim.source)}."
        )
    return " ".join(parts)


def timestamp(value: date) -> str:
    """Return a date as an RFC 3339 timestamp at midnight UTC."""
    return f"{value.isoformat()}T00:00:00Z"


def text(value: str) -> str:
    """Return text safe inside an XML element: escaped, without characters XML forbids."""
    return escape(_NOT_XML.sub("", value))


def attribute(value: str) -> str:
    """Return text safe inside a double-quoted XML attribute."""
    return escape(_NOT_XML.sub("", value), _ATTRIBUTE_ENTITIES)
