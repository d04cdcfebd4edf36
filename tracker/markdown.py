"""Markdown: CommonMark with GitHub's extensions (cmarkgfm), sanitized after rendering (nh3)."""

from __future__ import annotations

import html
import re
import string
from functools import lru_cache

import nh3
from cmarkgfm.cmark import Options
from markupsafe import Markup

from tracker.cmark import markdown_to_html, syntax_extensions

_CMARK_OPTIONS = Options.CMARK_OPT_VALIDATE_UTF8
_EXTENSIONS = syntax_extensions(["table", "strikethrough", "autolink"])
_ALLOWED_TAGS = {
    "p",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "br",
    "hr",
    "del",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
_URL_SCHEMES = {"http", "https", "mailto"}

_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?\s*>|<!--|<\?|<!\[CDATA\[")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>]*>", re.IGNORECASE)
# Searched for in text with its ASCII letters lowered (schemes are ASCII): three patterns, each
# starting with a literal, run many times faster than one case-blind pattern with alternatives.
_BAD_SCHEMES = (re.compile(r"javascript\s*:"), re.compile(r"vbscript\s*:"), re.compile(r"data\s*:\s*text/html"))
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_BLOCK_TAG = re.compile(r"</?(?:p|br|li|h\d|blockquote|pre|tr|td|th|ul|ol|table|thead|tbody|hr)\b[^>]*>")
_INLINE_TAG = re.compile(r"<[^>]*>")


# A unit renders each update's text three times (its commitment's page and feed, its report's feed): kept, not done again.
@lru_cache(maxsize=1024)
def render_markdown(text: str) -> Markup:
    """Return sanitized HTML for a Markdown text."""
    raw = markdown_to_html(text, _CMARK_OPTIONS, _EXTENSIONS)
    clean = nh3.clean(
        raw,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return Markup(clean.strip())


def markdown_to_text(text: str) -> str:
    """Return the plain words of a Markdown text, with white space folded."""
    spaced = _BLOCK_TAG.sub(" ", str(render_markdown(text)))
    without_tags = _INLINE_TAG.sub("", spaced)
    return " ".join(html.unescape(without_tags).split())


def find_unsafe_markup(text: str, first_line: int) -> list[tuple[int, str]]:
    """Return (line, snippet) for each raw HTML tag or script link in a Markdown text.

    Tags are matched across line breaks, and entities are decoded before looking for
    script links, so `<img` on one line and `onerror=…>` on the next is still found.
    """
    without_autolinks = _AUTOLINK.sub(lambda match: " " * len(match.group(0)), text)
    decoded = html.unescape(without_autolinks)
    lowered = decoded.translate(_ASCII_LOWER)  # the same length as decoded, so its offsets hold there too
    tags = [(match.start(), match.end()) for match in _TAG.finditer(without_autolinks)]
    schemes = sorted((match.start(), match.end()) for pattern in _BAD_SCHEMES for match in pattern.finditer(lowered))
    found: dict[int, str] = {}
    for source, spans in ((without_autolinks, tags), (decoded, schemes)):  # on each line, a tag first, else the first script link
        for start, end in spans:
            found.setdefault(first_line + source.count("\n", 0, start), " ".join(source[start:end].split()))
    return sorted(found.items())


def split_paragraphs(text: str, first_line: int) -> list[tuple[int, str]]:
    """Split Markdown into blocks separated by blank lines, each with its first line."""
    blocks: list[tuple[int, str]] = []
    position = 0
    for match in [*_BLANK_LINES.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[position:end]
        if chunk.strip():
            leading = len(chunk) - len(chunk.lstrip("\n"))
            line = first_line + text.count("\n", 0, position) + leading
            blocks.append((line, chunk.strip("\n")))
        position = match.end() if match else len(text)
    return blocks


def fold_space(text: str) -> str:
    """Return text with every run of white space folded to one space."""
    return " ".join(text.split())
