"""The open dataset: tracker.json (made here, report by report: data_parts.py), its JSON Schema (data_schema.py), and one CSV file per kind of record (data_csv.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from functools import partial
from operator import itemgetter
from pathlib import Path

import orjson

from tracker.data_csv import CSV_COLUMNS, csv_line, csv_row, flatten_source_json
from tracker.data_parts import RECORD_KINDS, ReportPart, ReportParts, SortKey
from tracker.data_schema import JsonObject, tracker_schema
from tracker.items import all_bodies
from tracker.records import Body, Source, Stance, Status
from tracker.render import Chunks, RenderedPage
from tracker.views import CommitmentView, Figures, RecommendationView, ReportView, ResponseView, SiteModel, UpdateView

LICENCE_NOTE = "No licence has been chosen yet; ask the site's editors."


def data_files(model: SiteModel, cache_folder: Path | None = None, report_keys: Mapping[str, str] | None = None) -> list[RenderedPage]:
    """Return /data/tracker.json, its schema and the CSV files, all derived from the model, each written as it is made.

    With a cache folder and each report's unit key, each report's part of the files is kept
    there, and taken from there while its key is unchanged (data_parts.py).
    """
    labels = {view.status.id: view.status.label for view in model.statuses}
    base = model.settings.base_url
    parts = ReportParts(model.reports, partial(report_part, commitments_by_report(model), base, labels), cache_folder, report_keys or {})
    parts.remove_others()
    return [
        RenderedPage("data/tracker.json", Chunks(partial(tracker_json_chunks, model, parts))),
        RenderedPage("data/tracker.schema.json", dump_json(tracker_schema(base))),
        *(RenderedPage(f"data/{kind}.csv", Chunks(partial(csv_chunks, kind, parts))) for kind in RECORD_KINDS),
    ]


def dump_json(value: object) -> str:
    """Return JSON text with sorted keys, two-space indents and a final newline."""
    return json_bytes(value).decode("utf-8")


def json_bytes(value: object) -> bytes:
    """Return UTF-8 JSON with sorted keys, two-space indents and a final newline."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def tracker_json_chunks(model: SiteModel, parts: ReportParts) -> Iterator[bytes]:
    """Yield the whole dataset as JSON: the site-wide values, with each kind of record merged from the reports' parts in its place."""
    base = model.settings.base_url
    # A NUL byte marks where each list goes: orjson writes a fragment as it is, and escapes NUL in any string.
    outline = json_bytes(
        {
            "licence": None,
            "licence_note": LICENCE_NOTE,
            "site": {"title": model.settings.title, "description": model.settings.description, "base_url": base},
            "figures": figures_json(model.figures),
            "statuses": [status_json(view.status) for view in model.statuses],
            "stances": [stance_json(stance) for stance in model.stances],
            "bodies": [body_json(body) for body in all_bodies(model)],
            **{kind: orjson.Fragment(b"\0" + kind.encode() + b"\0") for kind in RECORD_KINDS},
        }
    )
    for index, piece in enumerate(outline.split(b"\0")):
        yield from _json_list(parts.merged(piece.decode(), "json")) if index % 2 else (piece,)


def _json_list(items: Iterator[bytes]) -> Iterator[bytes]:
    """Yield a list of items, each already indented for its place in tracker.json, as orjson would indent the list."""
    first = next(items, None)
    if first is None:
        yield b"[]"
        return
    yield b"[\n    " + first
    for item in items:
        yield b",\n    " + item
    yield b"\n  ]"


def csv_chunks(kind: str, parts: ReportParts) -> Iterator[bytes]:
    """Yield one kind of record's CSV file: its header, then every report's lines merged."""
    yield csv_line(list(CSV_COLUMNS[kind])).encode("utf-8")
    yield from parts.merged(kind, "csv")


def commitments_by_report(model: SiteModel) -> Callable[[ReportView], list[CommitmentView]]:
    """Return a function giving a report's commitments, by id (grouped the first time it is asked)."""
    grouped: dict[str, list[CommitmentView]] = {}

    def of(report: ReportView) -> list[CommitmentView]:
        if not grouped:
            grouped.update((other.url, []) for other in model.reports)
            for view in model.commitments:
                grouped[view.report.url].append(view)
        return grouped[report.url]

    return of


def report_part(
    commitments_of: Callable[[ReportView], list[CommitmentView]], base: str, labels: Mapping[str, str], report: ReportView
) -> ReportPart:
    """Return a report's records as tracker.json items and CSV lines, each kind in the files' order."""
    report_id = report.record.id
    commitments = commitments_of(report)
    response_ids = {response.url: response.record.id for response in report.responses}
    records: dict[str, list[tuple[SortKey, JsonObject]]] = {
        "reports": [((report_id,), report_json(report, base))],
        "recommendations": [
            ((report_id, index), recommendation_json(rec, base, response_ids)) for index, rec in enumerate(report.recommendations)
        ],
        "responses": [((iso(item.record.date) or "", item.record.id), response_json(item, base)) for item in report.responses],
        "commitments": [((view.record.id,), commitment_json(view, base, report_id)) for view in commitments],
        "updates": [
            ((iso(item.record.date) or "", item.record.id), update_json(item, base)) for view in commitments for item in view.updates
        ],
    }
    part: ReportPart = {}
    for kind, items in records.items():
        items.sort(key=itemgetter(0))
        columns = CSV_COLUMNS[kind]
        part[kind, "json"] = [(key, _json_item(item)) for key, item in items]
        part[kind, "csv"] = [(key, csv_row(columns, item, labels).encode("utf-8")) for key, item in items]
    return part


def _json_item(item: JsonObject) -> bytes:
    """Return an item as JSON indented for its place in one of tracker.json's lists (a JSON string never holds a line break)."""
    return orjson.dumps(item, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).replace(b"\n", b"\n    ")


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
        "text": record.text,
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
            {"number": paragraph.number, "markdown": paragraph.markdown, "text": paragraph.text} for paragraph in record.paragraphs
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
        "note": record.note,
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
        "summary": record.summary,
        "sources": [source_json(source) for source in record.sources],
        "body_claim": {"status_id": claim.status, "source": source_json(claim.source)} if claim else None,
        "page_url": base + update.url,
    }


def flatten_source(source: Source) -> str:
    """Return a source as one line: "title <url>", or "title [reference]" when it has no URL."""
    return flatten_source_json(source_json(source))
