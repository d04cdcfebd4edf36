"""Check that records agree with each other: ids unique, quotes verbatim, every recommendation answered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from tracker.errors import ContentError
from tracker.fields import did_you_mean
from tracker.markdown import fold_space
from tracker.records import Commitment, Content, Recommendation, Report, Response, Status, Update
from tracker.references import Index, Unreadable, at, check_references

REQUIRED_PAGES = ("about", "accessibility", "methodology")
# The first part of every URL the site makes itself; a prose page may not take one.
RESERVED_PAGE_IDS = (
    "assets",
    "bodies",
    "changes",
    "commitments",
    "data",
    "feeds",
    "pagefind",
    "recommendations",
    "reports",
    "responses",
    "search",
    "statuses",
)


def check_consistency(content: Content, today: date, unreadable: Unreadable | None = None) -> list[ContentError]:
    """Return every error found by comparing records with each other."""
    index = Index.of(content, unreadable or Unreadable())
    errors: list[ContentError] = []
    errors += _check_dates_not_in_future(content, today)
    errors += _check_vocabularies(content)
    errors += _check_unique_ids(content)
    errors += _check_pages(content, index.unreadable)
    errors += _check_numbers(content)
    errors += check_references(content, index)
    recs_by_report = _group_by_report(content.recommendations)
    for response in content.responses:
        errors += _check_response(content, response, recs_by_report.get(response.report, {}), index.unreadable)
    for commitment in content.commitments:
        errors += _check_commitment_quotes(index, commitment)
    statuses = {status.id: status for status in content.statuses}
    for update in content.updates:
        errors += _check_update(statuses, update, today, index.unreadable)
    return errors


def _group_by_report(recs: tuple[Recommendation, ...]) -> dict[str, dict[str, Recommendation]]:
    groups: dict[str, dict[str, Recommendation]] = {}
    for rec in recs:
        groups.setdefault(rec.report, {})[rec.id] = rec
    return groups


def _check_vocabularies(content: Content) -> list[ContentError]:
    errors = []
    for name, items in (("statuses", content.statuses), ("stances", content.stances)):
        defaults = [item.id for item in items if item.is_default]
        if items and len(defaults) != 1:
            problem = f"exactly one entry must have `default: true` (found: {', '.join(defaults) or 'none'})"
            errors.append(
                ContentError(f"{name}.yaml", 1, "default", problem, "mark the one used when nothing is known with `default: true`")
            )
    return errors


def _ids_and_former_ids(records: Iterable[Report | Recommendation | Response | Commitment]) -> list[tuple[str, str, int]]:
    """Return (id, path, line) for every id and former id: one namespace, so no URL serves two items."""
    entries = []
    for record in records:
        entries.append((record.id, *at(record, "id")))
        entries += [(former, *at(record, "former_ids")) for former in record.former_ids]
    return [(record_id, path, line) for record_id, path, line in entries]


def _check_unique_ids(content: Content) -> list[ContentError]:
    groups: list[tuple[str, Iterable[tuple[str, str, int]]]] = [
        ("body", ((body.id, body.path, 1) for body in content.bodies)),
        ("page", ((page.id, page.path, 2) for page in content.pages)),
        ("report", _ids_and_former_ids(content.reports)),
        ("recommendation", _ids_and_former_ids(content.recommendations)),
        ("response", _ids_and_former_ids(content.responses)),
        ("commitment", _ids_and_former_ids(content.commitments)),
        ("update", ((update.id, *at(update, "id")) for update in content.updates)),
        ("status", ((status.id, "statuses.yaml", 1) for status in content.statuses)),
        ("stance", ((stance.id, "stances.yaml", 1) for stance in content.stances)),
    ]
    errors = []
    for kind, entries in groups:
        first_seen: dict[str, str] = {}
        for record_id, path, line in entries:
            key = record_id.casefold()
            if key in first_seen:
                problem = f"the {kind} id {record_id!r} is already used in content/{first_seen[key]}"
                errors.append(ContentError(path, line, "id", problem, "give this one a new id; ids must be unique"))
            else:
                first_seen[key] = path
    return errors


def _check_pages(content: Content, unreadable: Unreadable) -> list[ContentError]:
    present = {page.id for page in content.pages}
    taken = [
        ContentError(
            page.path,
            2,
            "id",
            f"the page id {page.id!r} is the address of a page the site makes itself",
            f"choose another id (not one of: {', '.join(RESERVED_PAGE_IDS)})",
        )
        for page in content.pages
        if page.id in RESERVED_PAGE_IDS
    ]
    missing = [
        ContentError(
            f"pages/{page_id}.md", 1, "file", f"the {page_id} page is missing", f"create content/pages/{page_id}.md (see docs/content.md)"
        )
        for page_id in REQUIRED_PAGES
        if page_id not in present and not unreadable.explains("page", page_id)
    ]
    return taken + missing


def _check_numbers(content: Content) -> list[ContentError]:
    numbers = Counter((rec.report, rec.number) for rec in content.recommendations)
    return [
        ContentError(
            *at(rec, "number"),
            "number",
            f"another recommendation of this report is also number {rec.number}",
            "give each recommendation its own number, as in the report",
        )
        for rec in content.recommendations
        if numbers[(rec.report, rec.number)] > 1
    ]


def _check_response(
    content: Content, response: Response, report_recs: dict[str, Recommendation], unreadable: Unreadable
) -> list[ContentError]:
    errors = []
    stances = sorted(stance.id for stance in content.stances)
    default_stance = next((stance.id for stance in content.stances if stance.is_default), "")
    answered = Counter(answer.recommendation for answer in response.answers)
    for number, answer in enumerate(response.answers, start=1):
        where, name = (response.path, answer.line), f"answers[{number}]"
        if answer.recommendation not in report_recs and not unreadable.explains("recommendation", answer.recommendation):
            problem = f"this report has no recommendation {answer.recommendation!r}"
            errors.append(ContentError(*where, f"{name}.recommendation", problem, f"use one of: {', '.join(sorted(report_recs))}"))
        if answered[answer.recommendation] > 1:
            errors.append(
                ContentError(
                    *where, f"{name}.recommendation", f"{answer.recommendation!r} is listed more than once", "list each recommendation once"
                )
            )
        if answer.stance not in stances and not unreadable.explains("stances", answer.stance):
            fix = f"use one of: {', '.join(stances)}{did_you_mean(answer.stance, stances)}"
            errors.append(ContentError(*where, f"{name}.stance", f"{answer.stance!r} is not a stance", fix))
        elif answer.stance != default_stance and not answer.paragraphs:
            fix = "list the numbers of the paragraphs that answer it, like `paragraphs: [11, 12]`"
            errors.append(ContentError(*where, f"{name}.paragraphs", "no paragraphs are given for this answer", fix))
        errors += _check_paragraph_numbers(response, answer.paragraphs, answer.line, f"{name}.paragraphs")
    for rec_id, rec in sorted(report_recs.items()):
        if rec_id not in answered:
            fix = f"add `- recommendation: {rec_id}` with its stance (`stance: {default_stance}` if the response does not answer it)"
            errors.append(ContentError(*at(response, "answers"), "answers", f"recommendation {rec.number} ({rec_id}) is not listed", fix))
    for number, dispute in enumerate(response.disputes, start=1):
        name = f"disputes[{number}]"
        errors += _check_quote(
            response, dispute.paragraph, dispute.quote, (response.path, dispute.line), (f"{name}.quote", f"{name}.paragraph")
        )
    return errors


def _check_paragraph_numbers(response: Response, numbers: Iterable[int], line: int, name: str) -> list[ContentError]:
    count = len(response.paragraphs)
    fix = "count the paragraphs of the letter: each block of text separated by a blank line is one"
    return [
        ContentError(response.path, line, name, f"the letter has no paragraph {number} (it has {count})", fix)
        for number in numbers
        if not 1 <= number <= count
    ]


def _check_quote(response: Response, paragraph: int, quote: str, where: tuple[str, int], names: tuple[str, str]) -> list[ContentError]:
    """Check that quote stands word for word in the paragraph; names are the (quote, paragraph) fields."""
    quote_name, paragraph_name = names
    count = len(response.paragraphs)
    if not 1 <= paragraph <= count:
        return [
            ContentError(
                *where,
                paragraph_name,
                f"{response.id} has no paragraph {paragraph} (it has {count})",
                "give the number of the paragraph the quote comes from",
            )
        ]
    if fold_space(quote) not in response.paragraphs[paragraph - 1].text:
        problem = f"the quote is not found word for word in paragraph {paragraph} of {response.id}"
        return [ContentError(*where, quote_name, problem, "copy the words exactly from the letter, or correct the paragraph number")]
    return []


def _check_commitment_quotes(index: Index, commitment: Commitment) -> list[ContentError]:
    response = index.responses.get(commitment.response)
    if response is None:
        return []
    errors = _check_quote(response, commitment.paragraph, commitment.quote, at(commitment, "quote"), ("quote", "paragraph"))
    if commitment.target:
        target = commitment.target
        errors += _check_quote(
            response, target.paragraph, target.as_stated, (commitment.path, target.line), ("target.as_stated", "target.paragraph")
        )
    return errors


def _check_update(statuses: dict[str, Status], update: Update, today: date, unreadable: Unreadable) -> list[ContentError]:
    errors = []
    after_update = [status_id for status_id, status in statuses.items() if not status.is_default]
    claimed = update.body_claim.status if update.body_claim else None
    for name, field_name, status_id in (("status", "status", update.status), ("body_claim.status", "body_claim", claimed)):
        if status_id is None:
            continue
        if status_id not in statuses and not unreadable.explains("statuses", status_id):
            fix = f"use one of: {', '.join(after_update)}{did_you_mean(status_id, after_update)}"
            errors.append(ContentError(*at(update, field_name), name, f"{status_id!r} is not a status", fix))
        elif status_id in statuses and statuses[status_id].is_default:
            problem = f"{status_id!r} means nothing is known, so it cannot follow an update"
            errors.append(ContentError(*at(update, field_name), name, problem, f"use one of: {', '.join(after_update)}"))
    if update.date > today:
        errors.append(
            ContentError(
                *at(update, "date"),
                "date",
                f"{update.date.isoformat()} is in the future",
                "give the date the update was published, not a planned date",
            )
        )
    return errors


def _check_dates_not_in_future(content: Content, today: date) -> list[ContentError]:
    """Return an error for every check, correction or target change dated after today."""
    dated: list[tuple[str, int, str, date]] = []
    for item in content.commitments:
        dated += [(item.path, check.line, "checks.date", check.checked_on) for check in item.checks]
        dated += [(item.path, change.line, "target_changes.date", change.changed_on) for change in item.target_changes]
    records: list[Recommendation | Commitment | Update] = [*content.recommendations, *content.commitments, *content.updates]
    for record in records:
        dated += [(record.path, correction.line, "corrections.date", correction.corrected_on) for correction in record.corrections]
    return [
        ContentError(path, line, name, f"{when.isoformat()} is in the future", "give the day it happened, not a planned day")
        for path, line, name, when in dated
        if when > today
    ]
