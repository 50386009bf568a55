"""Pack the structure tree's many small objects into compressed object streams.

A tagged pack holds an element for every paragraph, list item and table cell, and a
ParentTree array for every page: thousands of objects of a few dozen bytes, each with
its own ``N 0 obj`` and cross-reference entry, which written plainly grow a pack by a
tenth or more. Object streams (PDF 1.5, 7.5.7) hold them compressed, a few hundred to a
stream, and a cross-reference stream (7.5.8) then says where each one is. Only the
structure's own objects are packed (:func:`packable`): the pages, fonts, images and
annotations stay as they were written before, so a pack reads the same to every tool,
and only its tree is smaller.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

from pypdf.generic import ArrayObject, DictionaryObject, PdfObject, StreamObject

from packgen.pdf.objects import kind

PER_STREAM = 200
"""Objects in one object stream: a reader decompresses a whole stream to read one of
them, so a stream stays small."""
_STRUCTURE = frozenset({"/StructElem", "/StructTreeRoot"})
MIN_VERSION = "1.5"
"""The PDF version that brought object streams."""


def packable(obj: PdfObject) -> bool:
    """Whether an object is the structure tree's: an element (its /Type is optional: an
    element is known by its /S and /P), the tree's root, a ParentTree node or the array
    of a page's elements. No stream may be packed (PDF 1.7, 7.5.7)."""
    if isinstance(obj, StreamObject):
        return False
    if isinstance(obj, ArrayObject):
        return True
    if not isinstance(obj, DictionaryObject):
        return False
    found = kind(obj, "/Type")
    if found:
        return found in _STRUCTURE
    return "/S" in obj and "/P" in obj or "/Nums" in obj or "/Limits" in obj


def at_least(version: str, least: str = MIN_VERSION) -> str:
    """``version``, or ``least`` if that is later."""
    def parts(text: str) -> tuple[int, ...]:
        digits = text.split(".")
        return tuple(int(d) for d in digits) if all(d.isdigit() for d in digits) else (0,)
    return version if parts(version) >= parts(least) else least


def object_streams(packed: Sequence[tuple[int, bytes]], first: int
                   ) -> Iterator[tuple[int, bytes, list[int]]]:
    """(object number, the whole ``N 0 obj ... endobj``, numbers of the objects it holds)
    for each object stream holding ``packed`` (number, serialized object), numbered
    from ``first``."""
    for at in range(0, len(packed), PER_STREAM):
        chunk = packed[at:at + PER_STREAM]
        offsets, bodies, length = [], [], 0
        for number, body in chunk:
            offsets.append(b"%d %d" % (number, length))
            bodies.append(body)
            length += len(body) + 1
        head = b" ".join(offsets) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n", 9)
        number = first + at // PER_STREAM
        yield number, b"".join([
            b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>"
            b"\nstream\n" % (number, len(chunk), len(head), len(data)),
            data, b"\nendstream\nendobj\n"]), [n for n, _ in chunk]


def xref_stream(entries: dict[int, tuple[int, int, int]], number: int, trailer: bytes
                ) -> bytes:
    """The cross-reference stream, object ``number``, for objects 1 to ``number`` (its own
    entry included in ``entries``): each (type, field, field) as PDF 1.7 Table 18 has it.
    ``trailer``: the trailer's own entries (/Root, /Info, /ID)."""
    widest = max(field for _, field, _ in entries.values())
    width = max(1, (widest.bit_length() + 7) // 8)
    # Each row one whole number (type, field, index side by side) turned to bytes once:
    # a 10,000-page pack has 30,000 rows.
    shift = 8 * (width + 2)
    size = width + 3
    rows = [(65535).to_bytes(size, "big")]
    rows += [(kind_of << shift | field << 16 | index).to_bytes(size, "big")
             for kind_of, field, index in map(entries.__getitem__, range(1, number + 1))]
    # Level 6, not 9: rows of offsets hold few long matches, and level 9's search for them
    # took 0.3 s of a 10,000-page build for a stream two bytes shorter.
    data = zlib.compress(b"".join(rows), 6)
    return b"".join([
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 %d 2 ] " % (number, number + 1, width),
        trailer, b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(data), data,
        b"\nendstream\nendobj\n"])
