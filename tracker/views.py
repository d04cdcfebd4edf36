"""The views the templates receive: plain, frozen values computed by the model stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.records import (
    Body,
    Commitment,
    Page,
    Paragraph,
    Recommendation,
    Report,
    Response,
    SiteSettings,
    Stance,
    Status,
    TargetChange,
    Update,
)
from tracker.urls import update_url


@dataclass(frozen=True, slots=True)
class Link:
    """A label and the URL it points to."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class StatusCount:
    """How many commitments have one status."""

    status: Status
    count: int
    url: str
    percent: int


@dataclass(frozen=True, slots=True)
class OwnerCount:
    """How many commitments one body owns, and the page listing them."""

    owner: Link
    count: int


@dataclass(frozen=True, slots=True)
class Figures:
    """Headline figures for a set of recommendations and commitments."""

    recommendations: int
    answered: int
    not_answered: int
    commitments: int
    by_status: tuple[StatusCount, ...]


@dataclass(frozen=True, slots=True)
class UpdateView:
    """A progress update as a commitment page shows it."""

    record: Update
    status: Status
    previous_status: Status
    claimed_status: Status | None
    commitment: Link

    # Made when asked for: kept, the two took 10 MB at 10,000 recommendations.
    @property
    def anchor(self) -> str:
        """The id of the update's entry on its commitment's page."""
        return f"update-{self.record.id}"

    @property
    def url(self) -> str:
        """The update's address: an anchor on its commitment's page."""
        return update_url(self.record.commitment, self.record.id)


@dataclass(frozen=True, slots=True)
class CommitmentView:
    """A commitment with its current status and history."""

    record: Commitment
    url: str
    status: Status
    status_date: date | None
    updates: tuple[UpdateView, ...]
    owner: Body
    owner_url: str
    recommendations: tuple[Link, ...]
    report: Link
    response: Link
    quote_url: str
    target_url: str | None
    target_date: date | None
    target_changes: tuple[TargetChange, ...]
    last_checked: date | None
    citation: str
    feed_url: str
    badge_url: str
    response_date: date


@dataclass(frozen=True, slots=True)
class ParagraphView:
    """A numbered paragraph of a response and what it answers."""

    record: Paragraph
    anchor: str
    url: str
    answers: tuple[Link, ...]
    commitments: tuple[Link, ...]
    disputes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResponseView:
    """A response letter, paragraph by paragraph."""

    record: Response
    url: str
    from_body: Body
    report: Link
    paragraphs: tuple[ParagraphView, ...]


@dataclass(frozen=True, slots=True)
class RecommendationView:
    """A recommendation with the response's stance on it and its commitments."""

    record: Recommendation
    url: str
    heading: str
    report: Link
    addressed_to: tuple[Body, ...]
    stance: Stance
    response: Link | None
    answer_paragraphs: tuple[ParagraphView, ...]
    commitments: tuple[CommitmentView, ...]
    as_at: date | None
    citation: str
    related: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report with its recommendations, responses and figures."""

    record: Report
    url: str
    body: Body
    recommendations: tuple[RecommendationView, ...]
    responses: tuple[ResponseView, ...]
    figures: Figures
    feed_url: str
    owners: tuple[OwnerCount, ...]
    search_index_url: str  # the URL of the part of the search index that holds its pages


@dataclass(frozen=True, slots=True)
class StatusView:
    """One status and every commitment that has it now."""

    status: Status
    url: str
    commitments: tuple[CommitmentView, ...]


@dataclass(frozen=True, slots=True)
class BodyView:
    """A public body and the commitments it owns."""

    body: Body
    url: str
    commitments: tuple[CommitmentView, ...]


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One entry on the changes page: a status change or a correction."""

    date: date
    kind: str  # "status" or "correction"
    subject: Link
    description: str
    url: str


@dataclass(frozen=True, slots=True)
class ChangeYearView:
    """The status changes and corrections of one year, on a page of their own."""

    year: int
    url: str
    changes: tuple[ChangeView, ...]  # newest first


@dataclass(frozen=True)  # one per build, followed by weak reference in a test, which slots would forbid
class SiteModel:
    """Everything the pages show, derived and ordered."""

    settings: SiteSettings
    reports: tuple[ReportView, ...]
    statuses: tuple[StatusView, ...]
    stances: tuple[Stance, ...]
    pages: tuple[Page, ...]
    figures: Figures
    latest_updates: tuple[UpdateView, ...]
    bodies: tuple[BodyView, ...]
    commitments: tuple[CommitmentView, ...]
    changes: tuple[ChangeView, ...]  # every one, newest first
    latest_changes: tuple[ChangeView, ...]  # the newest, on /changes/
    change_years: tuple[ChangeYearView, ...]  # newest year first
    search_indexes: tuple[str, ...]  # the URLs of the parts of the search index
    feed_url: str
    preview: bool
