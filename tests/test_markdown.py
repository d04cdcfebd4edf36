"""Markdown is rendered by GitHub's cmark exactly as cmarkgfm renders it, and leaves no memory behind."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

import tracker.cmark
from tracker.cmark import markdown_to_html, syntax_extensions

NAMES = ["table", "strikethrough", "autolink"]
EXTENSIONS = syntax_extensions(NAMES)
OPTIONS = Options.CMARK_OPT_VALIDATE_UTF8
# Pieces of Markdown each extension and the core parse, so random joins of them make real documents.
PIECES = [
    "plain words",
    "**strong** and _emphasis_",
    "~~struck~~",
    "www.example.org and https://example.org/a?b=c",
    '[a link](https://example.org "title")',
    "| a | b |\n| --- | :-: |\n| 1 | 2 |",
    "- one\n- two\n  - nested",
    "1. first\n2. second",
    "> quoted\n> text",
    "```\ncode <b>\n```",
    "<script>alert(1)</script>",
    "# Heading",
    "é, ß, 東京, 🙂",
    "",
]


def _rendered_by_cmarkgfm(text: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(text, options=OPTIONS, extensions=NAMES)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=40)), max_size=8), st.sampled_from(["\n", "\n\n", " "]))
def test_html_is_what_cmarkgfm_renders(pieces: list[str], separator: str) -> None:
    text = separator.join(pieces)
    assert markdown_to_html(text, OPTIONS, EXTENSIONS) == _rendered_by_cmarkgfm(text)


def test_an_unknown_extension_is_named() -> None:
    with pytest.raises(ValueError, match="no extension named footnote"):
        syntax_extensions(["table", "footnote"])


def _resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the process's memory from /proc (Linux)")
def test_rendering_leaves_no_memory_behind() -> None:
    # 3,000 texts of 6 KB: cmarkgfm's own function keeps the document of each (over 300 MB in all)
    # and its 14 KB of HTML (40 MB); this keeps a fraction of a megabyte.
    texts = [f"Text {number}.\n\n" + "\n\n".join(PIECES) * 20 for number in range(3000)]
    markdown_to_html(texts[0], OPTIONS, EXTENSIONS)
    before = _resident_mb()
    for text in texts:
        markdown_to_html(text, OPTIONS, EXTENSIONS)
    assert _resident_mb() - before < 10


def test_the_extensions_hold_while_another_thread_renders() -> None:
    # cmark-gfm switches its extensions' characters on and off for the whole process around each parse.
    texts = [f"~~struck {number}~~ and www.example.org/{number}" for number in range(4000)]
    expected = [_rendered_by_cmarkgfm(text) for text in texts]
    wrong: list[str] = []

    def render_all() -> None:
        wrong.extend(text for text, html in zip(texts, expected, strict=True) if markdown_to_html(text, OPTIONS, EXTENSIONS) != html)

    threads = [threading.Thread(target=render_all) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_where_memory_cannot_be_freed_cmarkgfm_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracker.cmark, "FREES_MEMORY", False)
    text = "~~struck~~ www.example.org\n\n| a |\n| - |\n| 1 |"
    assert markdown_to_html(text, OPTIONS, EXTENSIONS) == _rendered_by_cmarkgfm(text)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_process_forked_while_another_thread_renders_can_render() -> None:
    text = "~~struck~~ www.example.org"
    with tracker.cmark._ONE_AT_A_TIME:  # held, as by a thread of the live preview rendering at the fork
        child = os.fork()
        if child == 0:
            os._exit(0 if markdown_to_html(text, OPTIONS, EXTENSIONS) == _rendered_by_cmarkgfm(text) else 1)
    deadline = time.monotonic() + 20
    while (finished := os.waitpid(child, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    if finished == (0, 0):
        os.kill(child, 9)
        os.waitpid(child, 0)
    assert finished != (0, 0), "the forked process waited for ever on the parent's lock"
    assert os.waitstatus_to_exitcode(finished[1]) == 0
