"""Whatever an editor writes in a content file, the build succeeds or lists errors they can act on.

Hypothesis replaces one file of the fictional fixture with random bytes, random text, random
YAML-ish text or a mutation of a real fixture file (lines deleted, duplicated or re-indented,
characters swapped, odd characters inserted), and checks that the outcome is always either a
clean check or a ContentErrors whose every error names a file, a line in it, a field, a
problem and a fix: never a traceback. The tests that follow it pin down inputs that once
crashed or misread content.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import FIXTURE_CONTENT, FIXTURE_TODAY, copy_fixture, project_for
from tracker.errors import ContentError, ContentErrors
from tracker.load import MAX_FILE_BYTES, load_content
from tracker.pipeline import check_site
from tracker.validate import validate_content
from tracker.yaml_strict import YamlMap, YamlProblem, parse_yaml

FIXTURE_FILES = sorted(path.relative_to(FIXTURE_CONTENT).as_posix() for path in FIXTURE_CONTENT.rglob("*") if path.is_file())
# Files the build reads but the fixture does not have, and one it does not read.
NEW_FILES = ["reports/benches/updates/u9.md", "reports/benches/commitments/new.md", "bodies/new.yaml", "pages/new.md", "reports/notes.txt"]
TARGETS = st.sampled_from(FIXTURE_FILES + NEW_FILES)

FIELD_NAMES = (
    "id",
    "title",
    "description",
    "base_url",
    "statuses",
    "stances",
    "label",
    "definition",
    "default",
    "final",
    "name",
    "short_name",
    "kind",
    "url",
    "body",
    "chair",
    "members",
    "published",
    "number",
    "addressed_to",
    "text_source",
    "source",
    "note",
    "reference",
    "date",
    "from",
    "signed_by",
    "to",
    "answers",
    "disputes",
    "recommendation",
    "stance",
    "paragraphs",
    "paragraph",
    "quote",
    "recommendations",
    "response",
    "owner",
    "target",
    "as_stated",
    "date_basis",
    "commitment",
    "status",
    "sources",
    "body_claim",
    "publisher",
)
TOKENS = [
    *("no", "on", "yes", "off", "~", "null", "true", "false", "1", "0", "-1", "3.5", "99999999999999999999", "²", "٣"),
    *("2024-02-30", "2021-09-01", "2027-01-01", "0000-00-00", "benches-c1", "benches-r1", "office-reply-2021", "parks-office"),
    *("in-progress", "delivered", "no-public-update", "accepted", "Benches-C1", "https://fictional.example/x", "javascript:alert(1)"),
    *("[", "]", "{", "}", ",", '"', "'", ":", ": ", "- ", "-", "&a", "*a", "!tag", "!!str", "!!binary", "|", ">-", "#", "<<"),
    *("\t", "---", "...", "%YAML 1.2", "@", "`", "?", "\\", "\\q", "<script>", "<b>", "onclick=", "\r", "\r\n", "\n"),
    *("\u2028", "\u0085", "\ufeff", "\x00", "\x07", "\ufffe", "é", "😀", "\u200b", "  ", "    "),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture that each example changes one file of, and puts back."""
    root = tmp_path_factory.mktemp("property")
    copy_fixture(root / "content")
    return root


@contextmanager
def replaced(root: Path, relative: str, data: bytes) -> Iterator[Path]:
    """Write data to one content file for the duration of the block, then restore the fixture."""
    content = root / "content"
    target = content / relative
    original = target.read_bytes() if target.is_file() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    try:
        yield content
    finally:
        if original is None:
            target.unlink()
        else:
            target.write_bytes(original)


def _line_count(raw: bytes) -> int:
    """Return the number of lines an editor shows for a file."""
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def assert_success_or_editor_errors(root: Path, relative: str, data: bytes) -> None:
    """Check the content with one file replaced; only a clean check or ContentErrors may come out."""
    with replaced(root, relative, data) as content:
        try:
            check_site(project_for(content, root / "site"), FIXTURE_TODAY)
        except ContentErrors as failure:
            assert failure.errors, "ContentErrors was raised without any error in it"
            for error in failure.errors:
                assert isinstance(error, ContentError), repr(error)
                assert error.path and not error.path.startswith(("/", "content/")), repr(error)
                assert isinstance(error.line, int) and error.line >= 1, repr(error)
                assert error.field.strip() and error.problem.strip() and error.fix.strip(), repr(error)
                assert "\n" not in str(error) and "\r" not in str(error), repr(error)
                file = content / error.path
                if file.is_file():
                    assert error.line <= _line_count(file.read_bytes()), f"line past the end of the file: {error}"
            assert failure.report().endswith("nothing was written, the previous site/ is unchanged.")


def _front_matter(relative: str, fields: str, body: str) -> str:
    return f"---\n{fields}\n---\n{body}" if relative.endswith(".md") else fields


yaml_value = st.one_of(
    st.sampled_from(TOKENS),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=4).map("".join),
    st.lists(st.sampled_from(TOKENS), max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    st.text(max_size=12),
)
yaml_line = st.builds(
    lambda indent, dash, key, value: f"{indent}{dash}{key}: {value}",
    st.sampled_from(["", "", "  ", "    ", "\t", " "]),
    st.sampled_from(["", "", "- "]),
    st.one_of(st.sampled_from(FIELD_NAMES), st.sampled_from(TOKENS), st.text(max_size=6)),
    yaml_value,
)
yamlish_text = st.lists(st.one_of(yaml_line, st.sampled_from(TOKENS)), max_size=14).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(relative=TARGETS, data=st.binary(max_size=600))
def test_random_bytes(workspace: Path, relative: str, data: bytes) -> None:
    assert_success_or_editor_errors(workspace, relative, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(relative=TARGETS, text=st.text(max_size=400))
def test_random_text(workspace: Path, relative: str, text: str) -> None:
    assert_success_or_editor_errors(workspace, relative, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(relative=TARGETS, fields=yamlish_text, body=st.one_of(st.just("Some text."), st.sampled_from(TOKENS), st.text(max_size=40)))
def test_random_yamlish_fields(workspace: Path, relative: str, fields: str, body: str) -> None:
    assert_success_or_editor_errors(workspace, relative, _front_matter(relative, fields, body).encode("utf-8", "surrogatepass"))


def _mutate(text: str, data: st.DataObject) -> str:
    """Apply one to four random edits of the kind editors make by accident."""
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        lines = text.split("\n")
        row = data.draw(st.integers(0, len(lines) - 1), label="line")
        position = data.draw(st.integers(0, len(text)), label="position")
        edit = data.draw(
            st.sampled_from(
                ["delete line", "duplicate line", "swap lines", "indent", "dedent", "swap chars", "insert", "delete char", "replace"]
            )
        )
        if edit == "delete line":
            del lines[row]
        elif edit == "duplicate line":
            lines.insert(row, lines[row])
        elif edit == "swap lines" and row + 1 < len(lines):
            lines[row], lines[row + 1] = lines[row + 1], lines[row]
        elif edit == "indent":
            lines[row] = data.draw(st.sampled_from([" ", "  ", "\t"])) + lines[row]
        elif edit == "dedent":
            lines[row] = lines[row][1:]
        if edit in ("delete line", "duplicate line", "swap lines", "indent", "dedent"):
            text = "\n".join(lines)
        elif edit == "swap chars" and position + 1 < len(text):
            text = text[:position] + text[position + 1] + text[position] + text[position + 2 :]
        elif edit == "insert":
            text = text[:position] + data.draw(st.one_of(st.sampled_from(TOKENS), st.characters()), label="inserted") + text[position:]
        elif edit == "delete char":
            text = text[:position] + text[position + 1 :]
        elif edit == "replace" and ":" in lines[row]:
            key = lines[row].split(":", 1)[0]
            lines[row] = f"{key}: {data.draw(yaml_value, label='value')}"
            text = "\n".join(lines)
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(relative=st.sampled_from(FIXTURE_FILES), data=st.data())
def test_mutated_fixture_files(workspace: Path, relative: str, data: st.DataObject) -> None:
    original = (FIXTURE_CONTENT / relative).read_text(encoding="utf-8")
    mutated = _mutate(original, data)
    assert_success_or_editor_errors(workspace, relative, mutated.encode("utf-8", "surrogatepass"))


# -- inputs that once crashed the build or were misread ---------------------------


def test_words_yaml_reads_as_booleans_stay_text() -> None:
    data = parse_yaml("title: on\nstatus: no\ndefault: yes\nfinal: off\ndate: 2024-02-30\nnumber: 0x10\nnothing: ~\n")
    assert isinstance(data, YamlMap)
    assert dict(data) == {
        "title": "on",
        "status": "no",
        "default": "yes",
        "final": "off",
        "date": "2024-02-30",
        "number": "0x10",
        "nothing": None,
    }


def test_a_page_titled_on_builds(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    about = content / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("title: About the fictional site", "title: on"), encoding="utf-8")
    check_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY)
    loaded = load_content(content)
    validated, errors = validate_content(loaded.files, FIXTURE_TODAY)
    assert not loaded.errors and not errors and validated is not None
    assert [page.title for page in validated.pages if page.id == "about"] == ["on"]


def test_a_file_over_the_size_limit_is_reported(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    big = content / "reports" / "benches" / "updates" / "u3.md"
    valid = (content / "reports" / "benches" / "updates" / "u1.md").read_text(encoding="utf-8").replace("benches-u1", "benches-u3")
    big.write_text(valid + "x" * (MAX_FILE_BYTES + 1 - len(valid.encode("utf-8"))), encoding="utf-8")
    assert big.stat().st_size == MAX_FILE_BYTES + 1
    with pytest.raises(ContentErrors) as failure:
        check_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY)
    assert failure.value.report() == (
        "content/reports/benches/updates/u3.md:1: file: the file is 1,000,001 bytes, over the limit of 1,000,000"
        " — split it into smaller files, or check it is the right file\n"
        "1 error found; nothing was written, the previous site/ is unchanged."
    )


def test_a_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    update = content / "reports" / "benches" / "updates" / "u1.md"
    text = update.read_text(encoding="utf-8")
    update.write_text(text + "x" * (MAX_FILE_BYTES - len(text.encode("utf-8"))), encoding="utf-8")
    assert update.stat().st_size == MAX_FILE_BYTES
    check_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    # libyaml's composer recurses in C: nesting this deep once killed the process.
    with pytest.raises(YamlProblem) as problem:
        parse_yaml("title: " + "[" * 200_000 + "]" * 200_000)
    assert problem.value.line == 1
    assert "nested more than" in problem.value.problem


def test_windows_line_ends_build(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    for path in content.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    check_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY)


def test_yaml_line_separators_are_refused() -> None:
    # YAML starts a new line at U+2028 where editors show none, so a field would be misread.
    with pytest.raises(YamlProblem) as problem:
        parse_yaml("a: one\nb: two\u2028c: three\n", first_line=2)
    assert problem.value.line == 3
    assert problem.value.problem == "this line has a character that is not allowed (U+2028, an invisible line separator)"


def test_control_characters_are_reported_on_their_line() -> None:
    with pytest.raises(YamlProblem) as problem:
        parse_yaml("a: \u00e9\u00e9\nb: \u00e9\x07\n", first_line=2)
    assert (problem.value.line, problem.value.problem) == (3, "this line has an invisible control character (U+0007), which is not allowed")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_that_loops_is_reported(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path / "content")
    (content / "pages" / "loop.md").symlink_to("loop.md")
    (content / "pages" / "folder.md").symlink_to(content / "bodies")
    with pytest.raises(ContentErrors) as failure:
        check_site(project_for(content, tmp_path / "site"), FIXTURE_TODAY)
    assert failure.value.report() == (
        "content/pages/folder.md:1: file: this is a link to a folder, not to a file — delete the link\n"
        "content/pages/loop.md:1: file: this is a link that leads back to itself — delete the link\n"
        "2 errors found; nothing was written, the previous site/ is unchanged."
    )


def test_workspace_is_restored(workspace: Path) -> None:
    """The property tests put every file back; a leftover would hide later failures."""
    content = workspace / "content"
    left = sorted(path.relative_to(content).as_posix() for path in content.rglob("*") if path.is_file())
    assert left == FIXTURE_FILES
    for relative in FIXTURE_FILES:
        assert (content / relative).read_bytes() == (FIXTURE_CONTENT / relative).read_bytes(), relative
