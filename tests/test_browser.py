"""Every page of the real site, built and served with netlify.toml's headers, driven in headless Chromium.

Checks, on every page (each index.html and 404.html, not a sample): axe-core finds no WCAG 2.2 AA
violation; nothing scrolls sideways at 320 px (WCAG 1.4.10 reflow); without JavaScript, <main> is
there with its h1 and its text; every request stays on the site's own origin; and the strict
Content-Security-Policy is never violated. Screenshots of key pages go to test-artifacts/screenshots/.

Skipped when /usr/bin/chromium is missing, unless the environment variable CI is set: then it fails.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser_support import HeaderRule, header_rules, page_urls, serve
from tests.helpers import FIXTURE_TODAY, ROOT, add_report_copy, copy_fixture, project_for, read_page
from tracker.pipeline import build_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SCREENSHOT_PAGES = {"home": "/", "recommendation-sp13-r7": "/recommendations/sp13-r7/", "commitment-sp13-c02": "/commitments/sp13-c02/"}
SCREENSHOT_WIDTHS = (390, 1280)
# The strict policy, with one allowance: Pagefind's search index is WebAssembly ('wasm-unsafe-eval'
# lets a page compile WebAssembly; it does not allow eval() of JavaScript).
STRICT_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _unavailable(reason: str) -> None:
    """Skip this module locally; in CI (the CI variable is set) fail loudly instead."""
    if "CI" in os.environ:
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
    _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, sync_playwright
except ImportError as error:  # pragma: no cover - depends on the machine
    _unavailable(f"a Python package is missing ({error.name}); pip install -r requirements-dev.txt")


# Session fixtures: one build (conftest's real_site), one server, one browser.


@pytest.fixture(scope="session")
def rules() -> tuple[HeaderRule, ...]:
    return header_rules()


@pytest.fixture(scope="session")
def origin(real_site: Path, rules: tuple[HeaderRule, ...]) -> Iterator[str]:
    with serve(real_site, rules) as url:
        yield url


@pytest.fixture(scope="session")
def urls(real_site: Path) -> list[str]:
    found = page_urls(real_site)
    assert "/" in found and "/404.html" in found and len(found) > 20, found
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh desktop-sized context for one test."""
    opened = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        yield opened
    finally:
        opened.close()


def _open(page: Page, origin: str, url: str) -> None:
    """Load one page of the site, check it was served, and let any script it runs finish its work."""
    response = page.goto(origin + url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response.status if response else 'no response'}"
    if page.evaluate("() => document.scripts.length > 0"):
        # A script may fetch more after load (the search page loads its index): wait for quiet.
        page.wait_for_load_state("networkidle")


def _each_page(page: Page, origin: str, urls: list[str], check: Callable[[str], list[str]]) -> list[str]:
    """Open every page in turn and run check on it; return every problem found, each naming its page."""
    problems: list[str] = []
    for url in urls:
        _open(page, origin, url)
        problems.extend(f"{url}: {problem}" for problem in check(url))
    return problems


# The configuration the browser tests rely on.


def test_netlify_toml_sends_a_strict_policy_and_caches_assets(rules: tuple[HeaderRule, ...]) -> None:
    everything = next(rule.values for rule in rules if rule.pattern == "/*")
    assert everything["Content-Security-Policy"] == STRICT_CSP
    sources = everything["Content-Security-Policy"].replace(";", " ").split()
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert everything["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert everything["X-Content-Type-Options"] == "nosniff"
    assert everything["Referrer-Policy"] == "strict-origin-when-cross-origin"
    for feature in ("camera", "microphone", "geolocation", "interest-cohort"):
        assert f"{feature}=()" in everything["Permissions-Policy"]
    assets = next(rule.values for rule in rules if rule.pattern == "/assets/*")
    assert assets["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_test_server_sends_the_netlify_headers(origin: str, real_site: Path) -> None:
    with urllib.request.urlopen(origin + "/") as response:
        assert response.headers["Content-Security-Policy"] == STRICT_CSP
        assert response.headers["Cache-Control"] is None
    asset = next((real_site / "assets").glob("style.*.css")).relative_to(real_site).as_posix()
    with urllib.request.urlopen(f"{origin}/{asset}") as response:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_has_inline_script_style_or_event_handler(real_site: Path, urls: list[str]) -> None:
    """What the policy would refuse, found in the HTML itself: so that no template ever needs 'unsafe-inline'."""
    problems = []
    for url in urls:
        page = read_page(real_site, url)
        for element in page.iter():
            if not isinstance(element.tag, str):
                continue
            inline = [name for name in element.attrib if name == "style" or name.startswith("on")]
            # JSON-LD is data the browser never runs, so the policy does not cover it.
            if element.tag == "script" and "src" not in element.attrib and element.get("type") != "application/ld+json":
                inline.append("inline script")
            if element.tag == "style":
                inline.append("<style> element")
            problems.extend(f"{url}: <{element.tag}> has {what}" for what in inline)
    assert not problems, "\n".join(problems)


# 1. Accessibility: axe-core, WCAG 2.0, 2.1 and 2.2 at levels A and AA.


_EXPERIMENTAL_RULES = "tags => axe.getRules(tags).filter(rule => rule.tags.includes('experimental')).map(rule => rule.ruleId)"


def test_axe_finds_no_violations_on_any_page(context: BrowserContext, origin: str, urls: list[str]) -> None:
    axe = Axe()
    page = context.new_page()
    # axe leaves its experimental rules out of a run by tag; switch on those that test these WCAG levels
    # (label-content-name-mismatch, for one, is WCAG 2.5.3 at level A).
    _open(page, origin, "/")
    page.evaluate(axe.axe_script)
    experimental = page.evaluate(_EXPERIMENTAL_RULES, AXE_TAGS)
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "rules": {rule: {"enabled": True} for rule in experimental},
        "resultTypes": ["violations"],
    }
    reports: list[str] = []
    for url in urls:
        _open(page, origin, url)
        results = axe.run(page, options=options)
        if results.violations_count:
            reports.append(f"=== {url}\n{_readable(results.response['violations'])}")
    report = "\n".join(reports)
    if report:
        print(report)
    assert not reports, f"axe-core found violations on {len(reports)} of {len(urls)} pages:\n{report}"


def _readable(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{', '.join(violation['tags'])}]")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.extend(f"      {item['message']}" for item in node.get("any", []) + node.get("all", []) + node.get("none", []))
    return "\n".join(lines)


# 2. Reflow: at 320 CSS pixels wide, nothing scrolls sideways.

_WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(el => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''}`
      + ` reaches ${Math.round(el.getBoundingClientRect().right)}px`);
}"""


def test_no_page_scrolls_sideways_at_320px(browser: Browser, origin: str, urls: list[str]) -> None:
    narrow = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = narrow.new_page()

        def check(url: str) -> list[str]:
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll_width <= 320:
                return []
            return [f"scrollWidth is {scroll_width}px; " + "; ".join(page.evaluate(_WIDER_THAN_VIEWPORT))]

        problems = _each_page(page, origin, urls, check)
    finally:
        narrow.close()
    assert not problems, "\n".join(problems)


# 3. Without JavaScript, every page still has its content.


def test_every_page_has_main_h1_and_text_without_javascript(browser: Browser, origin: str, urls: list[str]) -> None:
    no_js = browser.new_context(java_script_enabled=False)
    try:
        page = no_js.new_page()

        def check(url: str) -> list[str]:
            main = page.locator("main")
            if main.count() != 1:
                return [f"{main.count()} <main> elements, not 1"]
            problems = []
            h1 = page.locator("h1")
            if h1.count() != 1 or main.locator("h1").count() != 1:
                problems.append(f"{h1.count()} h1 on the page, {main.locator('h1').count()} in <main>; want exactly one, in <main>")
            elif not h1.inner_text().strip():
                problems.append("the h1 is empty")
            if not main.inner_text().strip():
                problems.append("<main> has no text")
            return problems

        problems = _each_page(page, origin, urls, check)
    finally:
        no_js.close()
    assert not problems, "\n".join(problems)


# 4. Every request a page makes goes to the site's own origin.


def test_every_request_stays_on_the_site_origin(context: BrowserContext, origin: str, urls: list[str]) -> None:
    page = context.new_page()
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)

    def check(url: str) -> list[str]:
        foreign = [r for r in requested if f"{urlsplit(r).scheme}://{urlsplit(r).netloc}" != origin]
        if not requested:
            return ["no request was seen, so the listener is not working"]
        requested.clear()
        return [f"requested {r}" for r in foreign]

    problems = _each_page(page, origin, urls, check)
    assert not problems, "\n".join(problems)


# 5. Served with netlify.toml's Content-Security-Policy, no page violates it.

_LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', event => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}: ${event.sample}`);
}, true);
"""
# Events are queued tasks: let them run before reading what was recorded.
_READ_VIOLATIONS = "() => new Promise(resolve => setTimeout(() => resolve(window.__cspViolations), 50))"


def test_no_page_violates_the_content_security_policy(context: BrowserContext, origin: str, urls: list[str]) -> None:
    context.add_init_script(_LISTEN_FOR_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(f"console {message.type}: {message.text}")

    page.on("console", record)

    def check(url: str) -> list[str]:
        seen = [f"securitypolicyviolation: {v}" for v in page.evaluate(_READ_VIOLATIONS)] + console
        console.clear()
        return seen

    problems = _each_page(page, origin, urls, check)
    assert not problems, "\n".join(problems)

    # The listeners do hear a violation: an inline <style> is refused and reported both ways.
    _open(page, origin, "/")
    page.evaluate("() => { const s = document.createElement('style'); s.textContent = 'body { color: red }'; document.head.append(s); }")
    assert any("style-src" in v for v in page.evaluate(_READ_VIOLATIONS))
    page.wait_for_timeout(50)
    assert console, "the console listener heard nothing of a deliberate violation"


# 6. Screenshots, to look at: the home page, a recommendation and a commitment, narrow and wide.


def test_screenshots_of_key_pages(browser: Browser, origin: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in SCREENSHOT_WIDTHS:
        sized = browser.new_context(viewport={"width": width, "height": 800})
        try:
            page = sized.new_page()
            for name, url in SCREENSHOT_PAGES.items():
                _open(page, origin, url)
                path = SCREENSHOTS / f"{name}-{width}.png"
                page.screenshot(path=str(path), full_page=True)
                assert path.stat().st_size > 0
        finally:
            sized.close()


# Search: Pagefind's index, driven as a reader would.


def test_search_finds_a_commitment_by_a_word_in_its_quote(context: BrowserContext, origin: str) -> None:
    page = context.new_page()
    _open(page, origin, "/search/")
    assert page.locator("#search-without-script").is_hidden()
    page.get_by_label("Search reports, recommendations, commitments and updates").fill("Rowley")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#search-results ol li a")
    results.first.wait_for(timeout=10_000)
    hrefs = [results.nth(index).get_attribute("href") or "" for index in range(results.count())]
    assert "/commitments/sp13-c02/" in hrefs
    assert page.locator("#search-results h2").inner_text().endswith("for “Rowley”")


def test_search_excerpts_hold_the_pages_words_not_their_section_links(context: BrowserContext, origin: str) -> None:
    page = context.new_page()
    _open(page, origin, "/search/")
    page.get_by_label("Search reports, recommendations, commitments and updates").fill("information")
    page.get_by_role("button", name="Search").click()
    excerpts = page.locator("#search-results ol li p")
    excerpts.first.wait_for(timeout=10_000)
    texts = [excerpts.nth(index).inner_text() for index in range(excerpts.count())]
    assert any("What was promised" in text for text in texts)
    assert not [text for text in texts if "Link to this section" in text]


def test_search_finds_pages_in_every_part_of_the_index(
    tmp_path: Path, context: BrowserContext, rules: tuple[HeaderRule, ...], small_search_parts: None
) -> None:
    content = copy_fixture(tmp_path / "content")
    add_report_copy(content, "swings")
    add_report_copy(content, "lamps")
    site = tmp_path / "site"
    build_site(project_for(content, site), FIXTURE_TODAY)
    assert len(list(site.glob("pagefind/*/pagefind.js"))) == 3, "the three reports should be indexed in three parts"
    with serve(site, rules) as fixture_origin:
        page = context.new_page()
        _open(page, fixture_origin, "/search/?q=Paint")
        results = page.locator("#search-results ol li a")
        results.first.wait_for(timeout=10_000)
        hrefs = {results.nth(index).get_attribute("href") for index in range(results.count())}
    assert {"/commitments/benches-c1/", "/commitments/swings-c1/", "/commitments/lamps-c1/"} <= hrefs


def test_search_without_javascript_points_to_the_lists(browser: Browser, origin: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(origin + "/search/")
        assert page.locator("#search-form").is_hidden()
        links = page.locator("#search-without-script a")
        assert links.first.get_attribute("href") == "/reports/"
        assert links.count() >= 2
    finally:
        context.close()
