"""Build cache files mapped into memory, read a slice at a time, and holding no file descriptor.

Python 3.11's `mmap` keeps a file descriptor open for each mapping (3.13's `trackfd=False` lets
it go), and a build maps one records file per report folder and, making the open data, one part
per report: at 10,000 recommendations, about 1,000 descriptors, the limit on many systems. So
this maps with the C library's own mmap, through ctypes, and closes the descriptor at once. Where
that cannot be done (Windows), the file is read into memory instead.

A mapping keeps the bytes the file had when it was mapped, even after the file is replaced or
deleted: the build cache replaces files by renaming new ones over them, never by writing into
them. (A cache file cut short in place, by hand, while a build has it mapped would stop that build.)
"""

from __future__ import annotations

import ctypes
import mmap
import os
import struct
import weakref
from typing import BinaryIO


class _CLibrary:
    """The C library's mmap, munmap and madvise, where ctypes finds them."""

    def __init__(self) -> None:
        library = ctypes.CDLL(None, use_errno=True)
        self.mmap = library.mmap
        self.mmap.restype = ctypes.c_void_p
        self.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
        self.munmap = library.munmap
        self.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        self.madvise = library.madvise
        self.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]


def _c_library() -> _CLibrary | None:
    if os.name != "posix" or not hasattr(mmap, "MADV_DONTNEED"):
        return None
    try:
        return _CLibrary()
    except (OSError, AttributeError):
        return None


_LIBC = _c_library()
_MAP_FAILED = ctypes.c_void_p(-1).value


class MappedFile:
    """A file's bytes as they were when it was opened: mapped where the system allows it, else read."""

    def __init__(self, fd: int) -> None:
        """Map the open file fd (which the caller closes: the mapping needs no descriptor)."""
        self.size = os.fstat(fd).st_size
        self._address = self._map(fd) if _LIBC and self.size else None
        self._bytes = b"" if self._address or not self.size else _read_all(fd, self.size)
        if self._address is not None:
            weakref.finalize(self, _unmap, self._address, self.size)

    def _map(self, fd: int) -> int | None:
        assert _LIBC is not None
        address = _LIBC.mmap(None, self.size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        return None if address in (None, _MAP_FAILED) else int(address)

    def __getitem__(self, where: slice) -> bytes:
        """Return a copy of the bytes from where.start to where.stop."""
        start, stop, _ = where.indices(self.size)
        if self._address is None:
            return self._bytes[start:stop]
        return ctypes.string_at(self._address + start, stop - start) if stop > start else b""

    def forget(self, start: int = 0, stop: int | None = None) -> None:
        """Give back the memory of the pages read so far, from start to stop (the whole file by default).

        The system counts a mapped file's pages, once read, as the process's own.
        """
        if _LIBC is not None and self._address is not None:
            start = max(0, start - start % mmap.PAGESIZE)
            stop = self.size if stop is None else min(stop, self.size)
            if stop > start:
                _LIBC.madvise(self._address + start, stop - start, mmap.MADV_DONTNEED)


def _read_all(fd: int, size: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks, left = [], size
    while left > 0 and (chunk := os.read(fd, left)):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _unmap(address: int, size: int) -> None:
    if _LIBC is not None:
        _LIBC.munmap(address, size)


# A cache file with a head: the length of a pickle, the pickle (read at once), then bytes (mapped).
_LENGTH = struct.Struct("<Q")


def head(pickled: bytes) -> bytes:
    """Return the start of a file whose head is this pickle, for read_head."""
    return _LENGTH.pack(len(pickled)) + pickled


def read_head(file: BinaryIO) -> tuple[bytes, MappedFile, int]:
    """Return the pickle at the file's position (a head), the whole file mapped, and where the bytes after the pickle start.

    The pickle is read, not taken from the mapping: the system would count as the process's every
    page of the mapping read, and the pages around them (up to 1 MB here, into the bytes after it).
    Raise ValueError if the file cannot hold a head there.
    """
    pickled = read_pickled(file)
    after = file.tell()  # before mapping: without a C library, the file is read whole, which moves its position
    return pickled, MappedFile(file.fileno()), after


def read_pickled(file: BinaryIO) -> bytes:
    """Return the pickle of the head at the file's position, leaving the file after it; raise ValueError if there is none."""
    (length,) = _LENGTH.unpack(file.read(_LENGTH.size))
    if length > os.fstat(file.fileno()).st_size - file.tell():
        raise ValueError("not a file with a head")
    return file.read(length)
