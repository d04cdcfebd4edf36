"""What changed: every status change and every correction, newest first; the latest, and by year."""

from __future__ import annotations

from itertools import groupby

from tracker.records import Content, Correction, Status
from tracker.urls import changes_url
from tracker.views import ChangeView, ChangeYearView, CommitmentView, Link, ReportView

# /changes/ lists this many, the newest; each year's page lists every change of that year, so
# that no page grows with the whole history (at 10,000 recommendations it would be 21 MB).
LATEST_CHANGES = 100


def find_changes(content: Content, reports: tuple[ReportView, ...], commitments: tuple[CommitmentView, ...]) -> tuple[ChangeView, ...]:
    """Return every status change and correction, newest first."""
    changes = [*_status_changes(commitments), *_corrections(content, reports, commitments)]
    return tuple(sorted(changes, key=lambda change: (change.date, change.url), reverse=True))


def _status_changes(commitments: tuple[CommitmentView, ...]) -> list[ChangeView]:
    said: dict[tuple[str, str], str] = {}  # one description for each pair of statuses, not one for each change

    def description(before: Status, after: Status) -> str:
        labels = (before.label, after.label)
        if labels not in said:
            said[labels] = f"Status changed from “{before.label}” to “{after.label}”."
        return said[labels]

    return [
        ChangeView(update.record.date, "status", update.commitment, description(update.previous_status, update.status), update)
        for view in commitments
        for update in view.updates
        if update.status.id != update.previous_status.id
    ]


def _corrections(content: Content, reports: tuple[ReportView, ...], commitments: tuple[CommitmentView, ...]) -> list[ChangeView]:
    subjects: list[tuple[Link, str, tuple[Correction, ...]]] = []  # only of records with corrections: few have any
    rec_views = {rec.record.id: rec for report in reports for rec in report.recommendations}
    for rec in content.recommendations:
        if rec.corrections:
            view = rec_views[rec.id]
            subjects.append((Link(f"{view.heading} of “{view.report.label}”", view.url), view.url, rec.corrections))
    for commitment in commitments:
        if commitment.record.corrections:
            subjects.append((Link(commitment.record.title, commitment.url), commitment.url, commitment.record.corrections))
        for update in commitment.updates:
            if update.record.corrections:
                title = f"Update of {update.record.date.isoformat()} on “{commitment.record.title}”"
                subjects.append((Link(title, update.url), update.url, update.record.corrections))
    return [_correction(subject, url, correction) for subject, url, corrections in subjects for correction in corrections]


def _correction(subject: Link, url: str, correction: Correction) -> ChangeView:
    return ChangeView(correction.corrected_on, "correction", subject, f"Corrected. What was wrong: {correction.what_was_wrong}", url)


def changes_by_year(changes: tuple[ChangeView, ...]) -> tuple[ChangeYearView, ...]:
    """Return changes (newest first) grouped by year, newest year first."""
    return tuple(
        ChangeYearView(year, changes_url(year), tuple(of_year)) for year, of_year in groupby(changes, key=lambda change: change.date.year)
    )
