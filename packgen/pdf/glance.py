"""A PDF's stated page count, read at a glance: from its cross-reference table, by hand.

The front sheet can be laid out ahead only once the attachments' page counts are known
(:mod:`packgen.serving`), and reading them with pypdf (:mod:`packgen.pdf.count`) must
wait for pypdf to be imported, a tenth of a second after the meeting is validated. Read
here, without pypdf, the counts go to the typesetting process straight after validation.

Read are the cross-reference table or stream and those of any incremental updates before
it (a stream Flate-compressed or not, with PNG's None, Sub or Up predictor), and the
catalogue and page tree root as plain objects or in an object stream; no encryption, no
hybrid file (a table pointing to a stream of more entries). Anything else, anything not
where it says (a damaged file), any number no file can hold, or a stream over
:data:`INFLATED` stored or inflated (a compression bomb is not inflated) gives None, and
the counts are read with pypdf as before. Like pypdf's, this count is only a forecast:
one that turns out wrong costs the work laid out on it, never a page.
"""

from __future__ import annotations

import mmap
import re
import zlib
from collections.abc import Callable, Sequence
from functools import partial
from itertools import accumulate
from pathlib import Path

from packgen.model import Attachment

TAIL = 1 << 20
"""Where the end-of-file marker must be, as :func:`packgen.pdf.reading.read_file` wants it."""
SECTIONS = 32
"""Incremental updates followed back at most."""
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
_SUBSECTION = re.compile(rb"(\d+) (\d+)[ \t]*\r?\n")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_TRAILER = re.compile(rb"\s*trailer\s*<<")
_OBJECT = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_ROOT = re.compile(rb"/Root\s+(\d+)\s+(\d+)\s+R\b")
_PREV = re.compile(rb"/Prev\s+(\d+)\b")
_PAGES = re.compile(rb"/Pages\s+(\d+)\s+(\d+)\s+R\b")
_COUNT = re.compile(rb"/Count\s+(\d+)\b")
_W = re.compile(rb"/W\s*\[\s*(\d)\s+(\d)\s+(\d)\s*\]")
_SIZE = re.compile(rb"/Size\s+(\d+)")
_INDEX = re.compile(rb"/Index\s*\[([\d\s]*)\]")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)\b")
_FILTER = re.compile(rb"/Filter\s*(?:/(\w+)|\[\s*/(\w+)\s*\])")
_PREDICTOR = re.compile(rb"/Predictor\s+(\d+)")
_COLUMNS = re.compile(rb"/Columns\s+(\d+)")
_N = re.compile(rb"/N\s+(\d+)")
_FIRST = re.compile(rb"/First\s+(\d+)")
_WINDOW = 1 << 14
"""Bytes of an object read for the entry wanted: a catalogue or page tree root is short."""
INFLATED = 1 << 20
"""The most a stream glanced at may hold, stored or inflated: a larger one (or a
compression bomb) gives no count."""
PREDICTED = 1 << 18
"""The most PNG-predicted rows decoded a row at a time; rows all predicted "Up" (as
cross-reference streams' are) are decoded a column at a time, up to :data:`INFLATED`."""
MOST_PAGES = 1 << 24
"""A stated count at or above this is no count (as pypdf's is read, :mod:`.count`)."""


def glance_counts(attachments: Sequence[Attachment]) -> list[tuple[Attachment, int]] | None:
    """Each attachment's page count as its page tree root states it, or None if any one's
    cannot be read at a glance."""
    return counts_read(attachments, glance_pages)


def counts_read(attachments: Sequence[Attachment], read: Callable[[Path], int | None]
                ) -> list[tuple[Attachment, int]] | None:
    """Each attachment's page count as ``read`` reads its file, or None if any one's is."""
    counts = []
    for attachment in attachments:
        count = read(attachment.file)
        if count is None:
            return None
        counts.append((attachment, count))
    return counts


def glance_pages(path: Path) -> int | None:
    """The /Count of ``path``'s page tree root; None when it is not plainly stated."""
    try:
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) \
                as data:
            return _pages(data)
    except (OSError, ValueError, IndexError, OverflowError):  # a number no index can be
        return None


def _inside(data: mmap.mmap, at: int) -> bool:
    return 0 <= at < len(data)


def _pages(data: mmap.mmap) -> int | None:
    last = data.rfind(b"startxref", max(0, len(data) - TAIL))
    end = _STARTXREF.match(data, last) if last >= 0 else None
    if end is None:
        return None
    xref = _Xref(data)
    trailer = xref.read(int(end.group(1)))
    if trailer is None or b"/Encrypt" in trailer:
        return None
    root = _ROOT.search(trailer)
    if root is None:
        return None
    catalog = xref.object(int(root.group(1)), int(root.group(2)))
    pages = _PAGES.search(catalog) if catalog is not None else None
    if pages is None:
        return None
    tree = xref.object(int(pages.group(1)), int(pages.group(2)))
    count = _COUNT.search(tree) if tree is not None else None
    if count is None:
        return None
    stated = int(count.group(1))
    return stated if 0 < stated < MOST_PAGES else None


Where = tuple[int, int, int]
"""An object's entry: (1, offset, generation) in the file; (2, object stream, index) in an
object stream; 0 first: free."""


class _Xref:
    """The cross-reference sections of a file, newest first: each a classic table's
    subsections, or a cross-reference stream's rows."""

    def __init__(self, data: mmap.mmap) -> None:
        self.data = data
        self.sections: list[Callable[[int], Where | None]] = []

    def read(self, at: int) -> bytes | None:
        """Read the section at ``at`` and every one before it; the newest trailer (a
        stream's dictionary), or None unless each is plainly where it is said to be."""
        newest: bytes | None = None
        seen: set[int] = set()
        while len(seen) < SECTIONS and at not in seen and _inside(self.data, at):
            seen.add(at)
            trailer = self._table(at) if self.data[at:at + 4] == b"xref" else self._stream(at)
            # A hybrid file's table says where a stream holds more entries: not read here.
            if trailer is None or b"/XRefStm" in trailer:
                return None
            if newest is None:
                newest = trailer
            before = _PREV.search(trailer)
            if before is None:
                return newest
            at = int(before.group(1))
        return None

    def _table(self, at: int) -> bytes | None:
        data, position = self.data, at + 4
        while data[position:position + 1] in (b" ", b"\r", b"\n"):
            position += 1
        while (head := _SUBSECTION.match(data, position)) is not None:
            first, count = int(head.group(1)), int(head.group(2))
            self.sections.append(partial(_table_entry, data, first, count, head.end()))
            position = head.end() + 20 * count
            if position > len(data):
                return None
        found = _TRAILER.match(data, position)
        if found is None:
            return None
        return data[found.end():found.end() + _WINDOW].split(b"startxref", 1)[0]

    def _stream(self, at: int) -> bytes | None:
        head = _OBJECT.match(self.data, at)
        stream = _stream_at(self.data, head.end()) if head is not None else None
        if stream is None:
            return None
        dictionary, inflated = stream
        widths = _W.search(dictionary)
        size = _SIZE.search(dictionary)
        if widths is None or size is None or b"/XRef" not in dictionary:
            return None
        index = _INDEX.search(dictionary)
        numbers = [int(n) for n in index.group(1).split()] if index is not None \
            else [0, int(size.group(1))]
        if len(numbers) % 2:
            return None
        sizes = tuple(int(w) for w in widths.groups())
        rows = _rows(dictionary, inflated, sum(sizes))
        if rows is None:
            return None
        ranges = list(zip(numbers[::2], numbers[1::2], strict=True))
        self.sections.append(partial(_stream_entry, rows, sizes, ranges))
        return dictionary

    def where(self, number: int) -> Where | None:
        for section in self.sections:
            found = section(number)
            if found is not None:
                return found
        return None

    def object(self, number: int, generation: int) -> bytes | None:
        """The start of object ``number``'s text, up to its ``endobj``; None unless the
        newest section naming it gives a place where that object plainly is."""
        where = self.where(number)
        if where is None:
            return None
        kind, first, second = where
        if kind == 2 and generation == 0:
            return self._packed(first, second, number)
        if kind != 1 or second != generation or not _inside(self.data, first):
            return None
        head = _OBJECT.match(self.data, first)
        if head is None or int(head.group(1)) != number or int(head.group(2)) != generation:
            return None
        text = self.data[head.end():head.end() + _WINDOW]
        end = text.find(b"endobj")
        if end < 0 or b"stream" in text[:end]:
            return None
        return text[:end]

    def _packed(self, holder: int, index: int, number: int) -> bytes | None:
        """Object ``number``, the ``index``-th in object stream ``holder``."""
        where = self.where(holder)
        if where is None or where[0] != 1 or not _inside(self.data, where[1]):
            return None
        head = _OBJECT.match(self.data, where[1])
        if head is None or int(head.group(1)) != holder:
            return None
        stream = _stream_at(self.data, head.end())
        if stream is None:
            return None
        dictionary, content = stream
        count, first = _N.search(dictionary), _FIRST.search(dictionary)
        if count is None or first is None or b"/ObjStm" not in dictionary \
                or b"/DecodeParms" in dictionary:
            return None
        header = content[:int(first.group(1))].split()
        pairs = [(int(header[i]), int(header[i + 1])) for i in range(0, len(header) - 1, 2)]
        if index >= len(pairs) or pairs[index][0] != number:
            return None
        start = int(first.group(1)) + pairs[index][1]
        end = int(first.group(1)) + pairs[index + 1][1] if index + 1 < len(pairs) \
            else len(content)
        return content[start:end]


def _table_entry(data: mmap.mmap, first: int, count: int, start: int, number: int
                 ) -> Where | None:
    if not first <= number < first + count:
        return None
    entry = _ENTRY.match(data, start + 20 * (number - first))
    if entry is None:
        return (0, 0, 0)  # not plainly an entry: as good as free, so no count
    return (1 if entry.group(3) == b"n" else 0, int(entry.group(1)), int(entry.group(2)))


def _stream_entry(rows: bytes, sizes: tuple[int, ...], ranges: list[tuple[int, int]],
                  number: int) -> Where | None:
    width, at = sum(sizes), 0
    for first, count in ranges:
        if first <= number < first + count:
            row = rows[(at + number - first) * width:(at + number - first + 1) * width]
            if len(row) < width:
                return (0, 0, 0)
            kind, second, third = sizes
            fields = (int.from_bytes(row[:kind], "big"),
                      int.from_bytes(row[kind:kind + second], "big"),
                      int.from_bytes(row[kind + second:], "big"))
            return (fields[0] if kind else 1, fields[1], fields[2])
        at += count
    return None


def _stream_at(data: mmap.mmap, at: int) -> tuple[bytes, bytes] | None:
    """The dictionary and data of the stream object whose ``obj`` ends at ``at``, stored or
    Flate-compressed (inflated: any predictor is the caller's), at most :data:`INFLATED`
    bytes; None for anything else."""
    text = data[at:at + _WINDOW]
    keyword = text.find(b"stream")
    if keyword < 0:
        return None
    dictionary = text[:keyword]
    length = _LENGTH.search(dictionary)
    if length is None or int(length.group(1)) > INFLATED:
        return None
    begin = at + keyword + 6
    if data[begin:begin + 2] == b"\r\n":
        begin += 2
    elif data[begin:begin + 1] in (b"\n", b"\r"):
        begin += 1
    else:
        return None
    raw = data[begin:begin + int(length.group(1))]
    filters = _FILTER.search(dictionary)
    if filters is not None:
        if (filters.group(1) or filters.group(2)) != b"FlateDecode":
            return None
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(raw, INFLATED)
        except zlib.error:
            return None
        if inflater.unconsumed_tail:  # more than that: no glance
            return None
    elif b"/Filter" in dictionary:
        return None
    return dictionary, raw


def _rows(dictionary: bytes, inflated: bytes, width: int) -> bytes | None:
    """A cross-reference stream's rows of ``width`` bytes, its PNG predictor (None, Sub or
    Up, with one column a byte of a row, as the standard has it) undone."""
    predictor = _PREDICTOR.search(dictionary)
    if predictor is None or int(predictor.group(1)) == 1:
        return inflated
    columns = _COLUMNS.search(dictionary)
    if int(predictor.group(1)) < 10 or columns is None or int(columns.group(1)) != width \
            or width == 0 or b"/Colors" in dictionary or b"/BitsPerComponent" in dictionary:
        return None
    step = width + 1
    whole = len(inflated) - len(inflated) % step
    if inflated[0:whole:step] == bytes([2]) * (whole // step):
        return _up_rows(inflated[:whole], width)
    return _unpredicted(inflated, width) if len(inflated) <= PREDICTED else None


def _up_rows(inflated: bytes, width: int) -> bytes:
    """Rows each predicted "Up" (each byte the sum of those above it), a column at a time."""
    step = width + 1
    out = bytearray((len(inflated) // step) * width)
    for c in range(width):
        sums: list[int] = list(accumulate(inflated[1 + c::step], _byte_sum))
        out[c::width] = bytes(sums)
    return bytes(out)


def _byte_sum(a: int, b: int) -> int:
    return (a + b) & 0xFF


def _unpredicted(raw: bytes, columns: int) -> bytes | None:
    """PNG-predicted rows of ``columns`` bytes, decoded: filters None, Sub and Up."""
    out = bytearray()
    previous = bytes(columns)
    for at in range(0, len(raw) - columns, columns + 1):
        kind, row = raw[at], bytearray(raw[at + 1:at + 1 + columns])
        if kind == 1:
            for i in range(1, columns):
                row[i] = (row[i] + row[i - 1]) & 0xFF
        elif kind == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous, strict=True))
        elif kind != 0:
            return None
        out += row
        previous = bytes(row)
    return bytes(out)
