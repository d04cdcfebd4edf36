"""Validate stage: turn loaded files into typed records, collecting every error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TypeVar, cast

from tracker.cache import RecordCache
from tracker.consistency import check_consistency
from tracker.errors import ContentError
from tracker.fields import FieldReader
from tracker.load import SourceFile, report_folder
from tracker.markdown import find_unsafe_markup, markdown_to_text, split_paragraphs
from tracker.records import (
    Answer,
    Body,
    BodyClaim,
    Check,
    Commitment,
    Content,
    Correction,
    Dispute,
    Page,
    Paragraph,
    Recommendation,
    Relation,
    Report,
    Response,
    SiteSettings,
    Source,
    Stance,
    Status,
    Target,
    TargetChange,
    TextProvenance,
    Update,
)
from tracker.references import Unreadable

R = TypeVar("R")
InReport = TypeVar("InReport", Recommendation, Response, Commitment, Update)
SOURCE_FIELDS = ("title", "kind", "url", "reference", "publisher", "published", "https_unavailable")
DEFAULT_STALE_AFTER_DAYS = 365


def validate_content(
    files: tuple[SourceFile, ...], today: date, unloaded_kinds: frozenset[str] = frozenset(), records: RecordCache | None = None
) -> tuple[Content | None, list[ContentError]]:
    """Return the validated content, or None with every error found.

    unloaded_kinds are the kinds of files that failed to load: references to them are not
    reported again, since the file's own error explains them. records holds what earlier builds
    validated: a file it knows is not read again (load left it unparsed).
    """
    errors: list[ContentError] = []
    cache = records or RecordCache(None)
    unreadable = Unreadable(kinds=set(unloaded_kinds))
    by_kind: dict[str, list[SourceFile]] = {}
    for file in files:
        by_kind.setdefault(file.kind, []).append(file)
    _require_single(by_kind, [kind for kind in ("site", "statuses", "stances") if kind not in unloaded_kinds], errors)

    def read_files(kind: str, reader: Callable[[SourceFile, list[ContentError]], R | None]) -> list[tuple[SourceFile, R]]:
        found = []
        for file in by_kind.get(kind, []):
            record = cast("R | None", cache.recall(file)) if not file.parsed else _read_file(file, reader, errors)
            if record is None:
                unreadable.ids.setdefault(kind, set()).add(str(file.data.get("id") or "").strip())
                unreadable.kinds.update({"statuses", "stances", "site"} & {kind})
            else:
                cache.keep(file, record)
                found.append((file, record))
        return found

    def read_all(kind: str, reader: Callable[[SourceFile, list[ContentError]], R | None]) -> tuple[R, ...]:
        return tuple(record for _, record in read_files(kind, reader))

    reports = read_all("report", read_report)
    report_folders = _report_folders(by_kind.get("report", []), reports)

    def in_report(kind: str, reader: Callable[[SourceFile, list[ContentError]], InReport]) -> tuple[InReport, ...]:
        placed = []
        for file, record in read_files(kind, reader):
            before = len(errors)
            report_id = _report_of(record.path, report_folders, errors)
            if len(errors) == before:
                placed.append(record if record.report == report_id else replace(record, report=report_id))
                cache.keep(file, placed[-1])
            else:
                unreadable.ids.setdefault(kind, set()).add(record.id)
        return tuple(placed)

    settings = read_all("site", read_site)
    statuses = tuple(status for group in read_all("statuses", read_statuses) for status in group)
    stances = tuple(stance for group in read_all("stances", read_stances) for stance in group)
    content = Content(
        settings=settings[0] if settings else SiteSettings("", "", "", DEFAULT_STALE_AFTER_DAYS),
        statuses=statuses,
        stances=stances,
        bodies=read_all("body", read_body),
        pages=read_all("page", read_page),
        reports=reports,
        recommendations=in_report("recommendation", read_recommendation),
        responses=in_report("response", read_response),
        commitments=in_report("commitment", read_commitment),
        updates=in_report("update", read_update),
    )
    errors.extend(check_consistency(content, today, unreadable))
    if errors or not settings:
        return None, errors
    return content, errors


def _read_file(file: SourceFile, reader: Callable[[SourceFile, list[ContentError]], R | None], errors: list[ContentError]) -> R | None:
    before = len(errors)
    record = reader(file, errors)
    return record if len(errors) == before else None


def _require_single(by_kind: dict[str, list[SourceFile]], kinds: list[str], errors: list[ContentError]) -> None:
    for kind in kinds:
        if kind not in by_kind:
            errors.append(
                ContentError(f"{kind}.yaml", 1, "file", "this file is missing", f"create content/{kind}.yaml (see docs/content.md)")
            )


def _report_folders(report_files: list[SourceFile], reports: tuple[Report, ...]) -> dict[str, str]:
    """Return each report folder's report id: from its record, or from its file's fields if it has errors."""
    folders = {report_folder(report.path) or "": report.id for report in reports}
    for file in report_files:
        report_id = file.data.get("id")
        folder = report_folder(file.path) or ""
        if folder not in folders and isinstance(report_id, str):
            folders[folder] = report_id.strip()
    return folders


def _report_of(path: str, report_folders: dict[str, str], errors: list[ContentError]) -> str:
    folder = report_folder(path) or ""
    if folder not in report_folders:
        errors.append(
            ContentError(
                path,
                1,
                "file",
                f"there is no {folder}/report.md for this file to belong to",
                f"add {folder}/report.md, or move this file into a report's folder",
            )
        )
        return ""
    return report_folders[folder]


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


# -- one reader per kind of file ------------------------------------------------


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
        members=_text_list(fields, "members"),
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
        text=_body_markdown(file, errors, True, "text"),
        provenance=_read_provenance(provenance) if provenance else TextProvenance("", _EMPTY_SOURCE, None),
        former_ids=fields.id_list("former_ids", required=False),
        related=tuple(_read_relation(entry) for entry in fields.mappings("related", required=False)),
        corrections=tuple(_read_correction(entry) for entry in fields.mappings("corrections", required=False)),
        path=file.path,
        line=file.data.line,
        field_lines=dict(file.data.key_lines),
    )


def read_response(file: SourceFile, errors: list[ContentError]) -> Response:
    """Read a response: content/reports/*/responses/*.md, the letter verbatim below the fields."""
    fields = FieldReader(file.path, file.data, errors)
    fields.check_known(("id", "reference", "date", "from", "signed_by", "to", "source", "answers", "disputes", "former_ids"))
    letter = _body_markdown(file, errors, True, "letter")
    paragraphs = tuple(
        Paragraph(number, block, markdown_to_text(block), line)
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
        source=_required_source(fields, "source"),
        answers=tuple(_read_answer(entry) for entry in fields.mappings("answers", required=True)),
        disputes=tuple(_read_dispute(entry) for entry in fields.mappings("disputes", required=False)),
        paragraphs=paragraphs if letter else (),
        former_ids=fields.id_list("former_ids", required=False),
        path=file.path,
        field_lines=dict(file.data.key_lines),
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
        target=_read_target(target) if target else None,
        target_changes=tuple(_read_target_change(entry) for entry in fields.mappings("target_changes", required=False)),
        checks=tuple(_read_check(entry) for entry in fields.mappings("checks", required=False)),
        note=_body_markdown(file, errors, False, "note"),
        former_ids=fields.id_list("former_ids", required=False),
        corrections=tuple(_read_correction(entry) for entry in fields.mappings("corrections", required=False)),
        path=file.path,
        line=file.data.line,
        field_lines=dict(file.data.key_lines),
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
        sources=tuple(_read_source(entry) for entry in sources),
        body_claim=_read_body_claim(claim) if claim else None,
        summary=_body_markdown(file, errors, True, "summary"),
        corrections=tuple(_read_correction(entry) for entry in fields.mappings("corrections", required=False)),
        path=file.path,
        line=file.data.line,
        field_lines=dict(file.data.key_lines),
    )


# -- parts shared between kinds ---------------------------------------------------

_EMPTY_SOURCE = Source("", "", None, None, None, None)


def _text_list(fields: FieldReader, name: str) -> tuple[str, ...]:
    value = fields.data.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or any(not isinstance(item, str) for item in value):
        fields.error(name, "expected a list of names", f"write one `- name` per line under `{name}:`")
        return ()
    return tuple(str(item).strip() for item in value)


def _read_source(fields: FieldReader) -> Source:
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


def _required_source(fields: FieldReader, name: str) -> Source:
    entry = fields.optional_mapping(name)
    if entry is None:
        if fields.data.get(name) is None:
            problem = "required field is missing" if name not in fields.data else "required field is empty"
            fields.error(name, problem, f"indent `title:`, `kind:` and a `url:` or `reference:` under `{name}:`")
        return _EMPTY_SOURCE
    return _read_source(entry)


def _read_provenance(fields: FieldReader) -> TextProvenance:
    fields.check_known(("kind", "source", "note"))
    return TextProvenance(
        fields.choice("kind", ("report", "secondary-summary")), _required_source(fields, "source"), fields.optional_text("note")
    )


def _read_answer(fields: FieldReader) -> Answer:
    fields.check_known(("recommendation", "stance", "paragraphs"))
    return Answer(fields.identifier("recommendation"), fields.identifier("stance"), fields.number_list("paragraphs"), fields.data.line)


def _read_dispute(fields: FieldReader) -> Dispute:
    fields.check_known(("paragraph", "quote"))
    return Dispute(fields.integer("paragraph"), fields.text("quote"), fields.data.line)


def _read_target(fields: FieldReader) -> Target:
    fields.check_known(("as_stated", "date", "paragraph", "date_basis"))
    return Target(
        fields.text("as_stated"),
        fields.required_date("date") or date.min,
        fields.integer("paragraph"),
        fields.text("date_basis"),
        fields.data.line,
    )


def _read_target_change(fields: FieldReader) -> TargetChange:
    fields.check_known(("date", "new_target", "reason", "source"))
    return TargetChange(
        changed_on=fields.required_date("date") or date.min,
        new_date=fields.required_date("new_target") or date.min,
        reason=fields.optional_text("reason"),
        source=_required_source(fields, "source"),
        line=fields.data.line,
    )


def _read_check(fields: FieldReader) -> Check:
    fields.check_known(("date", "note"))
    return Check(fields.required_date("date") or date.min, fields.optional_text("note"), fields.data.line)


RELATIONS = ("repeats", "supersedes", "follows-up")


def _read_relation(fields: FieldReader) -> Relation:
    fields.check_known(("recommendation", "relation"))
    return Relation(fields.identifier("recommendation"), fields.choice("relation", RELATIONS), fields.data.line)


def _read_correction(fields: FieldReader) -> Correction:
    fields.check_known(("date", "what_was_wrong"))
    return Correction(fields.required_date("date") or date.min, fields.text("what_was_wrong"), fields.data.line)


def _read_body_claim(fields: FieldReader) -> BodyClaim:
    fields.check_known(("status", "source"))
    return BodyClaim(fields.identifier("status"), _required_source(fields, "source"))
