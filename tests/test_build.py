"""Build the fictional fixture site and check what a reader sees, and that builds are safe."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_TODAY, ROOT, copy_fixture, main_text, project_for, read_page, text_of
from tracker.errors import ContentErrors
from tracker.pipeline import BuildOptions, Project, build_site
from tracker.write import OutputCollision, claim


def _tree(site: Path) -> dict[str, bytes]:
    return {str(path.relative_to(site)): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    build_site(project_for(content, tmp_path / "one"), FIXTURE_TODAY)
    build_site(project_for(content, tmp_path / "two"), FIXTURE_TODAY)
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    site = tmp_path / "site"
    build_site(project_for(content, site), FIXTURE_TODAY)
    before = _tree(site)
    (content / "reports/benches/updates/u1.md").write_text("---\nid: benches-u1\n---\n", encoding="utf-8")
    with pytest.raises(ContentErrors):
        build_site(project_for(content, site), FIXTURE_TODAY)
    assert _tree(site) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content", "site"]


def test_a_rebuild_replaces_the_site_whole(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    site = tmp_path / "site"
    build_site(project_for(content, site), FIXTURE_TODAY)
    (site / "stray.html").write_text("left from an old build", encoding="utf-8")
    build_site(project_for(content, site), FIXTURE_TODAY)
    assert not (site / "stray.html").exists()
    assert (site / "index.html").is_file()


def test_the_command_line_lists_errors_and_exits_non_zero(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_fixture(project / "content")
    for folder in ("templates", "assets"):
        os.symlink(ROOT / folder, project / folder)
    (project / "content/reports/benches/updates/u1.md").write_text("---\nid: benches-u1\nstauts: done\n---\nText.\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check", "--project", str(project)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 1
    assert "content/reports/benches/updates/u1.md:3: stauts: unknown field 'stauts' — did you mean 'status'?" in result.stderr
    assert "nothing was written, the previous site/ is unchanged." in result.stderr
    assert not (project / "site").exists()


def test_pages_are_minified(fixture_site: Path) -> None:
    html = (fixture_site / "index.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html><html lang=en-GB>")
    assert "\n  " not in html


def test_commitment_page_shows_status_quote_target_and_history(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/commitments/benches-c1/")
    text = main_text(fixture_site, "/commitments/benches-c1/")
    assert text_of(page.xpath("//h1")[0]) == "Paint every bench green"
    assert "Current status: Partly delivered as at 1 February 2022" in text
    assert "“We will paint every bench green by 2022.”" in text
    assert page.xpath("//main//a[starts-with(text(), 'paragraph 2 of')]/@href") == ["/responses/office-reply-2021/#p2"]
    assert "31 December 2022: the response says “by 2022” (read as the last day of 2022)" in text
    dates = [text_of(item) for item in page.xpath("//ol[contains(@class, 'timeline')]//time")]
    assert dates == ["1 February 2022", "1 September 2021"]
    assert page.xpath("//li[@id='update-benches-u2']")


def test_a_body_claim_that_differs_is_shown_beside_the_assessment(fixture_site: Path) -> None:
    text = main_text(fixture_site, "/commitments/benches-c1/")
    assert "Status after this update: Partly delivered The responsible body’s own claim: Delivered. Our assessment differs" in text
    assert "Fictional annual report 2022 (reference FICT-AR-2022). Primary source: an official publication" in text


def test_every_source_is_shown_with_its_kind(fixture_site: Path) -> None:
    text = main_text(fixture_site, "/commitments/benches-c1/")
    assert "Fictional survey of benches. Secondary source: reporting by others, not an official publication" in text


def test_a_commitment_without_updates_says_no_public_update_found(fixture_site: Path) -> None:
    text = main_text(fixture_site, "/commitments/benches-c2/")
    assert "Current status: No public update found" in text
    assert "Target date None stated in the response" in text


def test_recommendation_pages_show_stance_or_no_response(fixture_site: Path) -> None:
    assert "Response Accepted" in main_text(fixture_site, "/recommendations/benches-r1/")
    assert "No response. No published response answers this recommendation." in main_text(fixture_site, "/recommendations/benches-r2/")
    assert "Response Rejected" in main_text(fixture_site, "/recommendations/benches-r3/")


def test_response_page_links_paragraphs_to_what_they_answer(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/responses/office-reply-2021/")
    paragraph = page.get_element_by_id("p3")
    assert [text_of(link) for link in paragraph.xpath(".//a")] == ["¶3", "Recommendation 3", "Keep the bench count under review"]
    assert "Disputes a conclusion of the report: “benches are not needed”" in text_of(paragraph)


def test_status_pages_list_their_commitments(fixture_site: Path) -> None:
    assert "1 commitment has this status now." in main_text(fixture_site, "/statuses/partly-delivered/")
    assert "0 commitments have this status now." in main_text(fixture_site, "/statuses/delivered/")
    assert text_of(read_page(fixture_site, "/statuses/delivered/").xpath("//h1")[0]) == "Delivered"


def test_methodology_lists_every_status_with_its_definition(fixture_site: Path) -> None:
    text = main_text(fixture_site, "/methodology/")
    assert "No public update found This site holds no dated public source" in text
    assert "Progress unclear Public sources report related activity" in text


def test_home_shows_figures_and_latest_updates(fixture_site: Path) -> None:
    page = read_page(fixture_site, "/")
    assert [text_of(item) for item in page.xpath("//ul[@class='headline']/li")] == [
        "3 recommendations",
        "2 answered in a response",
        "1 with no response",
        "2 commitments made",
    ]
    rows = {text_of(row.xpath("th")[0]): text_of(row.xpath("td")[0]) for row in page.xpath("//table//tbody/tr")}
    assert rows["Partly delivered"] == "1" and rows["No public update found"] == "1" and rows["Delivered"] == "0"
    assert [text_of(item) for item in page.xpath("//ul[@class='update-list']//time")] == ["1 February 2022", "1 September 2021"]


def test_assets_have_content_hashed_names(fixture_site: Path) -> None:
    names = sorted(path.name for path in (fixture_site / "assets").iterdir())
    assert len(names) == len(list((ROOT / "assets").iterdir()))
    assert all(len(name.split(".")[1]) == 10 for name in names)
    assert filecmp.cmp(next((fixture_site / "assets").glob("style.*.css")), ROOT / "assets/style.css", shallow=False)


def test_hidden_files_and_folders_in_assets_are_not_published(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    shutil.copytree(ROOT / "assets", assets)
    (assets / ".DS_Store").write_bytes(b"left by a file browser")
    (assets / ".drafts").mkdir()
    (assets / ".drafts/logo-draft.svg").write_text("<svg/>", encoding="utf-8")
    (assets / "icons/.old").mkdir(parents=True)
    (assets / "icons/.old/logo-draft.svg").write_text("<svg/>", encoding="utf-8")
    (assets / "icons/.logo-draft.svg").write_text("<svg/>", encoding="utf-8")
    (assets / "icons/logo.svg").write_text("<svg/>", encoding="utf-8")
    content = copy_fixture(tmp_path / "content")
    build_site(Project(content, ROOT / "templates", assets, tmp_path / "site"), FIXTURE_TODAY)
    published = sorted(str(path.relative_to(tmp_path / "site/assets")) for path in (tmp_path / "site/assets").rglob("*") if path.is_file())
    assert [name for name in published if "draft" in name or "DS_Store" in name] == []
    assert [name for name in published if re.fullmatch(r"icons/logo\.[0-9a-f]{10}\.svg", name)], "a visible subfolder is published"


def test_sitemap_lists_every_page_at_the_base_url(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    build_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY, BuildOptions(base_url="https://preview--x.example/"))
    sitemap = (tmp_path / "site/sitemap.xml").read_text(encoding="utf-8")
    pages = sorted(str(path.relative_to(tmp_path / "site")).removesuffix("index.html") for path in (tmp_path / "site").rglob("index.html"))
    locations = re.findall(r"<loc>https://preview--x\.example/([^<]*)</loc>", sitemap)
    assert sorted(locations) == pages
    canonical = read_page(tmp_path / "site", "/commitments/benches-c1/").xpath("//link[@rel='canonical']/@href")
    assert canonical == ["https://preview--x.example/commitments/benches-c1/"]
    assert "Sitemap: https://preview--x.example/sitemap.xml" in (tmp_path / "site/robots.txt").read_text(encoding="utf-8")


def test_a_preview_asks_not_to_be_indexed(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    build_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY, BuildOptions(preview=True))
    assert (tmp_path / "site/robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


def test_killing_a_build_at_any_moment_leaves_a_whole_site(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_fixture(project / "content")
    for folder in ("templates", "assets"):
        os.symlink(ROOT / folder, project / folder)
    command = [sys.executable, str(ROOT / "build.py"), "build", "--project", str(project)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    paint = project / "content/reports/benches/commitments/paint.md"
    original = paint.read_text(encoding="utf-8")

    def build_with_title(title: str) -> float:
        paint.write_text(original.replace("title: Paint every bench green", f"title: {title}"), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=environment)
        return time.perf_counter() - started

    build_with_title("Old title")
    old = _tree(project / "site")
    duration = build_with_title("New title")
    new = _tree(project / "site")
    outcomes = set()
    # Kill at moments spread over a build's length, then once well after it should have finished.
    for delay in [duration * step / 10 for step in range(11)] + [duration * 4]:
        build_with_title("Old title")
        paint.write_text(original.replace("title: Paint every bench green", "title: New title"), encoding="utf-8")
        build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)
        build.wait()
        tree = _tree(project / "site")
        assert tree in (old, new), f"a build killed after {delay:.2f} s left a partial site"
        outcomes.add("new" if tree == new else "old")
    assert outcomes == {"old", "new"}, "the kills should land both before and after the swap"
    build_with_title("New title")
    # Replaced sites (.site.old-*) are deleted in the background; half-written ones must be gone.
    left = sorted(path.name for path in project.iterdir() if not path.name.startswith(".site.old-"))
    assert left == [".tracker-cache", "assets", "content", "published-urls.txt", "site", "templates"]


def test_netlify_builds_previews_strictly_and_production_at_its_own_address() -> None:
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    assert config["build"]["command"] == 'python build.py --base-url "$URL"'
    assert config["build"]["publish"] == "site"
    assert config["context"]["deploy-preview"]["command"] == 'python build.py --strict --preview --base-url "$DEPLOY_PRIME_URL"'


def test_the_writer_refuses_two_outputs_at_one_path_and_paths_outside_the_site() -> None:
    claimed: set[str] = set()
    assert claim(claimed, "reports/a/index.html") == "reports/a/index.html"
    with pytest.raises(OutputCollision, match=re.escape("two outputs claim reports/a/index.html")):
        claim(claimed, "reports/a/index.html")
    for escaping in ("../outside.html", "/etc/passwd", "reports/../../x.html", "./index.html"):
        with pytest.raises(OutputCollision, match="is outside the output folder"):
            claim(claimed, escaping)
