"""A small SVG badge per commitment showing its current status, for others to embed."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.feeds import attribute, text
from tracker.items import all_commitments, report_commitments
from tracker.records import Status
from tracker.render import RenderedPage
from tracker.urls import output_path
from tracker.views import CommitmentView, ReportView, SiteModel

CAPTION = "status"
CHAR_WIDTH = 7  # pixels per character at 11px Verdana, a generous estimate so text never overflows
PADDING = 6
HEIGHT = 20
CAPTION_COLOURS = ("#383f43", "#ffffff")  # background, text: GOV.UK dark grey, white (10.9:1)


@dataclass(frozen=True)
class TagColours:
    """A status tag's background and text colours."""

    background: str
    text: str


# The light GOV.UK tag colours of assets/style.css (.tag--<status-id>), with their dark text.
TAG_COLOURS = {
    "no-public-update": TagColours("#e5e6e7", "#282d30"),
    "unclear": TagColours("#fff7bf", "#594d00"),
    "in-progress": TagColours("#bbd4ea", "#0c2d4a"),
    "partly-delivered": TagColours("#d4ecea", "#10403c"),
    "delivered": TagColours("#cce2d8", "#005a30"),
    "not-delivered": TagColours("#f4cdc6", "#2a0b06"),
}
DEFAULT_COLOURS = TagColours("#e5e6e7", "#282d30")  # plain .tag, for a status style.css does not know


def badge_files(model: SiteModel) -> list[RenderedPage]:
    """Return /commitments/<id>/badge.svg for every commitment."""
    return [RenderedPage(badge_path(view), badge_svg(view.status)) for view in all_commitments(model)]


def report_badge_files(report: ReportView) -> list[RenderedPage]:
    """Return the badges of one report's commitments."""
    return [RenderedPage(badge_path(view), badge_svg(view.status)) for view in report_commitments(report)]


def badge_path(view: CommitmentView) -> str:
    """Return where a commitment's badge is written, relative to site/."""
    return output_path(view.badge_url)


def text_width(value: str) -> int:
    """Return the width of a badge segment holding value, padding included."""
    return len(value) * CHAR_WIDTH + 2 * PADDING


def badge_svg(status: Status) -> str:
    """Return the SVG badge for a status: "status | <label>", dark text on the status's light tag colour."""
    colours = TAG_COLOURS.get(status.id, DEFAULT_COLOURS)
    left = text_width(CAPTION)
    right = text_width(status.label)
    name = f"Status: {status.label}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + right}" height="{HEIGHT}" '
        f'viewBox="0 0 {left + right} {HEIGHT}" role="img" aria-label="{attribute(name)}">\n'
        f"<title>{text(name)}</title>\n"
        f'<rect width="{left}" height="{HEIGHT}" fill="{CAPTION_COLOURS[0]}"/>\n'
        f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{colours.background}"/>\n'
        f'<g font-family="Verdana,Arial,sans-serif" font-size="11" text-anchor="middle" aria-hidden="true">\n'
        f'<text x="{half(left)}" y="14" fill="{CAPTION_COLOURS[1]}">{text(CAPTION)}</text>\n'
        f'<text x="{half(2 * left + right)}" y="14" fill="{colours.text}">{text(status.label)}</text>\n'
        "</g>\n"
        "</svg>\n"
    )


def half(value: int) -> str:
    """Return value / 2 written without a trailing .0."""
    return str(value // 2) if value % 2 == 0 else f"{value / 2:.1f}"
