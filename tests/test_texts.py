"""Records read from the build cache leave their long texts in the cache's file until a page reads them."""

from __future__ import annotations

import heapq
import os
import pickle
from operator import itemgetter
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_TODAY
from tracker.data_parts import _read_items, _write_items, sort_bytes
from tracker.pipeline import Project, build_site, check_site, plan_site
from tracker.texts import Text, dumps_with_texts_apart, forget_read_texts, load_texts_kept_from

needs_proc = pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the process's memory from /proc (Linux)")


def _resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _resident_file_pages_mb() -> float:
    """The process's resident pages of mapped files (not the memory its objects take)."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("RssFile:"))
    return int(line.split()[1]) / 1024


def _fictional_texts(count: int, size: int) -> list[str]:
    return [f"Fictional update {number}: " + f"the benches of ward {number} were painted. " * (size // 45) for number in range(count)]


def load_with_texts_kept(path: Path) -> object:
    with path.open("rb") as file:
        return load_texts_kept_from(file)


def _replace(path: Path, data: bytes) -> None:
    """Write as the build cache does: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_bytes(data)
    temporary.replace(path)


@needs_proc
def test_texts_read_from_a_file_take_memory_only_while_read(tmp_path: Path) -> None:
    words = _fictional_texts(300, 100_000)  # 30 MB
    path = tmp_path / "records.pickle"
    _replace(path, dumps_with_texts_apart({"ids": list(range(300)), "texts": [Text(text) for text in words]}))
    before, files_before = _resident_mb(), _resident_file_pages_mb()
    loaded = load_with_texts_kept(path)
    assert isinstance(loaded, dict)
    assert _resident_mb() - before < 3
    assert [str(text) for text in loaded["texts"]] == words
    assert _resident_file_pages_mb() - files_before > 20  # read, the texts' pages are counted as the process's...
    forget_read_texts()
    assert _resident_file_pages_mb() - files_before < 3  # ...until they are given back
    assert [str(text) for text in loaded["texts"]] == words  # and read again when needed


def test_a_text_is_as_it_was_read_after_the_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "records.pickle"
    _replace(path, dumps_with_texts_apart([Text("The office painted the benches."), Text("")]))
    kept = load_with_texts_kept(path)
    _replace(path, dumps_with_texts_apart([Text("Something else entirely, and longer than before."), Text("x")]))
    assert [str(text) for text in kept] == ["The office painted the benches.", ""]  # type: ignore[attr-defined]
    assert [bool(text) for text in kept] == [True, False]  # type: ignore[attr-defined]


def test_a_file_cut_short_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "records.pickle"
    data = dumps_with_texts_apart([Text("The office painted the benches.")])
    path.write_bytes(data[:-5])
    with pytest.raises(pickle.UnpicklingError):
        load_with_texts_kept(path)


def test_a_kept_text_pickles_as_its_words(tmp_path: Path) -> None:
    path = tmp_path / "records.pickle"
    _replace(path, dumps_with_texts_apart([Text("Painted.")]))
    [kept] = load_with_texts_kept(path)  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(kept))
    assert str(again) == "Painted."
    assert again == kept == Text("Painted.") != Text("Painted")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts the process's open files in /proc (Linux)")
def test_files_read_from_the_cache_hold_no_open_file_each(tmp_path: Path) -> None:
    # A site maps one records file per report folder, and one part of the open data per report:
    # thousands, past the limit of open files on many systems, if each kept one open.
    for number in range(300):
        _replace(tmp_path / f"records-{number}.pickle", dumps_with_texts_apart([Text(f"Fictional update {number}.")]))
        _write_items(tmp_path / f"part-{number}.json", "key", [(("fictional", number), f"item {number}".encode())])
    open_before = len(os.listdir("/proc/self/fd"))
    records = [load_with_texts_kept(tmp_path / f"records-{number}.pickle") for number in range(300)]
    parts = [_read_items(tmp_path / f"part-{number}.json", "key") for number in range(300)]
    assert len(os.listdir("/proc/self/fd")) - open_before < 5
    assert [str(kept[0]) for kept in records] == [f"Fictional update {number}." for number in range(300)]  # type: ignore[index]
    assert [list(part or []) for part in parts] == [
        [(sort_bytes(("fictional", number)), f"item {number}".encode())] for number in range(300)
    ]


def test_a_rebuild_checks_and_plans_the_site_without_reading_a_kept_text(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    build_site(project, FIXTURE_TODAY)
    read: list[str] = []
    unread_text = Text.__str__

    def noted_text(text: Text) -> str:
        words = unread_text(text)
        if text._kept is not None:
            read.append(words)
        return words

    monkeypatch.setattr(Text, "__str__", noted_text)
    planned = plan_site(project, check_site(project, FIXTURE_TODAY))
    assert planned.units
    assert read == [], "the check and the plan read no text the cache kept"
    paint = project.content / "reports/lamps/commitments/paint.md"
    paint.write_text(paint.read_text(encoding="utf-8").replace("title: Paint every bench green", "title: Paint it green"), encoding="utf-8")
    build_site(project, FIXTURE_TODAY)
    assert read, "the edited report's pages, rendered, read its texts"


def test_kept_items_of_every_length_are_read_back_across_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tracker.data_parts._PIECE_BYTES", 7)
    items = [(("fictional", number), b"x" * length) for number, length in enumerate([0, 1, 6, 7, 8, 30, 0, 2])]
    _write_items(tmp_path / "part.json", "key", items)
    assert list(_read_items(tmp_path / "part.json", "key") or []) == [(sort_bytes(key), item) for key, item in items]


@needs_proc
def test_merging_many_kept_parts_holds_little_of_their_files(tmp_path: Path) -> None:
    # The system counts a mapped file's pages once read (up to 1 MB around each byte read) as the
    # process's own: merging 200 parts of 150 KB each, read whole, would count 30 MB.
    texts = _fictional_texts(200 * 30, 5000)
    for number in range(200):
        part = [((text_number,), texts[text_number].encode()) for text_number in range(number, len(texts), 200)]
        _write_items(tmp_path / f"{number}.json", "key", part)
    parts = [_read_items(tmp_path / f"{number}.json", "key") for number in range(200)]
    files_before, largest = _resident_file_pages_mb(), 0.0
    merged = []
    for count, (_, item) in enumerate(heapq.merge(*[part or [] for part in parts], key=itemgetter(0))):
        merged.append(len(item))
        if count % 500 == 0:
            largest = max(largest, _resident_file_pages_mb() - files_before)
    assert merged == [len(text.encode()) for text in texts]
    assert largest < 8


def test_without_the_c_librarys_mmap_files_are_read_whole_and_give_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As on Windows: a mapped file could not be replaced there, so it is read into memory instead.
    monkeypatch.setattr("tracker.mapped._LIBC", None)
    words = _fictional_texts(3, 20_000)  # past the size a file is read ahead by
    _replace(tmp_path / "records.pickle", dumps_with_texts_apart({"ids": list(range(5000)), "texts": [Text(text) for text in words]}))
    items = [(("fictional", number), f"item {number}".encode() * 1000) for number in range(3)]
    _write_items(tmp_path / "part.json", "key", items)
    loaded = load_with_texts_kept(tmp_path / "records.pickle")
    assert isinstance(loaded, dict)
    assert [str(text) for text in loaded["texts"]] == words
    assert list(_read_items(tmp_path / "part.json", "key") or []) == [(sort_bytes(key), item) for key, item in items]
