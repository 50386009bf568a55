"""Put the pack together: attachment PDFs and our own pages become one document.

:func:`open_attachments` reads every public attachment (problems point at the
YAML that named the file); :func:`plan` decides where every page goes, with
fillers so each document starts on a right-hand page; :func:`assemble` copies
the pages into a :class:`~pypdf.PdfWriter` and builds the outline. Pages are
added one by one (``PdfWriter.append`` turns quadratic on documents with many
named destinations) and our own bookmarks are built from the plan.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError, PdfReadError
from pypdf.generic import Destination, IndirectObject, OutlineItem

from packgen.errors import AttachmentError, Problem
from packgen.model import Attachment, Item, Meeting, Report
from packgen.scrub import scrub_pages


@dataclass(frozen=True)
class Source:
    """An opened attachment: its reader and a digest of its bytes."""

    attachment: Attachment
    reader: PdfReader
    digest: str

    @property
    def pages(self) -> int:
        return len(self.reader.pages)


def public_documents(meeting: Meeting) -> Iterator[tuple[Item, Attachment, Attachment | None]]:
    """(item, document, the report it belongs to) for everything that may enter the
    public pack, in agenda order: each attachment, and a report's appendices after it."""
    for item in meeting.items:
        for attachment in item.attachments:
            if not item.is_public(attachment):
                continue
            yield item, attachment, None
            if isinstance(attachment.document, Report):
                for appendix in attachment.document.appendices:
                    yield item, appendix, attachment


def open_attachments(meeting: Meeting) -> dict[Attachment, Source]:
    """Open every public PDF; raise :class:`AttachmentError` listing each bad one."""
    sources: dict[Attachment, Source] = {}
    problems: list[Problem] = []
    for _, attachment, _ in public_documents(meeting):
        if attachment.document is not None:
            continue  # rendered, not read
        try:
            sources[attachment] = _open(attachment)
        except _Unreadable as exc:
            problems.append(Problem(attachment.pos, f'"{attachment.file.name}": {exc}'))
    if problems:
        raise AttachmentError(problems)
    return sources


def rendered_source(attachment: Attachment, pdf: bytes) -> Source:
    """A document packgen rendered itself, ready to merge like any PDF."""
    return Source(attachment, PdfReader(io.BytesIO(pdf)), hashlib.sha256(pdf).hexdigest())


class _Unreadable(Exception):
    pass


def _open(attachment: Attachment) -> Source:
    data = attachment.file.read_bytes()
    if b"%PDF-" not in data[:1024]:
        raise _Unreadable("not a PDF file" if data else "the file is empty")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Unreadable("the PDF is protected by a password; ask its author for an "
                              "unprotected copy")
        count = len(reader.pages)
    except FileNotDecryptedError:
        raise _Unreadable("the PDF is protected by a password") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _Unreadable(f"the PDF is damaged and cannot be read ({exc})") from None
    if count == 0:
        raise _Unreadable("the PDF has no pages")
    return Source(attachment, reader, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Placement:
    """One document's run of pages in the pack (0-based physical page indexes)."""

    start: int
    pages: int
    kind: str  # "front", "filler" or "attachment"
    item: Item | None = None
    attachment: Attachment | None = None
    parent: Attachment | None = None
    """For an appendix, the report it belongs to."""

    @property
    def last(self) -> int:
        return self.start + self.pages - 1


@dataclass(frozen=True)
class Plan:
    """Where every page of the pack goes, and how pages are numbered."""

    placements: tuple[Placement, ...]
    front_pages: int
    """Pages of the front sheet; every page after them prints its number."""
    number_offset: int
    """Printed number = index + 1 - number_offset."""
    total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", self.placements[-1].last + 1 if self.placements else 0)

    def printed(self, index: int) -> int:
        return index + 1 - self.number_offset

    def item_span(self, item: Item) -> tuple[int, int] | None:
        """First and last page index of an item's documents; a trailing filler is not counted."""
        mine = [p for p in self.placements if p.kind == "attachment" and p.item is item]
        return (mine[0].start, mine[-1].last) if mine else None


def plan(meeting: Meeting, front_pages: int, counts: dict[Attachment, int]) -> Plan:
    """Lay out the pack: front sheet, then each public attachment on a right-hand page."""
    placements = [Placement(0, front_pages, "front")]
    cursor = front_pages

    def pad() -> None:
        nonlocal cursor
        if meeting.duplex and cursor % 2 == 1:  # index 0 is a right-hand page
            placements.append(Placement(cursor, 1, "filler"))
            cursor += 1

    pad()
    body_start = cursor
    for item, attachment, parent in public_documents(meeting):
        pad()
        placements.append(Placement(cursor, counts[attachment], "attachment", item, attachment,
                                    parent))
        cursor += counts[attachment]
    offset = 0 if meeting.page_numbers.count_front_sheet else body_start
    return Plan(tuple(placements), front_pages, offset)


def attachment_title(item: Item, attachment: Attachment) -> str:
    """The bookmark title: as given, else a rendered document's own title, else the item's
    title for its only document, else the file name made readable."""
    if attachment.title:
        return attachment.title
    title = getattr(attachment.document, "title", "")
    if title:
        return str(title)
    if len(item.attachments) == 1 and attachment in item.attachments:
        return item.title
    stem = attachment.file.stem.replace("-", " ").replace("_", " ").strip()
    return stem[:1].upper() + stem[1:]


def assemble(meeting: Meeting, layout: Plan, front: bytes, filler: bytes,
             sources: dict[Attachment, Source], anchors: dict[str, int]) -> PdfWriter:
    """Copy every page into a new writer in plan order and add the outline.

    ``anchors`` maps "item-N" to the front-sheet page (1-based) where that agenda row
    is printed; an item with no pages of its own is bookmarked there.
    """
    writer = PdfWriter()
    front_reader = PdfReader(io.BytesIO(front))
    filler_reader = PdfReader(io.BytesIO(filler))
    for placement in layout.placements:
        if placement.kind == "front":
            pages: Sequence[object] = front_reader.pages
        elif placement.kind == "filler":
            pages = filler_reader.pages
        else:
            assert placement.attachment is not None
            pages = sources[placement.attachment].reader.pages
        try:
            for page in pages:
                writer.add_page(page)  # type: ignore[arg-type]
            if placement.attachment is not None:
                reader = sources[placement.attachment].reader
                scrub_pages(writer, reader, placement.start, placement.pages)
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
            assert placement.attachment is not None  # our own pages always copy
            attachment = placement.attachment
            raise AttachmentError([Problem(attachment.pos, f'"{attachment.file.name}": the PDF '
                                           f"is damaged and cannot be merged ({exc})")]) from None
    _outline(writer, meeting, layout, sources, anchors)
    return writer


def _outline(writer: PdfWriter, meeting: Meeting, layout: Plan,
             sources: dict[Attachment, Source], anchors: dict[str, int]) -> None:
    writer.add_outline_item(title="Agenda", page_number=0)
    for item in meeting.items:
        if item.exempt is not None:
            continue  # not even its title goes into the public pack's outline
        span = layout.item_span(item)
        target = span[0] if span else max(anchors.get(f"item-{item.number}", 1) - 1, 0)
        parent = writer.add_outline_item(title=f"{item.number}. {item.title}",
                                         page_number=target)
        marks: dict[Attachment, IndirectObject] = {}
        for placement in layout.placements:
            if placement.item is item and placement.attachment is not None:
                above = marks.get(placement.parent, parent) if placement.parent else parent
                child = writer.add_outline_item(
                    title=_title(item, placement), page_number=placement.start, parent=above)
                marks[placement.attachment] = child
                reader = sources[placement.attachment].reader
                _copy_outline(writer, reader, reader.outline, placement.start, child)


def _title(item: Item, placement: Placement) -> str:
    assert placement.attachment is not None
    if placement.parent is not None and not placement.attachment.title:
        report = placement.parent.document
        assert isinstance(report, Report)
        return f"Appendix {report.appendices.index(placement.attachment) + 1}"
    return attachment_title(item, placement.attachment)


def _copy_outline(writer: PdfWriter, reader: PdfReader, entries: Sequence[object], offset: int,
                  parent: IndirectObject | OutlineItem) -> None:
    """Re-create an attachment's own bookmarks beneath its entry, pointing into the pack."""
    last: IndirectObject | None = None
    for entry in entries:
        if isinstance(entry, list):
            if last is not None:
                _copy_outline(writer, reader, entry, offset, last)
            continue
        if not isinstance(entry, Destination):
            continue
        try:
            page = reader.get_destination_page_number(entry)
        except (PdfReadError, ValueError, KeyError, AttributeError):
            page = None
        title = str(entry.title or "").strip() or "Untitled"
        target = offset + page if page is not None and page >= 0 else offset
        last = writer.add_outline_item(title=title, page_number=target, parent=parent)

