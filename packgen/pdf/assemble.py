"""Put the pack together: attachment PDFs and our own pages become one document.

:func:`open_attachments` reads every public attachment (problems point at the
YAML that named the file); :func:`plan` decides where every page goes, with
fillers so each document starts on a right-hand page; :func:`assemble` copies
the pages into a :class:`~pypdf.PdfWriter` and builds the outline. Our own
bookmarks are built from the plan.

A page is copied shallowly: a new page dictionary whose entries are the
attachment's own (only those that draw the page, its boxes and its annotations:
:data:`packgen.pdf.scrub.PAGE_KEYS`; a page's actions, presentation steps, beads,
associated files, metadata and any entry nobody knows stay behind), so its
contents, fonts and images stay the objects its reader parsed, and
:mod:`packgen.pdf.write` writes them straight from there (pypdf's ``add_page``
deep-copies every object, which was a third of a large build). Which page each
copy copies is noted (:class:`packgen.pdf.links.Copies`), so that references to that
page land on the copy.
Whatever later stages change (stamps, cleaned annotations) they change in the
objects of this build's own readers, which nothing else shares.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    Destination,
    IndirectObject,
    NameObject,
)

from packgen.errors import AttachmentError, Problem
from packgen.layout import Placement, Plan
from packgen.messages import Messages, english
from packgen.model import Attachment, Item, Minutes, Report
from packgen.pdf.bridge import append_page, page_list, pdf_version, set_pdf_version
from packgen.pdf.fastread import prime
from packgen.pdf.links import Copies
from packgen.pdf.outline import Outline
from packgen.pdf.scrub import PAGE_KEYS, scrub_pages
from packgen.pdf.sources import Source
from packgen.pdf.unreadable import UNREADABLE


def attachment_title(item: Item, attachment: Attachment, words: Messages | None = None
                     ) -> str:
    """The bookmark title: as given, else a rendered document's own title (minutes' in
    ``words``), else the item's title for its only document, else the file name made
    readable."""
    if attachment.title:
        return attachment.title
    if isinstance(attachment.document, Minutes):
        return attachment.document.title_in(words or english())
    title = getattr(attachment.document, "title", "")
    if title:
        return str(title)
    # "Only" among its own kind: late and exempt documents must not change the title of
    # a public one, or the main pack would depend on what it leaves out.
    kind = (item.supplement_of(attachment), item.is_public(attachment))
    alike = [a for a in item.attachments if (item.supplement_of(a), item.is_public(a)) == kind]
    if alike == [attachment]:
        return item.title
    stem = attachment.file.stem.replace("-", " ").replace("_", " ").strip()
    return stem[:1].upper() + stem[1:]


@dataclass
class Assembled:
    """The pack's pages and outline, and which attachment page each page copies."""

    writer: PdfWriter
    copies: Copies = field(default_factory=Copies)
    annotation_copies: dict[int, IndirectObject] = field(default_factory=dict)
    """The copy scrubbing made of each annotation it kept, by the ``id`` of the original
    (as the attachment's reader parsed it): how a Link element finds its annotation."""
    _last: object = None

    def add(self, page: PageObject) -> None:
        writer = self.writer
        copy = PageObject(writer)
        copy[NameObject("/Type")] = NameObject("/Page")
        for key, value in dict.items(page):
            if key in PAGE_KEYS:
                copy[key] = value
        reference = append_page(writer, copy)
        source = page.indirect_reference
        if source is not None:
            self.copies.note(source, reference)
            if source.pdf is not self._last:  # once per document, not once per page
                self._last = source.pdf
                version = pdf_version(source.pdf)
                if _version(version) > _version(pdf_version(writer)):
                    set_pdf_version(writer, version)


def _read_own(pdf: bytes) -> PdfReader:
    """A reader of pages packgen typeset, its objects parsed by the fast reader: a front
    sheet's every agenda row with pages is a link annotation, which pypdf parsed a
    byte at a time (its URI a string the fast reader reads too)."""
    reader = PdfReader(io.BytesIO(pdf))
    prime(reader, pdf)
    return reader


def _version(version: str) -> tuple[int, ...]:
    digits = version.split(".")
    return tuple(int(d) for d in digits) if all(d.isdigit() for d in digits) else (0,)


def assemble(items: Sequence[Item], layout: Plan, front: bytes, filler: bytes,
             sources: dict[Attachment, Source], anchors: dict[str, int],
             words: Messages | None = None) -> Assembled:
    """Copy every page into a new writer in plan order and add the outline.

    ``items`` are the pack's agenda, each bookmarked (an exempt one only where the pack
    holds it). ``anchors`` maps "item-N" to the front-sheet page (1-based) where that agenda row
    is printed; an item with no pages of its own is bookmarked there. The outline's own
    words ("Agenda", "Appendix N") are ``words``' (English unless given).
    """
    pack = Assembled(PdfWriter())
    writer = pack.writer
    # A document built alone has no front sheet, and no placement for one.
    front_pages: Sequence[object] = page_list(_read_own(front)) if layout.has_agenda \
        else ()
    filler_reader = PdfReader(io.BytesIO(filler))
    for placement in layout.placements:
        if placement.kind == "front":
            pages: Sequence[object] = front_pages
        elif placement.kind == "filler":
            pages = page_list(filler_reader)
        else:
            assert placement.attachment is not None
            pages = page_list(sources[placement.attachment].reader)
        try:
            for page in pages:
                pack.add(page)  # type: ignore[arg-type]
            if placement.attachment is not None:
                reader = sources[placement.attachment].reader
                scrub_pages(writer, reader, placement.start, placement.pages,
                            pack.annotation_copies)
        except UNREADABLE as exc:
            assert placement.attachment is not None  # our own pages always copy
            attachment = placement.attachment
            raise AttachmentError([Problem(attachment.pos, f'"{attachment.file.name}": the PDF '
                                           f"is damaged and cannot be merged ({exc})")]) from None
    _outline(Outline(writer), items, layout, sources, anchors, words or english())
    return pack


def _outline(writer: Outline, items: Sequence[Item], layout: Plan,
             sources: dict[Attachment, Source], anchors: dict[str, int], words: Messages
             ) -> None:
    if not layout.has_agenda:  # a document built alone: it and its appendices, at the top
        _documents_outline(writer, layout.placements, sources, None, words)
        return
    writer.add(words.word("bookmark_agenda"), 0)
    listed = {id(p.item) for p in layout.placements if p.item is not None}
    for item in items:
        if item.withholding() is not None and id(item) not in listed:
            continue  # a withheld item is bookmarked only in a pack that holds it
        spans = layout.item_spans(item)
        target = spans[0][0] if spans else max(anchors.get(f"item-{item.number}", 1) - 1, 0)
        parent = writer.add(f"{item.number}. {item.title}", target)
        _documents_outline(writer, [p for p in layout.placements if p.item is item], sources,
                           parent, words)


def _documents_outline(writer: Outline, placements: Sequence[Placement],
                       sources: dict[Attachment, Source], parent: IndirectObject | None,
                       words: Messages) -> None:
    """A bookmark for each document beneath ``parent``, appendices beneath their report."""
    marks: dict[Attachment, IndirectObject] = {}
    for placement in placements:
        if placement.item is not None and placement.attachment is not None:
            above = marks.get(placement.parent, parent) if placement.parent else parent
            child = writer.add(bookmark_title(placement.item, placement, words),
                               placement.start, above)
            marks[placement.attachment] = child
            reader = sources[placement.attachment].reader
            _copy_outline(writer, reader, reader.outline, placement.start, child)


def bookmark_title(item: Item, placement: Placement, words: Messages) -> str:
    """A placed document's bookmark title: also its Sect's in the structure tree."""
    assert placement.attachment is not None
    if placement.parent is not None and not placement.attachment.title \
            and placement.attachment.document is None:  # a rendered one has its own title
        report = placement.parent.document
        assert isinstance(report, Report)
        return words.fill("appendix_n", n=report.appendices.index(placement.attachment) + 1)
    return attachment_title(item, placement.attachment, words)


def _copy_outline(writer: Outline, reader: PdfReader, entries: Sequence[object], offset: int,
                  parent: IndirectObject) -> None:
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
        except UNREADABLE:
            page = None
        title = str(entry.title or "").strip() or "Untitled"
        target = offset + page if page is not None and page >= 0 else offset
        last = writer.add(title, target, parent)

