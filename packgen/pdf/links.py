"""Rebuild an attachment's link targets: a page of the pack, or a safe action, from scratch.

Nothing of a link's target is copied as it is: a destination array may be made to hold
anything (``[<< /AA ... >> /Fit]``, a reference to a dictionary full of JavaScript), and
what a link names is written into the pack. So a destination is rebuilt: its page is
kept only when it is one of this attachment's pages (mapped to the pack's copy) or a
page index within the attachment, its view only when it is one PDF defines with the
right count of numbers; otherwise the link loses its target, as a viewer ignores a
destination it cannot read. An action is rebuilt from its type and one value.
"""

from __future__ import annotations

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from packgen.pdf.linkschemes import is_safe_uri
from packgen.pdf.objects import entry, kind, number, resolved
from packgen.pdf.unreadable import UNREADABLE

PAGE_MOVES = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
"""The named actions PDF defines; others (Print, SaveAs, Close...) are a viewer's own."""
VIEWS = {"/XYZ": 3, "/Fit": 0, "/FitB": 0, "/FitH": 1, "/FitBH": 1, "/FitV": 1, "/FitBV": 1,
         "/FitR": 4}
"""Each way a destination shows its page, and how many numbers follow it (PDF 2.0, 12.3.2.2)."""


class Destinations:
    """An attachment's destinations, as pages of the pack; its pages and names are read
    only when a link needs them."""

    def __init__(self, writer: PdfWriter, reader: PdfReader, start: int, count: int) -> None:
        self.writer, self.reader, self.start, self.count = writer, reader, start, count
        self._named: dict[str, ArrayObject | None] | None = None
        self._pages: dict[int, int] | None = None

    def resolve(self, dest: PdfObject | None) -> ArrayObject | None:
        """The destination rebuilt to point into the pack, or None when it cannot be."""
        target = resolved(dest)
        if isinstance(target, DictionaryObject):
            target = entry(target, "/D")  # a destination in a dictionary (PDF 2.0, 12.3.2.4)
        if isinstance(target, ArrayObject):
            return self._explicit(target)
        if target is None:
            return None
        if self._named is None:
            self._named = self._read_names()
        return self._named.get(str(target))

    def _explicit(self, target: ArrayObject) -> ArrayObject | None:
        if not target:
            return None
        page = self._page(target[0])
        found_view = resolved(target[1]) if len(target) > 1 else None
        view = str(found_view) if isinstance(found_view, NameObject) else ""
        wanted = VIEWS.get(view)
        values = [resolved(v) for v in target[2:]]
        if page is None or wanted is None or len(values) > wanted:
            return None
        # Fewer numbers than the view takes leave the rest unchanged (null), as viewers
        # read them; /FitR has no "unchanged", so it needs all four.
        values += [NullObject()] * (wanted - len(values))
        shown: list[PdfObject] = []
        for value in values:
            found = number(value)
            if found is not None:
                shown.append(FloatObject(found))
            elif isinstance(value, NullObject) and view != "/FitR":
                shown.append(NullObject())
            else:
                return None
        return ArrayObject([page, NameObject(view), *shown])

    def _page(self, first: PdfObject) -> IndirectObject | None:
        """The pack's copy of the page ``first`` names, or None if it names no page of this
        attachment (another document's page, a dictionary, anything else)."""
        index: int | None = None
        if isinstance(first, IndirectObject) and first.pdf is self.reader:
            if self._pages is None:
                self._pages = {}
                for i, page in enumerate(self.reader.pages):
                    if page.indirect_reference is not None:
                        self._pages.setdefault(page.indirect_reference.idnum, i)
            index = self._pages.get(first.idnum)
        if index is None:
            value = resolved(first)
            if isinstance(value, NumberObject):
                index = int(value)  # a page index, as remote destinations give it
        if index is None or not 0 <= index < self.count:
            return None
        return self.writer.pages[self.start + index].indirect_reference

    def _read_names(self) -> dict[str, ArrayObject | None]:
        named: dict[str, ArrayObject | None] = {}
        try:
            destinations = self.reader.named_destinations
        except UNREADABLE:
            return named
        for name, dest in destinations.items():
            try:
                index = self.reader.get_destination_page_number(dest)
            except UNREADABLE:
                continue
            if index is None or not 0 <= index < self.count:
                continue
            page = self.writer.pages[self.start + index].indirect_reference
            if dest.typ == "/XYZ":
                coords = [FloatObject(v) if isinstance(v, int | float) else NullObject()
                          for v in (dest.left, dest.top, dest.zoom)]
                named[str(name)] = ArrayObject([page, NameObject("/XYZ"), *coords])
            else:
                named[str(name)] = ArrayObject([page, NameObject("/Fit")])
        return named


def link_target(annot: DictionaryObject, destinations: Destinations) -> PdfObject | None:
    """A link's destination in the pack, or a fresh copy of its safe action; None if neither."""
    action = entry(annot, "/A")
    if action is None:
        return destinations.resolve(annot.get("/Dest"))
    if not isinstance(action, DictionaryObject) or not _safe(action, 0):
        return None
    if kind(action, "/S") == "/GoTo":
        return destinations.resolve(action.get("/D"))
    if kind(action, "/S") == "/URI":
        return DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                 NameObject("/URI"): TextStringObject(_uri(action))})
    return DictionaryObject({NameObject("/S"): NameObject("/Named"),
                             NameObject("/N"): NameObject(kind(action, "/N"))})


def _uri(action: DictionaryObject) -> str:
    uri = entry(action, "/URI")
    if isinstance(uri, bytes):
        return uri.decode("latin-1")
    return str(uri) if isinstance(uri, str) else ""


def _safe(action: DictionaryObject, depth: int) -> bool:
    """Whether an action, and every action chained after it, is harmless."""
    action_kind = kind(action, "/S")
    if depth > 8 or action_kind not in ("/GoTo", "/URI", "/Named") \
            or action_kind == "/URI" and not is_safe_uri(_uri(action)) \
            or action_kind == "/Named" and kind(action, "/N") not in PAGE_MOVES:
        return False
    following = entry(action, "/Next")
    if following is None:
        return True
    chain = following if isinstance(following, ArrayObject) else [following]
    return all(isinstance(resolved(a), DictionaryObject)
               and _safe(resolved(a), depth + 1) for a in chain)  # type: ignore[arg-type]
