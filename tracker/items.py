"""The model's records in the orders the open data and the feeds list them."""

from __future__ import annotations

from datetime import date

from tracker.records import Body
from tracker.views import CommitmentView, RecommendationView, ReportView, ResponseView, SiteModel, UpdateView


def all_recommendations(model: SiteModel) -> list[RecommendationView]:
    """Return every recommendation, by report id then number."""
    return [rec for report in sorted(model.reports, key=lambda item: item.record.id) for rec in report.recommendations]


def all_responses(model: SiteModel) -> list[ResponseView]:
    """Return every response, by date then id."""
    responses = [response for report in model.reports for response in report.responses]
    return sorted(responses, key=lambda item: (item.record.date, item.record.id))


def report_commitments(report: ReportView) -> list[CommitmentView]:
    """Return the commitments made in answer to a report, by id, each once."""
    found = {view.record.id: view for rec in report.recommendations for view in rec.commitments}
    return [found[key] for key in sorted(found)]


def all_commitments(model: SiteModel) -> list[CommitmentView]:
    """Return every commitment, by id (the model already orders them so)."""
    return list(model.commitments)


def all_updates(model: SiteModel) -> list[UpdateView]:
    """Return every progress update, oldest first (by date, then id)."""
    updates = [update for view in all_commitments(model) for update in view.updates]
    return sorted(updates, key=lambda item: (item.record.date, item.record.id))


def all_bodies(model: SiteModel) -> list[Body]:
    """Return every body some record refers to, by id (the model keeps no list of bodies)."""
    found: dict[str, Body] = {}
    for report in model.reports:
        found[report.body.id] = report.body
        found.update((response.from_body.id, response.from_body) for response in report.responses)
        found.update((body.id, body) for rec in report.recommendations for body in rec.addressed_to)
    found.update((view.owner.id, view.owner) for view in all_commitments(model))
    return [found[key] for key in sorted(found)]


def response_ids_by_url(model: SiteModel) -> dict[str, str]:
    """Return each response's id under its page URL (the views link to responses by URL)."""
    return {response.url: response.record.id for report in model.reports for response in report.responses}


def report_ids_by_url(model: SiteModel) -> dict[str, str]:
    """Return each report's id under its page URL."""
    return {report.url: report.record.id for report in model.reports}


def response_dates(model: SiteModel) -> dict[str, date]:
    """Return each response's date under its id."""
    return {response.record.id: response.record.date for response in all_responses(model)}
