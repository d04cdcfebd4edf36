"""The open dataset: tracker.json, its JSON Schema, and one CSV file per kind of record."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

import orjson

from tracker.records import Body, Source, Stance, Status
from tracker.render import RenderedPage
from tracker.views import CommitmentView, Figures, RecommendationView, ReportView, ResponseView, SiteModel, UpdateView

JsonObject = dict[str, object]

LICENCE_NOTE = "No licence has been chosen yet; ask the site's editors."
ID_SEPARATOR = ";"
NAME_SEPARATOR = "; "
SOURCE_SEPARATOR = " | "


def data_files(model: SiteModel) -> list[RenderedPage]:
    """Return /data/tracker.json, its schema and the CSV files, all derived from the model."""
    dataset = tracker_json(model)
    files = [
        RenderedPage("data/tracker.json", dump_json(dataset)),
        RenderedPage("data/tracker.schema.json", dump_json(tracker_schema(model.settings.base_url))),
    ]
    for name, columns in CSV_COLUMNS.items():
        rows = dataset[name]
        assert isinstance(rows, list)
        files.append(RenderedPage(f"data/{name}.csv", to_csv(columns, rows, dataset)))
    return files


def dump_json(value: object) -> str:
    """Return JSON text with sorted keys, two-space indents, UTF-8 and a final newline."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode("utf-8") + "\n"


# Walking the model -------------------------------------------------------------------------------


def all_recommendations(model: SiteModel) -> list[RecommendationView]:
    """Return every recommendation, by report id then number."""
    return [rec for report in sorted(model.reports, key=lambda item: item.record.id) for rec in report.recommendations]


def all_responses(model: SiteModel) -> list[ResponseView]:
    """Return every response, by date then id."""
    responses = [response for report in model.reports for response in report.responses]
    return sorted(responses, key=lambda item: (item.record.date, item.record.id))


def report_commitments(report: ReportView) -> list[CommitmentView]:
    """Return the commitments made in answer to a report, by id, each once."""
    found = {view.record.id: view for rec in report.recommendations for view in rec.commitments}
    return [found[key] for key in sorted(found)]


def all_commitments(model: SiteModel) -> list[CommitmentView]:
    """Return every commitment, by id (the model already orders them so)."""
    return list(model.commitments)


def all_updates(model: SiteModel) -> list[UpdateView]:
    """Return every progress update, oldest first (by date, then id)."""
    updates = [update for view in all_commitments(model) for update in view.updates]
    return sorted(updates, key=lambda item: (item.record.date, item.record.id))


def all_bodies(model: SiteModel) -> list[Body]:
    """Return every body some record refers to, by id (the model keeps no list of bodies)."""
    found: dict[str, Body] = {}
    for report in model.reports:
        found[report.body.id] = report.body
        found.update((response.from_body.id, response.from_body) for response in report.responses)
        found.update((body.id, body) for rec in report.recommendations for body in rec.addressed_to)
    found.update((view.owner.id, view.owner) for view in all_commitments(model))
    return [found[key] for key in sorted(found)]


def response_ids_by_url(model: SiteModel) -> dict[str, str]:
    """Return each response's id under its page URL (the views link to responses by URL)."""
    return {response.url: response.record.id for report in model.reports for response in report.responses}


def report_ids_by_url(model: SiteModel) -> dict[str, str]:
    """Return each report's id under its page URL."""
    return {report.url: report.record.id for report in model.reports}


def response_dates(model: SiteModel) -> dict[str, date]:
    """Return each response's date under its id."""
    return {response.record.id: response.record.date for response in all_responses(model)}


# tracker.json ------------------------------------------------------------------------------------


def tracker_json(model: SiteModel) -> JsonObject:
    """Return the whole dataset as plain JSON values, every list in a stable order."""
    base = model.settings.base_url
    rec_response = response_ids_by_url(model)
    report_ids = report_ids_by_url(model)
    return {
        "licence": None,
        "licence_note": LICENCE_NOTE,
        "site": {"title": model.settings.title, "description": model.settings.description, "base_url": base},
        "figures": figures_json(model.figures),
        "statuses": [status_json(view.status) for view in model.statuses],
        "stances": [stance_json(stance) for stance in model.stances],
        "bodies": [body_json(body) for body in all_bodies(model)],
        "reports": [report_json(report, base) for report in sorted(model.reports, key=lambda item: item.record.id)],
        "recommendations": [recommendation_json(rec, base, rec_response) for rec in all_recommendations(model)],
        "responses": [response_json(response, base) for response in all_responses(model)],
        "commitments": [commitment_json(view, base, report_ids) for view in all_commitments(model)],
        "updates": [update_json(update, base) for update in all_updates(model)],
    }


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


def commitment_json(view: CommitmentView, base: str, report_ids: dict[str, str]) -> JsonObject:
    """Return a commitment as JSON, with its current status as the model computes it."""
    record = view.record
    target = record.target
    return {
        "id": record.id,
        "title": record.title,
        "report_id": report_ids[view.report.url],
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


# CSV ---------------------------------------------------------------------------------------------

Cell = Callable[[JsonObject, JsonObject], str]


def field(name: str) -> Cell:
    """Return a column that copies one JSON field: null as empty, numbers as digits."""
    return lambda item, _dataset: cell_text(item[name])


def joined(name: str, separator: str = ID_SEPARATOR) -> Cell:
    """Return a column that joins a JSON list of ids or names."""
    return lambda item, _dataset: separator.join(str(value) for value in as_list(item[name]))


def sources_cell(name: str) -> Cell:
    """Return a column that flattens a list of sources to "title <url>" joined with " | "."""
    return lambda item, _dataset: SOURCE_SEPARATOR.join(flatten_source_json(as_object(source)) for source in as_list(item[name]))


def status_label_cell(item: JsonObject, dataset: JsonObject) -> str:
    """Return the label of an item's status_id, looked up in the dataset's vocabulary."""
    labels = {as_object(status)["id"]: as_object(status)["label"] for status in as_list(dataset["statuses"])}
    return cell_text(labels[item["status_id"]])


def nested(name: str, key: str) -> Cell:
    """Return a column that copies one field of a nested object, empty when the object is null."""
    return lambda item, _dataset: cell_text(as_object(item[name]).get(key)) if item[name] is not None else ""


CSV_COLUMNS: dict[str, dict[str, Cell]] = {
    "reports": {
        "id": field("id"),
        "title": field("title"),
        "body_id": field("body_id"),
        "chair": field("chair"),
        "members": joined("members", NAME_SEPARATOR),
        "published": field("published"),
        "url": field("url"),
        "page_url": field("page_url"),
    },
    "recommendations": {
        "id": field("id"),
        "report_id": field("report_id"),
        "number": field("number"),
        "addressed_to": joined("addressed_to"),
        "stance_id": field("stance_id"),
        "response_id": field("response_id"),
        "text": field("text"),
        "page_url": field("page_url"),
    },
    "responses": {
        "id": field("id"),
        "report_id": field("report_id"),
        "reference": field("reference"),
        "date": field("date"),
        "from_body_id": field("from_body_id"),
        "signed_by": field("signed_by"),
        "to": field("to"),
        "source": lambda item, _dataset: flatten_source_json(as_object(item["source"])),
        "page_url": field("page_url"),
    },
    "commitments": {
        "id": field("id"),
        "title": field("title"),
        "report_id": field("report_id"),
        "response_id": field("response_id"),
        "paragraph": field("paragraph"),
        "recommendation_ids": joined("recommendation_ids"),
        "owner_id": field("owner_id"),
        "quote": field("quote"),
        "target_date": nested("target", "date"),
        "target_as_stated": nested("target", "as_stated"),
        "status_id": field("status_id"),
        "status_label": status_label_cell,
        "status_date": field("status_date"),
        "page_url": field("page_url"),
    },
    "updates": {
        "id": field("id"),
        "commitment_id": field("commitment_id"),
        "date": field("date"),
        "status_id": field("status_id"),
        "status_label": status_label_cell,
        "body_claim_status_id": nested("body_claim", "status_id"),
        "sources": sources_cell("sources"),
        "summary": field("summary"),
        "page_url": field("page_url"),
    },
}


def to_csv(columns: dict[str, Cell], rows: Iterable[object], dataset: JsonObject) -> str:
    """Return CSV text: a header row, then one row per JSON item, lines ending in a newline."""
    lines = [csv_line(list(columns))]
    for row in rows:
        item = as_object(row)
        lines.append(csv_line([cell(item, dataset) for cell in columns.values()]))
    return "".join(lines)


_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def csv_line(cells: list[str]) -> str:
    """Return one CSV line as RFC 4180 writes it: a cell with a comma, quote or line break is quoted, its quotes doubled.

    The same text as Python's csv.writer (lineterminator "\\n"), which is three times slower on
    long cells; like csv.writer from Python 3.13 on, it also quotes a cell with a lone carriage
    return (which a YAML escape, "\\r", can put in a field).
    """
    if cells == [""]:
        return '""\n'  # as csv.writer does: a line holding one empty cell is not a blank line
    return ",".join('"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell for cell in cells) + "\n"


def cell_text(value: object) -> str:
    """Return a JSON scalar as CSV text: null as empty, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten_source(source: Source) -> str:
    """Return a source as one line: "title <url>", or "title [reference]" when it has no URL."""
    return flatten_source_json(source_json(source))


def flatten_source_json(source: JsonObject) -> str:
    """Return a JSON source as one line: "title <url>", or "title [reference]" when it has no URL."""
    if source["url"]:
        return f"{source['title']} <{source['url']}>"
    if source["reference"]:
        return f"{source['title']} [{source['reference']}]"
    return str(source["title"])


def as_list(value: object) -> list[object]:
    """Return value, known to be a JSON list."""
    assert isinstance(value, list)
    return value


def as_object(value: object) -> JsonObject:
    """Return value, known to be a JSON object."""
    assert isinstance(value, dict)
    return value


# tracker.schema.json -----------------------------------------------------------------------------


def tracker_schema(base_url: str) -> JsonObject:
    """Return the JSON Schema (draft 2020-12) that tracker.json follows exactly."""
    source: JsonObject = {"$ref": "#/$defs/source"}
    figures: JsonObject = {"$ref": "#/$defs/figures"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base_url}/data/tracker.schema.json",
        "title": "Recommendations tracker dataset",
        "description": "Reports, their recommendations, the responses to them, the commitments in those responses and dated, sourced progress updates. Ids join the lists.",
        **obj(
            licence=nullable(STRING),
            licence_note=STRING,
            site=obj(title=STRING, description=STRING, base_url=STRING),
            figures=figures,
            statuses=array(obj(id=ID, label=STRING, definition=STRING, is_default=BOOLEAN, is_final=BOOLEAN)),
            stances=array(obj(id=ID, label=STRING, definition=STRING, is_default=BOOLEAN)),
            bodies=array(obj(id=ID, name=STRING, short_name=STRING, kind=STRING, url=nullable(STRING))),
            reports=array(
                obj(
                    id=ID,
                    title=STRING,
                    body_id=ID,
                    chair=STRING,
                    members=array(STRING),
                    published=DATE,
                    url=STRING,
                    summary=STRING,
                    page_url=STRING,
                    figures=figures,
                )
            ),
            recommendations=array(
                obj(
                    id=ID,
                    report_id=ID,
                    number=INTEGER,
                    addressed_to=array(ID),
                    text=STRING,
                    text_provenance=obj(kind=STRING, note=nullable(STRING), source=source),
                    stance_id=ID,
                    response_id=nullable(ID),
                    answer_paragraphs=array(INTEGER),
                    page_url=STRING,
                )
            ),
            responses=array(
                obj(
                    id=ID,
                    report_id=ID,
                    reference=STRING,
                    date=DATE,
                    from_body_id=ID,
                    signed_by=STRING,
                    to=STRING,
                    source=source,
                    answers=array(obj(recommendation_id=ID, stance_id=ID, paragraphs=array(INTEGER))),
                    disputes=array(obj(paragraph=INTEGER, quote=STRING)),
                    paragraphs=array(obj(number=INTEGER, markdown=STRING, text=STRING)),
                    page_url=STRING,
                )
            ),
            commitments=array(
                obj(
                    id=ID,
                    title=STRING,
                    report_id=ID,
                    response_id=ID,
                    paragraph=INTEGER,
                    recommendation_ids=array(ID),
                    owner_id=ID,
                    quote=STRING,
                    target=nullable(obj(as_stated=STRING, date=DATE, paragraph=INTEGER, date_basis=STRING)),
                    target_changes=array(obj(changed_on=DATE, new_date=DATE, reason=nullable(STRING), source=source)),
                    checks=array(obj(checked_on=DATE, note=nullable(STRING))),
                    note=STRING,
                    status_id=ID,
                    status_date=nullable(DATE),
                    page_url=STRING,
                    badge_url=STRING,
                )
            ),
            updates=array(
                obj(
                    id=ID,
                    commitment_id=ID,
                    date=DATE,
                    status_id=ID,
                    summary=STRING,
                    sources=array(source),
                    body_claim=nullable(obj(status_id=ID, source=source)),
                    page_url=STRING,
                )
            ),
        ),
        "$defs": {
            "source": obj(
                title=STRING,
                kind={"type": "string", "enum": ["primary", "secondary"]},
                url=nullable(STRING),
                reference=nullable(STRING),
                publisher=nullable(STRING),
                published=nullable(DATE),
            ),
            "figures": obj(
                recommendations=COUNT,
                answered=COUNT,
                not_answered=COUNT,
                commitments=COUNT,
                by_status=array(obj(status_id=ID, count=COUNT)),
            ),
        },
    }


STRING: JsonObject = {"type": "string"}
BOOLEAN: JsonObject = {"type": "boolean"}
INTEGER: JsonObject = {"type": "integer"}
COUNT: JsonObject = {"type": "integer", "minimum": 0}
ID: JsonObject = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
DATE: JsonObject = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


def obj(**properties: JsonObject) -> JsonObject:
    """Return the schema of an object with exactly these properties, all required."""
    return {"type": "object", "properties": properties, "required": sorted(properties), "additionalProperties": False}


def array(items: JsonObject) -> JsonObject:
    """Return the schema of a list of items."""
    return {"type": "array", "items": items}


def nullable(schema: JsonObject) -> JsonObject:
    """Return a schema that also allows null."""
    return {"anyOf": [schema, {"type": "null"}]}
