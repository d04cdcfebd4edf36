"""Validated content records: what each content file says, typed and checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from tracker.texts import Text


class _Record:
    """Pickled (into the build cache) as its class and its fields' values, in order.

    Python 3.11 unpickles a frozen dataclass with slots by a loop in Python over its fields:
    twice as slow, for every record, on every build.
    """

    __slots__: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return type(self), tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class FieldLines(_Record):
    """The line of each field in a record's file, for error messages that name it.

    Two tuples, not a dictionary each: a third of the memory, at 90,000 records. Records whose
    files list their fields in the same order share the names.
    """

    names: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()

    @classmethod
    def of(cls, lines: dict[str, int]) -> FieldLines:
        """Return the lines of these fields, by name."""
        return cls(_shared_names(tuple(lines)), tuple(lines.values()))

    def get(self, name: str, default: int) -> int:
        """Return the line of the field name, or default if the file has no such field."""
        return self.lines[self.names.index(name)] if name in self.names else default


@lru_cache(maxsize=256)
def _shared_names(names: tuple[str, ...]) -> tuple[str, ...]:
    return names


@dataclass(frozen=True, slots=True)
class Source(_Record):
    """Where a claim comes from: a web page or a document reference."""

    title: str
    kind: str  # "primary" (the body's own words) or "secondary" (others' reporting)
    url: str | None
    reference: str | None
    publisher: str | None
    published: date | None
    line: int = 0
    https_unavailable: bool = False  # the editors checked: the publisher serves no https address


@dataclass(frozen=True, slots=True)
class SiteSettings(_Record):
    """The site's own name and description."""

    title: str
    description: str
    base_url: str
    stale_after_days: int


@dataclass(frozen=True, slots=True)
class Status(_Record):
    """One word in the status vocabulary, with its public definition."""

    id: str
    label: str
    definition: str
    is_default: bool
    is_final: bool


@dataclass(frozen=True, slots=True)
class Stance(_Record):
    """How a response treats a recommendation: accepted, rejected, not addressed, …"""

    id: str
    label: str
    definition: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class Body(_Record):
    """A public body: a committee, an office, a police force."""

    id: str
    name: str
    short_name: str
    kind: str
    url: str | None
    path: str


@dataclass(frozen=True, slots=True)
class Page(_Record):
    """A page of prose: about, methodology."""

    id: str
    title: str
    description: str
    body: str
    path: str


@dataclass(frozen=True, slots=True)
class Report(_Record):
    """A report that makes recommendations."""

    id: str
    title: str
    body: str
    chair: str
    members: tuple[str, ...]
    published: date
    url: str
    summary: str
    former_ids: tuple[str, ...]
    path: str


@dataclass(frozen=True, slots=True)
class TextProvenance(_Record):
    """Whose words a recommendation's text is: the report's own, or a labelled summary."""

    kind: str  # "report" or "secondary-summary"
    source: Source
    note: str | None


@dataclass(frozen=True, slots=True)
class Relation(_Record):
    """A link from a recommendation to one in another report: repeats, supersedes, follows up."""

    recommendation: str
    relation: str
    line: int


@dataclass(frozen=True, slots=True)
class Correction(_Record):
    """A published mistake that was fixed: the day it was fixed and what was wrong."""

    corrected_on: date
    what_was_wrong: str
    line: int


@dataclass(frozen=True, slots=True)
class Recommendation(_Record):
    """One recommendation of a report, as worded by its provenance."""

    id: str
    report: str
    number: int
    addressed_to: tuple[str, ...]
    text: Text
    provenance: TextProvenance
    former_ids: tuple[str, ...]
    related: tuple[Relation, ...]
    corrections: tuple[Correction, ...]
    path: str
    line: int
    field_lines: FieldLines = field(default=FieldLines(), compare=False)


@dataclass(frozen=True, slots=True)
class Paragraph(_Record):
    """One numbered paragraph of a response, in Markdown."""

    number: int
    markdown: Text
    text: str  # its plain words, which commitments' quotes are checked against
    line: int


@dataclass(frozen=True, slots=True)
class Answer(_Record):
    """A response's stance on one recommendation, and the paragraphs that give it."""

    recommendation: str
    stance: str
    paragraphs: tuple[int, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Dispute(_Record):
    """A conclusion of the report that the response disputes, quoted verbatim."""

    paragraph: int
    quote: str
    line: int


@dataclass(frozen=True, slots=True)
class Response(_Record):
    """A document answering a report, kept verbatim."""

    id: str
    report: str
    reference: str
    date: date
    from_body: str
    signed_by: str
    to: str
    source: Source
    answers: tuple[Answer, ...]
    disputes: tuple[Dispute, ...]
    paragraphs: tuple[Paragraph, ...]
    former_ids: tuple[str, ...]
    path: str
    field_lines: FieldLines = field(default=FieldLines(), compare=False)


@dataclass(frozen=True, slots=True)
class Target(_Record):
    """A deadline as the response states it, and the date the editors read it as."""

    as_stated: str
    date: date
    paragraph: int
    date_basis: str
    line: int


@dataclass(frozen=True, slots=True)
class TargetChange(_Record):
    """A later change to a commitment's target date: when, to what, why, and who said so."""

    changed_on: date
    new_date: date
    reason: str | None
    source: Source
    line: int


@dataclass(frozen=True, slots=True)
class Check(_Record):
    """A day on which editors looked for news of a commitment and found nothing new."""

    checked_on: date
    note: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Commitment(_Record):
    """A promise quoted verbatim from a response."""

    id: str
    report: str
    title: str
    recommendations: tuple[str, ...]
    response: str
    paragraph: int
    quote: str
    owner: str
    target: Target | None
    target_changes: tuple[TargetChange, ...]
    checks: tuple[Check, ...]
    note: Text
    former_ids: tuple[str, ...]
    corrections: tuple[Correction, ...]
    path: str
    line: int
    field_lines: FieldLines = field(default=FieldLines(), compare=False)


@dataclass(frozen=True, slots=True)
class BodyClaim(_Record):
    """The status the responsible body itself claims, with where it claims it."""

    status: str
    source: Source


@dataclass(frozen=True, slots=True)
class Update(_Record):
    """A dated, sourced account of progress on a commitment."""

    id: str
    report: str
    commitment: str
    date: date
    status: str
    sources: tuple[Source, ...]
    body_claim: BodyClaim | None
    summary: Text
    corrections: tuple[Correction, ...]
    path: str
    line: int
    field_lines: FieldLines = field(default=FieldLines(), compare=False)


@dataclass(frozen=True, slots=True)
class Content(_Record):
    """Every validated record of the site."""

    settings: SiteSettings
    statuses: tuple[Status, ...]
    stances: tuple[Stance, ...]
    bodies: tuple[Body, ...]
    pages: tuple[Page, ...]
    reports: tuple[Report, ...]
    recommendations: tuple[Recommendation, ...]
    responses: tuple[Response, ...]
    commitments: tuple[Commitment, ...]
    updates: tuple[Update, ...]
