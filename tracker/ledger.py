"""Permalinks that never break: a committed ledger of every URL the site has published.

A URL in the ledger must still be served, or be redirected; `former_ids` in content
produce the redirects (written to Netlify's `_redirects` file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import ContentError
from tracker.paging import later_pages_pattern
from tracker.records import Content
from tracker.render import RenderedPage, SitePages
from tracker.urls import commitment_url, recommendation_url, report_url, response_url

LEDGER_NAME = "published-urls.txt"
LEDGER_HEADER = (
    "# Every URL this site has ever published, one a line. The build adds new ones; commit this file.\n"
    "# A URL here must keep working: if its page goes, the build fails until a redirect is added.\n"
)


@dataclass(frozen=True, order=True)
class Redirect:
    """A permanent redirect from an old URL to the page that replaced it."""

    old_url: str
    new_url: str


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One published URL and the line of the ledger it stands on."""

    line: int
    url: str


def read_ledger(path: Path) -> tuple[LedgerEntry, ...]:
    """Return the URLs recorded in the ledger file, in file order (none if it does not exist)."""
    if not path.is_file():
        return ()
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(
        LedgerEntry(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")
    )


def page_urls(pages: SitePages) -> tuple[str, ...]:
    """Return every page URL the site publishes for good, sorted: not the later pages of long lists."""
    return tuple(sorted(pages.permanent_urls()))


def find_redirects(content: Content) -> tuple[Redirect, ...]:
    """Return a redirect for every former id declared in content."""
    redirects = [Redirect(report_url(old), report_url(item.id)) for item in content.reports for old in item.former_ids]
    redirects += [
        Redirect(recommendation_url(old), recommendation_url(item.id)) for item in content.recommendations for old in item.former_ids
    ]
    redirects += [Redirect(response_url(old), response_url(item.id)) for item in content.responses for old in item.former_ids]
    redirects += [Redirect(commitment_url(old), commitment_url(item.id)) for item in content.commitments for old in item.former_ids]
    return tuple(sorted(redirects))


def check_ledger(
    ledger_name: str, ledger: tuple[LedgerEntry, ...], published: tuple[str, ...], redirects: tuple[Redirect, ...]
) -> list[ContentError]:
    """Return an error for every ledger URL that would be neither served nor redirected."""
    served = set(published) | {redirect.old_url for redirect in redirects}
    fix = "if its item was given a new id, add the old id under `former_ids:` in the item's file; if the page never went live, delete this line"
    return [
        ContentError(ledger_name, entry.line, "url", f"{entry.url} was published before and would now disappear", fix, root="")
        for entry in ledger
        if entry.url not in served
    ]


def ledger_text(ledger: tuple[LedgerEntry, ...], published: tuple[str, ...]) -> str:
    """Return the ledger with newly published URLs added, sorted, deterministic."""
    return LEDGER_HEADER + "".join(f"{url}\n" for url in sorted({entry.url for entry in ledger} | set(published)))


def redirects_file(redirects: tuple[Redirect, ...], list_urls: Sequence[str]) -> RenderedPage:
    """Return Netlify's _redirects file: one permanent redirect a line, then for each long list, a temporary one.

    A later page of a list that has since shrunk goes to the list's first page. Netlify follows
    such a rule only where no file exists, so the pages that do exist are served.
    """
    permanent = "".join(f"{redirect.old_url} {redirect.new_url} 301\n" for redirect in redirects)
    return RenderedPage("_redirects", permanent + "".join(f"{later_pages_pattern(url)} {url} 302\n" for url in list_urls))
