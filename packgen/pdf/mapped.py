"""An attachment's bytes held as a memory map, and how many a process can hold.

A build reads each attachment until the pack is written. The file is opened,
mapped and closed at once; the map is shared by pypdf (through :class:`Mapped`, a
file-like view) and by :mod:`packgen.pdf.fastread`, which parses the map directly;
neither copies the file. A stream's bytes stay in the map too (a :class:`Window` on
it) until the pack is written, so memory does not grow with what the attachments
hold. CPython's map keeps a descriptor of its own, though, so a meeting may attach
only as many PDFs as the process may open files: :func:`files_available` raises the
soft limit to the hard one and says how many.
"""

from __future__ import annotations

import io
import mmap
import os
import weakref
from collections.abc import Sequence
from typing import BinaryIO, Protocol

from packgen.errors import Problem
from packgen.model import Attachment


class Mapped(io.RawIOBase):
    """A read-only, seekable view of a map, optionally followed by ``suffix``.

    The suffix lets a file whose end-of-file marker is missing be read with one
    added, without copying the file to append it.
    """

    def __init__(self, data: mmap.mmap, name: str, suffix: bytes = b"") -> None:
        super().__init__()
        self.data = data
        self.name = name
        self.suffix = suffix
        self.size = len(data) + len(suffix)
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise OSError("seek before the start of the file")  # as a real file says
        self.position = base + offset
        return self.position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        start, mapped = self.position, len(self.data)
        count = max(0, min(len(buffer), self.size - start))
        if count:
            end = start + count
            head = self.data[start:min(end, mapped)] if start < mapped else b""
            tail = self.suffix[max(start - mapped, 0):end - mapped] if end > mapped else b""
            buffer[:count] = head + tail if tail else head
            if head:
                touched(self.data, start, len(head))
        self.position += count
        return count

    def close(self) -> None:
        if not self.closed:
            self.data.close()
        super().close()

    def with_suffix(self, suffix: bytes) -> io.BufferedReader:
        """Another view of the same map, ending in ``suffix``; closing it keeps the map."""
        view = _Borrowed(self.data, self.name, suffix)
        return io.BufferedReader(view)


class _Borrowed(Mapped):
    def close(self) -> None:
        io.RawIOBase.close(self)


def map_file(file: BinaryIO) -> tuple[io.BufferedReader, Mapped]:
    """The open ``file`` as a buffered stream over its map, and the map's own view.

    The file may be closed at once: the map stays. Raises :class:`OSError` when the
    file cannot be mapped (an empty one, too: check its start first).
    """
    try:
        data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError as exc:  # "cannot mmap an empty file"
        raise OSError(str(exc)) from None
    raw = Mapped(data, str(getattr(file, "name", "")))
    return io.BufferedReader(raw), raw


class MapClosedError(RuntimeError):
    """A stream's bytes were asked for after the file they live in was closed.

    Not damage in the file but a mistake in packgen (a source closed too soon), so it is
    none of :data:`packgen.pdf.unreadable.UNREADABLE` and is never reported as damage.
    """


class Output(Protocol):
    def write(self, data: bytes | memoryview, /) -> object: ...


_SLICE = 1 << 20
"""Bytes handed to the output at once: the kernel copies them from the file's pages,
which are then given back (:meth:`Window.write_to`)."""
PIECE = 2 << 20
"""The most of a file one touch can bring into this process's memory. The kernel keeps
a file read in pieces (large folios) of up to 2 MiB, and maps a whole piece into the
process at the first byte read from it: 16 bytes read at each end of a scan's image,
to group it with its twins, counted its whole file as the process's own."""
_TOUCH_BUDGET = 4
"""Pieces touched (:func:`touched`) before every map touched is given back: at most
this many pieces' worth, 8 MiB, stays resident between two givings back."""


class Window:
    """Where a stream's stored bytes lie in a mapped file: read when asked for, never kept."""

    __slots__ = ("data", "start", "length")

    def __init__(self, data: mmap.mmap, start: int, length: int) -> None:
        self.data = data
        self.start = start
        self.length = length

    def read(self) -> bytes:
        """A copy of the bytes (the caller's to keep or drop)."""
        try:
            copy = self.data[self.start:self.start + self.length]
        except ValueError:  # "mmap closed or invalid": garbage must not be written instead
            raise MapClosedError("a stream's bytes were read after its file was closed") \
                from None
        touched(self.data, self.start, self.length)
        return copy

    def span(self, offset: int, count: int) -> bytes:
        """A copy of ``count`` bytes from ``offset`` into the stream (clipped to it)."""
        offset = max(0, min(offset, self.length))
        count = max(0, min(count, self.length - offset))
        try:
            copy = self.data[self.start + offset:self.start + offset + count]
        except ValueError:
            raise MapClosedError("a stream's bytes were read after its file was closed") \
                from None
        touched(self.data, self.start + offset, count)
        return copy

    def write_to(self, out: Output) -> int:
        """Write the bytes to ``out`` straight from the map, a slice at a time, and let the
        file's pages go from this process's memory once written (they stay in the system's
        file cache, and are read again from there should anything need them). Without
        that, every page written would count to the process's resident memory until the
        map was closed, as much as a copy would. How many bytes were written."""
        if self.data.closed:
            raise MapClosedError("a stream's bytes were written after its file was closed")
        view = memoryview(self.data)
        try:
            end = self.start + self.length
            for at in range(self.start, end, _SLICE):
                out.write(view[at:min(at + _SLICE, end)])
                let_go(self.data, at, min(_SLICE, end - at))
        finally:
            view.release()  # the map cannot be closed while a view of it is held
        return self.length


class _Touched:
    """The maps read from since their pages were last given back, and how much of them.

    Reading an attachment and writing the pack read thousands of small things from each
    attachment's map (an object, a content stream, the ends of an image); each read
    brings its file's piece (:data:`PIECE`) in, which would stay counted as the
    process's own until the map is closed. Given back every :data:`_TOUCH_BUDGET` pieces,
    they cost one call each time, not one a read, and reads from the piece of the one
    before cost nothing.
    """

    def __init__(self) -> None:
        self.maps: weakref.WeakValueDictionary[int, mmap.mmap] = weakref.WeakValueDictionary()
        self.last: dict[int, int] = {}
        """Per map, the piece last touched in it."""
        self.pieces = 0

    def note(self, data: mmap.mmap, start: int, length: int) -> None:
        key = id(data)
        first, last = start // PIECE, (start + max(length, 1) - 1) // PIECE
        if self.maps.get(key) is not data:
            self.maps[key] = data  # weakly: a map read from closes with its last stream
            self.last[key] = -1
        elif first == last == self.last[key]:
            return
        self.last[key] = last
        self.pieces += last - first + 1
        if self.pieces >= _TOUCH_BUDGET:
            self.give_back()

    def give_back(self) -> None:
        for held in list(self.maps.values()):
            if not held.closed:
                let_go(held, 0, len(held))
        self.maps.clear()
        self.last.clear()
        self.pieces = 0


_TOUCHED = _Touched()
touched = _TOUCHED.note
"""``touched(data, start, length)``: note that [start, start + length) of ``data`` was read
(not by :meth:`Window.write_to`, which gives its pages back as it goes); its pieces are
given back with the next few. A bound method, not a function calling it: every small
stream read calls it."""


def let_go(data: mmap.mmap, start: int, length: int) -> None:
    """Drop the pieces of ``data`` (:data:`PIECE`) that hold [start, start + length) from
    resident memory: whole pieces, as the kernel maps them whole."""
    advise = getattr(mmap, "MADV_DONTNEED", None)
    if advise is None or length <= 0 or start >= len(data):
        return
    first = start - start % PIECE
    end = min(start + length + -(start + length) % PIECE, len(data))
    try:
        data.madvise(advise, first, end - first)
    except OSError:  # advice only: a system that will not take it keeps the pages
        pass


FILES_KEPT_FREE = 64
"""Descriptors left for everything else a build opens: fonts, pipes, the pack itself."""


def files_available() -> int:
    """How many files (each map holds one) this process may still open.

    CPython's mmap keeps a duplicate of the file's descriptor, so every mapped
    attachment holds one until the pack is written. The soft limit (often 1,024) is
    raised to the hard one (often far higher) first, as any process may.
    """
    try:
        import resource
    except ImportError:  # Windows: maps hold handles, which are not so scarce
        return 1 << 30
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):  # macOS refuses an unlimited soft limit: keep ours
            pass
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return 1 << 30
    try:
        in_use = len(os.listdir("/proc/self/fd"))
    except OSError:
        in_use = 16
    return max(soft - in_use - FILES_KEPT_FREE, 0)


def over_file_budget(attachments: Sequence[Attachment]) -> list[Problem]:
    """The problem, at the first attachment over it, if the PDFs cannot all be held open."""
    room = files_available()
    if len(attachments) <= room:
        return []
    first = attachments[room]
    return [Problem(first.pos, f'"{first.file.name}": the meeting attaches '
                    f"{len(attachments):,} PDF files, and this system lets packgen hold "
                    f"only {room:,} open at once; raise the limit on open files (ulimit -Hn) "
                    "or attach fewer files")]
