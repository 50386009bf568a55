"""A PDF's stated page count, read at a glance: from its cross-reference table, by hand.

The front sheet can be laid out ahead only once the attachments' page counts are known
(:mod:`packgen.serving`), and reading them with pypdf (:mod:`packgen.pdf.count`) must
wait for pypdf to be imported, a tenth of a second after the meeting is validated. Read
here, without pypdf, the counts go to the typesetting process straight after validation.

Only the plain case is read: a classic cross-reference table (and the tables of any
incremental updates before it), a catalogue and page tree root stored as plain objects,
no encryption. Anything else (a cross-reference stream, an object in an object stream, a
table or object not where it says) gives None, and the counts are read with pypdf as
before. Like pypdf's, this count is only a forecast: one that turns out wrong costs the
work laid out on it, never a page.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Callable, Sequence
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
_WINDOW = 1 << 14
"""Bytes of an object read for the entry wanted: a catalogue or page tree root is short."""


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
    except (OSError, ValueError, IndexError):
        return None


def _pages(data: mmap.mmap) -> int | None:
    last = data.rfind(b"startxref", max(0, len(data) - TAIL))
    end = _STARTXREF.match(data, last) if last >= 0 else None
    if end is None:
        return None
    sections = _sections(data, int(end.group(1)))
    if sections is None:
        return None
    tables, trailer = sections
    if b"/Encrypt" in trailer:
        return None
    root = _ROOT.search(trailer)
    if root is None:
        return None
    catalog = _object(data, tables, int(root.group(1)), int(root.group(2)))
    pages = _PAGES.search(catalog) if catalog is not None else None
    if pages is None:
        return None
    tree = _object(data, tables, int(pages.group(1)), int(pages.group(2)))
    count = _COUNT.search(tree) if tree is not None else None
    if count is None:
        return None
    stated = int(count.group(1))
    return stated if 0 < stated < 1 << 24 else None


Table = tuple[int, int, int]
"""A subsection of a cross-reference table: its first object number, how many, and where
its first entry is."""


def _sections(data: mmap.mmap, at: int) -> tuple[list[Table], bytes] | None:
    """The subsections of the table at ``at`` and of every table before it (newest first),
    and the newest trailer; None unless each is a plain table where it is said to be."""
    tables: list[Table] = []
    newest: bytes | None = None
    seen: set[int] = set()
    while len(seen) < SECTIONS:
        if at in seen or not data[at:at + 4] == b"xref":
            return None
        seen.add(at)
        position = at + 4
        while data[position:position + 1] in (b" ", b"\r", b"\n"):
            position += 1
        while True:
            head = _SUBSECTION.match(data, position)
            if head is None:
                break
            first, count = int(head.group(1)), int(head.group(2))
            tables.append((first, count, head.end()))
            position = head.end() + 20 * count
        found = _TRAILER.match(data, position)
        if found is None:
            return None
        trailer = data[found.end():found.end() + _WINDOW].split(b"startxref", 1)[0]
        if newest is None:
            newest = trailer
        before = _PREV.search(trailer)
        if before is None:
            return tables, newest
        at = int(before.group(1))
    return None


def _object(data: mmap.mmap, tables: list[Table], number: int, generation: int
            ) -> bytes | None:
    """The start of object ``number``'s text, up to its ``endobj``; None unless the
    newest table naming it gives a place where that object plainly starts."""
    for first, count, start in tables:
        if first <= number < first + count:
            entry = _ENTRY.match(data, start + 20 * (number - first))
            if entry is None or entry.group(3) != b"n" or int(entry.group(2)) != generation:
                return None
            offset = int(entry.group(1))
            head = _OBJECT.match(data, offset)
            if head is None or int(head.group(1)) != number \
                    or int(head.group(2)) != generation:
                return None
            text = data[head.end():head.end() + _WINDOW]
            end = text.find(b"endobj")
            if end < 0 or b"stream" in text[:end]:
                return None
            return text[:end]
    return None
