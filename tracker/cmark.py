"""Markdown to HTML by GitHub's cmark, through cmarkgfm's bindings, freeing what they leave allocated.

cmarkgfm's `markdown_to_html_with_extensions` (2025.10.22) never frees the parsed document nor
the HTML it copies into a Python string: up to about fifty times the text's size, per call.
A build renders every text of the site, so its worker processes grew without bound (to 9.4 GB
each at 100,000 recommendations). This calls the same C functions, in the same order, and frees
both: the document with cmark's own `cmark_node_free`, the HTML with the C library's `free`,
which is what cmark's default allocator allocates with. It relies on cmarkgfm's private
`_cmark` module and on who owns what in cmark-gfm: check it again when the pin on cmarkgfm changes
(tests/test_markdown.py compares its HTML with cmarkgfm's, and checks the memory it keeps).
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import cmarkgfm
from cmarkgfm import _cmark

_LIB = _cmark.lib
_FFI = _cmark.ffi
# cmarkgfm's bindings declare neither function, so they are looked up by name: cmark_node_free in
# the library cmarkgfm built, free in the C library the process already has loaded. Where that
# fails (Windows), cmarkgfm's own function is used, leak and all.
try:
    _NODE_FREE = ctypes.CDLL(_cmark.__file__).cmark_node_free
    _FREE = ctypes.CDLL(None).free
    for _function in (_NODE_FREE, _FREE):
        _function.argtypes = [ctypes.c_void_p]
        _function.restype = None
    FREES_MEMORY = True
except (OSError, TypeError, AttributeError):
    FREES_MEMORY = False
# cmark-gfm turns its extensions' special characters on and off in one table for the whole
# process, at the start and end of each parse, and cffi lets other threads run meanwhile: two
# threads parsing at once (the live preview's check and a page request) could drop each other's
# strikethrough or links. One parse at a time.
_ONE_AT_A_TIME = threading.Lock()


def _unlock_in_child() -> None:
    """Give a forked process (a build's worker or reader) a lock of its own: the thread that held the parent's is not there to release it."""
    global _ONE_AT_A_TIME
    _ONE_AT_A_TIME = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_unlock_in_child)


def _address(pointer: object) -> int:
    return int(_FFI.cast("uintptr_t", pointer))


@dataclass(frozen=True)
class Extensions:
    """Syntax extensions of cmark-gfm: their names, and cmark's own (found once)."""

    names: tuple[str, ...]
    found: tuple[object, ...]


def syntax_extensions(names: Iterable[str]) -> Extensions:
    """Return cmark's syntax extensions by name; ValueError names one it does not have."""
    _LIB.cmark_gfm_core_extensions_ensure_registered()
    found = []
    for name in names:
        extension = _LIB.cmark_find_syntax_extension(name.encode("utf-8"))
        if extension == _FFI.NULL:
            raise ValueError(f"cmark has no extension named {name}")
        found.append(extension)
    return Extensions(tuple(names), tuple(found))


def markdown_to_html(text: str, options: int, extensions: Extensions) -> str:
    """Return cmark's HTML for text, as cmarkgfm.markdown_to_html_with_extensions does, leaving nothing allocated."""
    with _ONE_AT_A_TIME:
        if not FREES_MEMORY:
            return str(cmarkgfm.markdown_to_html_with_extensions(text, options=options, extensions=list(extensions.names)))
        return _rendered(text.encode("utf-8"), options, extensions.found)


def _rendered(encoded: bytes, options: int, extensions: tuple[object, ...]) -> str:
    parser = _LIB.cmark_parser_new(options)
    try:
        for extension in extensions:
            _LIB.cmark_parser_attach_syntax_extension(parser, extension)
        _LIB.cmark_parser_feed(parser, encoded, len(encoded))
        document = _LIB.cmark_parser_finish(parser)  # the caller's to free, not the parser's
        try:
            html = _LIB.cmark_render_html(document, options, _LIB.cmark_parser_get_syntax_extensions(parser))
            try:
                copied: bytes = _FFI.string(html)
                return copied.decode("utf-8")
            finally:
                _FREE(_address(html))
        finally:
            _NODE_FREE(_address(document))
    finally:
        _LIB.cmark_parser_free(parser)
