"""Validate stage: turn loaded files into typed records, collecting every error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TypeVar, cast

from tracker.cache import RecordCache
from tracker.consistency import check_consistency
from tracker.errors import ContentError
from tracker.load import SourceFile, report_folder
from tracker.readers import (
    DEFAULT_STALE_AFTER_DAYS,
    read_body,
    read_commitment,
    read_page,
    read_recommendation,
    read_report,
    read_response,
    read_site,
    read_stances,
    read_statuses,
    read_update,
)
from tracker.records import (
    Commitment,
    Content,
    Recommendation,
    Report,
    Response,
    SiteSettings,
    Update,
)
from tracker.references import Unreadable

R = TypeVar("R")
InReport = TypeVar("InReport", Recommendation, Response, Commitment, Update)


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
