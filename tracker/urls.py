"""Every URL the site publishes, built from ids (never from titles)."""

from __future__ import annotations

import hashlib


def report_url(report_id: str) -> str:
    """Return the URL of a report page."""
    return f"/reports/{report_id}/"


def recommendation_url(rec_id: str) -> str:
    """Return the URL of a recommendation page."""
    return f"/recommendations/{rec_id}/"


def commitment_url(commitment_id: str) -> str:
    """Return the URL of a commitment page."""
    return f"/commitments/{commitment_id}/"


def update_url(commitment_id: str, update_id: str) -> str:
    """Return the URL of an update: an anchor on its commitment's page."""
    return f"{commitment_url(commitment_id)}#update-{update_id}"


def response_url(response_id: str) -> str:
    """Return the URL of a response page."""
    return f"/responses/{response_id}/"


def paragraph_url(response_id: str, number: int) -> str:
    """Return the URL of one paragraph of a response."""
    return f"{response_url(response_id)}#p{number}"


def status_url(status_id: str) -> str:
    """Return the URL of the page listing commitments with a status."""
    return f"/statuses/{status_id}/"


def changes_url(year: int | None = None) -> str:
    """Return the URL of the changes page: the latest changes, or (with a year) every change of that year."""
    return f"/changes/{year}/" if year is not None else "/changes/"


def page_url(page_id: str) -> str:
    """Return the URL of a prose page (about, methodology)."""
    return f"/{page_id}/"


def output_path(url: str) -> str:
    """Return the file path, relative to site/, that serves a URL."""
    path = url.split("#", 1)[0].lstrip("/")
    return f"{path}index.html" if path == "" or path.endswith("/") else path


def body_url(body_id: str) -> str:
    """Return the URL of the page listing a body's commitments."""
    return f"/bodies/{body_id}/"


def site_feed_url() -> str:
    """Return the URL of the Atom feed of every update."""
    return "/feeds/all.xml"


def report_feed_url(report_id: str) -> str:
    """Return the URL of a report's Atom feed."""
    return f"/feeds/reports/{report_id}.xml"


def commitment_feed_url(commitment_id: str) -> str:
    """Return the URL of a commitment's Atom feed."""
    return f"/feeds/commitments/{commitment_id}.xml"


def badge_url(commitment_id: str) -> str:
    """Return the URL of a commitment's status badge."""
    return f"{commitment_url(commitment_id)}badge.svg"


# Pagefind holds about 0.3 MB of memory per page while it indexes, and an edit indexes again the
# whole part its report is in: parts of about this many pages keep both small. The search page
# fetches a little of every part for each search, so there are never more than MAX_SEARCH_PARTS.
PAGES_PER_SEARCH_PART = 500
INDEX_FOLDER = "pagefind"  # the search index's folder in site/: one folder in it for each part
MAX_SEARCH_PARTS = 64


def search_index_parts(searchable_pages: int) -> int:
    """Return how many parts the search index of a site with this many searchable pages has.

    A power of two: as a site grows, its reports move to other parts (all indexed again) only
    each time it doubles.
    """
    parts = 1
    while parts * PAGES_PER_SEARCH_PART < searchable_pages and parts < MAX_SEARCH_PARTS:
        parts *= 2
    return parts


def search_index_url(report_id: str, parts: int) -> str:
    """Return the URL of the part of the search index that holds a report's pages (see search.py)."""
    part = int.from_bytes(hashlib.blake2b(report_id.encode("utf-8"), digest_size=4).digest(), "big") % parts
    return f"/{INDEX_FOLDER}/{part}/"
