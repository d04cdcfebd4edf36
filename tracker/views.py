"""The views the templates receive: plain, frozen values computed by the model stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

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
from tracker.urls import badge_url, body_url, commitment_feed_url, commitment_url, paragraph_url, recommendation_url, update_url


def make_citation(settings: SiteSettings, what: str, as_at: date | None, url: str) -> str:
    """Return a plain-text citation: site, item, as-at date of its latest update, permalink."""
    when = f"as at {long_date(as_at)}" if as_at else "no public update found"
    return f"{settings.title}, {what}, {when}. {settings.base_url}{url}"


@lru_cache(maxsize=4096)  # the lists of every commitment and change write the same dates many times
def long_date(value: date) -> str:
    """Return a date as GOV.UK writes it: 4 December 2013."""
    return f"{value.day} {value:%B %Y}"


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
    """A commitment with its current status and history.

    Its links to its report, response and recommendations are shared with every other view that
    shows them; its own addresses and citation are made when asked for. Kept, they took 30 MB at
    10,000 recommendations.
    """

    record: Commitment
    status: Status
    status_date: date | None
    updates: tuple[UpdateView, ...]
    owner: Body
    recommendations: tuple[Link, ...]
    report: Link
    response: Link
    target_date: date | None
    target_changes: tuple[TargetChange, ...]
    last_checked: date | None
    response_date: date
    settings: SiteSettings

    @property
    def url(self) -> str:
        return commitment_url(self.record.id)

    @property
    def owner_url(self) -> str:
        return body_url(self.record.owner)

    @property
    def quote_url(self) -> str:
        """The address of the response's paragraph that the commitment quotes."""
        return paragraph_url(self.record.response, self.record.paragraph)

    @property
    def target_url(self) -> str | None:
        """The address of the paragraph that sets its target date, if it has one."""
        target = self.record.target
        return paragraph_url(self.record.response, target.paragraph) if target else None

    @property
    def feed_url(self) -> str:
        return commitment_feed_url(self.record.id)

    @property
    def badge_url(self) -> str:
        return badge_url(self.record.id)

    @property
    def citation(self) -> str:
        """A plain-text citation: site, commitment, the date of its latest update, permalink."""
        return make_citation(self.settings, f"“{self.record.title}” (commitment {self.record.id})", self.status_date, self.url)


@dataclass(frozen=True, slots=True)
class ParagraphView:
    """A numbered paragraph of a response and what it answers."""

    record: Paragraph
    response_id: str
    answers: tuple[Link, ...]
    commitments: tuple[Link, ...]
    disputes: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return f"p{self.record.number}"

    @property
    def url(self) -> str:
        return paragraph_url(self.response_id, self.record.number)


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
    report: Link
    addressed_to: tuple[Body, ...]
    stance: Stance
    response: Link | None
    answer_paragraphs: tuple[ParagraphView, ...]
    commitments: tuple[CommitmentView, ...]
    as_at: date | None
    related: tuple[Link, ...]
    settings: SiteSettings

    @property
    def url(self) -> str:
        return recommendation_url(self.record.id)

    @property
    def heading(self) -> str:
        return f"Recommendation {self.record.number}"

    @property
    def citation(self) -> str:
        """A plain-text citation: site, recommendation, the date of its commitments' latest update, permalink."""
        return make_citation(self.settings, f"{self.heading} of “{self.report.label}” ({self.record.id})", self.as_at, self.url)


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
    source: UpdateView | str  # the update that changed the status, or the address of the corrected item

    @property
    def url(self) -> str:
        return self.source if isinstance(self.source, str) else self.source.url


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
