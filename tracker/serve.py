"""Live preview: serve site/ on 127.0.0.1, rebuild on save, reload the open page.

The server knows nothing about content: it is handed a `rebuild` function. A failed
build does not stop it; the browser shows the error list instead of the page.
"""

from __future__ import annotations

import html
import http.server
import sys
import threading
import urllib.parse
from collections.abc import Callable
from functools import partial
from pathlib import Path

import watchfiles

from tracker.errors import ContentErrors
from tracker.live import LiveSite, Refreshed
from tracker.pipeline import Project
from tracker.urls import output_path

RELOAD_PATH = "/__reload"
# While a whole check runs, a thread that shows a save or serves a page waits for Python's
# interpreter lock after every system call: by default up to 5 ms each time, hundreds of times
# (a second, at 10,000 recommendations). Handing the lock over every 0.1 ms keeps them prompt.
SWITCH_INTERVAL_S = 0.0001
# Waits for a quiet 50 ms before rebuilding, so that a burst of saves is one rebuild.
QUIET_MS = 50


def reload_script(generation: int) -> str:
    """Return the script a served page gets: it reloads the page once a build newer than generation (the page's own) is done.

    The generation is the page's, not the one current when the script connects: a save makes
    two builds in quick succession, and the second may be done before the reloaded page connects.
    """
    source = f"{RELOAD_PATH}?since={generation}"
    return f"<script>(function(){{var s=new EventSource('{source}');s.onmessage=function(){{location.reload();}};}})();</script>"


class BuildState:
    """The outcome of the latest build, and a counter that moves on every rebuild."""

    def __init__(self) -> None:
        self.generation = 0
        self.errors: str | None = None
        self.changed = threading.Condition()

    def record(self, errors: str | None) -> None:
        """Store a build's outcome and wake every waiting browser."""
        with self.changed:
            self.errors = errors
            self.generation += 1
            self.changed.notify_all()


def run_build(rebuild: Callable[[], Refreshed], state: BuildState) -> None:
    """Rebuild once, recording the error report if content is wrong (or anything else went wrong).

    The browser reloads if the rebuild says a page on screen may be out of date, or to replace an
    error page; a rebuild that a later save overtook (it runs again) leaves both alone.
    """
    try:
        outcome = rebuild()
        if outcome is Refreshed.SUPERSEDED:
            print("Checked; a save came in meanwhile, so checking again.", flush=True)
            return
        if outcome is Refreshed.RELOAD or state.errors is not None:
            state.record(None)
        print("Rebuilt.", flush=True)
    except ContentErrors as failure:
        state.record(failure.report())
        print(failure.report(), flush=True)
    except Exception as error:  # a template that does not compile, say: the preview must keep watching
        report = f"{type(error).__name__}: {error}"
        state.record(report)
        print(report, flush=True)


def serve(project: Project, port: int) -> int:
    """Build, then serve project.site on 127.0.0.1:port until interrupted.

    The first build writes site/; after each save, what changed is rendered in memory (LiveSite).
    """
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    state = BuildState()
    live = LiveSite(project)
    built = threading.Event()

    def rebuild() -> Refreshed:
        if built.is_set():
            return live.refresh()
        live.build()  # until a first build succeeds, every save tries a full one
        built.set()
        return Refreshed.RELOAD

    def show_first(changed: set[Path]) -> bool:
        try:
            return built.is_set() and live.show_report(changed)
        except Exception:  # whatever went wrong, the whole check that follows reports it
            return False

    run_build(rebuild, state)
    server = make_server(project.site, port, state, live)
    folders = (project.content, project.templates, project.assets)
    watcher = threading.Thread(target=watch_and_rebuild, args=(folders, rebuild, state, show_first), daemon=True)
    watcher.start()
    print(f"Serving on http://127.0.0.1:{port}/ — press Ctrl+C to stop.", flush=True)
    print("Search keeps the index of the first build until you restart; a full build (python3 build.py) refreshes it.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def watch_and_rebuild(
    folders: tuple[Path, ...], rebuild: Callable[[], Refreshed], state: BuildState, show_first: Callable[[set[Path]], bool]
) -> None:
    """After every burst of saves under folders, rebuild on a thread of its own; saves during a rebuild make one more.

    First, unless the page shows an error, show_first may show the changed pages at once (even
    while a rebuild runs): it returns whether it did, and then the browser reloads at once.
    """
    saved = threading.Event()

    def rebuild_after_saves() -> None:
        while saved.wait():
            saved.clear()
            run_build(rebuild, state)

    threading.Thread(target=rebuild_after_saves, daemon=True).start()
    for changes in watchfiles.watch(*folders, step=QUIET_MS, debounce=1600, raise_interrupt=False):
        if state.errors is None and show_first({Path(path) for _, path in changes}):
            state.record(None)
        saved.set()


def make_server(site_dir: Path, port: int, state: BuildState, live: LiveSite) -> http.server.ThreadingHTTPServer:
    """Return an HTTP server for site_dir, overlaid with live's changes, that injects live reload into HTML pages."""
    handler = partial(_PreviewHandler, state=state, live=live, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: object, state: BuildState, live: LiveSite, **kwargs: object) -> None:
        self.state = state
        self.live = live
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for build messages."""

    def do_GET(self) -> None:
        self.generation = self.state.generation  # taken before the page, so that a newer build reloads it
        url = urllib.parse.urlsplit(self.path)
        if url.path == RELOAD_PATH:
            self._stream_reloads(urllib.parse.parse_qs(url.query).get("since", [""])[0])
        elif self.state.errors is not None:
            self._send_html(500, _error_page(self.state.errors))
        elif self._send_from_memory():
            return
        elif self._is_page():
            self._send_page()
        else:
            super().do_GET()

    def _send_from_memory(self) -> bool:
        """Send the output if it changed since site/ was written; False if site/ has it as it is."""
        path = output_path(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path))
        try:
            found, status = self.live.output(path), 200
            if found.in_memory and found.data is None:
                found, status, path = self.live.output("404.html"), 404, "404.html"
        except Exception as error:  # a template error, say: show it in place of the page
            self._send_html(500, _error_page(f"{type(error).__name__}: {error}"))
            return True
        if found.data is None:
            return False
        if path.endswith(".html"):
            self._send_html(status, found.data.decode("utf-8"))
            return True
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Length", str(len(found.data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(found.data)
        return True

    def _is_page(self) -> bool:
        path = self.translate_path(self.path)
        return path.endswith(".html") or Path(path, "index.html").is_file() or not Path(path).exists()

    def _send_page(self) -> None:
        file = Path(self.translate_path(self.path))
        if file.is_dir():
            file = file / "index.html"
        status = 200
        if not file.is_file():
            file, status = Path(self.directory) / "404.html", 404
        self._send_html(status, file.read_text(encoding="utf-8"))

    def _send_html(self, status: int, page: str) -> None:
        script = reload_script(self.generation)
        body = page.replace("</body>", script + "</body>") if "</body>" in page else page + script
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _stream_reloads(self, since: str) -> None:
        """Send a reload event once a build newer than since (the page's generation; by default, now's) is done."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = int(since) if since.isdigit() else self.generation
        try:
            while True:
                current = self._wait_for_change(seen)
                self.wfile.write(b"data: reload\n\n" if current != seen else b": keep-alive\n\n")
                self.wfile.flush()
                seen = current
        except (BrokenPipeError, ConnectionResetError):
            return

    def _wait_for_change(self, seen: int) -> int:
        """Return the build generation once it differs from seen, or after 15 s."""
        with self.state.changed:
            self.state.changed.wait_for(lambda: self.state.generation != seen, timeout=15)
            return self.state.generation


def _error_page(report: str) -> str:
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in report.splitlines())
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Build failed</title></head>'
        "<body><main><h1>The site could not be built</h1>"
        "<p>Fix these problems in your content files and save; this page reloads by itself.</p>"
        f"<ul>{items}</ul></main></body></html>"
    )
