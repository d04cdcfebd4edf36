"""Markdown to HTML by GitHub's cmark, through cmarkgfm's bindings, freeing what they leave allocated.

cmarkgfm's `markdown_to_html_with_extensions` (2025.10.22) never frees the parsed document nor
the HTML it copies into a Python string: about fifty times the text's size in C memory, per call.
A build renders every text of the site, so its worker processes grew without bound (to 9.4 GB
each at 100,000 recommendations). This calls the same C functions, in the same order, and frees
both: the document with cmark's own `cmark_node_free`, the HTML with the C library's `free`,
which is what cmark's default allocator allocates with.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable

from cmarkgfm import _cmark

_LIB = _cmark.lib
_FFI = _cmark.ffi
# cmarkgfm's bindings declare neither function, so they are looked up by name: cmark_node_free in
# the library cmarkgfm built, free in the C library the process already has loaded.
_NODE_FREE = ctypes.CDLL(_cmark.__file__).cmark_node_free
_NODE_FREE.argtypes = [ctypes.c_void_p]
_NODE_FREE.restype = None
_FREE = ctypes.CDLL(None).free
_FREE.argtypes = [ctypes.c_void_p]
_FREE.restype = None


def _address(pointer: object) -> int:
    return int(_FFI.cast("uintptr_t", pointer))


def syntax_extensions(names: Iterable[str]) -> tuple[object, ...]:
    """Return cmark's syntax extensions by name; ValueError names one it does not have."""
    _LIB.cmark_gfm_core_extensions_ensure_registered()
    found = []
    for name in names:
        extension = _LIB.cmark_find_syntax_extension(name.encode("utf-8"))
        if extension == _FFI.NULL:
            raise ValueError(f"cmark has no extension named {name}")
        found.append(extension)
    return tuple(found)


def markdown_to_html(text: str, options: int, extensions: tuple[object, ...]) -> str:
    """Return cmark's HTML for text, as cmarkgfm.markdown_to_html_with_extensions does, leaving nothing allocated."""
    encoded = text.encode("utf-8")
    parser = _LIB.cmark_parser_new(options)
    try:
        for extension in extensions:
            _LIB.cmark_parser_attach_syntax_extension(parser, extension)
        _LIB.cmark_parser_feed(parser, encoded, len(encoded))
        document = _LIB.cmark_parser_finish(parser)  # the caller's to free, not the parser's
        try:
            html = _LIB.cmark_render_html(document, options, _LIB.cmark_parser_get_syntax_extensions(parser))
            try:
                return bytes(_FFI.string(html)).decode("utf-8")
            finally:
                _FREE(_address(html))
        finally:
            _NODE_FREE(_address(document))
    finally:
        _LIB.cmark_parser_free(parser)
