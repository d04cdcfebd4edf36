"""Check that every id a record names exists, and say so once: a reference to a file that
failed to read is not reported again (its own error already is)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from tracker.errors import ContentError
from tracker.fields import did_you_mean
from tracker.records import Commitment, Content, FieldLines, Recommendation, Report, Response, Update


def did_you_mean_id(value: str, ids: Iterable[str]) -> str:
    """Like did_you_mean, but never suggest an id with other numbers: `c9` is not a typo of `c2`."""
    digits = re.sub(r"\D", "", value)
    return did_you_mean(value, [candidate for candidate in ids if re.sub(r"\D", "", candidate) == digits])


@dataclass(frozen=True)
class Unreadable:
    """Files that failed to load or validate: ids they declared, and kinds with a file too broken to say."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)

    def explains(self, kind: str, record_id: str) -> bool:
        """Return True if a missing id of this kind may be in a file that already has an error."""
        return kind in self.kinds or record_id in self.ids.get(kind, set())


@dataclass(frozen=True)
class Index:
    """Every record by id, and what failed to read."""

    bodies: frozenset[str]
    recommendations: dict[str, Recommendation]
    responses: dict[str, Response]
    commitments: dict[str, Commitment]
    unreadable: Unreadable

    @classmethod
    def of(cls, content: Content, unreadable: Unreadable) -> Index:
        """Return the index of validated content."""
        return cls(
            frozenset(body.id for body in content.bodies),
            {rec.id: rec for rec in content.recommendations},
            {response.id: response for response in content.responses},
            {item.id: item for item in content.commitments},
            unreadable,
        )

    def missing(self, kind: str, record_id: str, known: Collection[str]) -> bool:
        """Return True if record_id is not known and no earlier error explains why."""
        return record_id not in known and not self.unreadable.explains(kind, record_id)


def check_references(content: Content, index: Index) -> list[ContentError]:
    """Return an error for every reference to an id that does not exist."""
    errors: list[ContentError] = []
    for report in content.reports:
        errors += _bodies(index, report, ("body", [report.body]))
    for rec in content.recommendations:
        errors += _bodies(index, rec, ("addressed_to", rec.addressed_to))
        errors += _relations(index, rec)
    for response in content.responses:
        errors += _bodies(index, response, ("from", [response.from_body]))
    for commitment in content.commitments:
        errors += _bodies(index, commitment, ("owner", [commitment.owner]))
        errors += _commitment_links(index, commitment)
    for update in content.updates:
        errors += _update_link(index, update)
    return errors


def at(record: Report | Recommendation | Response | Commitment | Update, name: str) -> tuple[str, int]:
    """Return the file and line of a record's field, or of the record where the field is absent."""
    lines = getattr(record, "field_lines", FieldLines())
    return record.path, lines.get(name, getattr(record, "line", 2))


def _bodies(index: Index, record: Report | Recommendation | Response | Commitment, named: tuple[str, Iterable[str]]) -> list[ContentError]:
    name, body_ids = named
    known = ", ".join(sorted(index.bodies))
    return [
        ContentError(
            *at(record, name),
            name,
            f"no body has the id {body_id!r}",
            f"use one of: {known}{did_you_mean_id(body_id, index.bodies)}, or add a file for it in content/bodies/",
        )
        for body_id in body_ids
        if index.missing("body", body_id, index.bodies)
    ]


def _relations(index: Index, rec: Recommendation) -> list[ContentError]:
    errors = []
    for number, relation in enumerate(rec.related, start=1):
        other = index.recommendations.get(relation.recommendation)
        name = f"related[{number}].recommendation"
        if other is None and index.missing("recommendation", relation.recommendation, index.recommendations):
            fix = f"use the id of a recommendation in another report{did_you_mean_id(relation.recommendation, index.recommendations)}"
            errors.append(ContentError(rec.path, relation.line, name, f"no recommendation has the id {relation.recommendation!r}", fix))
        elif other is not None and other.report == rec.report:
            errors.append(
                ContentError(
                    rec.path, relation.line, name, f"{other.id} is in the same report", "link only to recommendations in other reports"
                )
            )
    return errors


def _commitment_links(index: Index, commitment: Commitment) -> list[ContentError]:
    errors = []
    for rec_id in commitment.recommendations:
        if index.missing("recommendation", rec_id, index.recommendations):
            fix = f"use the id from a file in this report's recommendations/ folder{did_you_mean_id(rec_id, index.recommendations)}"
            errors.append(
                ContentError(*at(commitment, "recommendations"), "recommendations", f"no recommendation has the id {rec_id!r}", fix)
            )
    if index.missing("response", commitment.response, index.responses):
        fix = f"use the id of a file in this report's responses/ folder{did_you_mean_id(commitment.response, index.responses)}"
        errors.append(ContentError(*at(commitment, "response"), "response", f"no response has the id {commitment.response!r}", fix))
    response = index.responses.get(commitment.response)
    if response is None:
        return errors
    if response.report != commitment.report:
        problem = f"{response.id} answers the report {response.report!r}, but this file is in the folder of {commitment.report!r}"
        errors.append(
            ContentError(*at(commitment, "response"), "response", problem, "move the file to the commitments/ folder of that report")
        )
    for rec_id in commitment.recommendations:
        rec = index.recommendations.get(rec_id)
        if rec is not None and rec.report != response.report:
            problem = f"{rec_id!r} belongs to another report than {response.id}"
            errors.append(
                ContentError(
                    *at(commitment, "recommendations"),
                    "recommendations",
                    problem,
                    "name recommendations of the report this response answers",
                )
            )
    return errors


def _update_link(index: Index, update: Update) -> list[ContentError]:
    commitment = index.commitments.get(update.commitment)
    if commitment is None:
        if not index.missing("commitment", update.commitment, index.commitments):
            return []
        fix = f"use the id of a file in this report's commitments/ folder{did_you_mean_id(update.commitment, index.commitments)}"
        return [ContentError(*at(update, "commitment"), "commitment", f"no commitment has the id {update.commitment!r}", fix)]
    if commitment.report != update.report:
        problem = f"{commitment.id} belongs to the report {commitment.report!r}, but this file is in the folder of {update.report!r}"
        return [ContentError(*at(update, "commitment"), "commitment", problem, "move the file to the updates/ folder of that report")]
    return []
