"""Give every annotation the tree does not yet hold an element of its own.

Our own links get their Link elements from the typesetter's records, and a tagged
attachment's from its own tree; what is left are the annotations of an untagged
attachment (its links, its reviewers' notes) and any an adopted tree left out. A pack is
tagged where it can be, so each of these gets an element under its document's Sect
(PDF/UA-1, 7.18.1): a Link for a link, an Annot for any other kind, holding the
annotation by an object reference, the annotation naming it by /StructParent.

A screen reader reads a link by its /Contents (PDF/UA-1, 7.18.5); an untagged export
rarely has one, so one is written saying where the link goes, in the pack's words: its
web address, or the pack's page ("Go to page 17") as the stamps number it. Another kind
without /Contents gets its element's /Alt rather than a /Contents of ours, which a viewer
would show as the annotation's own note. A link an adopted tree holds but left without
/Contents gets the same words. A hidden annotation is neither shown nor read,
and needs nothing (scrubbing drops those it meets).
"""

from __future__ import annotations

from collections.abc import Sequence

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from packgen.layout import Plan
from packgen.messages import Messages
from packgen.pdf.elements import ParentTree, element
from packgen.pdf.forms import HIDDEN
from packgen.pdf.objects import entry, integer, kind, resolved

PAGE_MOVES = {"/NextPage": "link_next_page", "/PrevPage": "link_previous_page",
              "/FirstPage": "link_first_page", "/LastPage": "link_last_page"}
"""The words for each page move a link may make (:data:`packgen.pdf.links.PAGE_MOVES`)."""


class LooseAnnotations:
    """Elements for the annotations of a pack's pages that no element holds yet."""

    def __init__(self, writer: PdfWriter, layout: Plan, words: Messages,
                 keys: ParentTree) -> None:
        self.writer, self.layout, self.words, self.keys = writer, layout, words, keys
        self._pages: dict[int, int] | None = None

    def tag(self, parent: IndirectObject, pages: Sequence[PageObject]) -> None:
        """An element under ``parent`` for each annotation of ``pages`` outside the tree,
        in page order and, on a page, in the order of its /Annots."""
        for page in pages:
            annots = entry(page, "/Annots")
            for ref in annots if isinstance(annots, ArrayObject) else ():
                annot = resolved(ref)
                if not isinstance(ref, IndirectObject) or not isinstance(annot, DictionaryObject) \
                        or integer(annot, "/F") & HIDDEN:
                    continue
                if "/StructParent" not in annot:
                    self._hold(parent, page, ref, annot)
                elif kind(annot, "/Subtype") == "/Link" and not _said(annot):
                    # An adopted tree's link that its maker left without words.
                    annot[NameObject("/Contents")] = TextStringObject(self._destination(annot))

    def _hold(self, parent: IndirectObject, page: PageObject, ref: IndirectObject,
              annot: DictionaryObject) -> None:
        link = kind(annot, "/Subtype") == "/Link"
        held = element(self.writer, "Link" if link else "Annot", parent)
        new = held.get_object()
        assert isinstance(new, DictionaryObject)
        new[NameObject("/Pg")] = page.indirect_reference
        new[NameObject("/K")] = ArrayObject([DictionaryObject({
            NameObject("/Type"): NameObject("/OBJR"), NameObject("/Obj"): ref})])
        annot[NameObject("/StructParent")] = NumberObject(self.keys.add(held))
        if _said(annot):
            return
        if link:
            annot[NameObject("/Contents")] = TextStringObject(self._destination(annot))
        else:
            new[NameObject("/Alt")] = TextStringObject(self.words.word("annotation_alt"))

    def _destination(self, annot: DictionaryObject) -> str:
        """Where a link goes, in words: its address, the page it opens, or that it goes
        nowhere (scrubbing keeps a link whose target it could not keep: it still draws)."""
        action = entry(annot, "/A")
        target = entry(annot, "/Dest")
        if isinstance(action, DictionaryObject):
            moves = kind(action, "/S")
            if moves == "/URI":
                address = entry(action, "/URI")
                text = address.decode("latin-1") if isinstance(address, bytes) else str(address)
                if text.strip():
                    return text
            if moves == "/Named" and kind(action, "/N") in PAGE_MOVES:
                return self.words.word(PAGE_MOVES[kind(action, "/N")])
            target = entry(action, "/D") if moves == "/GoTo" else None
        page = self._page_of(resolved(target))
        if page is not None:
            return self.words.fill("link_page", page=str(self.layout.labels[page]))
        return self.words.word("link_nowhere")

    def _page_of(self, target: object) -> int | None:
        """The pack's page (0-based) an explicit destination names."""
        if not isinstance(target, ArrayObject) or not target:
            return None
        first = target[0]
        if not isinstance(first, IndirectObject):
            return None
        if self._pages is None:
            self._pages = {page.indirect_reference.idnum: index
                           for index, page in enumerate(self.writer.pages)
                           if page.indirect_reference is not None}
        found = self._pages.get(first.idnum)
        return found if found is not None and found < len(self.layout.labels) else None


def _said(annot: DictionaryObject) -> bool:
    contents = entry(annot, "/Contents")
    if isinstance(contents, bytes):
        return bool(contents.strip())
    return isinstance(contents, str) and bool(contents.strip())
