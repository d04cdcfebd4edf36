"""Long lists in pages: a status, a body or a year of changes shows a page of items at a time."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_TODAY, add_report_copy, copy_fixture, project_for, read_page, text_of
from tracker import paging
from tracker.ledger import LEDGER_NAME, read_ledger
from tracker.paging import pages_of
from tracker.pipeline import Project, build_site

BODY = "/bodies/parks-office/"


def test_a_list_is_split_into_full_pages_and_a_last_one() -> None:
    pages = pages_of("/statuses/delivered/", list(range(1, 206)), per_page=100)
    assert [page.url for page in pages] == ["/statuses/delivered/", "/statuses/delivered/page/2/", "/statuses/delivered/page/3/"]
    assert [(page.first_position, page.last_position, len(page.items)) for page in pages] == [(1, 100, 100), (101, 200, 100), (201, 205, 5)]
    assert [item for page in pages for item in page.items] == list(range(1, 206))
    assert (pages[0].previous_url, pages[0].next_url) == (None, "/statuses/delivered/page/2/")
    assert (pages[2].previous_url, pages[2].next_url) == ("/statuses/delivered/page/2/", None)


def test_an_empty_list_has_one_empty_page() -> None:
    (page,) = pages_of("/statuses/unclear/", [], per_page=100)
    assert (page.url, page.items, page.count, page.next_url) == ("/statuses/unclear/", (), 1, None)


def _project(tmp_path: Path, copies: int) -> Project:
    content = copy_fixture(tmp_path / "content")
    for number in range(1, copies + 1):
        add_report_copy(content, f"copy{number}")
    return replace(project_for(content, tmp_path / "site"), ledger=tmp_path / LEDGER_NAME)


def _listed(site: Path, url: str) -> list[str]:
    return [str(href) for href in read_page(site, url).xpath("//ul[@class='commitment-list']//h3/a/@href")]


def _pages_of_list(site: Path, url: str) -> list[str]:
    """Follow a list's Next links from its first page; return the address of each page."""
    urls = [url]
    while next_links := read_page(site, urls[-1]).xpath("//nav[@class='pager']//a[@rel='next']/@href"):
        urls.append(str(next_links[0]))
    return urls


def test_following_next_shows_every_item_of_the_list_once_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _project(tmp_path / "whole", copies=2)
    build_site(whole, FIXTURE_TODAY)
    every_commitment = _listed(whole.site, BODY)
    assert len(every_commitment) == 6  # the fixture's two commitments, in three reports
    monkeypatch.setattr(paging, "ITEMS_PER_PAGE", 4)
    paged = _project(tmp_path / "paged", copies=2)
    build_site(paged, FIXTURE_TODAY)
    assert _pages_of_list(paged.site, BODY) == [BODY, f"{BODY}page/2/"]
    assert _listed(paged.site, BODY) + _listed(paged.site, f"{BODY}page/2/") == every_commitment
    first, second = read_page(paged.site, BODY), read_page(paged.site, f"{BODY}page/2/")
    assert "Showing commitments 1 to 4 of 6: page 1 of 2." in text_of(first)
    assert "Showing commitments 5 to 6 of 6: page 2 of 2." in text_of(second)
    assert "6 commitments, from every report" in text_of(second)
    assert second.findtext(".//title").startswith("Fictional Town Parks Office, page 2 of 2")
    assert second.xpath("//nav[@class='pager']//a[@rel='prev']/@href") == [BODY]
    assert second.xpath("//nav[@aria-label='Breadcrumb']//a/@href")[-1] == BODY


def test_later_pages_are_in_the_sitemap_but_not_the_ledger_and_may_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "ITEMS_PER_PAGE", 2)
    project = _project(tmp_path, copies=2)
    build_site(project, FIXTURE_TODAY)
    assert _pages_of_list(project.site, BODY) == [BODY, f"{BODY}page/2/", f"{BODY}page/3/"]
    assert f"{BODY}page/2/</loc>" in (project.site / "sitemap.xml").read_text(encoding="utf-8")
    assert project.ledger is not None
    ledger = {entry.url for entry in read_ledger(project.ledger)}
    assert BODY in ledger and not any("/page/" in url for url in ledger)
    assert f"{BODY}page/* {BODY} 302" in (project.site / "_redirects").read_text(encoding="utf-8").splitlines()
    monkeypatch.setattr(paging, "ITEMS_PER_PAGE", 3)  # as if the list had shrunk
    build_site(project, FIXTURE_TODAY)  # the third page goes, and the ledger does not refuse it
    assert _pages_of_list(project.site, BODY) == [BODY, f"{BODY}page/2/"]
    assert not (project.site / "bodies/parks-office/page/3").exists()
