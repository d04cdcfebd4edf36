"""Long texts of records, read only when a page needs them.

An update's summary, a recommendation's text, a commitment's note and a response paragraph's
Markdown are most of the content's bytes (150 MB at 10,000 recommendations), and nothing but the
pages, feeds and open data of their own report uses them. So the build cache (cache.py) keeps
them apart from the records, after them in the same file, and a record read from the cache holds
a `Text` that points into that file, mapped into memory but not read (mapped.py). The worker that
renders a page reads it then, and gives the memory back (`forget_read_texts`) when the report is
written.

The file a `Text` points into is never changed: the cache writes a new file and renames it into
place, and the old one's mapping keeps its bytes for as long as a `Text` needs them.
"""

from __future__ import annotations

import io
import pickle
from typing import BinaryIO

from tracker.mapped import MappedFile, head, read_head


class Text:
    """A record's long Markdown text: held in memory, or kept in a build cache file until read."""

    __slots__ = ("_end", "_kept", "_start", "_value")

    def __init__(self, value: str) -> None:
        self._value: str | None = value
        self._kept: MappedFile | None = None
        self._start = self._end = 0

    @classmethod
    def kept(cls, mapping: MappedFile, start: int, end: int) -> Text:
        """Return the text held by mapping's bytes start to end, in UTF-8, unread."""
        text = cls.__new__(cls)
        text._value, text._kept, text._start, text._end = None, mapping, start, end
        return text

    def __str__(self) -> str:
        if self._value is not None:
            return self._value
        assert self._kept is not None
        _read_from.add(self._kept)
        # Not kept once read: a page reads it once, and keeping it would hold every text in memory.
        return self._kept[self._start : self._end].decode("utf-8")

    def __bool__(self) -> bool:
        return bool(self._value) if self._kept is None else self._end > self._start

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other) if isinstance(other, Text) else NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return f"Text({str(self)!r})"

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return Text, (str(self),)


_read_from: set[MappedFile] = set()  # the files kept texts were read from, since they were last forgotten


def forget_read_texts() -> None:
    """Give back the memory of the kept texts read so far (read again from the file if needed again)."""
    global _read_from
    read, _read_from = _read_from, set()
    for mapping in tuple(read):  # another thread may still add to it
        mapping.forget()


class _TextsApart(pickle.Pickler):
    """Pickles every Text as where its bytes will be in the file, and gathers the bytes."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.texts = io.BytesIO()

    def persistent_id(self, obj: object) -> tuple[int, int] | None:
        if type(obj) is not Text:
            return None
        start = self.texts.tell()
        return start, start + self.texts.write(str(obj).encode("utf-8"))


class _TextsKept(pickle.Unpickler):
    """Unpickles every Text as a pointer into the mapped file."""

    def __init__(self, pickled: bytes, mapping: MappedFile, texts_at: int) -> None:
        super().__init__(io.BytesIO(pickled))
        self.mapping = mapping
        self.texts_at = texts_at

    def persistent_load(self, pid: object) -> Text:
        if not (isinstance(pid, tuple) and len(pid) == 2 and all(type(at) is int for at in pid)):
            raise pickle.UnpicklingError(f"not a kept text: {pid!r}")
        start, end = self.texts_at + pid[0], self.texts_at + pid[1]
        if not self.texts_at <= start <= end <= self.mapping.size:
            raise pickle.UnpicklingError("a kept text is outside the file")
        return Text.kept(self.mapping, start, end)


def dumps_with_texts_apart(obj: object) -> bytes:
    """Return obj pickled, its Texts' bytes after the pickle, for load_texts_kept_from."""
    pickled = io.BytesIO()
    pickler = _TextsApart(pickled)
    pickler.dump(obj)
    return head(pickled.getvalue()) + pickler.texts.getvalue()


def load_texts_kept_from(file: BinaryIO) -> object:
    """Return what dumps_with_texts_apart wrote into the open file, from its position on; its Texts are left unread in the file."""
    pickled, mapping, texts_at = read_head(file)
    return _TextsKept(pickled, mapping, texts_at).load()
