"""The open dataset's CSV files: one per kind of record, each column taken from tracker.json."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tracker.data_schema import JsonObject

ID_SEPARATOR = ";"
NAME_SEPARATOR = "; "
SOURCE_SEPARATOR = " | "

Cell = Callable[[JsonObject, Mapping[str, str]], str]  # an item, and the status vocabulary's labels by id


def field(name: str) -> Cell:
    """Return a column that copies one JSON field: null as empty, numbers as digits."""
    return lambda item, _labels: cell_text(item[name])


def joined(name: str, separator: str = ID_SEPARATOR) -> Cell:
    """Return a column that joins a JSON list of ids or names."""
    return lambda item, _labels: separator.join(str(value) for value in as_list(item[name]))


def sources_cell(name: str) -> Cell:
    """Return a column that flattens a list of sources to "title <url>" joined with " | "."""
    return lambda item, _labels: SOURCE_SEPARATOR.join(flatten_source_json(as_object(source)) for source in as_list(item[name]))


def status_label_cell(item: JsonObject, labels: Mapping[str, str]) -> str:
    """Return the label of an item's status_id, looked up in the dataset's vocabulary."""
    return labels[str(item["status_id"])]


def nested(name: str, key: str) -> Cell:
    """Return a column that copies one field of a nested object, empty when the object is null."""
    return lambda item, _labels: cell_text(as_object(item[name]).get(key)) if item[name] is not None else ""


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
        "source": lambda item, _labels: flatten_source_json(as_object(item["source"])),
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


def csv_row(columns: dict[str, Cell], item: JsonObject, labels: Mapping[str, str]) -> str:
    """Return one JSON item's CSV line; labels are the status vocabulary's, by id."""
    return csv_line([cell(item, labels) for cell in columns.values()])


def csv_line(cells: list[str]) -> str:
    """Return one CSV line as RFC 4180 writes it: a cell with a comma, quote or line break is quoted, its quotes doubled.

    The same text as Python's csv.writer (lineterminator "\\n"), which is three times slower on
    long cells; like csv.writer from Python 3.13 on, it also quotes a cell with a lone carriage
    return (which a YAML escape, "\\r", can put in a field).
    """
    if cells == [""]:
        return '""\n'  # as csv.writer does: a line holding one empty cell is not a blank line
    return ",".join('"' + cell.replace('"', '""') + '"' if _needs_quotes(cell) else cell for cell in cells) + "\n"


def _needs_quotes(cell: str) -> bool:
    # Four scans in C: faster than one regular expression over long cells.
    return '"' in cell or "," in cell or "\n" in cell or "\r" in cell


def cell_text(value: object) -> str:
    """Return a JSON scalar as CSV text: null as empty, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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
