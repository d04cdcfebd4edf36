"""One reader per kind of content file: its fields, checked, into a typed record; every problem added to errors."""

from __future__ import annotations

from datetime import date

from tracker.errors import ContentError
from tracker.fields import FieldReader
from tracker.load import SourceFile
from tracker.markdown import find_unsafe_markup, markdown_to_text, split_paragraphs
from tracker.record_parts import (
    EMPTY_SOURCE,
    read_answer,
    read_body_claim,
    read_check,
    read_correction,
    read_dispute,
    read_provenance,
    read_relation,
    read_source,
    read_target,
    read_target_change,
    required_source,
    text_list,
)
from tracker.records import (
    Body,
    Commitment,
    FieldLines,
    Page,
    Paragraph,
    Recommendation,
    Report,
    Response,
    SiteSettings,
    Stance,
    Status,
    TextProvenance,
    Update,
)
from tracker.texts import Text

DEFAULT_STALE_AFTER_DAYS = 365


def read_site(file: SourceFile, errors: list[ContentError]) -> SiteSettings:
    """Read content/site.yaml."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("title", "description", "base_url", "stale_after_days"))
    stale_after = fields.integer("stale_after_days") if file.data.get("stale_after_days") is not None else DEFAULT_STALE_AFTER_DAYS
    return SiteSettings(fields.text("title"), fields.text("description"), (fields.url("base_url") or "").rstrip("/"), stale_after)


def read_statuses(file: SourceFile, errors: list[ContentError]) -> tuple[Status, ...]:
    """Read content/statuses.yaml: the status vocabulary."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("statuses",))
    statuses = []
    for entry in fields.mappings("statuses", required=True):
        entry.check_known(("id", "label", "definition", "default", "final"))
        statuses.append(
            Status(entry.identifier(), entry.text("label"), entry.text("definition"), entry.boolean("default"), entry.boolean("final"))
        )
    return tuple(statuses)


def read_stances(file: SourceFile, errors: list[ContentError]) -> tuple[Stance, ...]:
    """Read content/stances.yaml: how a response may treat a recommendation."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("stances",))
    stances = []
    for entry in fields.mappings("stances", required=True):
        entry.check_known(("id", "label", "definition", "default"))
        stances.append(Stance(entry.identifier(), entry.text("label"), entry.text("definition"), entry.boolean("default")))
    return tuple(stances)


def read_body(file: SourceFile, errors: list[ContentError]) -> Body:
    """Read a body: content/bodies/*.yaml."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("id", "name", "short_name", "kind", "url"))
    return Body(
        fields.identifier(),
        fields.text("name"),
        fields.text("short_name"),
        fields.text("kind"),
        fields.url("url", required=False),
        file.path,
    )


def read_page(file: SourceFile, errors: list[ContentError]) -> Page:
    """Read a prose page: content/pages/*.md."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("id", "title", "description"))
    return Page(
        fields.identifier(), fields.text("title"), fields.text("description"), _body_markdown(file, errors, True, "text"), file.path
    )


def read_report(file: SourceFile, errors: list[ContentError]) -> Report:
    """Read a report: content/reports/*/report.md."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("id", "title", "body", "chair", "members", "published", "url", "former_ids"))
    return Report(
        id=fields.identifier(),
        title=fields.text("title"),
        body=fields.identifier("body"),
        chair=fields.text("chair"),
        members=text_list(fields, "members"),
        published=fields.required_date("published") or date.min,
        url=fields.url("url") or "",
        summary=_body_markdown(file, errors, True, "summary"),
        former_ids=fields.id_list("former_ids", required=False),
        path=file.path,
    )


def read_recommendation(file: SourceFile, errors: list[ContentError]) -> Recommendation:
    """Read a recommendation: content/reports/*/recommendations/*.md."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("id", "number", "addressed_to", "text_source", "related", "corrections", "former_ids"))
    provenance = fields.optional_mapping("text_source")
    if provenance is None and file.data.get("text_source") is None:
        fields.error(
            "text_source",
            "required field is missing" if "text_source" not in file.data else "required field is empty",
            "say whose words the text is: `text_source:` with `kind: report` or `kind: secondary-summary` and a `source:` (see docs/content.md)",
        )
    return Recommendation(
        id=fields.identifier(),
        report="",  # its folder's report: set by validate_content
        number=fields.integer("number"),
        addressed_to=fields.id_list("addressed_to"),
        text=Text(_body_markdown(file, errors, True, "text")),
        provenance=read_provenance(provenance) if provenance else TextProvenance("", EMPTY_SOURCE, None),
        former_ids=fields.id_list("former_ids", required=False),
        related=tuple(read_relation(entry) for entry in fields.mappings("related", required=False)),
        corrections=tuple(read_correction(entry) for entry in fields.mappings("corrections", required=False)),
        path=file.path,
        line=file.data.line,
        field_lines=FieldLines.of(file.data.key_lines),
    )


def read_response(file: SourceFile, errors: list[ContentError]) -> Response:
    """Read a response: content/reports/*/responses/*.md, the letter verbatim below the fields."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("id", "reference", "date", "from", "signed_by", "to", "source", "answers", "disputes", "former_ids"))
    letter = _body_markdown(file, errors, True, "letter")
    paragraphs = tuple(
        Paragraph(number, Text(block), markdown_to_text(block), line)
        for number, (line, block) in enumerate(split_paragraphs(file.body, file.body_line), start=1)
    )
    return Response(
        id=fields.identifier(),
        report="",  # its folder's report: set by validate_content
        reference=fields.text("reference"),
        date=fields.required_date("date") or date.min,
        from_body=fields.identifier("from"),
        signed_by=fields.text("signed_by"),
        to=fields.text("to"),
        source=required_source(fields, "source"),
        answers=tuple(read_answer(entry) for entry in fields.mappings("answers", required=True)),
        disputes=tuple(read_dispute(entry) for entry in fields.mappings("disputes", required=False)),
        paragraphs=paragraphs if letter else (),
        former_ids=fields.id_list("former_ids", required=False),
        path=file.path,
        field_lines=FieldLines.of(file.data.key_lines),
    )


def read_commitment(file: SourceFile, errors: list[ContentError]) -> Commitment:
    """Read a commitment: content/reports/*/commitments/*.md."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(
        (
            "id",
            "title",
            "recommendations",
            "response",
            "paragraph",
            "quote",
            "owner",
            "target",
            "target_changes",
            "checks",
            "corrections",
            "former_ids",
        )
    )
    target = fields.optional_mapping("target")
    return Commitment(
        id=fields.identifier(),
        report="",  # its folder's report: set by validate_content
        title=fields.text("title"),
        recommendations=fields.id_list("recommendations"),
        response=fields.identifier("response"),
        paragraph=fields.integer("paragraph"),
        quote=fields.text("quote"),
        owner=fields.identifier("owner"),
        target=read_target(target) if target else None,
        target_changes=tuple(read_target_change(entry) for entry in fields.mappings("target_changes", required=False)),
        checks=tuple(read_check(entry) for entry in fields.mappings("checks", required=False)),
        note=Text(_body_markdown(file, errors, False, "note")),
        former_ids=fields.id_list("former_ids", required=False),
        corrections=tuple(read_correction(entry) for entry in fields.mappings("corrections", required=False)),
        path=file.path,
        line=file.data.line,
        field_lines=FieldLines.of(file.data.key_lines),
    )


def read_update(file: SourceFile, errors: list[ContentError]) -> Update:
    """Read a progress update: content/reports/*/updates/*.md."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("id", "commitment", "date", "status", "sources", "body_claim", "corrections"))
    claim = fields.optional_mapping("body_claim")
    if file.data.get("sources") is None:
        fields.error(
            "sources",
            "an update must name at least one source",
            "add `sources:` with a `- title:`, `kind:` and a `url:` or `reference:` for each (see docs/content.md)",
        )
    sources = fields.mappings("sources", required=False) if file.data.get("sources") is not None else []
    if "sources" in file.data and isinstance(file.data["sources"], list) and not file.data["sources"]:
        fields.error("sources", "an update must name at least one source", "add a `- title:` entry under `sources:`")
    return Update(
        id=fields.identifier(),
        report="",  # its folder's report: set by validate_content
        commitment=fields.identifier("commitment"),
        date=fields.required_date("date") or date.min,
        status=fields.identifier("status"),
        sources=tuple(read_source(entry) for entry in sources),
        body_claim=read_body_claim(claim) if claim else None,
        summary=Text(_body_markdown(file, errors, True, "summary")),
        corrections=tuple(read_correction(entry) for entry in fields.mappings("corrections", required=False)),
        path=file.path,
        line=file.data.line,
        field_lines=FieldLines.of(file.data.key_lines),
    )


def _body_markdown(file: SourceFile, errors: list[ContentError], required: bool, field: str) -> str:
    for line, snippet in find_unsafe_markup(file.body, file.body_line):
        errors.append(
            ContentError(
                file.path, line, field, f"{snippet!r} is not allowed in content", "write plain Markdown: no HTML tags and no script links"
            )
        )
    text = file.body.strip()
    if required and not text:
        errors.append(
            ContentError(
                file.path,
                max(file.body_line, 1),
                field,
                "the text after the front matter is empty",
                f"write the {field} below the closing `---`",
            )
        )
    return text
