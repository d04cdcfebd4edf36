"""Long lists split into pages: a status, a body or a year of changes can hold thousands of items.

A list's first page keeps the list's own address; page n is at <address>page/<n>/, as on Hugo
sites. Later pages come and go as items change, so they are not permanent addresses: the ledger
leaves them out, and the redirects send a page that has gone to the list's first page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# A page of 100 commitments is about 70 KB of HTML: light on a slow line, and one scroll on a phone holds ten.
ITEMS_PER_PAGE = 100


@dataclass(frozen=True, slots=True)
class Pager(Generic[T]):
    """One page of a list: its items, where it stands in the list, and its neighbours' addresses."""

    items: tuple[T, ...]
    number: int  # from 1
    count: int  # how many pages the list has (1 for an empty list)
    first_position: int  # the position of its first item in the list, from 1
    total: int  # how many items the whole list holds
    list_url: str  # the first page's address

    @property
    def url(self) -> str:
        return paged_url(self.list_url, self.number)

    @property
    def last_position(self) -> int:
        return self.first_position + len(self.items) - 1

    @property
    def previous_url(self) -> str | None:
        return paged_url(self.list_url, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return paged_url(self.list_url, self.number + 1) if self.number < self.count else None

    @property
    def first_url(self) -> str | None:
        """The first page's address, unless it is this page or the one before."""
        return self.list_url if self.number > 2 else None

    @property
    def last_url(self) -> str | None:
        """The last page's address, unless it is this page or the one after."""
        return paged_url(self.list_url, self.count) if self.number < self.count - 1 else None


def paged_url(list_url: str, number: int) -> str:
    """Return the address of a list's page: the list's own for the first."""
    return list_url if number == 1 else f"{list_url}page/{number}/"


def later_pages_pattern(list_url: str) -> str:
    """Return the pattern that matches the addresses of every page of a list after the first (for redirects)."""
    return f"{list_url}page/*"


def pages_of(list_url: str, items: Sequence[T], per_page: int | None = None) -> tuple[Pager[T], ...]:
    """Split a list into pages of per_page items (ITEMS_PER_PAGE by default); an empty list has one empty page."""
    per_page = per_page or ITEMS_PER_PAGE
    count = max(1, -(-len(items) // per_page))
    return tuple(
        Pager(tuple(items[start : start + per_page]), number, count, start + 1, len(items), list_url)
        for number, start in enumerate(range(0, count * per_page, per_page), start=1)
    )
