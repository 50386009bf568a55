"""Which of the pack's structure elements a document cut from it keeps.

The pack's tree (:mod:`packgen.pdf.structure`) is Document, a Part per agenda item and a
Sect per document. An element stays when some of its content (a marked-content sequence,
an annotation) is on a kept page; its content elsewhere is left out, and so is an element
with content only elsewhere. An element with no content at all (an empty table cell)
stays with its parent, except at the pack's own levels (Document, Part), where it would
be another document's. At those levels only the elements the ParentTree names for the
kept pages' content, and their ancestors, are read at all: a cut reads its document's
elements and the few above them, not the whole pack's tree. What the kept elements become
in the cut is :mod:`packgen.pdf.cuttree`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NumberObject,
    PdfObject,
)

from packgen.pdf.links import ObjectKey, object_key
from packgen.pdf.objects import entry, integer, kind, resolved
from packgen.pdf.trees import number_tree
from packgen.pdf.unreadable import UNREADABLE

_OWN_LEVELS = 1
"""Depth of the pack's own grouping elements below the Document (a Part, at 1): an
element there with no content of its own belongs to another document."""

_MAX_DEPTH = 256
"""Steps up an element's /P chain: deeper than any real tree."""
Content = tuple[str, PdfObject]
"""("mcid", n), ("mcr", dict) or ("objr", dict), as an element's /K lists them."""


@dataclass(eq=False)
class Element:
    """One of the pack's elements as a cut reads it, and what the cut keeps of its kids."""

    obj: DictionaryObject
    ref: IndirectObject | None
    depth: int
    page: ObjectKey | None
    """The page its MCIDs are on: its /Pg, else its parent's."""
    items: list[Element | Content] = field(default_factory=list)
    kept: list[Element | Content] = field(default_factory=list)
    content: bool = False
    """It, or an element beneath it, has content anywhere."""
    here: bool = False
    """It, or an element beneath it, has content on a kept page."""
    dropped_link: bool = False


class PackTree:
    """The pack's structure tree, what every cut of it shares: its ParentTree, read once."""

    def __init__(self, catalog: DictionaryObject) -> None:
        root = entry(catalog, "/StructTreeRoot")
        self.root = root if isinstance(root, DictionaryObject) else None
        self._parents: dict[int, PdfObject] | None = None

    def parents(self) -> dict[int, PdfObject]:
        if self._parents is None:
            try:
                self._parents = number_tree(self.root.get("/ParentTree")) \
                    if self.root is not None else {}
            except UNREADABLE:
                self._parents = {}
        return self._parents


def kept_elements(tree: PackTree, pages: Sequence[PageObject], annotations: set[ObjectKey]
                  ) -> Element | None:
    """The pack's tree as an :class:`Element` above its root's kids, each element's
    ``kept`` kids judged for the cut of ``pages`` keeping ``annotations``; None when the
    pack has no tree."""
    if tree.root is None:
        return None
    top = Element(tree.root, None, -1, None)
    try:
        order = _read(top, _wanted(tree, pages, annotations))
    except UNREADABLE:
        order = [top]
        top.items = []
    kept = {object_key(p.indirect_reference) for p in pages if p.indirect_reference is not None}
    for one in reversed(order):
        _judge(one, kept, annotations)
    return top


def listed(obj: DictionaryObject) -> list[PdfObject]:
    value = resolved(obj.get("/K"))
    if value is None:
        return []
    return list(value) if isinstance(value, ArrayObject) else [value]


def _wanted(tree: PackTree, pages: Sequence[PageObject], annotations: set[ObjectKey]
            ) -> set[int]:
    """The elements (by ``id``) that own content on ``pages``, as the ParentTree says,
    and their ancestors: where the pack's own levels lead to the cut's content.

    Read so, a cut reads its document's elements and the few above them, not the whole
    pack's tree (a 1,000-page pack's is tens of thousands of objects)."""
    keys: list[int] = []
    for page in pages:
        if "/StructParents" in page:
            keys.append(integer(page, "/StructParents"))
        keys += _form_keys(entry(page, "/Resources"))
        listed = entry(page, "/Annots")
        for ref in listed if isinstance(listed, ArrayObject) else ():
            annot = resolved(ref)
            if isinstance(ref, IndirectObject) and object_key(ref) in annotations \
                    and isinstance(annot, DictionaryObject) and "/StructParent" in annot:
                keys.append(integer(annot, "/StructParent"))
    parents = tree.parents()
    wanted: set[int] = set()
    for key in keys:
        owners = resolved(parents.get(key))
        for owner in owners if isinstance(owners, ArrayObject) else [owners]:
            node = resolved(owner)
            for _ in range(_MAX_DEPTH):  # up the /P chain to where another seed went
                if not isinstance(node, DictionaryObject) or id(node) in wanted \
                        or node is tree.root:
                    break
                wanted.add(id(node))
                node = resolved(node.get("/P"))
    return wanted


def _form_keys(resources: PdfObject | None, depth: int = 0) -> list[int]:
    """The /StructParents of the forms a page draws, and of the forms they draw."""
    forms = entry(resources, "/XObject")
    if not isinstance(forms, DictionaryObject) or depth > 4:
        return []
    keys: list[int] = []
    for ref in forms.values():
        form = resolved(ref)
        if isinstance(form, DictionaryObject) and kind(form, "/Subtype") == "/Form":
            if "/StructParents" in form:
                keys.append(integer(form, "/StructParents"))
            keys += _form_keys(entry(form, "/Resources"), depth + 1)
    return keys


def _read(top: Element, wanted: set[int]) -> list[Element]:
    """Every element, parents before children, each once (a tree that loops or shares
    an element is read as the tree it first seems); at the pack's own levels only those
    ``wanted``: any other there is another document's, to be left out unread."""
    order: list[Element] = []
    seen: set[int] = {id(top.obj)}
    stack = [top]
    while stack:
        one = stack.pop()
        order.append(one)
        children: list[Element] = []
        for raw in listed(one.obj):
            kid = resolved(raw)
            if isinstance(kid, NumberObject):
                one.items.append(("mcid", kid))
            elif isinstance(kid, DictionaryObject) and "/S" in kid \
                    and kind(kid, "/Type") != "/MCR":
                if id(kid) in seen or (one.depth <= _OWN_LEVELS and id(kid) not in wanted):
                    continue
                seen.add(id(kid))
                pg = kid.get("/Pg")
                page = object_key(pg) if isinstance(pg, IndirectObject) else one.page
                child = Element(kid, raw if isinstance(raw, IndirectObject) else None,
                                 one.depth + 1, page)
                one.items.append(child)
                children.append(child)
            elif isinstance(kid, DictionaryObject):
                what = kind(kid, "/Type")
                if what == "/MCR" or "/MCID" in kid:
                    one.items.append(("mcr", raw))
                elif what == "/OBJR" or "/Obj" in kid:
                    one.items.append(("objr", raw))
        stack.extend(reversed(children))
    return order


def _judge(one: Element, pages: set[ObjectKey], annotations: set[ObjectKey]) -> None:
    """Which of an element's kids stay (its children judged already)."""
    for item in one.items:
        if isinstance(item, Element):
            one.content = one.content or item.content
            if item.here or (not item.content and one.depth > _OWN_LEVELS):
                one.kept.append(item)
                one.here = one.here or item.here
            continue
        one.content = True
        what, raw = item
        if what == "mcid":
            stays = one.page in pages
        elif what == "mcr":
            pg = ref_of(raw, "/Pg")
            stays = (object_key(pg) if pg is not None else one.page) in pages
        else:
            target = ref_of(raw, "/Obj")
            obj = resolved(target)
            if target is not None and object_key(target) in annotations:
                stays = True
            elif isinstance(obj, DictionaryObject) and "/Rect" not in obj:
                pg = ref_of(raw, "/Pg")  # not an annotation (a form XObject): with its page
                stays = (object_key(pg) if pg is not None else one.page) in pages
            else:  # an annotation left out: a link to another document's page
                stays = False
                one.dropped_link = True
        if stays:
            one.kept.append(item)
            one.here = True


def ref_of(obj: PdfObject, key: str) -> IndirectObject | None:
    holder = resolved(obj)
    value = holder.get(key) if isinstance(holder, DictionaryObject) else None
    return value if isinstance(value, IndirectObject) else None
