"""Cut a written pack into its documents: each a PDF of its own, of the pack's own pages.

A document published on its own must be the pages the pack printed, so that "page 31"
in a councillor's copy of the pack is "Page 31" at the foot of the report downloaded on
its own: the input is the pack's bytes as written, never the stages that made them. The
pack is read once (:func:`packgen.pdf.fastread.prime`) and every document is written
from that reading by the pack's own writer (:mod:`packgen.pdf.write`), which writes a
shared font once per file and the same inputs as the same bytes.

Nothing of the reading is changed, so one reading serves every cut: what a cut needs
different (a page without its /Parent, a link pointed at a kept page, a structure element
with fewer kids) is a new object of the cut's own writer, and the writer's redirect
(:class:`packgen.pdf.links.Copies`) sends every reference to the pack's object there. A
reference to one of the pack's pages outside the document is written as null by the
writer; so none is left to be written: a link to such a page is dropped with its
structure element's /OBJR (:mod:`packgen.pdf.cuttree`), a bookmark to one is not made.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    Destination,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from packgen.pdf.bridge import add_object, append_page, pdf_version, set_pdf_version
from packgen.pdf.cutkeep import PackTree
from packgen.pdf.cuttree import cut_structure
from packgen.pdf.fastread import prime
from packgen.pdf.links import Copies, ObjectKey, object_key
from packgen.pdf.metadata import xmp_packet
from packgen.pdf.objects import entry, kind, resolved
from packgen.pdf.trees import name_tree, number_tree
from packgen.pdf.unreadable import UNREADABLE
from packgen.pdf.write import write_pdf


@dataclass(frozen=True)
class DocumentSpan:
    """One document of a pack: where it lies and what it is called."""

    first: int
    """Its first page, 0-based, as the pack's pages are in the file."""
    last: int
    """Its last page, 0-based, inclusive."""
    title: str
    """Its title: the cut PDF's /Title and top bookmark (the pack's bookmark for it)."""
    language: str
    """The language it is written in (``en-GB``): the cut PDF's /Lang."""


def cut_documents(pack: bytes, spans: Sequence[DocumentSpan]) -> list[bytes]:
    """Each span of ``pack`` (a pack packgen wrote) as a PDF of its own, in order.

    A span outside the pack's pages is the caller's mistake: ``ValueError``."""
    reading = _Pack(pack)
    return [reading.cut(span) for span in spans]


class _Pack:
    """The pack as read, and what every cut takes from it."""

    def __init__(self, pack: bytes) -> None:
        self.reader = PdfReader(io.BytesIO(pack))
        prime(self.reader, pack)
        self.pages = list(self.reader.pages)
        self.digest = hashlib.sha256(pack).digest()
        catalog = self.reader.trailer["/Root"].get_object()
        assert isinstance(catalog, DictionaryObject)  # pypdf reads no file without one
        self.catalog = catalog
        info = self.reader.metadata
        self.info = {key: str(value) for key, value in (info or {}).items()
                     if isinstance(value, str)}
        xmp = entry(self.catalog, "/Metadata")
        packet = xmp.get_data() if isinstance(xmp, StreamObject) else b""
        # The claim set_metadata writes: a pack claims PDF/UA only when all of it is tagged.
        self.accessible = b"<pdfuaid:part>1</pdfuaid:part>" in packet
        self._named: dict[str, PdfObject] | None = None
        self.tree = PackTree(catalog)

    def cut(self, span: DocumentSpan) -> bytes:
        if not 0 <= span.first <= span.last < len(self.pages):
            raise ValueError(f"pages {span.first}-{span.last} are not within the pack's "
                             f"{len(self.pages)} pages")
        writer = PdfWriter()
        set_pdf_version(writer, pdf_version(self.reader))
        copies = Copies()
        kept = self.pages[span.first:span.last + 1]
        keys: dict[ObjectKey, int] = {}
        for index, page in enumerate(kept):
            copy = PageObject(writer)
            for key, value in dict.items(page):
                if key not in ("/Parent", "/Annots"):
                    copy[key] = value
            reference = append_page(writer, copy)
            assert page.indirect_reference is not None  # a page of a file
            copies.note(page.indirect_reference, reference)
            keys[object_key(page.indirect_reference)] = index
        annotations: set[ObjectKey] = set()
        for page, copy in zip(kept, writer.pages, strict=True):
            self._annotations(page, copy, writer, copies, keys, annotations)
        tagged = cut_structure(writer, self.tree, kept, annotations, copies, span.title,
                               span.language)
        self._outline(writer, span, keys)
        self._page_labels(writer, span)
        file_id = self._describe(writer, span, tagged)
        out = io.BytesIO()
        write_pdf(writer, out, file_id, copies)
        return out.getvalue()

    def _annotations(self, page: PageObject, copy: PageObject, writer: PdfWriter,
                     copies: Copies, keys: dict[ObjectKey, int],
                     annotations: set[ObjectKey]) -> None:
        """The page's annotations that stay: all but a link to a page outside the cut."""
        listed = entry(page, "/Annots")
        if not isinstance(listed, ArrayObject):
            return
        kept = ArrayObject()
        for ref in listed:
            annot = resolved(ref)
            if not isinstance(annot, DictionaryObject):
                continue
            target = self._target(annot)
            if target is None:
                keep: PdfObject = ref
            elif isinstance(target, IndirectObject) and object_key(target) in keys:
                keep = self._retargeted(ref, annot, target, writer, copies)
            else:
                continue  # a link to another document's page: gone, never dangling
            if isinstance(ref, IndirectObject):
                annotations.add(object_key(ref))
            kept.append(keep)
        if kept:
            copy[NameObject("/Annots")] = kept

    def _target(self, annot: DictionaryObject) -> PdfObject | None:
        """The page (a reference, an index, or anything else) a link goes to in this
        document; None when it goes to no page of it (a web address, say)."""
        if kind(annot, "/Subtype") != "/Link":
            return None
        dest = entry(annot, "/Dest")
        if dest is None:
            action = entry(annot, "/A")
            if kind(action, "/S") != "/GoTo":
                return None
            dest = entry(action, "/D")
        if isinstance(dest, bytes):
            dest = dest.decode("latin-1")
        if isinstance(dest, str):  # a named destination, looked up in the pack
            dest = resolved(self.named().get(str(dest)))
            if isinstance(dest, DictionaryObject):
                dest = entry(dest, "/D")
        if isinstance(dest, ArrayObject) and dest:
            first = dest[0]
            if isinstance(first, NumberObject) and 0 <= first < len(self.pages):
                return self.pages[first].indirect_reference
            return cast(PdfObject, first)
        return NameObject("/None")  # no page we can name: dropped as pointing outside

    def named(self) -> dict[str, PdfObject]:
        if self._named is None:
            self._named = {}
            try:
                names = entry(entry(self.catalog, "/Names"), "/Dests")
                self._named.update(name_tree(names) if names is not None else {})
                old = entry(self.catalog, "/Dests")  # PDF 1.1's names: name objects
                if isinstance(old, DictionaryObject):
                    self._named.update({str(k): v for k, v in old.items()})
            except UNREADABLE:
                pass
        return self._named

    @staticmethod
    def _retargeted(ref: PdfObject, annot: DictionaryObject, target: IndirectObject,
                    writer: PdfWriter, copies: Copies) -> PdfObject:
        """A link to a kept page: as it is when it names the page itself (the writer
        points it at the copy), else a copy naming the page (a name or an index would
        go nowhere, or somewhere else, in the cut)."""
        dest = entry(annot, "/Dest")
        if isinstance(dest, ArrayObject) and dest and dest[0] == target:
            return ref
        action = entry(annot, "/A")
        if dest is None and isinstance(action, DictionaryObject):
            inner = entry(action, "/D")
            if isinstance(inner, ArrayObject) and inner and inner[0] == target:
                return ref
        copy = DictionaryObject({k: v for k, v in annot.items() if k not in ("/Dest", "/A")})
        copy[NameObject("/Dest")] = ArrayObject([target, NameObject("/Fit")])  # whole page
        new = add_object(writer, copy)
        if isinstance(ref, IndirectObject):
            copies.note(ref, new)  # the structure tree's /OBJR finds the copy
        return new

    def _outline(self, writer: PdfWriter, span: DocumentSpan, keys: dict[ObjectKey, int]
                 ) -> None:
        """One bookmark, the document's title, over the pack's own bookmarks beneath the
        document's (its attachment's outline, say) that point into it."""
        top = writer.add_outline_item(title=span.title, page_number=0)
        found = self._document_entry(self.reader.outline, span)
        if found is not None:
            self._copy_entries(writer, found, keys, top)
        writer.root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")

    def _document_entry(self, entries: Sequence[object], span: DocumentSpan
                        ) -> list[object] | None:
        """The bookmarks beneath the pack's bookmark of this document: the one of its
        title at its first page, found depth first."""
        stack: list[Sequence[object]] = [entries]
        while stack:
            level = stack.pop()
            for at, one in enumerate(level):
                if isinstance(one, list):
                    stack.append(one)
                elif isinstance(one, Destination) and str(one.title) == span.title \
                        and self._page(one) == span.first:
                    following = level[at + 1] if at + 1 < len(level) else None
                    return following if isinstance(following, list) else []
        return None

    def _copy_entries(self, writer: PdfWriter, entries: Sequence[object],
                      keys: dict[ObjectKey, int], parent: IndirectObject) -> None:
        made: IndirectObject | None = None
        for one in entries:
            if isinstance(one, list):
                if made is not None:
                    self._copy_entries(writer, one, keys, made)
                continue
            made = None
            page = self._page(one) if isinstance(one, Destination) else None
            ref = self.pages[page].indirect_reference if page is not None else None
            if ref is None or object_key(ref) not in keys:
                continue  # outside the document: it, and what is beneath it, stay out
            assert isinstance(one, Destination)
            made = writer.add_outline_item(title=str(one.title or "").strip() or "Untitled",
                                           page_number=keys[object_key(ref)], parent=parent)

    def _page(self, one: Destination) -> int | None:
        try:
            page = self.reader.get_destination_page_number(one)
        except UNREADABLE:
            return None
        return page if page is not None and 0 <= page < len(self.pages) else None

    def _page_labels(self, writer: PdfWriter, span: DocumentSpan) -> None:
        """The pack's page labels of the kept pages: a viewer shows "17" where the page
        says "Page 17"."""
        try:
            labels = number_tree(entry(self.catalog, "/PageLabels"))
        except UNREADABLE:
            return
        starts = sorted(k for k in labels if k <= span.first)
        nums = ArrayObject()
        if starts:
            opening = resolved(labels[starts[-1]])
            if isinstance(opening, DictionaryObject):
                shifted = DictionaryObject(opening)
                start = entry(opening, "/St")
                start_at = int(start) if isinstance(start, NumberObject) else 1
                shifted[NameObject("/St")] = NumberObject(start_at + span.first - starts[-1])
                nums += [NumberObject(0), shifted]
        for key in sorted(k for k in labels if span.first < k <= span.last):
            nums += [NumberObject(key - span.first), labels[key]]
        if nums:
            writer.root_object[NameObject("/PageLabels")] = DictionaryObject(
                {NameObject("/Nums"): nums})

    def _describe(self, writer: PdfWriter, span: DocumentSpan, tagged: bool) -> ArrayObject:
        """/Info and XMP as the pack's, with the document's title and language; the file
        identifier, from the pack's bytes and the span."""
        info = self.info
        creator = info.get("/Creator", "packgen")
        writer.metadata = {**info, "/Title": span.title}
        root = writer.root_object
        root[NameObject("/Lang")] = TextStringObject(span.language)
        root[NameObject("/ViewerPreferences")] = DictionaryObject(
            {NameObject("/DisplayDocTitle"): BooleanObject(True)})
        writer.xmp_metadata = xmp_packet(
            span.title, info.get("/Author", ""), info.get("/Subject", ""), creator,
            span.language, _xmp_date(info.get("/CreationDate", "")),
            accessible=tagged and self.accessible)
        stream = root["/Metadata"].get_object()
        assert isinstance(stream, StreamObject)
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        identity = hashlib.md5(self.digest + repr(
            (span.first, span.last, span.title, span.language)).encode(),
            usedforsecurity=False).digest()
        return ArrayObject([ByteStringObject(identity), ByteStringObject(identity)])


_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})")


def _xmp_date(pdf_date: str) -> str:
    """The pack's date (``D:20260701090000Z``) as XMP writes it; without one (not a
    pack packgen wrote), ``SOURCE_DATE_EPOCH``'s or the epoch's, never the clock's."""
    found = _PDF_DATE.match(pdf_date)
    if found:
        y, mo, d, h, mi, s = found.groups()
        return f"{y}-{mo}-{d}T{h}:{mi}:{s}Z"
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = datetime.datetime.fromtimestamp(int(epoch) if epoch.isdigit() else 0,
                                           tz=datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
