"""The model's records in the orders the open data and the feeds list them (the open data sorts each report's part by the same keys)."""

from __future__ import annotations

from datetime import date

from tracker.records import Body
from tracker.views import CommitmentView, ReportView, ResponseView, SiteModel, UpdateView


def response_order(response: ResponseView) -> tuple[date, str]:
    """Return what responses are listed by: date, then id."""
    return (response.record.date, response.record.id)


def update_order(update: UpdateView) -> tuple[date, str]:
    """Return what progress updates are listed by, oldest first: date, then id."""
    return (update.record.date, update.record.id)


def all_responses(model: SiteModel) -> list[ResponseView]:
    """Return every response, by date then id."""
    return sorted((response for report in model.reports for response in report.responses), key=response_order)


def report_commitments(report: ReportView) -> list[CommitmentView]:
    """Return the commitments made in answer to a report, by id, each once."""
    found = {view.record.id: view for rec in report.recommendations for view in rec.commitments}
    return [found[key] for key in sorted(found)]


def all_commitments(model: SiteModel) -> list[CommitmentView]:
    """Return every commitment, by id (the model already orders them so)."""
    return list(model.commitments)


def all_updates(model: SiteModel) -> list[UpdateView]:
    """Return every progress update, oldest first (by date, then id)."""
    return sorted((update for view in all_commitments(model) for update in view.updates), key=update_order)


def all_bodies(model: SiteModel) -> list[Body]:
    """Return every body some record refers to, by id (the model keeps no list of bodies)."""
    found: dict[str, Body] = {}
    for report in model.reports:
        found[report.body.id] = report.body
        found.update((response.from_body.id, response.from_body) for response in report.responses)
        found.update((body.id, body) for rec in report.recommendations for body in rec.addressed_to)
    found.update((view.owner.id, view.owner) for view in all_commitments(model))
    return [found[key] for key in sorted(found)]


def response_dates(model: SiteModel) -> dict[str, date]:
    """Return each response's date under its id."""
    return {response.record.id: response.record.date for response in all_responses(model)}
