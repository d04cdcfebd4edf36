"""Each record of the open dataset as plain JSON values, as tracker.json holds it (data.py)."""

from __future__ import annotations

from datetime import date

from tracker.data_csv import flatten_source_json
from tracker.data_schema import JsonObject
from tracker.records import Body, Source, Stance, Status
from tracker.views import CommitmentView, Figures, RecommendationView, ReportView, ResponseView, UpdateView


def iso(value: date | None) -> str | None:
    """Return a date as YYYY-MM-DD, or None."""
    return value.isoformat() if value else None


def source_json(source: Source) -> JsonObject:
    """Return a source as JSON."""
    return {
        "title": source.title,
        "kind": source.kind,
        "url": source.url,
        "reference": source.reference,
        "publisher": source.publisher,
        "published": iso(source.published),
    }


def figures_json(figures: Figures) -> JsonObject:
    """Return headline figures as JSON."""
    return {
        "recommendations": figures.recommendations,
        "answered": figures.answered,
        "not_answered": figures.not_answered,
        "commitments": figures.commitments,
        "by_status": [{"status_id": item.status.id, "count": item.count} for item in figures.by_status],
    }


def status_json(status: Status) -> JsonObject:
    """Return a status of the vocabulary as JSON."""
    return {
        "id": status.id,
        "label": status.label,
        "definition": status.definition,
        "is_default": status.is_default,
        "is_final": status.is_final,
    }


def stance_json(stance: Stance) -> JsonObject:
    """Return a stance as JSON."""
    return {"id": stance.id, "label": stance.label, "definition": stance.definition, "is_default": stance.is_default}


def body_json(body: Body) -> JsonObject:
    """Return a public body as JSON."""
    return {"id": body.id, "name": body.name, "short_name": body.short_name, "kind": body.kind, "url": body.url}


def report_json(report: ReportView, base: str) -> JsonObject:
    """Return a report as JSON, with its figures."""
    record = report.record
    return {
        "id": record.id,
        "title": record.title,
        "body_id": record.body,
        "chair": record.chair,
        "members": list(record.members),
        "published": iso(record.published),
        "url": record.url,
        "summary": record.summary,
        "page_url": base + report.url,
        "figures": figures_json(report.figures),
    }


def recommendation_json(rec: RecommendationView, base: str, response_ids: dict[str, str]) -> JsonObject:
    """Return a recommendation as JSON, with the stance the model gives it."""
    record = rec.record
    return {
        "id": record.id,
        "report_id": record.report,
        "number": record.number,
        "addressed_to": list(record.addressed_to),
        "text": str(record.text),
        "text_provenance": {
            "kind": record.provenance.kind,
            "note": record.provenance.note,
            "source": source_json(record.provenance.source),
        },
        "stance_id": rec.stance.id,
        "response_id": response_ids[rec.response.url] if rec.response else None,
        "answer_paragraphs": [paragraph.record.number for paragraph in rec.answer_paragraphs],
        "page_url": base + rec.url,
    }


def response_json(response: ResponseView, base: str) -> JsonObject:
    """Return a response letter as JSON, paragraph by paragraph."""
    record = response.record
    return {
        "id": record.id,
        "report_id": record.report,
        "reference": record.reference,
        "date": iso(record.date),
        "from_body_id": record.from_body,
        "signed_by": record.signed_by,
        "to": record.to,
        "source": source_json(record.source),
        "answers": [
            {"recommendation_id": answer.recommendation, "stance_id": answer.stance, "paragraphs": list(answer.paragraphs)}
            for answer in record.answers
        ],
        "disputes": [{"paragraph": dispute.paragraph, "quote": dispute.quote} for dispute in record.disputes],
        "paragraphs": [
            {"number": paragraph.number, "markdown": str(paragraph.markdown), "text": paragraph.text} for paragraph in record.paragraphs
        ],
        "page_url": base + response.url,
    }


def commitment_json(view: CommitmentView, base: str, report_id: str) -> JsonObject:
    """Return a commitment as JSON, with its current status as the model computes it."""
    record = view.record
    target = record.target
    return {
        "id": record.id,
        "title": record.title,
        "report_id": report_id,
        "response_id": record.response,
        "paragraph": record.paragraph,
        "recommendation_ids": list(record.recommendations),
        "owner_id": record.owner,
        "quote": record.quote,
        "target": {"as_stated": target.as_stated, "date": iso(target.date), "paragraph": target.paragraph, "date_basis": target.date_basis}
        if target
        else None,
        "target_changes": [
            {
                "changed_on": iso(change.changed_on),
                "new_date": iso(change.new_date),
                "reason": change.reason,
                "source": source_json(change.source),
            }
            for change in record.target_changes
        ],
        "checks": [{"checked_on": iso(check.checked_on), "note": check.note} for check in record.checks],
        "note": str(record.note),
        "status_id": view.status.id,
        "status_date": iso(view.status_date),
        "page_url": base + view.url,
        "badge_url": base + view.url + "badge.svg",
    }


def update_json(update: UpdateView, base: str) -> JsonObject:
    """Return a progress update as JSON, with its sources."""
    record = update.record
    claim = record.body_claim
    return {
        "id": record.id,
        "commitment_id": record.commitment,
        "date": iso(record.date),
        "status_id": record.status,
        "summary": str(record.summary),
        "sources": [source_json(source) for source in record.sources],
        "body_claim": {"status_id": claim.status, "source": source_json(claim.source)} if claim else None,
        "page_url": base + update.url,
    }


def flatten_source(source: Source) -> str:
    """Return a source as one line: "title <url>", or "title [reference]" when it has no URL."""
    return flatten_source_json(source_json(source))
