"""Walk an attachment's structure elements, deciding what of each reaches the pack.

:class:`Walk` visits every element reachable from the structure tree's /K once (a loop,
not a recursion; an element reached twice, or through a cycle, is kept where it was
reached first), and notes each change the pack needs without making it: the changes are
made by :meth:`Walk.finish`, once the whole tree has been read (:mod:`packgen.pdf.graft`
explains why, and what the changes are).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from packgen.pdf.graftfields import FieldDrawings, drawn_streams
from packgen.pdf.graftnames import Renames, attributes_of, renamed_classes, renamed_headers, text
from packgen.pdf.objects import entry, kind, resolved
from packgen.pdf.scrub import ORIGINAL
from packgen.pdf.trees import MAX_ENTRIES, BrokenTree

ELEMENT_KEYS = frozenset({"/Type", "/S", "/P", "/ID", "/Pg", "/K", "/A", "/C", "/R", "/T",
                          "/Lang", "/Alt", "/E", "/ActualText"})
"""What an adopted element keeps: its place in the tree, its type, attributes and classes,
and what it says to a reader. Not /Ref (to elements the pack may not hold), /AF (files),
/NS (PDF 2.0 namespaces, whose role maps the pack does not merge) or anything unknown."""

_TEXT_KEYS = ("/ID", "/T", "/Lang", "/Alt", "/E", "/ActualText")
_NULL = NullObject()
MAX_MCID_GAP = 10_000
"""How far a page's highest MCID may lie beyond its count of MCIDs (times four) before
the tree is refused: its ParentTree array is padded to it."""


class Walk:
    """One document's elements, as the pack will hold them."""

    def __init__(self, pages: Sequence[PageObject], copies: Sequence[PageObject],
                 fields: FieldDrawings, renames: Renames) -> None:
        self.copies, self.fields, self.renames = copies, fields, renames
        self.page_index: dict[int, int] = {}
        for index, page in enumerate(pages):
            if page.indirect_reference is not None:
                self.page_index.setdefault(page.indirect_reference.idnum, index)
        self.copied: dict[int, tuple[IndirectObject, DictionaryObject]] = {}
        """The pack's copy of each original annotation, by the original's object number."""
        for copy in copies:
            annots = resolved(copy.get("/Annots"))
            for ref in annots if isinstance(annots, ArrayObject) else ():
                annot = resolved(ref)
                original = annot.get(ORIGINAL) if isinstance(annot, DictionaryObject) else None
                if isinstance(ref, IndirectObject) and isinstance(original, IndirectObject):
                    self.copied[original.idnum] = (ref, annot)  # type: ignore[assignment]
        self.adopted: set[int] = set()
        """id() of every element adopted."""
        self.seen: set[int] = set()
        """id() of every element reached (an unwrapped Document too): reached once only."""
        self.tops: list[IndirectObject] = []
        self.annotations: list[tuple[DictionaryObject, DictionaryObject, IndirectObject]] = []
        """(the pack's annotation, the original it copies, the element holding it)."""
        self.held: dict[int, set[int]] = {}  # the MCIDs adopted elements hold, by page index
        self.in_forms: dict[tuple[int, int], StreamObject] = {}  # (id(element), MCID) -> form
        self._changes: list[tuple[DictionaryObject, str, PdfObject | None]] = []
        self._streams: set[int] | None = None
        self._forms: dict[int, StreamObject | None] = {}  # form_of's answers, by id(array)
        self._read = 0  # ParentTree entries read (:meth:`_spend`)

    def later(self, obj: DictionaryObject, key: str, value: PdfObject | str | None) -> None:
        """Set (or, with None, remove) an entry when the graft is committed."""
        if isinstance(value, str) and not isinstance(value, PdfObject):
            value = TextStringObject(value)
        self._changes.append((obj, key, value))

    def finish(self) -> None:
        for obj, key, value in self._changes:
            if value is None:
                obj.pop(key, None)
            else:
                obj[NameObject(key)] = value

    def run(self, top: PdfObject | None, role: Callable[[str], str]) -> None:
        """Walk the tree from the structure tree root's /K; ``role`` gives the standard type
        a type (as the pack spells it) stands for."""
        stack: list[tuple[IndirectObject, IndirectObject | None]] = []
        for ref in self._element_kids(top):
            element = resolved(ref)
            assert isinstance(element, DictionaryObject)
            if id(element) in self.seen:
                continue  # listed twice at the top
            self.seen.add(id(element))
            if role(self._type(element)) == "/Document" and all(
                    isinstance(k, DictionaryObject) and not _content(k)
                    for k in map(resolved, _listed(element.get("/K")))):
                kids = self._element_kids(element.get("/K"))  # unwrapped: they stand for it
                self.seen.update(id(resolved(kid)) for kid in kids)
                stack.extend((kid, None) for kid in kids)
            else:
                stack.append((ref, None))
        self.tops = [ref for ref, _ in stack]
        stack.reverse()
        count = 0
        while stack:
            ref, parent = stack.pop()
            element = resolved(ref)
            assert isinstance(element, DictionaryObject)
            self.adopted.add(id(element))
            count += 1
            if count > MAX_ENTRIES:
                raise BrokenTree("a structure tree is too large")
            for child in reversed(self._visit(element, ref, parent, role)):
                stack.append((child, ref))

    def _type(self, element: DictionaryObject) -> str:
        """An element's type as the pack spells it."""
        return self.renames.role(kind(element, "/S"))

    def _element_kids(self, value: PdfObject | None) -> list[IndirectObject]:
        """The references among ``value``'s kids to elements not adopted yet."""
        found = []
        for kid in _listed(value):
            element = resolved(kid)
            if isinstance(kid, IndirectObject) and _element(element) \
                    and id(element) not in self.seen:
                found.append(kid)
        return found

    def _visit(self, element: DictionaryObject, ref: IndirectObject,
               parent: IndirectObject | None, role: Callable[[str], str]
               ) -> list[IndirectObject]:
        """Note the changes one element needs; its child elements, to visit next."""
        self._rename(element)
        for key in element:
            if key not in ELEMENT_KEYS:
                self.later(element, key, None)
        for key in _TEXT_KEYS:
            if key in element:
                self.later(element, key, text(element.get(key)))
        if "/A" in element:  # attributes: a copy, plain, naming heading cells as renamed
            attributes = attributes_of(element.get("/A"))
            for owned in _listed(attributes):
                headers = renamed_headers(entry(owned, "/Headers"), self.renames)
                if headers is not None and isinstance(owned, DictionaryObject):
                    owned[NameObject("/Headers")] = headers
            self.later(element, "/A", attributes)
        if parent is not None:
            self.later(element, "/P", parent)
        if role(self._type(element)) == "/Form":  # a flattened field is a field no longer
            self.later(element, "/S", NameObject("/Span"))
        elif role(self._type(element)) == "/Document":
            # One holding content of its own is adopted whole, under a Sect: a Document
            # belongs only at the top of a tree.
            self.later(element, "/S", NameObject("/Div"))
        own_page = self._page(element.get("/Pg"))
        if "/Pg" in element:
            self.later(element, "/Pg", self.copies[own_page].indirect_reference
                       if own_page is not None else None)
        kids = ArrayObject()
        children: list[IndirectObject] = []
        for kid in _listed(element.get("/K")):
            value = resolved(kid)
            if isinstance(value, NumberObject):
                if own_page is not None and self._holds(own_page, int(value)):
                    kids.append(value)
            elif isinstance(value, DictionaryObject) and _content(value):
                kept = self._content_kid(value, own_page, ref)
                if kept is not None:
                    kids.append(kept)
            elif isinstance(kid, IndirectObject) and _element(value) \
                    and id(value) not in self.seen:
                self.seen.add(id(value))
                kids.append(kid)
                children.append(kid)
        self.later(element, "/K", kids)
        return children

    def _rename(self, element: DictionaryObject) -> None:
        """An element's type and classes as the pack spells them."""
        if isinstance(resolved(element.get("/S")), NameObject):
            self.later(element, "/S", NameObject(self._type(element)))
        if "/C" in element:
            self.later(element, "/C", renamed_classes(element.get("/C"), self.renames))


    def _content_kid(self, kid: DictionaryObject, own_page: int | None, holder: IndirectObject
                     ) -> DictionaryObject | None:
        """A new marked-content or object reference standing for ``kid`` in the pack, or
        None to drop it. New, so that nothing else the kid names (an /StmOwn, say) is
        written: only what is known to be in the pack."""
        page = self._page(kid.get("/Pg")) if "/Pg" in kid else own_page
        if page is None:
            return None
        copy = self.copies[page].indirect_reference
        assert copy is not None
        made = DictionaryObject({NameObject("/Type"): NameObject(kind(kid, "/Type") or "/MCR"),
                                 NameObject("/Pg"): copy})
        if kind(kid, "/Type") != "/OBJR":
            mcid = resolved(kid.get("/MCID"))
            if not isinstance(mcid, NumberObject):
                return None
            made[NameObject("/MCID")] = mcid
            if "/Stm" not in kid:
                return made if self._holds(page, int(mcid)) else None
            stream = kid.get("/Stm")  # content of a form XObject or an appearance
            if not self._drawn(stream):
                return None
            made[NameObject("/Stm")] = stream
            owner = kid.get("/StmOwn")
            if isinstance(owner, IndirectObject) and owner.idnum in self.copied:
                made[NameObject("/StmOwn")] = self.copied[owner.idnum][0]
            self.in_forms[(id(resolved(holder)), int(mcid))] = \
                resolved(stream)  # type: ignore[assignment]
            return made
        target_ref = kid.get("/Obj")
        target = resolved(target_ref)
        if not isinstance(target, DictionaryObject) or not isinstance(target_ref,
                                                                      IndirectObject):
            return None
        if isinstance(target, StreamObject):  # an XObject: there as it was, if drawn
            if not self._drawn(target_ref):
                return None
            made[NameObject("/Obj")] = target_ref
            return made
        if kind(target, "/Subtype") == "/Widget":
            return self.fields.claim(target, page, holder)
        copied = self.copied.get(target_ref.idnum)
        if copied is None:
            return None  # the annotation was scrubbed away
        annotation_ref, annotation = copied
        self.annotations.append((annotation, target, holder))
        made[NameObject("/Obj")] = annotation_ref
        return made

    def _drawn(self, stream: PdfObject | None) -> bool:
        """Whether a stream is drawn in the pack by one of this document's copies (an
        XObject of their resources, or an annotation's appearance): one the cleaning
        replaced, or never reached, is not written because the structure names it."""
        if self._streams is None:
            self._streams = drawn_streams(self.copies)
        return isinstance(stream, IndirectObject) and id(resolved(stream)) in self._streams

    def _page(self, ref: PdfObject | None) -> int | None:
        if isinstance(ref, IndirectObject):
            index = self.page_index.get(ref.idnum)
            if index is not None and index < len(self.copies):
                return index
        return None

    def _holds(self, page: int, mcid: int) -> bool:
        """Whether an element may hold ``mcid`` on ``page``: only when the page's content
        has it (LibreOffice, for one, names an MCID it never writes), and then noted."""
        if mcid not in self.fields.content_mcids(page):
            return False
        self.held.setdefault(page, set()).add(mcid)
        return True

    def page_entry(self, owners: PdfObject | None, page: int | None) -> ArrayObject | None:
        """The ParentTree array of a copied page: adopted elements by the MCID they hold
        (null for any other), then the elements of the fields drawn on it, with their new
        MCIDs. ``page`` None: a form XObject's array, its MCIDs not checked here."""
        held = self.held.get(page, set()) if page is not None else None
        self._spend(owners)
        entry_ = ArrayObject(
            e if isinstance(e, IndirectObject) and id(resolved(e)) in self.adopted
            and (held is None or mcid in held) else _NULL
            for mcid, e in enumerate(owners if isinstance(owners, ArrayObject) else ()))
        claimed = self.fields.claimed.get(page, []) if page is not None else []
        if not claimed and not any(not isinstance(e, NullObject) for e in entry_):
            return None
        if claimed:
            assert page is not None
            mcids = self.fields.content_mcids(page)
            highest = max(mcids, default=-1)
            if highest > MAX_MCID_GAP + 4 * len(mcids):
                # Padding to it would make that many nulls: a /MCID 999999999 is no tag.
                raise BrokenTree("an MCID far beyond the page's marked content")
            while len(entry_) <= highest:
                entry_.append(_NULL)
        for _, mcr, holder in claimed:
            mcr[NameObject("/MCID")] = NumberObject(len(entry_))
            entry_.append(holder)
        return entry_

    def form_of(self, owners: PdfObject | None) -> StreamObject | None:
        """The form XObject whose marked content a ParentTree array describes, if it is
        one: an adopted element in it holds an MCR to that MCID in a form (/Stm)."""
        if not self.in_forms or not isinstance(owners, ArrayObject):
            return None  # no adopted element holds content in a form: nothing to look for
        if id(owners) in self._forms:  # many keys may share one array
            return self._forms[id(owners)]
        self._spend(owners)
        found = None
        for mcid, owner in enumerate(owners):
            found = self.in_forms.get((id(resolved(owner)), mcid))
            if found is not None:
                break
        self._forms[id(owners)] = found
        return found

    def _spend(self, owners: PdfObject | None) -> None:
        """Count the ParentTree entries read: a small file may list one long array under
        many keys, and reading it for each would take minutes."""
        if isinstance(owners, ArrayObject):
            self._read += len(owners)
            if self._read > MAX_ENTRIES:
                raise BrokenTree("a structure tree's ParentTree is too large")


def _listed(value: PdfObject | None) -> list[PdfObject]:
    """A /K as a list: an array's items, or the one kid it names."""
    found = resolved(value)
    if found is None:
        return []
    return list(found) if isinstance(found, ArrayObject) else [value]  # type: ignore[list-item]


_FOREIGN_KEYS = ("/Subtype", "/Rect", "/Kids", "/Pages", "/Parent", "/EF", "/RF",
                 "/EmbeddedFiles", "/JS", "/URI", "/Next", "/G", "/BaseFont", "/FontFile",
                 "/Filter", "/Length")
"""Entries no structure element has, that make a dictionary something else: an annotation,
a page or page-tree node, a font, a file, an action, a soft mask a page draws with."""


def _element(obj: PdfObject | None) -> bool:
    """Whether a kid is a structure element the pack may adopt. Anything else listed among
    kids (a file's or a script's stream, an annotation, a font, an image, an action) is
    dropped: adopting it would write what it holds into the pack, or change in place an
    object a page draws."""
    if not isinstance(obj, DictionaryObject) or isinstance(obj, StreamObject) \
            or not isinstance(resolved(obj.get("/S")), NameObject):
        return False
    if "/Type" in obj and kind(obj, "/Type") != "/StructElem":
        return False
    return not any(key in obj for key in _FOREIGN_KEYS) and not _content(obj)


def _content(obj: DictionaryObject) -> bool:
    """Whether a kid is a marked-content or object reference rather than an element."""
    return kind(obj, "/Type") in ("/MCR", "/OBJR") or "/MCID" in obj and "/S" not in obj
