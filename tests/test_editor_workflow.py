"""The editors' workflow: check --strict, warnings, scaffolding, and the live preview."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_TODAY, ROOT, add_report_copy, copy_fixture, project_for
from tracker.errors import ContentErrors
from tracker.pipeline import BuildOptions, build_site, check_site
from tracker.scaffold import ScaffoldError, plan_scaffold, write_scaffold

_RELOAD_SCRIPT = re.compile(r"<script>\(function\(\)\{var s=new EventSource\('/__reload\?since=\d+'\);.*?</script>")


def _warnings(content: Path, today: date = FIXTURE_TODAY) -> list[str]:
    return [str(warning) for warning in check_site(project_for(content, content.parent / "site"), today).warnings]


def test_the_fixture_has_exactly_the_warnings_its_dates_call_for(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    assert _warnings(content) == [
        "content/reports/benches/commitments/paint.md:2: checks: stale: nothing has been recorded about this commitment since 2022-02-01 (more than 365 days) — look for news; add an update, or record under `checks:` the day you looked and found nothing new",
        "content/reports/benches/commitments/review.md:2: checks: stale: nothing has been recorded about this commitment ever (more than 365 days) — look for news; add an update, or record under `checks:` the day you looked and found nothing new",
    ]


def test_a_commitment_past_its_target_without_a_final_status_is_overdue(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    (content / "reports/benches/updates/u2.md").unlink()
    assert (
        "content/reports/benches/commitments/paint.md:2: target: overdue: the target date 2022-12-31 has passed and no update says it was delivered — add an update with the status now known, or record under `checks:` the day you looked and found nothing new"
        in _warnings(content)
    )


def test_a_recorded_check_clears_stale_and_overdue(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    (content / "reports/benches/updates/u2.md").unlink()
    paint = content / "reports/benches/commitments/paint.md"
    paint.write_text(
        paint.read_text(encoding="utf-8").replace(
            "---\nA fictional", "checks:\n  - date: 2025-06-01\n    note: Looked; nothing new.\n---\nA fictional"
        ),
        encoding="utf-8",
    )
    assert [line for line in _warnings(content) if "paint.md" in line] == []


def test_a_target_change_without_a_reason_and_an_http_source_are_warned(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    review = content / "reports/benches/commitments/review.md"
    review.write_text(
        review.read_text(encoding="utf-8").replace(
            "owner: parks-office\n",
            "owner: parks-office\ntarget_changes:\n  - date: 2022-01-01\n    new_target: 2030-01-01\n    source:\n      title: Fictional notice\n      kind: primary\n      url: http://fictional.example/notice\n",
        ),
        encoding="utf-8",
    )
    warnings = _warnings(content)
    assert (
        "content/reports/benches/commitments/review.md:10: target_changes.reason: the target date was changed on 2022-01-01 with no reason recorded — add `reason:` with the reason the source gives (or say that it gives none)"
        in warnings
    )
    assert (
        "content/reports/benches/commitments/review.md:15: target_changes.source.url: the source link http://fictional.example/notice is not https — use the https:// address if the publisher has one; if you have checked that it has none, add `https_unavailable: true` to this source"
        in warnings
    )


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    with pytest.raises(ContentErrors) as failure:
        check_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY, BuildOptions(strict=True))
    assert len(failure.value.errors) == 2
    assert failure.value.report().endswith("2 errors found; nothing was written, the previous site/ is unchanged.")


def test_new_update_gets_the_next_id_and_todays_date(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    scaffold = plan_scaffold(content, "update", "benches-c2", date(2025, 5, 6))
    assert scaffold.content_path == "reports/benches/updates/2025-05-06-benches-u3.md"
    path = write_scaffold(content, scaffold)
    assert path.read_text(encoding="utf-8").startswith("---\nid: benches-u3\ncommitment: benches-c2\ndate: 2025-05-06\nstatus:\n")
    with pytest.raises(ContentErrors) as failure:
        check_site(project_for(content, tmp_path / "site"), date(2025, 5, 6))
    assert "content/reports/benches/updates/2025-05-06-benches-u3.md:5: status: required field is empty" in failure.value.report()


def test_new_refuses_an_unknown_parent(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    with pytest.raises(ScaffoldError, match="there is no commitment with the id 'nope'; known commitments: benches-c1, benches-c2"):
        plan_scaffold(content, "update", "nope", FIXTURE_TODAY)


def test_new_commitment_and_recommendation_follow_their_siblings(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    assert plan_scaffold(content, "commitment", "benches-r2", FIXTURE_TODAY).content_path == "reports/benches/commitments/benches-c3.md"
    rec = plan_scaffold(content, "recommendation", "benches-2021", FIXTURE_TODAY)
    assert rec.content_path == "reports/benches/recommendations/benches-r4.md"
    assert "number: 4\n" in rec.text
    assert plan_scaffold(content, "report", "new-report", FIXTURE_TODAY).content_path == "reports/new-report/report.md"


# -- live preview --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _wait_for(predicate: object, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def preview(tmp_path: Path) -> object:
    project = tmp_path / "project"
    copy_fixture(project / "content")
    for folder in ("templates", "assets"):
        os.symlink(ROOT / folder, project / folder)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--project", str(project), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    assert _wait_for(lambda: _try(base)), "the preview server did not start"
    yield project, base, server
    server.terminate()
    server.wait(timeout=10)


def _try(base: str) -> bool:
    try:
        return _get(base + "/")[0] == 200
    except OSError:
        return False


def test_preview_shows_errors_in_place_and_recovers(preview: tuple[Path, str, subprocess.Popen[str]]) -> None:
    project, base, _server = preview
    status, page = _get(base + "/commitments/benches-c1/")
    assert status == 200 and "Paint every bench green" in page and "/__reload" in page
    update = project / "content/reports/benches/updates/u1.md"
    good = update.read_text(encoding="utf-8")
    update.write_text(good.replace("status: in-progress", "status: in-progres"), encoding="utf-8")
    assert _wait_for(lambda: _get(base + "/commitments/benches-c1/")[0] == 500)
    status, page = _get(base + "/commitments/benches-c1/")
    assert "The site could not be built" in page
    assert (
        "content/reports/benches/updates/u1.md:5: status: &#x27;in-progres&#x27; is not a status — use one of: unclear, in-progress, partly-delivered, delivered, not-delivered (did you mean &#x27;in-progress&#x27;?)"
        in page
    )
    update.write_text(good.replace("Half of the fictional", "Most of the fictional"), encoding="utf-8")
    assert _wait_for(lambda: "Most of the fictional" in _get(base + "/commitments/benches-c1/")[1])


def test_a_burst_of_saves_is_one_rebuild(preview: tuple[Path, str, subprocess.Popen[str]]) -> None:
    project, base, server = preview
    update = project / "content/reports/benches/updates/u1.md"
    text = update.read_text(encoding="utf-8")
    for number in range(5):
        update.write_text(text.replace("Half of", f"Save {number} of"), encoding="utf-8")
    assert _wait_for(lambda: "Save 4 of" in _get(base + "/commitments/benches-c1/")[1])
    time.sleep(1)
    server.terminate()
    output, _ = server.communicate(timeout=10)
    assert output.count("Rebuilt.") == 2, output  # the first build, then one for the burst
    assert "checking again" not in output, output


def test_reload_events_are_sent_after_a_save(preview: tuple[Path, str, subprocess.Popen[str]]) -> None:
    project, base, _server = preview
    stream = urllib.request.urlopen(base + "/__reload", timeout=10)
    update = project / "content/reports/benches/updates/u1.md"
    update.write_text(update.read_text(encoding="utf-8").replace("Half of", "A third of"), encoding="utf-8")
    assert stream.readline() == b"data: reload\n"
    stream.close()


def test_a_page_reloads_after_a_build_done_before_its_reload_stream_connects(preview: tuple[Path, str, subprocess.Popen[str]]) -> None:
    _project, base, _server = preview
    page = _get(base + "/about/")[1]
    since = re.search(r"/__reload\?since=(\d+)", page)
    assert since is not None
    stream = urllib.request.urlopen(f"{base}/__reload?since={int(since.group(1)) - 1}", timeout=10)  # a build newer than the page
    assert stream.readline() == b"data: reload\n"
    stream.close()


def test_an_error_only_the_whole_site_shows_is_served_and_then_cleared_once_mended(
    preview: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    project, base, _server = preview
    content = project / "content"
    add_report_copy(content, "lamps")
    assert _wait_for(lambda: _get(base + "/reports/lamps-2021/")[0] == 200)
    duplicate = content / "reports/lamps/updates/u3.md"
    update = (content / "reports/lamps/updates/u1.md").read_text(encoding="utf-8")
    duplicate.write_text(update.replace("id: lamps-u1", "id: benches-u1"), encoding="utf-8")  # the id of an update in benches
    assert _wait_for(lambda: _get(base + "/about/")[0] == 500)  # a page the save does not change
    assert "benches-u1" in _get(base + "/about/")[1]
    duplicate.unlink()
    assert _wait_for(lambda: _get(base + "/about/")[0] == 200)


def test_after_saves_the_preview_serves_what_a_full_build_writes(preview: tuple[Path, str, subprocess.Popen[str]], tmp_path: Path) -> None:
    project, base, _server = preview
    paint = project / "content/reports/benches/commitments/paint.md"
    paint.write_text(paint.read_text(encoding="utf-8").replace("Paint every bench green", "Paint every bench blue"), encoding="utf-8")
    update = (project / "content/reports/benches/updates/u1.md").read_text(encoding="utf-8")
    (project / "content/reports/benches/updates/u3.md").write_text(update.replace("id: benches-u1", "id: benches-u3"), encoding="utf-8")
    assert _wait_for(lambda: "benches-u3" in _get(base + "/commitments/benches-c1/")[1])
    # The report's pages show first; the whole check that follows shows the site-wide files (on a busy machine, later).
    assert _wait_for(lambda: "benches-u3" in _get(base + "/feeds/all.xml")[1])
    full = tmp_path / "full"
    build_site(project_for(project / "content", full), date.today())
    served = {}
    for file in sorted(path for path in full.rglob("*") if path.is_file() and path.relative_to(full).parts[0] != "pagefind"):
        path = file.relative_to(full).as_posix()
        url = "/" + (path.removesuffix("index.html") if path.endswith("index.html") else path)
        status, text = _get(base + url)
        served[path] = (status, _RELOAD_SCRIPT.sub("", text))
    assert served == {path: (200, (full / path).read_text(encoding="utf-8")) for path in served}
    assert "benches-u3" in served["feeds/all.xml"][1] and "Paint every bench blue" in served["data/tracker.json"][1]


def test_a_source_checked_to_have_no_https_address_is_not_warned(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    update = content / "reports/benches/updates/u1.md"
    update.write_text(
        update.read_text(encoding="utf-8").replace(
            "url: https://fictional.example/gazette/2021-09", "url: http://fictional.example/gazette/2021-09\n    https_unavailable: true"
        ),
        encoding="utf-8",
    )
    assert not [line for line in _warnings(content) if "not https" in line]


def test_a_build_prints_where_it_wrote_and_its_warnings_and_exits_0(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_fixture(project / "content")
    for folder in ("templates", "assets"):
        os.symlink(ROOT / folder, project / folder)
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as a pipe's output is by default
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(project)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=buffered)
    assert result.returncode == 0
    assert re.fullmatch(rf"Built {re.escape(str(project / 'site'))} in \d+\.\d\d s\.\n", result.stdout)
    assert result.stderr.endswith("the site builds, but `check --strict` (deploy previews) fails until they are dealt with.\n")
    assert (project / "site/commitments/benches-c1/index.html").is_file() and (project / ".tracker-cache/outputs.json").is_file()


def test_options_may_stand_before_or_after_the_command(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_fixture(project / "content")
    for folder in ("templates", "assets"):
        os.symlink(ROOT / folder, project / folder)
    for arguments in (["--strict", "check", "--project", str(project)], ["--project", str(project), "check", "--strict"]):
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), *arguments], capture_output=True, text=True, check=False)
        assert result.returncode == 1, arguments
        assert result.stderr.endswith("2 errors found; nothing was written, the previous site/ is unchanged.\n")
