"""Readers of the parts that several kinds of record share: sources, targets, checks, links and corrections."""

from __future__ import annotations

from datetime import date

from tracker.fields import FieldReader
from tracker.records import (
    Answer,
    BodyClaim,
    Check,
    Correction,
    Dispute,
    Relation,
    Source,
    Target,
    TargetChange,
    TextProvenance,
)

SOURCE_FIELDS = ("title", "kind", "url", "reference", "publisher", "published", "https_unavailable")
EMPTY_SOURCE = Source("", "", None, None, None, None)


def text_list(fields: FieldReader, name: str) -> tuple[str, ...]:
    """Return a list of names, or () (with an error) if the field is not one."""
    value = fields.data.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or any(not isinstance(item, str) for item in value):
        fields.error(name, "expected a list of names", f"write one `- name` per line under `{name}:`")
        return ()
    return tuple(str(item).strip() for item in value)


def read_source(fields: FieldReader) -> Source:
    """Return a source: a title, its kind, and a URL or a reference."""
    fields.check_known(SOURCE_FIELDS)
    url = fields.url("url", required=False)
    reference = fields.optional_text("reference")
    if url is None and reference is None and not fields.data.get("url"):
        fields.error("url", "a source needs a `url:` or a `reference:`", "add the web address, or the document's reference number")
    return Source(
        title=fields.text("title"),
        kind=fields.choice("kind", ("primary", "secondary")),
        url=url,
        reference=reference,
        publisher=fields.optional_text("publisher"),
        published=fields.optional_date("published"),
        line=fields.line("url"),
        https_unavailable=fields.boolean("https_unavailable"),
    )


def required_source(fields: FieldReader, name: str) -> Source:
    """Return the source under name, or an empty one (with an error) if it is missing."""
    entry = fields.optional_mapping(name)
    if entry is None:
        if fields.data.get(name) is None:
            problem = "required field is missing" if name not in fields.data else "required field is empty"
            fields.error(name, problem, f"indent `title:`, `kind:` and a `url:` or `reference:` under `{name}:`")
        return EMPTY_SOURCE
    return read_source(entry)


def read_provenance(fields: FieldReader) -> TextProvenance:
    """Return where a recommendation's text was taken from."""
    fields.check_known(("kind", "source", "note"))
    return TextProvenance(
        fields.choice("kind", ("report", "secondary-summary")), required_source(fields, "source"), fields.optional_text("note")
    )


def read_answer(fields: FieldReader) -> Answer:
    """Return one answer of a response: the recommendation, the stance, the paragraphs."""
    fields.check_known(("recommendation", "stance", "paragraphs"))
    return Answer(fields.identifier("recommendation"), fields.identifier("stance"), fields.number_list("paragraphs"), fields.data.line)


def read_dispute(fields: FieldReader) -> Dispute:
    """Return a passage of a response that disputes the report."""
    fields.check_known(("paragraph", "quote"))
    return Dispute(fields.integer("paragraph"), fields.text("quote"), fields.data.line)


def read_target(fields: FieldReader) -> Target:
    """Return a commitment's target, as stated and as a date."""
    fields.check_known(("as_stated", "date", "paragraph", "date_basis"))
    return Target(
        fields.text("as_stated"),
        fields.required_date("date") or date.min,
        fields.integer("paragraph"),
        fields.text("date_basis"),
        fields.data.line,
    )


def read_target_change(fields: FieldReader) -> TargetChange:
    """Return a change of a commitment's target date, with its reason and source."""
    fields.check_known(("date", "new_target", "reason", "source"))
    return TargetChange(
        changed_on=fields.required_date("date") or date.min,
        new_date=fields.required_date("new_target") or date.min,
        reason=fields.optional_text("reason"),
        source=required_source(fields, "source"),
        line=fields.data.line,
    )


def read_check(fields: FieldReader) -> Check:
    """Return a day on which editors looked for news of a commitment and found nothing new."""
    fields.check_known(("date", "note"))
    return Check(fields.required_date("date") or date.min, fields.optional_text("note"), fields.data.line)


RELATIONS = ("repeats", "supersedes", "follows-up")


def read_relation(fields: FieldReader) -> Relation:
    """Return a link to a recommendation in another report that this one repeats, supersedes or follows up."""
    fields.check_known(("recommendation", "relation"))
    return Relation(fields.identifier("recommendation"), fields.choice("relation", RELATIONS), fields.data.line)


def read_correction(fields: FieldReader) -> Correction:
    """Return a correction of what the site said."""
    fields.check_known(("date", "what_was_wrong"))
    return Correction(fields.required_date("date") or date.min, fields.text("what_was_wrong"), fields.data.line)


def read_body_claim(fields: FieldReader) -> BodyClaim:
    """Return the status the responsible body itself claims, with its source."""
    fields.check_known(("status", "source"))
    return BodyClaim(fields.identifier("status"), required_source(fields, "source"))
