"""Warnings that matter to accountability: what editors should look at, though the site still builds.

Under `check --strict` (deploy previews) every warning is an error.
"""

from __future__ import annotations

from datetime import date, timedelta

from tracker.errors import ContentError
from tracker.records import Commitment, Content, Source, Update


def current_target(commitment: Commitment) -> date | None:
    """Return the target date in force: the newest change's, else the response's."""
    if commitment.target_changes:
        return max(commitment.target_changes, key=lambda change: change.changed_on).new_date
    return commitment.target.date if commitment.target else None


def last_activity(commitment: Commitment, updates: list[Update]) -> date | None:
    """Return the newest date anyone recorded anything about a commitment: an update or a check."""
    dates = [update.date for update in updates] + [check.checked_on for check in commitment.checks]
    return max(dates, default=None)


def find_warnings(content: Content, today: date) -> list[ContentError]:
    """Return every warning for validated content, as of today."""
    final = {status.id for status in content.statuses if status.is_final}
    updates: dict[str, list[Update]] = {item.id: [] for item in content.commitments}
    for update in content.updates:
        updates[update.commitment].append(update)
    warnings: list[ContentError] = []
    for item in content.commitments:
        history = sorted(updates[item.id], key=lambda update: (update.date, update.id))
        warnings += _overdue(item, history, final, today)
        warnings += _unexplained_target_changes(item)
        warnings += _stale(item, history, content.settings.stale_after_days, today)
    warnings += _insecure_sources(content)
    return warnings


def _overdue(item: Commitment, history: list[Update], final: set[str], today: date) -> list[ContentError]:
    target = current_target(item)
    status = history[-1].status if history else None
    if target is None or target >= today or status in final:
        return []
    checked_since = any(check.checked_on > target for check in item.checks)
    if checked_since:
        return []
    return [
        ContentError(
            item.path,
            item.line,
            "target",
            f"overdue: the target date {target.isoformat()} has passed and no update says it was delivered",
            "add an update with the status now known, or record under `checks:` the day you looked and found nothing new",
        )
    ]


def _unexplained_target_changes(item: Commitment) -> list[ContentError]:
    return [
        ContentError(
            item.path,
            change.line,
            "target_changes.reason",
            f"the target date was changed on {change.changed_on.isoformat()} with no reason recorded",
            "add `reason:` with the reason the source gives (or say that it gives none)",
        )
        for change in item.target_changes
        if change.reason is None
    ]


def _stale(item: Commitment, history: list[Update], stale_after_days: int, today: date) -> list[ContentError]:
    last = last_activity(item, history)
    if last is not None and today - last <= timedelta(days=stale_after_days):
        return []
    since = f"since {last.isoformat()}" if last else "ever"
    return [
        ContentError(
            item.path,
            item.line,
            "checks",
            f"stale: nothing has been recorded about this commitment {since} (more than {stale_after_days} days)",
            "look for news; add an update, or record under `checks:` the day you looked and found nothing new",
        )
    ]


def _insecure_sources(content: Content) -> list[ContentError]:
    located: list[tuple[str, int, str, Source]] = []
    for rec in content.recommendations:
        located.append((rec.path, rec.line, "text_source.source.url", rec.provenance.source))
    for response in content.responses:
        located.append((response.path, 1, "source.url", response.source))
    for update in content.updates:
        located += [(update.path, update.line, "sources.url", source) for source in update.sources]
        if update.body_claim:
            located.append((update.path, update.line, "body_claim.source.url", update.body_claim.source))
    for item in content.commitments:
        located += [(item.path, change.line, "target_changes.source.url", change.source) for change in item.target_changes]
    return [
        ContentError(
            path,
            source.line or line,
            field,
            f"the source link {source.url} is not https",
            "use the https:// address if the publisher has one; if you have checked that it has none, add `https_unavailable: true` to this source",
        )
        for path, line, field, source in located
        if source.url and not source.url.lower().startswith("https://") and not source.https_unavailable
    ]
