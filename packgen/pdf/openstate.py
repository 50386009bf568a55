"""What a page's own content leaves open at its end: marked content, saved graphics states.

A stamp is drawn after an attachment's own content (:mod:`packgen.pdf.number`). A page
whose content ends inside a marked-content sequence (a ``BDC`` with no ``EMC``) would
put the stamp inside it: in a tagged attachment, the stamp would become part of whatever
paragraph was left open, rather than the pagination artifact it is; and a ``q`` left
unrestored would move it. Well-made files never do this, so only the pages of documents
that carry marked content at all are read (:func:`left_open`), and the stamp closes what
was left open before it draws.

The content is read token by token, skipping what cannot hold an operator: strings
(nested parentheses and escapes), hexadecimal strings, comments and inline images' data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypdf.filters import decode_stream_data
from pypdf.generic import ArrayObject, PdfObject, StreamObject

from packgen.pdf.bridge import stored_data, stored_length
from packgen.pdf.objects import resolved
from packgen.pdf.unreadable import UNREADABLE

_TOKEN = re.compile(rb"%[^\r\n]*|\(|<<|>>|<[^>]*>|/[^\s()<>\[\]{}/%]*|[\[\]{}]"
                    rb"|[^\s()<>\[\]{}/%]+")
_INLINE_END = re.compile(rb"\sEI(?=[\s]|$)")
_OPENS = frozenset({b"BDC", b"BMC"})


@dataclass(frozen=True)
class LeftOpen:
    """How many marked-content sequences and saved graphics states a page leaves open."""

    marked: int = 0
    saved: int = 0


MAX_SCANNED = 4 << 20
"""The most decoded content of one page read for what it leaves open. A real page holds
far less; past it (a page listing one huge stream many times, say) the page is taken
to be well made, rather than the build spending minutes reading it."""


def left_open(contents: PdfObject | None) -> LeftOpen:
    """What the page content ``contents`` (a stream or an array of them) leaves open.
    Unreadable content counts as leaving nothing open: it draws nothing either. Decoded
    without keeping the result (``get_data`` would hold every page's decoded content)."""
    found = resolved(contents)
    streams = list(found) if isinstance(found, ArrayObject) else [found]
    data: list[bytes] = []
    size = 0
    for stream in streams:
        stream = resolved(stream)
        if isinstance(stream, StreamObject):
            if size + stored_length(stream) > MAX_SCANNED:
                return LeftOpen()
            try:  # pypdf's decoder reads a stream with no /Filter as an unknown filter
                data.append(decode_stream_data(stream) if stream.get("/Filter")
                            else stored_data(stream))
            except UNREADABLE:
                return LeftOpen()
            size += len(data[-1])
            if size > MAX_SCANNED:
                return LeftOpen()
    return _scan(b"\n".join(data))


def _scan(data: bytes) -> LeftOpen:
    marked = saved = 0
    at, end = 0, len(data)
    while at < end:
        if data[at] in b" \t\r\n\f\0":
            at += 1
            continue
        token = _TOKEN.match(data, at)
        if token is None:
            at += 1
            continue
        text = token.group()
        at = token.end()
        if text == b"(":
            at = _string_end(data, at)
        elif text == b"ID":  # an inline image's data runs to the EI after whitespace
            stop = _INLINE_END.search(data, at)
            at = stop.end() if stop is not None else end
        elif text in _OPENS:
            marked += 1
        elif text == b"EMC":
            marked = max(0, marked - 1)
        elif text == b"q":
            saved += 1
        elif text == b"Q":
            saved = max(0, saved - 1)
    return LeftOpen(marked, saved)


def _string_end(data: bytes, at: int) -> int:
    """Where a literal string that opened just before ``at`` ends."""
    depth = 1
    end = len(data)
    while at < end and depth:
        char = data[at]
        if char == 0x5C:  # a backslash escapes the next byte
            at += 2
            continue
        if char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
        at += 1
    return at
