"""The open dataset: tracker.json (made here from each record's JSON, data_json.py, report by report, data_parts.py), its JSON Schema (data_schema.py), and one CSV file per kind of record (data_csv.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from operator import itemgetter
from pathlib import Path

import orjson

from tracker.data_csv import CSV_COLUMNS, csv_line, csv_row
from tracker.data_json import (
    body_json,
    commitment_json,
    figures_json,
    recommendation_json,
    report_json,
    response_json,
    stance_json,
    status_json,
    update_json,
)
from tracker.data_parts import RECORD_KINDS, ReportPart, ReportParts, SortKey
from tracker.data_schema import JsonObject, tracker_schema
from tracker.items import all_bodies, report_commitments, response_order, update_order
from tracker.render import Chunks, RenderedPage
from tracker.views import ReportView, SiteModel

LICENCE_NOTE = "No licence has been chosen yet; ask the site's editors."
DATA_FORMS = ("json", "csv")  # the open data's two units: tracker.json with its schema, and the CSV files


def data_files(
    model: SiteModel, cache_folder: Path | None = None, report_keys: Mapping[str, str] | None = None, form: str | None = None
) -> list[RenderedPage]:
    """Return /data/tracker.json and its schema (form "json"), the CSV files (form "csv"), or both, each written as it is made.

    The two forms are apart, so that two workers make them at once. With a cache folder and each
    report's unit key, each report's part of the files is kept there, and taken from there while
    its key is unchanged (data_parts.py).
    """
    labels = {view.status.id: view.status.label for view in model.statuses}
    base = model.settings.base_url
    parts = ReportParts(model.reports, partial(report_part, base, labels), cache_folder, report_keys or {})
    parts.remove_others()
    files = []
    if form in (None, "json"):
        files += [
            RenderedPage("data/tracker.json", Chunks(partial(tracker_json_chunks, model, parts))),
            RenderedPage("data/tracker.schema.json", dump_json(tracker_schema(base))),
        ]
    if form in (None, "csv"):
        files += [RenderedPage(f"data/{kind}.csv", Chunks(partial(csv_chunks, kind, parts))) for kind in RECORD_KINDS]
    return files


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


def report_part(base: str, labels: Mapping[str, str], form: str, report: ReportView) -> ReportPart:
    """Return a report's records as tracker.json items (form "json") or CSV lines (form "csv"), each kind in the files' order."""
    report_id = report.record.id
    commitments = report_commitments(report)
    response_ids = {response.url: response.record.id for response in report.responses}
    records: dict[str, list[tuple[SortKey, JsonObject]]] = {
        "reports": [((report_id,), report_json(report, base))],
        "recommendations": [
            ((report_id, index), recommendation_json(rec, base, response_ids)) for index, rec in enumerate(report.recommendations)
        ],
        "responses": [(response_order(item), response_json(item, base)) for item in report.responses],
        "commitments": [((view.record.id,), commitment_json(view, base, report_id)) for view in commitments],
        "updates": [(update_order(item), update_json(item, base)) for view in commitments for item in view.updates],
    }
    part: ReportPart = {}
    for kind, items in records.items():
        items.sort(key=itemgetter(0))
        columns = CSV_COLUMNS[kind]
        if form == "json":
            part[kind, form] = [(key, _json_item(item)) for key, item in items]
        else:
            part[kind, form] = [(key, csv_row(columns, item, labels).encode("utf-8")) for key, item in items]
    return part


def _json_item(item: JsonObject) -> bytes:
    """Return an item as JSON indented for its place in one of tracker.json's lists (a JSON string never holds a line break)."""
    return orjson.dumps(item, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).replace(b"\n", b"\n    ")
