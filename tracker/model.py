"""Model stage: derive what the pages show (statuses, counts, links, orders) from validated records."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from tracker.attention import current_target
from tracker.changes import LATEST_CHANGES, changes_by_year, find_changes
from tracker.records import (
    Body,
    Commitment,
    Content,
    Recommendation,
    Report,
    Response,
    SiteSettings,
    Stance,
    Status,
    Update,
)
from tracker.urls import (
    body_url,
    commitment_url,
    recommendation_url,
    report_feed_url,
    report_url,
    response_url,
    search_index_parts,
    search_index_url,
    site_feed_url,
    status_url,
)
from tracker.views import (
    BodyView,
    CommitmentView,
    Figures,
    Link,
    OwnerCount,
    ParagraphView,
    RecommendationView,
    ReportView,
    ResponseView,
    SiteModel,
    StatusCount,
    StatusView,
    UpdateView,
    long_date,
)

LATEST_UPDATES_ON_HOME = 10


def build_model(content: Content, preview: bool = False) -> SiteModel:
    """Return the site model for validated content."""
    bodies = {body.id: body for body in content.bodies}
    statuses = {status.id: status for status in content.statuses}
    default_status = next(status for status in content.statuses if status.is_default)
    updates_by_commitment: dict[str, list[Update]] = defaultdict(list)
    for update in content.updates:
        updates_by_commitment[update.commitment].append(update)
    responses = {response.id: response for response in content.responses}
    links = _shared_links(content, bodies)
    commitments = tuple(
        _commitment_view(
            item, updates_by_commitment[item.id], statuses, default_status, bodies, responses[item.response], links, content.settings
        )
        for item in sorted(content.commitments, key=lambda item: item.id)
    )
    groups = _group_commitments(commitments)
    related = related_links(content)
    by_report = _group_by_report(content)
    searchable_pages = len(content.reports) + len(content.recommendations) + len(content.responses) + len(content.commitments)
    search_parts = search_index_parts(searchable_pages)
    report_views = tuple(
        _report_view(report, by_report, bodies, groups, related, search_parts, links)
        for report in sorted(content.reports, key=lambda report: (-report.published.toordinal(), report.id))
    )
    all_recs = tuple(rec for report in report_views for rec in report.recommendations)
    changes = find_changes(content, report_views, commitments)
    return SiteModel(
        settings=content.settings,
        reports=report_views,
        statuses=tuple(_status_view(status, commitments) for status in content.statuses),
        stances=content.stances,
        pages=content.pages,
        figures=_figures(all_recs, commitments, content.statuses),
        latest_updates=_latest_updates(commitments),
        bodies=tuple(_body_view(body, commitments) for body in sorted(content.bodies, key=lambda body: body.name)),
        commitments=commitments,
        changes=changes,
        latest_changes=changes[:LATEST_CHANGES],
        change_years=changes_by_year(changes),
        search_indexes=tuple(sorted({report.search_index_url for report in report_views})),
        feed_url=site_feed_url(),
        preview=preview,
    )


@dataclass(frozen=True)
class _SharedLinks:
    """One link to each report, response, recommendation and commitment, shared by every view that shows it."""

    reports: dict[str, Link]
    responses: dict[str, Link]
    recommendations: dict[str, Link]
    commitments: dict[str, Link]


def _shared_links(content: Content, bodies: dict[str, Body]) -> _SharedLinks:
    return _SharedLinks(
        reports={report.id: Link(report.title, report_url(report.id)) for report in content.reports},
        responses={
            response.id: Link(
                f"{bodies[response.from_body].short_name}'s response of {long_date(response.date)}", response_url(response.id)
            )
            for response in content.responses
        },
        recommendations={rec.id: Link(f"Recommendation {rec.number}", recommendation_url(rec.id)) for rec in content.recommendations},
        commitments={item.id: Link(item.title, commitment_url(item.id)) for item in content.commitments},
    )


def _commitment_view(
    item: Commitment,
    updates: list[Update],
    statuses: dict[str, Status],
    default_status: Status,
    bodies: dict[str, Body],
    response: Response,
    links: _SharedLinks,
    settings: SiteSettings,
) -> CommitmentView:
    link = links.commitments[item.id]
    oldest_first = sorted(updates, key=lambda update: (update.date, update.id))
    previous = [default_status, *(statuses[update.status] for update in oldest_first)][: len(oldest_first)]
    views = tuple(reversed([_update_view(update, before, statuses, link) for update, before in zip(oldest_first, previous, strict=True)]))
    return CommitmentView(
        record=item,
        status=views[0].status if views else default_status,
        status_date=views[0].record.date if views else None,
        updates=views,
        owner=bodies[item.owner],
        recommendations=tuple(links.recommendations[rec_id] for rec_id in item.recommendations),
        report=links.reports[response.report],
        response=links.responses[response.id],
        target_date=current_target(item),
        target_changes=tuple(sorted(item.target_changes, key=lambda change: change.changed_on)),
        last_checked=max((check.checked_on for check in item.checks), default=None),
        response_date=response.date,
        settings=settings,
    )


def _update_view(update: Update, previous: Status, statuses: dict[str, Status], commitment: Link) -> UpdateView:
    claimed = statuses[update.body_claim.status] if update.body_claim else None
    return UpdateView(
        record=update,
        status=statuses[update.status],
        previous_status=previous,
        claimed_status=claimed,
        commitment=commitment,
    )


@dataclass(frozen=True)
class _CommitmentGroups:
    by_report: dict[str, tuple[CommitmentView, ...]]
    by_recommendation: dict[str, tuple[CommitmentView, ...]]


def _group_commitments(commitments: tuple[CommitmentView, ...]) -> _CommitmentGroups:
    by_report: dict[str, list[CommitmentView]] = defaultdict(list)
    by_rec: dict[str, list[CommitmentView]] = defaultdict(list)
    for view in commitments:
        by_report[view.report.url].append(view)
        for link in view.recommendations:
            by_rec[link.url].append(view)
    return _CommitmentGroups(
        {url: tuple(views) for url, views in by_report.items()},
        {url: tuple(views) for url, views in by_rec.items()},
    )


@dataclass(frozen=True)
class _ReportParts:
    """One report's records, grouped once so that no view scans the whole site."""

    content: Content
    recommendations: dict[str, list[Recommendation]]
    responses: dict[str, list[Response]]
    commitments_by_response: dict[str, list[Commitment]]


def _group_by_report(content: Content) -> _ReportParts:
    recs: dict[str, list[Recommendation]] = defaultdict(list)
    responses: dict[str, list[Response]] = defaultdict(list)
    quoted: dict[str, list[Commitment]] = defaultdict(list)
    for rec in content.recommendations:
        recs[rec.report].append(rec)
    for response in content.responses:
        responses[response.report].append(response)
    for item in content.commitments:
        quoted[item.response].append(item)
    return _ReportParts(content, recs, responses, quoted)


def _report_view(
    report: Report,
    parts: _ReportParts,
    bodies: dict[str, Body],
    groups: _CommitmentGroups,
    related: dict[str, tuple[Link, ...]],
    search_parts: int,
    links: _SharedLinks,
) -> ReportView:
    content = parts.content
    report_recs = sorted(parts.recommendations[report.id], key=lambda rec: rec.number)
    responses = tuple(
        _response_view(response, bodies, tuple(parts.commitments_by_response[response.id]), links)
        for response in sorted(parts.responses[report.id], key=lambda response: (response.date, response.id))
    )
    recs = tuple(
        _recommendation_view(
            rec,
            bodies,
            content.stances,
            responses,
            groups.by_recommendation.get(recommendation_url(rec.id), ()),
            content.settings,
            related[rec.id],
            links,
        )
        for rec in report_recs
    )
    report_commitments = groups.by_report.get(report_url(report.id), ())
    figures = _figures(recs, report_commitments, content.statuses)
    owners = _owner_counts(report_commitments)
    return ReportView(
        report,
        report_url(report.id),
        bodies[report.body],
        recs,
        responses,
        figures,
        report_feed_url(report.id),
        owners,
        search_index_url(report.id, search_parts),
    )


def _owner_counts(commitments: tuple[CommitmentView, ...]) -> tuple[OwnerCount, ...]:
    counts = Counter(view.owner.id for view in commitments)
    names = {view.owner.id: view.owner.name for view in commitments}
    return tuple(
        OwnerCount(Link(names[owner], body_url(owner)), count) for owner, count in sorted(counts.items(), key=lambda item: names[item[0]])
    )


def _response_view(response: Response, bodies: dict[str, Body], commitments: tuple[Commitment, ...], links: _SharedLinks) -> ResponseView:
    answers: dict[int, list[Link]] = defaultdict(list)
    for answer in response.answers:
        for number in answer.paragraphs:
            answers[number].append(links.recommendations[answer.recommendation])
    quoted: dict[int, list[Link]] = defaultdict(list)
    for item in commitments:
        if item.response == response.id:
            quoted[item.paragraph].append(links.commitments[item.id])
    disputed: dict[int, list[str]] = defaultdict(list)
    for dispute in response.disputes:
        disputed[dispute.paragraph].append(dispute.quote)
    paragraphs = tuple(
        ParagraphView(
            record=paragraph,
            response_id=response.id,
            answers=tuple(answers[paragraph.number]),
            commitments=tuple(quoted[paragraph.number]),
            disputes=tuple(disputed[paragraph.number]),
        )
        for paragraph in response.paragraphs
    )
    return ResponseView(response, response_url(response.id), bodies[response.from_body], links.reports[response.report], paragraphs)


def _recommendation_view(
    rec: Recommendation,
    bodies: dict[str, Body],
    stances: tuple[Stance, ...],
    responses: tuple[ResponseView, ...],
    commitments: tuple[CommitmentView, ...],
    settings: SiteSettings,
    related: tuple[Link, ...],
    links: _SharedLinks,
) -> RecommendationView:
    stance = next(stance for stance in stances if stance.is_default)
    answering: tuple[ParagraphView, ...] = ()
    response_link = None
    for response in responses:
        for answer in response.record.answers:
            if answer.recommendation == rec.id and not _is_default(answer.stance, stances):
                stance = next(item for item in stances if item.id == answer.stance)
                answering = tuple(paragraph for paragraph in response.paragraphs if paragraph.record.number in answer.paragraphs)
                response_link = links.responses[response.record.id]
    return RecommendationView(
        record=rec,
        report=links.reports[rec.report],
        addressed_to=tuple(bodies[body_id] for body_id in rec.addressed_to),
        stance=stance,
        response=response_link,
        answer_paragraphs=answering,
        commitments=commitments,
        as_at=max((view.status_date for view in commitments if view.status_date), default=None),
        related=related,
        settings=settings,
    )


def _is_default(stance_id: str, stances: tuple[Stance, ...]) -> bool:
    return any(stance.id == stance_id and stance.is_default for stance in stances)


def _status_view(status: Status, commitments: tuple[CommitmentView, ...]) -> StatusView:
    return StatusView(status, status_url(status.id), tuple(view for view in commitments if view.status.id == status.id))


def _body_view(body: Body, commitments: tuple[CommitmentView, ...]) -> BodyView:
    return BodyView(body, body_url(body.id), tuple(view for view in commitments if view.owner.id == body.id))


def _figures(recs: tuple[RecommendationView, ...], commitments: tuple[CommitmentView, ...], statuses: tuple[Status, ...]) -> Figures:
    answered = sum(1 for rec in recs if rec.response is not None)
    return Figures(
        recommendations=len(recs),
        answered=answered,
        not_answered=len(recs) - answered,
        commitments=len(commitments),
        by_status=tuple(_status_count(status, commitments) for status in statuses),
    )


def _status_count(status: Status, commitments: tuple[CommitmentView, ...]) -> StatusCount:
    count = sum(1 for view in commitments if view.status.id == status.id)
    percent = round(100 * count / len(commitments)) if commitments else 0
    return StatusCount(status, count, status_url(status.id), percent)


def _latest_updates(commitments: tuple[CommitmentView, ...]) -> tuple[UpdateView, ...]:
    updates = [update for view in commitments for update in view.updates]
    updates.sort(key=lambda update: (update.record.date, update.record.id), reverse=True)
    return tuple(updates[:LATEST_UPDATES_ON_HOME])


RELATION_LABELS = {
    "repeats": ("Repeats", "Repeated by"),
    "supersedes": ("Supersedes", "Superseded by"),
    "follows-up": ("Follows up", "Followed up by"),
}


def related_links(content: Content) -> dict[str, tuple[Link, ...]]:
    """Return, for every recommendation, its links to and from recommendations in other reports."""
    recs = {rec.id: rec for rec in content.recommendations}
    titles = {report.id: report.title for report in content.reports}
    links: dict[str, list[Link]] = {rec.id: [] for rec in content.recommendations}
    for rec in content.recommendations:
        for relation in rec.related:
            other = recs[relation.recommendation]
            forward, backward = RELATION_LABELS[relation.relation]
            links[rec.id].append(Link(f"{forward} Recommendation {other.number} of “{titles[other.report]}”", recommendation_url(other.id)))
            links[other.id].append(Link(f"{backward} Recommendation {rec.number} of “{titles[rec.report]}”", recommendation_url(rec.id)))
    return {rec_id: tuple(sorted(items, key=lambda link: link.url)) for rec_id, items in links.items()}
