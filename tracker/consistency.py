"""Check that records agree with each other: references resolve, quotes are verbatim, ids are unique."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from tracker.errors import ContentError
from tracker.markdown import fold_space
from tracker.records import Commitment, Content, Recommendation, Response, Update

REQUIRED_PAGES = ("about", "methodology")
# The first part of every URL the site makes itself; a prose page may not take one.
RESERVED_PAGE_IDS = ("assets", "commitments", "data", "feeds", "pagefind", "recommendations", "reports", "responses", "search", "statuses")


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


@dataclass(frozen=True)
class _Index:
    bodies: frozenset[str]
    recommendations: dict[str, Recommendation]
    recommendations_by_report: dict[str, dict[str, Recommendation]]
    responses: dict[str, Response]
    commitments: dict[str, Commitment]


def check_consistency(content: Content, today: date) -> list[ContentError]:
    """Return every error found by comparing records with each other."""
    index = _Index(
        bodies=frozenset(_ids(content.bodies)),
        recommendations={rec.id: rec for rec in content.recommendations},
        recommendations_by_report=_group_by_report(content.recommendations),
        responses={response.id: response for response in content.responses},
        commitments={item.id: item for item in content.commitments},
    )
    errors: list[ContentError] = []
    errors += _check_vocabularies(content)
    errors += _check_unique_ids(content)
    errors += _check_pages(content)
    errors += _check_reports(content)
    errors += _check_recommendations(content)
    for response in content.responses:
        errors += _check_response(content, index, response)
    for commitment in content.commitments:
        errors += _check_commitment(index, commitment)
    for update in content.updates:
        errors += _check_update(content, index, update, today)
    return errors


def _group_by_report(recs: tuple[Recommendation, ...]) -> dict[str, dict[str, Recommendation]]:
    groups: dict[str, dict[str, Recommendation]] = {}
    for rec in recs:
        groups.setdefault(rec.report, {})[rec.id] = rec
    return groups


def did_you_mean(value: str, options: list[str]) -> str:
    """Return ' (did you mean …?)' for the closest option, or nothing."""
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _ids(records: Iterable[_Identified]) -> set[str]:
    return {record.id for record in records}


def _check_vocabularies(content: Content) -> list[ContentError]:
    errors = []
    for name, items in (("statuses", content.statuses), ("stances", content.stances)):
        defaults = [item.id for item in items if item.is_default]
        if items and len(defaults) != 1:
            found = ", ".join(defaults) or "none"
            errors.append(
                ContentError(
                    f"{name}.yaml",
                    1,
                    "default",
                    f"exactly one entry must have `default: true` (found: {found})",
                    "mark the one used when nothing is known with `default: true`",
                )
            )
    return errors


def _check_unique_ids(content: Content) -> list[ContentError]:
    groups: list[tuple[str, Iterable[tuple[str, str, int]]]] = [
        ("body", ((body.id, body.path, 1) for body in content.bodies)),
        ("page", ((page.id, page.path, 1) for page in content.pages)),
        ("report", ((report.id, report.path, 1) for report in content.reports)),
        ("recommendation", ((rec.id, rec.path, rec.line) for rec in content.recommendations)),
        ("response", ((response.id, response.path, 1) for response in content.responses)),
        ("commitment", ((item.id, item.path, item.line) for item in content.commitments)),
        ("update", ((update.id, update.path, update.line) for update in content.updates)),
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


def _check_pages(content: Content) -> list[ContentError]:
    present = _ids(content.pages)
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
    return taken + [
        ContentError(
            f"pages/{page_id}.md", 1, "file", f"the {page_id} page is missing", f"create content/pages/{page_id}.md (see docs/content.md)"
        )
        for page_id in REQUIRED_PAGES
        if page_id not in present
    ]


def _check_reports(content: Content) -> list[ContentError]:
    bodies = _ids(content.bodies)
    return [
        ContentError(
            report.path,
            1,
            "body",
            f"no body has the id {report.body!r}",
            f"use one of: {', '.join(sorted(bodies))}, or add content/bodies/{report.body}.yaml",
        )
        for report in content.reports
        if report.body not in bodies
    ]


def _check_recommendations(content: Content) -> list[ContentError]:
    bodies = _ids(content.bodies)
    errors = []
    numbers = Counter((rec.report, rec.number) for rec in content.recommendations)
    for rec in content.recommendations:
        for body in rec.addressed_to:
            if body not in bodies:
                errors.append(
                    ContentError(
                        rec.path, rec.line, "addressed_to", f"no body has the id {body!r}", f"use one of: {', '.join(sorted(bodies))}"
                    )
                )
        if numbers[(rec.report, rec.number)] > 1:
            errors.append(
                ContentError(
                    rec.path,
                    rec.line,
                    "number",
                    f"another recommendation of this report is also number {rec.number}",
                    "give each recommendation its own number, as in the report",
                )
            )
    return errors


def _check_response(content: Content, index: _Index, response: Response) -> list[ContentError]:
    errors = []
    stances = sorted(_ids(content.stances))
    default_stance = next((stance.id for stance in content.stances if stance.is_default), "")
    report_recs = index.recommendations_by_report.get(response.report, {})
    if response.from_body not in index.bodies:
        fix = f"use one of: {', '.join(sorted(index.bodies))}"
        errors.append(
            ContentError(response.path, response.field_lines.get("from", 1), "from", f"no body has the id {response.from_body!r}", fix)
        )
    answered = Counter(answer.recommendation for answer in response.answers)
    for number, answer in enumerate(response.answers, start=1):
        where = (response.path, answer.line)
        field = f"answers[{number}]"
        if answer.recommendation not in report_recs:
            fix = f"use one of: {', '.join(sorted(report_recs))}"
            errors.append(
                ContentError(*where, f"{field}.recommendation", f"this report has no recommendation {answer.recommendation!r}", fix)
            )
        if answered[answer.recommendation] > 1:
            errors.append(
                ContentError(
                    *where,
                    f"{field}.recommendation",
                    f"{answer.recommendation!r} is listed more than once",
                    "list each recommendation once",
                )
            )
        if answer.stance not in stances:
            fix = f"use one of: {', '.join(stances)}{did_you_mean(answer.stance, stances)}"
            errors.append(ContentError(*where, f"{field}.stance", f"{answer.stance!r} is not a stance", fix))
        elif answer.stance != default_stance and not answer.paragraphs:
            fix = "list the numbers of the paragraphs that answer it, like `paragraphs: [11, 12]`"
            errors.append(ContentError(*where, f"{field}.paragraphs", "no paragraphs are given for this answer", fix))
        errors += _check_paragraph_numbers(response, answer.paragraphs, answer.line, f"{field}.paragraphs")
    for rec_id, rec in sorted(report_recs.items()):
        if rec_id not in answered:
            fix = f"add `- recommendation: {rec_id}` with its stance (`stance: {default_stance}` if the response does not answer it)"
            errors.append(
                ContentError(
                    response.path,
                    response.field_lines.get("answers", 1),
                    "answers",
                    f"recommendation {rec.number} ({rec_id}) is not listed",
                    fix,
                )
            )
    for number, dispute in enumerate(response.disputes, start=1):
        field = f"disputes[{number}]"
        errors += _check_quote(
            response, dispute.paragraph, dispute.quote, (response.path, dispute.line), (f"{field}.quote", f"{field}.paragraph")
        )
    return errors


def _check_paragraph_numbers(response: Response, numbers: Iterable[int], line: int, field: str) -> list[ContentError]:
    count = len(response.paragraphs)
    return [
        ContentError(
            response.path,
            line,
            field,
            f"the letter has no paragraph {number} (it has {count})",
            "count the paragraphs of the letter: each block of text separated by a blank line is one",
        )
        for number in numbers
        if not 1 <= number <= count
    ]


def _check_quote(response: Response, paragraph: int, quote: str, where: tuple[str, int], fields: tuple[str, str]) -> list[ContentError]:
    """Check that quote stands word for word in the paragraph; fields names (quote, paragraph)."""
    quote_field, paragraph_field = fields
    count = len(response.paragraphs)
    if not 1 <= paragraph <= count:
        return [
            ContentError(
                *where,
                paragraph_field,
                f"{response.id} has no paragraph {paragraph} (it has {count})",
                "give the number of the paragraph the quote comes from",
            )
        ]
    if fold_space(quote) not in response.paragraphs[paragraph - 1].text:
        problem = f"the quote is not found word for word in paragraph {paragraph} of {response.id}"
        return [ContentError(*where, quote_field, problem, "copy the words exactly from the letter, or correct the paragraph number")]
    return []


def _check_commitment(index: _Index, commitment: Commitment) -> list[ContentError]:
    errors = []
    recs = index.recommendations
    for rec_id in commitment.recommendations:
        if rec_id not in recs:
            fix = f"use the id from a file in this report's recommendations/ folder{did_you_mean(rec_id, list(recs))}"
            errors.append(
                ContentError(*_at(commitment, "recommendations"), "recommendations", f"no recommendation has the id {rec_id!r}", fix)
            )
    if commitment.owner not in index.bodies:
        fix = f"use one of: {', '.join(sorted(index.bodies))}, or add content/bodies/{commitment.owner}.yaml"
        errors.append(ContentError(*_at(commitment, "owner"), "owner", f"no body has the id {commitment.owner!r}", fix))
    response = index.responses.get(commitment.response)
    if response is None:
        fix = f"use the id of a file in this report's responses/ folder{did_you_mean(commitment.response, list(index.responses))}"
        errors.append(ContentError(*_at(commitment, "response"), "response", f"no response has the id {commitment.response!r}", fix))
        return errors
    if response.report != commitment.report:
        problem = f"{response.id} answers the report {response.report!r}, but this file is in the folder of {commitment.report!r}"
        errors.append(
            ContentError(
                *_at(commitment, "response"),
                "response",
                problem,
                "move the file to the commitments/ folder of the report the response answers",
            )
        )
    errors += _check_quote(response, commitment.paragraph, commitment.quote, _at(commitment, "quote"), ("quote", "paragraph"))
    for rec_id in commitment.recommendations:
        if rec_id in recs and recs[rec_id].report != response.report:
            problem = f"{rec_id!r} belongs to another report than {response.id}"
            errors.append(
                ContentError(
                    *_at(commitment, "recommendations"),
                    "recommendations",
                    problem,
                    "name recommendations of the report this response answers",
                )
            )
    if commitment.target:
        target = commitment.target
        errors += _check_quote(
            response, target.paragraph, target.as_stated, (commitment.path, target.line), ("target.as_stated", "target.paragraph")
        )
    return errors


def _check_update(content: Content, index: _Index, update: Update, today: date) -> list[ContentError]:
    errors = []
    statuses = {status.id: status for status in content.statuses}
    if update.commitment not in index.commitments:
        errors.append(
            ContentError(
                *_at(update, "commitment"),
                "commitment",
                f"no commitment has the id {update.commitment!r}",
                "use the id of a file in this report's commitments/ folder",
            )
        )
    for field, status_id in (("status", update.status), ("body_claim", update.body_claim.status if update.body_claim else None)):
        if status_id is None:
            continue
        name = "status" if field == "status" else "body_claim.status"
        if status_id not in statuses:
            fix = f"use one of: {', '.join(statuses)}{did_you_mean(status_id, list(statuses))}"
            errors.append(ContentError(*_at(update, field), name, f"{status_id!r} is not a status", fix))
        elif statuses[status_id].is_default:
            fix = f"use one of: {', '.join(s for s in statuses if not statuses[s].is_default)}"
            errors.append(
                ContentError(*_at(update, field), name, f"{status_id!r} means nothing is known, so it cannot follow an update", fix)
            )
    if update.date > today:
        errors.append(
            ContentError(
                *_at(update, "date"),
                "date",
                f"{update.date.isoformat()} is in the future",
                "give the date the update was published, not a planned date",
            )
        )
    return errors


def _at(record: Recommendation | Commitment | Update, field: str) -> tuple[str, int]:
    """Return the file and line of a record's field, or of the record where the field is absent."""
    return record.path, record.field_lines.get(field, record.line)
