"""Atom feeds, the open dataset (JSON, its schema, CSV) and the status badges, on the fixture and the real content."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import FIXTURE_CONTENT, FIXTURE_TODAY, ROOT, project_for
from tracker.badges import TAG_COLOURS, badge_files
from tracker.data import data_files
from tracker.data_csv import csv_line
from tracker.feeds import feed_files
from tracker.pipeline import Project, check_site
from tracker.render import RenderedPage
from tracker.views import CommitmentView, SiteModel
from tracker.write import encode

ATOM = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def fixture_model(tmp_path_factory: pytest.TempPathFactory) -> SiteModel:
    """The model of the fictional fixture."""
    return check_site(project_for(FIXTURE_CONTENT, tmp_path_factory.mktemp("feeds") / "site"), FIXTURE_TODAY).model


@pytest.fixture(scope="module")
def real_model() -> SiteModel:
    """The model of the real content/, judged today."""
    return check_site(Project.at(ROOT), date.today()).model


@pytest.fixture(scope="module", params=["fixture", "real"])
def model(request: pytest.FixtureRequest) -> SiteModel:
    """Each model in turn: the fixture's, then the real content's."""
    result: SiteModel = request.getfixturevalue(f"{request.param}_model")
    return result


def _files(pages: Iterable[RenderedPage]) -> dict[str, str]:
    """Return each file's text as it is written."""
    return {page.output_path: encode(page).decode("utf-8") for page in pages}


def _commitments(model: SiteModel) -> dict[str, CommitmentView]:
    return {view.record.id: view for status in model.statuses for view in status.commitments}


def _newest_first(updates: list[Any]) -> list[Any]:
    return sorted(updates, key=lambda update: (update.record.date, update.record.id), reverse=True)


def _ids(model: SiteModel, updates: list[Any]) -> list[str]:
    return [model.settings.base_url + update.url for update in _newest_first(updates)]


# Feeds -------------------------------------------------------------------------------------------


def test_there_is_a_site_feed_one_per_report_and_one_per_commitment(model: SiteModel) -> None:
    expected = {
        "feeds/all.xml",
        *(f"feeds/reports/{report.record.id}.xml" for report in model.reports),
        *(f"feeds/commitments/{commitment_id}.xml" for commitment_id in _commitments(model)),
    }
    assert set(_files(feed_files(model))) == expected
    assert len(list(feed_files(model))) == len(expected)


def test_every_feed_parses_as_atom_without_errors(model: SiteModel) -> None:
    for path, text in _files(feed_files(model)).items():
        parsed = feedparser.parse(text.encode("utf-8"))
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10", path


def test_every_feed_has_what_atom_requires(model: SiteModel) -> None:
    base = model.settings.base_url
    for path, text in _files(feed_files(model)).items():
        feed = ET.fromstring(text.encode("utf-8"))
        assert feed.tag == f"{ATOM}feed"
        assert feed.findtext(f"{ATOM}id") == f"{base}/{path}"
        assert feed.findtext(f"{ATOM}title")
        assert feed.findtext(f"{ATOM}author/{ATOM}name")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", feed.findtext(f"{ATOM}updated") or "")
        self_links = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert self_links == [f"{base}/{path}"]
        for entry in feed.findall(f"{ATOM}entry"):
            for child in ("id", "title", "updated", "summary"):
                assert entry.findtext(f"{ATOM}{child}"), (path, child)
            assert entry.find(f"{ATOM}link").get("href") == entry.findtext(f"{ATOM}id")  # type: ignore[union-attr]


def test_the_site_feed_holds_only_the_newest_updates(fixture_model: SiteModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tracker.feeds.SITE_FEED_ENTRIES", 1)
    parsed = feedparser.parse(_files(feed_files(fixture_model))["feeds/all.xml"].encode("utf-8"))
    assert [entry.id for entry in parsed.entries] == ["https://fictional.example/commitments/benches-c1/#update-benches-u2"]


def test_the_site_feed_holds_every_update_newest_first(model: SiteModel) -> None:
    updates = [update for view in _commitments(model).values() for update in view.updates]
    parsed = feedparser.parse(_files(feed_files(model))["feeds/all.xml"].encode("utf-8"))
    assert [entry.id for entry in parsed.entries] == _ids(model, updates)
    if updates:
        assert parsed.feed.updated == f"{_newest_first(updates)[0].record.date.isoformat()}T00:00:00Z"


def test_each_report_feed_holds_the_updates_on_its_commitments(model: SiteModel) -> None:
    files = _files(feed_files(model))
    for report in model.reports:
        views = {view.record.id: view for rec in report.recommendations for view in rec.commitments}
        updates = [update for view in views.values() for update in view.updates]
        parsed = feedparser.parse(files[f"feeds/reports/{report.record.id}.xml"].encode("utf-8"))
        assert [entry.id for entry in parsed.entries] == _ids(model, updates)
        newest = _newest_first(updates)[0].record.date if updates else report.record.published
        assert parsed.feed.updated == f"{newest.isoformat()}T00:00:00Z"


def test_each_commitment_feed_holds_its_updates(model: SiteModel) -> None:
    files = _files(feed_files(model))
    for commitment_id, view in _commitments(model).items():
        parsed = feedparser.parse(files[f"feeds/commitments/{commitment_id}.xml"].encode("utf-8"))
        assert [entry.id for entry in parsed.entries] == _ids(model, list(view.updates))
        assert [entry.title for entry in parsed.entries] == [f"{view.record.title}: {update.status.label}" for update in view.updates]


def test_a_commitment_feed_without_updates_is_dated_by_its_response(fixture_model: SiteModel) -> None:
    parsed = feedparser.parse(_files(feed_files(fixture_model))["feeds/commitments/benches-c2.xml"].encode("utf-8"))
    assert parsed.entries == []
    assert parsed.feed.updated == "2021-06-01T00:00:00Z"


def test_a_feed_entry_reads_as_the_update(fixture_model: SiteModel) -> None:
    parsed = feedparser.parse(_files(feed_files(fixture_model))["feeds/all.xml"].encode("utf-8"))
    newest = parsed.entries[0]
    assert parsed.feed.updated == "2022-02-01T00:00:00Z"
    assert newest.id == "https://fictional.example/commitments/benches-c1/#update-benches-u2"
    assert newest.link == newest.id
    assert newest.title == "Paint every bench green: Partly delivered"
    assert newest.updated == "2022-02-01T00:00:00Z"
    assert newest.summary.startswith("The office says all benches are painted; the fictional survey found two unpainted.")
    assert "Sources: Fictional survey of benches <https://fictional.example/survey>." in newest.summary
    assert "Delivered, in Fictional annual report 2022 [FICT-AR-2022]" in newest.summary


def test_outputs_are_deterministic(fixture_model: SiteModel) -> None:
    for make in (feed_files, data_files, badge_files):
        assert _files(make(fixture_model)) == _files(make(fixture_model))


# The open dataset --------------------------------------------------------------------------------


def _dataset(model: SiteModel) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    files = _files(data_files(model))
    return json.loads(files["data/tracker.json"]), json.loads(files["data/tracker.schema.json"]), files


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_dataset_files_are_where_the_brief_says(model: SiteModel) -> None:
    names = [
        "tracker.json",
        "tracker.schema.json",
        *(f"{kind}.csv" for kind in ("reports", "recommendations", "responses", "commitments", "updates")),
    ]
    assert sorted(_files(data_files(model))) == sorted(f"data/{name}" for name in names)


def test_the_json_validates_against_its_schema(model: SiteModel) -> None:
    dataset, schema, _outputs = _dataset(model)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(dataset)


def test_the_schema_refuses_what_it_does_not_describe(fixture_model: SiteModel) -> None:
    dataset, schema, _outputs = _dataset(fixture_model)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    dataset["commitments"][0]["extra"] = 1
    dataset["updates"][0]["date"] = "2021-02-30"
    del dataset["reports"][0]["title"]
    assert len(list(validator.iter_errors(dataset))) == 3


def test_the_json_is_sorted_indented_and_ends_with_a_newline(model: SiteModel) -> None:
    for path, text in _files(data_files(model)).items():
        if path.endswith(".json"):
            assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        else:
            assert "\r" not in text and text.endswith("\n")


def test_no_licence_is_claimed(model: SiteModel) -> None:
    dataset, _schema, _outputs = _dataset(model)
    assert dataset["licence"] is None
    assert dataset["licence_note"] == "No licence has been chosen yet; ask the site's editors."


def test_the_ids_join(model: SiteModel) -> None:
    dataset, _schema, _outputs = _dataset(model)
    ids = {
        kind: {item["id"] for item in dataset[kind]}
        for kind in ("reports", "recommendations", "responses", "commitments", "updates", "statuses", "stances", "bodies")
    }
    for kind, items in ids.items():
        assert len(items) == len(dataset[kind]), kind
    for rec in dataset["recommendations"]:
        assert rec["report_id"] in ids["reports"] and rec["stance_id"] in ids["stances"]
        assert set(rec["addressed_to"]) <= ids["bodies"]
        assert rec["response_id"] is None or rec["response_id"] in ids["responses"]
    for response in dataset["responses"]:
        assert response["report_id"] in ids["reports"] and response["from_body_id"] in ids["bodies"]
    for item in dataset["commitments"]:
        assert set(item["recommendation_ids"]) <= ids["recommendations"] and item["recommendation_ids"]
        assert item["response_id"] in ids["responses"] and item["report_id"] in ids["reports"]
        assert item["status_id"] in ids["statuses"] and item["owner_id"] in ids["bodies"]
    for update in dataset["updates"]:
        assert update["commitment_id"] in ids["commitments"] and update["status_id"] in ids["statuses"]
        assert update["sources"]


def test_commitments_carry_the_status_the_model_computes(model: SiteModel) -> None:
    dataset, _schema, _outputs = _dataset(model)
    views = _commitments(model)
    assert [item["id"] for item in dataset["commitments"]] == sorted(views)
    for item in dataset["commitments"]:
        view = views[item["id"]]
        assert item["status_id"] == view.status.id
        assert item["status_date"] == (view.status_date.isoformat() if view.status_date else None)
    assert len(dataset["updates"]) == sum(len(view.updates) for view in views.values())


def test_the_figures_in_the_data_are_the_models(model: SiteModel) -> None:
    dataset, _schema, files = _dataset(model)
    by_status = {count.status.id: count.count for count in model.figures.by_status}
    statuses = Counter(item["status_id"] for item in dataset["commitments"])
    assert {status_id: statuses[status_id] for status_id in by_status} == by_status
    assert Counter(row["status_id"] for row in _csv(files["data/commitments.csv"])) == +Counter(by_status)
    assert len(dataset["recommendations"]) == model.figures.recommendations
    assert sum(1 for rec in dataset["recommendations"] if rec["response_id"]) == model.figures.answered
    assert len(dataset["commitments"]) == model.figures.commitments
    assert dataset["figures"]["recommendations"] == model.figures.recommendations
    assert dataset["figures"]["answered"] == model.figures.answered
    assert {item["status_id"]: item["count"] for item in dataset["figures"]["by_status"]} == by_status
    for report, report_view in zip(dataset["reports"], sorted(model.reports, key=lambda view: view.record.id), strict=True):
        assert report["figures"]["commitments"] == report_view.figures.commitments
        assert report["figures"]["answered"] == report_view.figures.answered


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def _source(source: dict[str, Any]) -> str:
    if source["url"]:
        return f"{source['title']} <{source['url']}>"
    return f"{source['title']} [{source['reference']}]" if source["reference"] else source["title"]


def test_each_csv_row_is_its_json_item(model: SiteModel) -> None:
    dataset, _schema, files = _dataset(model)
    labels = {status["id"]: status["label"] for status in dataset["statuses"]}
    for kind in ("reports", "recommendations", "responses", "commitments", "updates"):
        rows = _csv(files[f"data/{kind}.csv"])
        assert [row["id"] for row in rows] == [item["id"] for item in dataset[kind]], kind
        for row, item in zip(rows, dataset[kind], strict=True):
            for column, cell in row.items():
                if column == "members":
                    expected = "; ".join(item["members"])
                elif column == "status_label":
                    expected = labels[item["status_id"]]
                elif column in ("source", "sources"):
                    sources = item[column] if column == "sources" else [item[column]]
                    expected = " | ".join(_source(source) for source in sources)
                elif column.startswith(("target_", "body_claim_")):
                    parent, key = (
                        ("target", column.removeprefix("target_")) if column.startswith("target_") else ("body_claim", "status_id")
                    )
                    expected = _flat(item[parent][key]) if item[parent] else ""
                else:
                    expected = _flat(item[column])
                assert cell == expected, (kind, item["id"], column)


def test_csv_ids_join(model: SiteModel) -> None:
    _json, _schema, files = _dataset(model)
    tables = {kind: _csv(files[f"data/{kind}.csv"]) for kind in ("reports", "recommendations", "responses", "commitments", "updates")}
    ids = {kind: {row["id"] for row in rows} for kind, rows in tables.items()}
    assert all(row["report_id"] in ids["reports"] for row in tables["recommendations"])
    for row in tables["commitments"]:
        assert set(row["recommendation_ids"].split(";")) <= ids["recommendations"]
        assert row["response_id"] in ids["responses"]
    assert all(row["commitment_id"] in ids["commitments"] for row in tables["updates"])


def test_the_fixture_csv_reads_as_expected(fixture_model: SiteModel) -> None:
    _json, _schema, files = _dataset(fixture_model)
    commitments = {row["id"]: row for row in _csv(files["data/commitments.csv"])}
    assert commitments["benches-c1"]["status_label"] == "Partly delivered"
    assert commitments["benches-c1"]["status_date"] == "2022-02-01"
    assert commitments["benches-c2"]["status_label"] == "No public update found"
    assert commitments["benches-c2"]["status_date"] == ""
    updates = {row["id"]: row for row in _csv(files["data/updates.csv"])}
    assert updates["benches-u1"]["sources"] == "Fictional newsletter, September 2021 <https://fictional.example/gazette/2021-09>"
    recs = {row["id"]: row for row in _csv(files["data/recommendations.csv"])}
    assert (recs["benches-r2"]["stance_id"], recs["benches-r2"]["response_id"]) == ("not-addressed", "")


# Badges ------------------------------------------------------------------------------------------


def test_each_commitment_has_one_badge_showing_its_status(model: SiteModel) -> None:
    badges = _files(badge_files(model))
    views = _commitments(model)
    assert sorted(badges) == sorted(f"commitments/{commitment_id}/badge.svg" for commitment_id in views)
    for commitment_id, view in views.items():
        svg = ET.fromstring(badges[f"commitments/{commitment_id}/badge.svg"])
        assert svg.tag == f"{SVG}svg"
        assert svg.get("role") == "img"
        assert svg.get("aria-label") == f"Status: {view.status.label}"
        assert svg.findtext(f"{SVG}title") == f"Status: {view.status.label}"
        assert [text.text for text in svg.iter(f"{SVG}text")] == ["status", view.status.label]
        assert int(svg.get("width") or 0) >= 7 * len(f"status{view.status.label}")


def test_badge_colours_are_the_tag_colours_of_the_style_sheet() -> None:
    css = (ROOT / "assets" / "style.css").read_text(encoding="utf-8")
    for status_id, colours in TAG_COLOURS.items():
        rule = re.search(rf"\.tag--{status_id} \{{ background: (#[0-9a-f]{{6}}); color: (#[0-9a-f]{{6}}); \}}", css)
        assert rule is not None, status_id
        assert (colours.background, colours.text) == rule.groups()
    statuses = {view.status.id for view in (check_site(Project.at(ROOT), date.today()).model.statuses)}
    assert statuses <= set(TAG_COLOURS)


def _luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_badge_text_has_enough_contrast(model: SiteModel) -> None:
    for text in _files(badge_files(model)).values():
        svg = ET.fromstring(text)
        fills = [rect.get("fill") or "" for rect in svg.iter(f"{SVG}rect")]
        inks = [label.get("fill") or "" for label in svg.iter(f"{SVG}text")]
        for background, ink in zip(fills, inks, strict=True):
            assert _contrast(background, ink) >= 4.5, (background, ink)


def test_badges_need_no_clock(fixture_model: SiteModel, tmp_path: Path) -> None:
    later = check_site(project_for(FIXTURE_CONTENT, tmp_path / "site"), date(2030, 1, 1)).model
    assert badge_files(later) == badge_files(fixture_model)
    assert list(feed_files(later)) == list(feed_files(fixture_model))
    assert _files(data_files(later)) == _files(data_files(fixture_model))


@given(st.lists(st.text(alphabet=st.sampled_from('ab ,"\n\r\té'), max_size=6), min_size=1, max_size=4))
def test_a_csv_line_reads_back_as_its_cells_and_is_what_the_csv_module_writes(cells: list[str]) -> None:
    line = csv_line(cells)
    assert next(csv.reader(io.StringIO(line, newline=""))) == cells
    if sys.version_info >= (3, 13) or not any("\r" in cell for cell in cells):  # until 3.13, csv.writer left a lone "\r" unquoted
        written = io.StringIO()
        csv.writer(written, lineterminator="\n").writerow(cells)
        assert line == written.getvalue()
