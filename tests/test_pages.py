"""What a reader sees on the pages added or changed for sharing, citing, filtering and printing.

Word-for-word checks on the fictional fixture (plain, and with target changes, corrections and a
second report added), and on the real site; and every page's weight with its stylesheet.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.helpers import FIXTURE_TODAY, ROOT, copy_fixture, main_text, project_for, read_page, text_of
from tracker.assets import load_assets
from tracker.data import LICENCE_NOTE
from tracker.data_csv import CSV_COLUMNS
from tracker.pipeline import BuildOptions, build_site
from tracker.render import make_environment, read_templates

BASE = "https://fictional.example"
PAGE_WEIGHT_LIMIT = 30_000  # bytes: a page and its stylesheet, each gzip-compressed

TARGET_CHANGES = """target_changes:
  - date: 2022-06-01
    new_target: 2023-06-30
    reason: "The paint supplier was late"
    source:
      title: "Fictional parks bulletin, June 2022"
      kind: primary
      url: https://fictional.example/bulletin/2022-06
  - date: 2023-05-01
    new_target: 2023-12-31
    source:
      title: "Fictional council minutes, May 2023"
      kind: primary
      reference: FICT-MIN-2023-05
checks:
  - date: 2024-03-01
    note: "Looked at the parks pages; nothing new"
corrections:
  - date: 2024-04-02
    what_was_wrong: "The title said blue benches."
"""

SECOND_REPORT = """---
id: benches-2023
title: "Fictional follow-up report on park benches"
body: parks-committee
chair: Alex Example
published: 2023-03-01
url: https://fictional.example/reports/benches-2023
---
A fictional follow-up report.
"""

REPEATING_RECOMMENDATION = """---
id: benches2-r1
number: 1
addressed_to: [parks-office]
text_source:
  kind: report
  source:
    title: "Fictional follow-up report, page 1"
    kind: primary
    url: https://fictional.example/reports/benches-2023#page-1
related:
  - recommendation: benches-r1
    relation: repeats
---
Fictional recommendation repeating the first one.
"""


def _insert_after_front_matter_field(path: Path, field: str, text: str) -> None:
    """Add YAML lines to a content file's front matter, just before the closing ---."""
    content = path.read_text(encoding="utf-8")
    head, rest = content.split("\n---\n", 1)
    assert field not in head
    path.write_text(f"{head}\n{text.rstrip()}\n---\n{rest}", encoding="utf-8")


@pytest.fixture(scope="module")
def enriched_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture with two target changes, a check, corrections and a second report that repeats a recommendation."""
    root = tmp_path_factory.mktemp("enriched")
    content = copy_fixture(root / "content")
    reports = content / "reports"
    _insert_after_front_matter_field(reports / "benches/commitments/paint.md", "target_changes", TARGET_CHANGES)
    _insert_after_front_matter_field(
        reports / "benches/updates/u2.md",
        "corrections",
        'corrections:\n  - date: 2022-02-03\n    what_was_wrong: "The survey was dated 2021."',
    )
    _insert_after_front_matter_field(
        reports / "benches/recommendations/rec-1.md",
        "corrections",
        'corrections:\n  - date: 2021-07-01\n    what_was_wrong: "The recommendation was numbered 2."',
    )
    (reports / "benches-2023/recommendations").mkdir(parents=True)
    (reports / "benches-2023/report.md").write_text(SECOND_REPORT, encoding="utf-8")
    (reports / "benches-2023/recommendations/rec-1.md").write_text(REPEATING_RECOMMENDATION, encoding="utf-8")
    site = root / "site"
    build_site(project_for(content, site), FIXTURE_TODAY)
    return site


def _json_ld(site: Path, url: str) -> list[dict[str, object]]:
    scripts = read_page(site, url).xpath("//script[@type='application/ld+json']/text()")
    assert len(scripts) == 1
    document = json.loads(scripts[0])
    assert document["@context"] == "https://schema.org"
    graph: list[dict[str, object]] = document["@graph"]
    return graph


def _of_type(graph: list[dict[str, object]], kind: str) -> dict[str, object]:
    [item] = [item for item in graph if item["@type"] == kind]
    return item


# Every page: feeds, sharing, search, footer.


def test_every_page_announces_the_site_feed_and_its_own(fixture_site: Path) -> None:
    def feeds(url: str) -> list[tuple[str, str]]:
        links = read_page(fixture_site, url).xpath("//link[@rel='alternate'][@type='application/atom+xml']")
        return [(link.get("href"), link.get("title")) for link in links]

    site_feed = ("/feeds/all.xml", "Fictional Town recommendations tracker: all progress updates")
    assert feeds("/") == [site_feed]
    assert feeds("/about/") == [site_feed]
    assert feeds("/reports/benches-2021/") == [
        site_feed,
        ("/feeds/reports/benches-2021.xml", "Fictional report on park benches: progress updates"),
    ]
    assert feeds("/commitments/benches-c1/") == [
        site_feed,
        ("/feeds/commitments/benches-c1.xml", "Paint every bench green: progress updates"),
    ]


def test_sharing_tags_give_title_description_and_absolute_address(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/commitments/benches-c1/")
    meta = {element.get("property") or element.get("name"): element.get("content") for element in page.xpath("//meta[@content]")}
    assert meta["og:title"] == "Paint every bench green"
    assert meta["og:description"] == meta["description"] == "Status: Partly delivered. We will paint every bench green by 2022."
    assert meta["og:url"] == f"{BASE}/commitments/benches-c1/"
    assert meta["og:type"] == "article"
    assert meta["og:site_name"] == "Fictional Town recommendations tracker"
    assert meta["twitter:card"] == "summary"
    home = read_page(fixture_site, "/")
    assert home.xpath("//meta[@property='og:type']/@content") == ["website"]
    assert home.xpath("//meta[@property='og:url']/@content") == [f"{BASE}/"]


def test_only_pages_about_one_record_are_indexed_for_search(fixture_site: Path) -> None:
    indexed = {
        "/reports/benches-2021/",
        "/recommendations/benches-r1/",
        "/commitments/benches-c1/",
        "/responses/office-reply-2021/",
    }
    for url in [*indexed, "/", "/reports/", "/statuses/delivered/", "/bodies/parks-office/", "/changes/", "/data/", "/about/", "/search/"]:
        marked = read_page(fixture_site, url).xpath("//main/@data-pagefind-body")
        assert bool(marked) is (url in indexed), url
    assert not read_page(fixture_site, "/").xpath("//*[@data-pagefind-body][not(self::main)]")


def test_search_indexes_a_record_on_its_own_page_not_where_it_is_listed(fixture_site: Path) -> None:
    report = read_page(fixture_site, "/reports/benches-2021/")
    assert report.xpath("//ol[@class='recommendation-list'][@data-pagefind-ignore]")
    rec = read_page(fixture_site, "/recommendations/benches-r1/")
    listed = rec.xpath("//a[@href='/commitments/benches-c1/']")
    assert listed and all(link.xpath("ancestor::*[@data-pagefind-ignore]") for link in listed)
    commitment = read_page(fixture_site, "/commitments/benches-c1/")
    assert not commitment.xpath("//*[@id='what-was-promised']/ancestor-or-self::*[@data-pagefind-ignore]")
    assert commitment.xpath("//p[@class='citation']/ancestor::*[@data-pagefind-ignore]")


def test_the_footer_links_to_changes_data_feed_search_and_accessibility(fixture_site: Path) -> None:
    links = read_page(fixture_site, "/").xpath("//footer//a")
    assert [(text_of(link), link.get("href")) for link in links] == [
        ("How we assess commitments", "/methodology/"),
        ("About this site", "/about/"),
        ("Changes and corrections", "/changes/"),
        ("Open data", "/data/"),
        ("Updates feed (Atom)", "/feeds/all.xml"),
        ("Search", "/search/"),
        ("Accessibility statement", "/accessibility/"),
    ]


def test_a_preview_page_asks_not_to_be_indexed(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    build_site(project_for(content, tmp_path / "preview"), FIXTURE_TODAY, BuildOptions(preview=True))
    assert read_page(tmp_path / "preview", "/").xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_a_production_page_has_no_robots_meta(fixture_site: Path) -> None:
    assert read_page(fixture_site, "/").xpath("//meta[@name='robots']") == []


# Structured data (JSON-LD).


def test_breadcrumbs_are_given_as_structured_data(fixture_site: Path) -> None:
    crumbs = _of_type(_json_ld(fixture_site, "/commitments/benches-c1/"), "BreadcrumbList")
    assert crumbs["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{BASE}/"},
        {"@type": "ListItem", "position": 2, "name": "Fictional report on park benches", "item": f"{BASE}/reports/benches-2021/"},
        {"@type": "ListItem", "position": 3, "name": "Recommendation 1", "item": f"{BASE}/recommendations/benches-r1/"},
        {"@type": "ListItem", "position": 4, "name": "Paint every bench green", "item": f"{BASE}/commitments/benches-c1/"},
    ]
    assert read_page(fixture_site, "/").xpath("//script") == []


def test_a_report_page_describes_the_report_and_its_body(fixture_site: Path) -> None:
    graph = _json_ld(fixture_site, "/reports/benches-2021/")
    report = _of_type(graph, "Report")
    body = _of_type(graph, "GovernmentOrganization")
    assert report["name"] == "Fictional report on park benches"
    assert report["datePublished"] == "2021-03-01"
    assert report["url"] == "https://fictional.example/reports/benches"
    assert report["author"] == report["publisher"] == {"@id": body["@id"]}
    assert body["name"] == "Fictional Town Parks Committee"
    assert body["alternateName"] == "Parks Committee"
    assert "url" not in body


def test_a_recommendation_page_describes_a_creative_work(fixture_site: Path) -> None:
    work = _of_type(_json_ld(fixture_site, "/recommendations/benches-r1/"), "CreativeWork")
    assert work["name"] == "Recommendation 1: Fictional report on park benches"
    assert work["url"] == f"{BASE}/recommendations/benches-r1/"
    assert work["text"] == "Fictional recommendation number 1 about benches."
    assert work["isPartOf"] == {"@type": "Report", "name": "Fictional report on park benches", "url": f"{BASE}/reports/benches-2021/"}


def test_json_ld_escapes_markup(real_site: Path) -> None:
    for path in real_site.rglob("*.html"):
        for script in re.findall(r"<script type=application/ld\+json>(.*?)</script>", path.read_text(encoding="utf-8"), re.S):
            assert "<" not in script and ">" not in script, path
            json.loads(script)


# The status chart.


def test_the_chart_states_every_figure_in_words(fixture_site: Path) -> None:
    for url in ("/", "/reports/benches-2021/"):
        page = read_page(fixture_site, url)
        [chart] = page.xpath("//svg[@role='img']")
        title_id, desc_id = chart.get("aria-labelledby").split()
        assert text_of(chart.xpath(f".//*[@id='{title_id}']")[0]) == "Bar chart of commitments by current status"
        assert text_of(chart.xpath(f".//*[@id='{desc_id}']")[0]) == (
            "2 commitments in all. No public update found: 1 (50%). Progress unclear: 0 (0%). In progress: 0 (0%). "
            "Partly delivered: 1 (50%). Delivered: 0 (0%). Not delivered: 0 (0%)."
        )
        labels = [text_of(label) for label in chart.xpath(".//*[@class='chart__label']")]
        assert labels == [
            "No public update found: 1 (50%)",
            "Progress unclear: 0 (0%)",
            "In progress: 0 (0%)",
            "Partly delivered: 1 (50%)",
            "Delivered: 0 (0%)",
            "Not delivered: 0 (0%)",
        ]
        bars = {bar.get("class"): bar.get("width") for bar in chart.xpath(".//*[contains(@class, 'chart__bar ')]")}
        assert bars == {"chart__bar chart__bar--no-public-update": "50%", "chart__bar chart__bar--partly-delivered": "50%"}
        rows = [text_of(row) for row in page.xpath("//div[@class='figures']//table//tr")]
        assert rows[1:3] == ["No public update found 1", "Progress unclear 0"]


def test_the_real_home_chart_matches_the_real_figures(real_site: Path) -> None:
    page = read_page(real_site, "/")
    labels = [text_of(label) for label in page.xpath("//svg[@role='img']//*[@class='chart__label']")]
    rows = [text_of(row.xpath("th")[0]) + ": " + text_of(row.xpath("td")[0]) for row in page.xpath("//table//tbody/tr")]
    assert [label.rsplit(" (", 1)[0] for label in labels] == rows
    assert labels[0] == "No public update found: 7 (78%)"


# The commitment page.


def test_a_commitment_shows_when_it_last_changed_and_was_checked(fixture_site: Path, enriched_site: Path) -> None:
    text = main_text(fixture_site, "/commitments/benches-c1/")
    assert "Last changed 1 February 2022, the date of the latest update Last checked Not recorded" in text
    assert "Last changed No public update found Last checked Not recorded" in main_text(fixture_site, "/commitments/benches-c2/")
    assert "Last checked 1 March 2024" in main_text(enriched_site, "/commitments/benches-c1/")


def test_a_moved_target_shows_the_target_in_force_and_every_change(enriched_site: Path) -> None:
    page = read_page(enriched_site, "/commitments/benches-c1/")
    text = main_text(enriched_site, "/commitments/benches-c1/")
    assert "Target date 31 December 2023. Target moved 2 times: see the changes." in text
    assert (
        "Changes to the target Link to this section: Changes to the target Target moved 2 times. The target in force is 31 December 2023. "
        "The target first given: 31 December 2022: the response says “by 2022” (read as the last day of 2022)."
    ) in text
    changes = [text_of(item) for item in page.xpath("//ol[@class='target-changes']/li")]
    assert changes == [
        "1 June 2022: target moved to 30 June 2023. Reason: The paint supplier was late. "
        "Source: Fictional parks bulletin, June 2022. Primary source: an official publication",
        "1 May 2023: target moved to 31 December 2023. Reason: No reason recorded. "
        "Source: Fictional council minutes, May 2023 (reference FICT-MIN-2023-05). Primary source: an official publication",
    ]
    assert page.xpath("//ol[@class='target-changes']//a/@href") == ["https://fictional.example/bulletin/2022-06"]


def test_a_target_that_never_moved_is_shown_as_the_response_gives_it(fixture_site: Path) -> None:
    text = main_text(fixture_site, "/commitments/benches-c1/")
    assert "Target date 31 December 2022: the response says “by 2022” (read as the last day of 2022)" in text
    assert "Target moved" not in text and "Changes to the target" not in text


def test_corrections_are_listed_on_the_commitment_and_in_its_update(enriched_site: Path, fixture_site: Path) -> None:
    page = read_page(enriched_site, "/commitments/benches-c1/")
    assert text_of(page.get_element_by_id("corrections")) == "Corrections"
    corrections = page.xpath("//h2[@id='corrections']/../following-sibling::ul[1]/li")
    assert [text_of(item) for item in corrections] == ["2 April 2024: corrected. What was wrong: The title said blue benches."]
    update = page.get_element_by_id("update-benches-u2")
    assert "Correction 3 February 2022: corrected. What was wrong: The survey was dated 2021." in text_of(update)
    assert "What was wrong" not in text_of(page.get_element_by_id("update-benches-u1"))
    assert "Corrections" not in main_text(fixture_site, "/commitments/benches-c1/")


def test_a_commitment_can_be_cited_and_linked_to(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/commitments/benches-c1/")
    text = main_text(fixture_site, "/commitments/benches-c1/")
    assert (
        "Cite this Link to this section: Cite this To cite this commitment, copy: "
        "Fictional Town recommendations tracker, “Paint every bench green” (commitment benches-c1), as at 1 February 2022. "
        f"{BASE}/commitments/benches-c1/ Permanent link: {BASE}/commitments/benches-c1/"
    ) in text
    assert page.xpath("//main//a[text()='Follow updates to this commitment (Atom feed)']/@href") == ["/feeds/commitments/benches-c1.xml"]


def test_the_badge_is_shown_with_its_status_and_a_snippet_to_copy(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/commitments/benches-c1/")
    [badge] = page.xpath("//main//img")
    assert badge.get("src") == "/commitments/benches-c1/badge.svg"
    assert badge.get("alt") == "Status: Partly delivered"
    [code] = page.xpath("//pre[@class='code']/code")
    assert code.text == (
        f'<a href="{BASE}/commitments/benches-c1/"><img src="{BASE}/commitments/benches-c1/badge.svg" '
        'alt="Current status of the commitment “Paint every bench green” on Fictional Town recommendations tracker"></a>'
    )
    assert code.xpath("*") == []  # the snippet is text to copy, not markup


def test_every_section_heading_has_a_link_to_itself(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/commitments/benches-c1/")
    headings = page.xpath("//main//h2")
    assert [(heading.get("id"), text_of(heading)) for heading in headings] == [
        ("what-was-promised", "What was promised"),
        ("editors-note", "Editors’ note"),
        ("history", "History"),
        ("cite-this", "Cite this"),
        ("embed-badge", "Embed the status badge"),
    ]
    for heading in headings:
        [link] = heading.xpath("following-sibling::a[@class='section-link']")
        assert link.get("href") == f"#{heading.get('id')}"
        assert text_of(link) == f"Link to this section: {text_of(heading)}"
    recommendation = read_page(fixture_site, "/recommendations/benches-r1/")
    assert recommendation.xpath("//main//h2/@id") == ["what-the-response-said", "commitments", "cite-this"]
    assert len(recommendation.xpath("//main//a[@class='section-link']")) == 3


# The recommendation page.


def test_a_recommendation_can_be_cited(fixture_site: Path) -> None:
    text = main_text(fixture_site, "/recommendations/benches-r1/")
    assert (
        "To cite this recommendation, copy: Fictional Town recommendations tracker, "
        "Recommendation 1 of “Fictional report on park benches” (benches-r1), as at 1 February 2022. "
        f"{BASE}/recommendations/benches-r1/ Permanent link: {BASE}/recommendations/benches-r1/"
    ) in text
    assert "no public update found. https://fictional.example/recommendations/benches-r2/" in main_text(
        fixture_site, "/recommendations/benches-r2/"
    )


def test_related_recommendations_in_other_reports_are_linked_both_ways(enriched_site: Path, fixture_site: Path) -> None:
    first = read_page(enriched_site, "/recommendations/benches-r1/")
    [related] = first.xpath("//h2[@id='related']/../following-sibling::ul[1]")
    assert text_of(first.get_element_by_id("related")) == "Related recommendations in other reports"
    assert [(text_of(link), link.get("href")) for link in related.xpath(".//a")] == [
        ("Repeated by Recommendation 1 of “Fictional follow-up report on park benches”", "/recommendations/benches2-r1/")
    ]
    later = read_page(enriched_site, "/recommendations/benches2-r1/")
    assert [text_of(link) for link in later.xpath("//h2[@id='related']/../following-sibling::ul[1]//a")] == [
        "Repeats Recommendation 1 of “Fictional report on park benches”"
    ]
    assert "Related recommendations" not in main_text(fixture_site, "/recommendations/benches-r1/")


def test_a_corrected_recommendation_lists_its_correction(enriched_site: Path) -> None:
    text = main_text(enriched_site, "/recommendations/benches-r1/")
    assert (
        "Corrections Link to this section: Corrections 1 July 2021: corrected. What was wrong: The recommendation was numbered 2." in text
    )


# The report page.


def test_a_report_links_to_commitments_by_status_and_by_owner(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/reports/benches-2021/")
    by_status = page.xpath("//h3[@id='by-status']/following-sibling::ul[1]/li")
    assert [text_of(item) for item in by_status] == [
        "No public update found: 1 in this report",
        "Progress unclear: 0 in this report",
        "In progress: 0 in this report",
        "Partly delivered: 1 in this report",
        "Delivered: 0 in this report",
        "Not delivered: 0 in this report",
    ]
    assert by_status[0].xpath("a/@href") == ["/statuses/no-public-update/"]
    by_owner = page.xpath("//h3[@id='by-owner']/following-sibling::ul[1]/li")
    assert [text_of(item) for item in by_owner] == ["Fictional Town Parks Office: 2 in this report"]
    assert by_owner[0].xpath("a/@href") == ["/bodies/parks-office/"]
    assert page.xpath("//main//a[text()='Follow progress updates on this report’s commitments (Atom feed)']/@href") == [
        "/feeds/reports/benches-2021.xml"
    ]


def test_home_links_to_every_owner(fixture_site: Path) -> None:
    items = read_page(fixture_site, "/").xpath("//h3[@id='by-owner']/following-sibling::ul[1]/li")
    assert [text_of(item) for item in items] == [
        "Fictional Town Parks Committee: 0 commitments",
        "Fictional Town Parks Office: 2 commitments",
    ]


# New pages: bodies, changes, data, accessibility.


def test_a_body_page_lists_its_commitments_with_their_statuses(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/bodies/parks-office/")
    text = main_text(fixture_site, "/bodies/parks-office/")
    assert text_of(page.xpath("//h1")[0]) == "Fictional Town Parks Office"
    assert "Name Fictional Town Parks Office Short name the Parks Office Kind of body Office Website Not recorded" in text
    assert "2 commitments, from every report this site follows, with their current status." in text
    items = [text_of(item) for item in page.xpath("//ul[@class='commitment-list']/li")]
    assert items == [
        "Paint every bench green Partly delivered as at 1 February 2022 Owner: Fictional Town Parks Office",
        "Keep the bench count under review No public update found Owner: Fictional Town Parks Office",
    ]
    assert "This body owns none of the commitments this site follows." in main_text(fixture_site, "/bodies/parks-committee/")


def test_the_changes_page_lists_status_changes_and_corrections_newest_first(enriched_site: Path) -> None:
    page = read_page(enriched_site, "/changes/")
    items = [text_of(item) for item in page.xpath("//ol[@class='change-list']/li")]
    assert items == [
        "2 April 2024 Correction Paint every bench green Corrected. What was wrong: The title said blue benches.",
        "3 February 2022 Correction Update of 2022-02-01 on “Paint every bench green” Corrected. What was wrong: The survey was dated 2021.",
        "1 February 2022 Status change Paint every bench green Status changed from “In progress” to “Partly delivered”. "
        "See the update that changed it",
        "1 September 2021 Status change Paint every bench green Status changed from “No public update found” to “In progress”. "
        "See the update that changed it",
        "1 July 2021 Correction Recommendation 1 of “Fictional report on park benches” Corrected. "
        "What was wrong: The recommendation was numbered 2.",
    ]
    links = page.xpath("//ol[@class='change-list']/li[3]//a/@href")
    assert links == ["/commitments/benches-c1/", "/commitments/benches-c1/#update-benches-u2"]


def test_each_year_of_changes_has_its_page_linked_from_the_changes_page(enriched_site: Path) -> None:
    years = read_page(enriched_site, "/changes/").xpath("//ul[@class='filter-list']/li")
    assert [text_of(year) for year in years] == ["2024: 1 change", "2022: 2 changes", "2021: 2 changes"]
    assert [year.xpath(".//a/@href")[0] for year in years] == ["/changes/2024/", "/changes/2022/", "/changes/2021/"]
    page = read_page(enriched_site, "/changes/2022/")
    assert text_of(page.xpath("//h1")[0]) == "Changes and corrections in 2022"
    assert [text_of(item) for item in page.xpath("//ol[@class='change-list']/li")] == [
        "3 February 2022 Correction Update of 2022-02-01 on “Paint every bench green” Corrected. What was wrong: The survey was dated 2021.",
        "1 February 2022 Status change Paint every bench green Status changed from “In progress” to “Partly delivered”. "
        "See the update that changed it",
    ]
    assert text_of(page.xpath("//ul[@class='filter-list']/li[2]")[0]) == "2022: 2 changes"
    assert page.xpath("//ul[@class='filter-list']/li[2]//a") == [], "the year on screen is not a link to itself"


def test_the_changes_page_lists_the_latest_hundred_and_every_older_one_is_on_its_years_page(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    updates = content / "reports/benches/updates"
    first = (updates / "u1.md").read_text(encoding="utf-8")
    for number in range(10, 112):  # 102 fictional updates in 2023 and 2024, each changing the status
        when = date(2023, 1, 1) + timedelta(days=5 * (number - 10))
        status = "partly-delivered" if number % 2 else "in-progress"
        text = first.replace("id: benches-u1", f"id: benches-u{number}").replace("date: 2021-09-01", f"date: {when.isoformat()}")
        (updates / f"u{number}.md").write_text(text.replace("status: in-progress", f"status: {status}"), encoding="utf-8")
    build_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY)
    site = tmp_path / "site"
    latest = read_page(site, "/changes/").xpath("//ol[@class='change-list']/li")
    assert len(latest) == 100
    assert "These are the 100 most recent of 104. Every one is listed under its year, below." in main_text(site, "/changes/")
    assert "1 September 2021" not in main_text(site, "/changes/")
    oldest = read_page(site, "/changes/2021/").xpath("//ol[@class='change-list']/li")
    assert [text_of(item) for item in oldest] == [
        "1 September 2021 Status change Paint every bench green Status changed from “No public update found” to “In progress”. "
        "See the update that changed it"
    ]
    counts = [text_of(year) for year in read_page(site, "/changes/").xpath("//ul[@class='filter-list']/li")]
    assert counts == ["2024: 29 changes", "2023: 73 changes", "2022: 1 change", "2021: 1 change"]


def test_counts_of_a_thousand_and_more_are_written_with_a_comma(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    updates = content / "reports/benches/updates"
    first = (updates / "u1.md").read_text(encoding="utf-8")
    for number in range(10, 1210):  # 1,200 fictional daily updates from 2022 to 2025, each changing the status
        when = date(2022, 1, 1) + timedelta(days=number - 10)
        status = "partly-delivered" if number % 2 else "in-progress"
        text = first.replace("id: benches-u1", f"id: benches-u{number}").replace("date: 2021-09-01", f"date: {when.isoformat()}")
        (updates / f"u{number}.md").write_text(text.replace("status: in-progress", f"status: {status}"), encoding="utf-8")
    build_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY)
    site = tmp_path / "site"
    assert "These are the 100 most recent of 1,200. Every one is listed under its year, below." in main_text(site, "/changes/")
    assert "Showing changes 101 to 200 of 366: page 2 of 4." in main_text(site, "/changes/2024/page/2/")


def test_the_headline_figures_and_the_status_chart_write_thousands_apart() -> None:
    templates = ROOT / "templates"
    components = make_environment(templates, read_templates(templates), load_assets(ROOT / "assets")).get_template("components.html")
    figures = SimpleNamespace(recommendations=12345, answered=12000, not_answered=345, commitments=24690, by_status=[])
    headline = re.sub(r"<[^>]+>|\s+", " ", str(components.module.headline(figures))).split()
    assert " ".join(headline) == "12,345 recommendations 12,000 answered in a response 345 with no response 24,690 commitments made"
    assert "24,690 commitments in all." in str(components.module.status_chart(figures))


def test_the_changes_page_says_when_nothing_has_changed(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    for update in (content / "reports/benches/updates").iterdir():
        update.unlink()
    build_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY)
    assert "No status change or correction has been recorded yet." in main_text(tmp_path / "site", "/changes/")


def test_the_data_page_describes_every_file_and_every_csv_column(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/data/")
    links = page.xpath("//main//a/@href")
    for name in ("tracker.json", "tracker.schema.json", *(f"{kind}.csv" for kind in CSV_COLUMNS)):
        assert f"/data/{name}" in links
        assert (fixture_site / "data" / name).is_file()
    for kind, columns in CSV_COLUMNS.items():
        listed = page.xpath(f"//table[@id='columns-{kind}']//th[@scope='row']")
        assert [text_of(cell) for cell in listed] == list(columns), kind
    dataset = json.loads((fixture_site / "data/tracker.json").read_text(encoding="utf-8"))
    named = {text_of(code) for code in page.xpath("//main//p/code")}
    assert set(dataset) <= named


def test_the_data_page_says_no_licence_has_been_chosen(fixture_site: Path) -> None:
    text = main_text(fixture_site, "/data/")
    assert "No licence has been chosen yet. Until one is, ask the site’s editors before you reuse the data." in text
    assert f"its licence_note field reads “{LICENCE_NOTE}”" in text


def test_the_accessibility_statement_says_what_the_tests_show(real_site: Path) -> None:
    page = read_page(real_site, "/accessibility/")
    text = main_text(real_site, "/accessibility/")
    assert [text_of(heading) for heading in page.xpath("//main//h2")] == [
        "How accessible this website is",
        "What to do if you cannot access parts of this website",
        "Enforcement procedure",
        "Technical information about this website’s accessibility",
        "How we tested this website",
        "Preparation of this accessibility statement",
    ]
    assert "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard." in text
    assert "fully compliant with" not in text
    assert "No manual test has been done yet, and the website has not been tested with people who use assistive technology." in text
    assert "This statement was prepared on 26 November 2026." in text
    assert page.xpath("//main//a[text()='Equality Advisory and Support Service (EASS)']/@href") == [
        "https://www.equalityadvisoryservice.com/"
    ]


def test_the_statement_describes_the_browser_tests_that_exist() -> None:
    """The statement's account of testing must stay true to tests/test_browser.py."""
    browser_tests = (Path(__file__).parent / "test_browser.py").read_text(encoding="utf-8")
    for evidence in ('"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"', "def test_axe_finds_no_violations_on_any_page"):
        assert evidence in browser_tests
    for evidence in ('viewport={"width": 320', "java_script_enabled=False", "def test_every_request_stays_on_the_site_origin"):
        assert evidence in browser_tests


# Print and page weight.


def test_print_shows_link_addresses_and_hides_what_paper_cannot_use(real_site: Path) -> None:
    css = next((real_site / "assets").glob("style.*.css")).read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    for selector in (".site-header", ".site-footer", ".skip-link", ".breadcrumbs", ".section-link", ".badge-embed"):
        assert selector in print_rules.split("{", 2)[1]
    assert 'a[href^="/"]::after' in print_rules and 'a[href^="http"]::after' in print_rules


def test_a_printed_page_says_where_it_was_printed_from(fixture_site: Path) -> None:
    note = read_page(fixture_site, "/commitments/benches-c1/").xpath("//p[@class='print-only']")
    assert [text_of(item) for item in note] == [
        f"Printed from {BASE}/commitments/benches-c1/. Addresses in brackets that start with “/” are on {BASE}."
    ]


def test_every_page_with_its_stylesheet_is_under_30_kb_compressed(real_site: Path) -> None:
    css = gzip.compress(next((real_site / "assets").glob("style.*.css")).read_bytes())
    weights = {
        "/" + str(path.relative_to(real_site)).removesuffix("index.html"): len(gzip.compress(path.read_bytes())) + len(css)
        for path in real_site.rglob("*.html")
    }
    heaviest = max(weights, key=lambda url: weights[url])
    print(f"heaviest page: {heaviest}, {weights[heaviest]:,} bytes gzip-compressed with its stylesheet ({len(css):,} of them CSS)")
    assert {url: weight for url, weight in weights.items() if weight >= PAGE_WEIGHT_LIMIT} == {}


# The real content.


def test_search_indexes_only_the_real_report_recommendations_commitments_and_response(real_site: Path) -> None:
    entries = [json.loads(path.read_text(encoding="utf-8")) for path in real_site.glob("pagefind/*/pagefind-entry.json")]
    assert sum(entry["languages"]["en-gb"]["page_count"] for entry in entries) == 1 + 9 + 9 + 1


def test_the_real_changes_page_lists_both_status_changes(real_site: Path) -> None:
    page = read_page(real_site, "/changes/")
    assert [text_of(item) for item in page.xpath("//ol[@class='change-list']/li")] == [
        "24 March 2016 Status change Monitor delivery of the capital programme very closely "
        "Status changed from “No public update found” to “Progress unclear”. See the update that changed it",
        "10 February 2014 Status change Named leaders for delivering the ICT strategy "
        "Status changed from “No public update found” to “Progress unclear”. See the update that changed it",
    ]


def test_a_real_commitment_says_when_it_last_changed(real_site: Path) -> None:
    assert "Last changed 17 October 2016, the date of the latest update Last checked Not recorded" in main_text(
        real_site, "/commitments/sp13-c02/"
    )
    assert "Last changed No public update found Last checked Not recorded" in main_text(real_site, "/commitments/sp13-c06/")


def test_real_owners_are_listed_with_their_commitments(real_site: Path) -> None:
    items = read_page(real_site, "/").xpath("//h3[@id='by-owner']/following-sibling::ul[1]/li")
    assert [text_of(item) for item in items] == [
        "London Assembly Budget and Performance Committee: 0 commitments",
        "Mayor of London: 0 commitments",
        "Mayor’s Office for Policing and Crime: 7 commitments",
        "Metropolitan Police Service: 2 commitments",
    ]
