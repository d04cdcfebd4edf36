"""Support for the browser tests: the response headers netlify.toml declares, a local server that
sends them, and the list of every page of a built site."""

from __future__ import annotations

import http.server
import re
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from tests.helpers import ROOT

NETLIFY_TOML = ROOT / "netlify.toml"


@dataclass(frozen=True)
class HeaderRule:
    """One `[[headers]]` block of netlify.toml: a path pattern and the headers sent for it."""

    pattern: str
    values: dict[str, str]

    def matches(self, path: str) -> bool:
        """Whether a request path matches, as Netlify matches: `*` stands for any run of characters."""
        regex = ".*".join(re.escape(part) for part in self.pattern.split("*"))
        return re.fullmatch(regex, path) is not None


def header_rules(netlify_toml: Path = NETLIFY_TOML) -> tuple[HeaderRule, ...]:
    """Return the `[[headers]]` blocks of netlify.toml, in order."""
    with netlify_toml.open("rb") as file:
        config: dict[str, Any] = tomllib.load(file)
    return tuple(HeaderRule(block["for"], {str(k): str(v) for k, v in block["values"].items()}) for block in config.get("headers", []))


def headers_for(path: str, rules: tuple[HeaderRule, ...]) -> dict[str, str]:
    """Return every header the rules send for a request path (later blocks win on a clash)."""
    headers: dict[str, str] = {}
    for rule in rules:
        if rule.matches(path):
            headers.update(rule.values)
    return headers


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve the built site as Netlify would: its headers on every response, 404.html for a missing page."""

    rules: tuple[HeaderRule, ...] = ()

    def end_headers(self) -> None:
        for name, value in headers_for(self.path.split("?", 1)[0].split("#", 1)[0], self.rules).items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when the browser drops a connection it no longer needs; report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path, rules: tuple[HeaderRule, ...]) -> Iterator[str]:
    """Serve site on 127.0.0.1 on a free port from a thread; yield its origin, e.g. http://127.0.0.1:41234."""
    handler = partial(type("Handler", (_Handler,), {"rules": rules}), directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def page_urls(site: Path) -> list[str]:
    """Return the URL of every page of a built site: each index.html, and 404.html."""
    urls = ["/" + path.parent.relative_to(site).as_posix() + "/" for path in site.rglob("index.html")]
    urls = sorted("/" if url == "/./" else url for url in urls)
    if (site / "404.html").is_file():
        urls.append("/404.html")
    return urls
