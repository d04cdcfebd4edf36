"""Every internal link and anchor in the built site resolves: a checker, not a warning."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag, urlparse

import lxml.html
import pytest


def _target_file(site: Path, path: str) -> Path:
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        return site / relative / "index.html"
    return site / relative


def _broken_links(site: Path) -> list[str]:
    pages = sorted(site.rglob("*.html"))
    ids: dict[Path, set[str]] = {}
    broken = []
    for page in pages:
        document = lxml.html.fromstring(page.read_bytes())
        for element in document.xpath("//*[@href or @src]"):
            link = element.get("href") or element.get("src")
            parsed = urlparse(link)
            if parsed.scheme or parsed.netloc or not parsed.path.startswith("/"):
                continue
            path, fragment = urldefrag(link)
            target = _target_file(site, path)
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link} (no such file)")
                continue
            if fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = set(lxml.html.fromstring(target.read_bytes()).xpath("//@id"))
                if fragment not in ids[target]:
                    broken.append(f"{page.relative_to(site)}: {link} (no element with id {fragment!r})")
    return broken


@pytest.mark.parametrize("which", ["real_site", "fixture_site"])
def test_every_internal_link_and_anchor_resolves(which: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(which)
    assert _broken_links(site) == []
