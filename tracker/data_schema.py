"""The JSON Schema of the open dataset's tracker.json."""

from __future__ import annotations

JsonObject = dict[str, object]


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
