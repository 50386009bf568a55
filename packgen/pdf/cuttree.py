"""The structure tree of a document cut from a pack: the pack's elements on its pages.

The pack's tree (:mod:`packgen.pdf.structure`) is Document, a Part per agenda item and a
Sect per document. An element stays when some of its content (a marked-content sequence,
an annotation) is on a kept page; its content elsewhere is left out, and so is an element
with content only elsewhere. An element with no content at all (an empty table cell)
stays with its parent, except at the pack's own levels (Document, Part), where it would
be another document's. A Part left holding the document is unwrapped: the cut reads
Document, Sect, as a document built alone does. A Link whose annotation was dropped (it
led outside the cut) becomes a Span: its words stay, its link is gone.

Every kept element is a new object of the cut's writer, noted in its redirect, so the
pack's reading stays as it was. The ParentTree is rebuilt from the kept tree alone, under
the pack's keys (so pages, annotations and forms keep their /StructParents); RoleMap,
ClassMap and IDTree keep only what the kept elements use. An element's /Ref (PDF 2.0's
pointer to another element, which may be another document's) is not kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from packgen.pdf.bridge import add_object
from packgen.pdf.elements import element
from packgen.pdf.links import Copies, ObjectKey, object_key
from packgen.pdf.objects import entry, integer, kind, resolved
from packgen.pdf.structure import write_number_tree
from packgen.pdf.trees import name_tree, number_tree
from packgen.pdf.unreadable import UNREADABLE

_OWN_LEVELS = 1
"""Depth of the pack's own grouping elements below the Document (a Part, at 1): an
element there with no content of its own belongs to another document."""

_MAX_DEPTH = 256
"""Steps up an element's /P chain: deeper than any real tree."""
_Content = tuple[str, PdfObject]
"""("mcid", n), ("mcr", dict) or ("objr", dict), as an element's /K lists them."""


@dataclass(eq=False)
class _Element:
    obj: DictionaryObject
    ref: IndirectObject | None
    depth: int
    page: ObjectKey | None
    """The page its MCIDs are on: its /Pg, else its parent's."""
    items: list[_Element | _Content] = field(default_factory=list)
    kept: list[_Element | _Content] = field(default_factory=list)
    content: bool = False
    """It, or an element beneath it, has content anywhere."""
    here: bool = False
    """It, or an element beneath it, has content on a kept page."""
    dropped_link: bool = False


@dataclass
class _Cut:
    """What a kept element's copy needs while the tree is copied."""

    writer: PdfWriter
    copies: Copies
    pages: dict[ObjectKey, PageObject]
    annotations: set[ObjectKey]
    marked: dict[tuple[str, ObjectKey], dict[int, IndirectObject]] = field(
        default_factory=dict)
    """(``page`` or ``stream``, its key) -> MCID -> the element's copy."""
    objects: dict[int, IndirectObject] = field(default_factory=dict)
    """An annotation's /StructParent -> its element's copy."""
    streams: dict[ObjectKey, PdfObject] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    made: dict[ObjectKey, IndirectObject] = field(default_factory=dict)


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


def cut_structure(writer: PdfWriter, tree: PackTree, pages: Sequence[PageObject],
                  annotations: set[ObjectKey], copies: Copies, title: str, language: str
                  ) -> bool:
    """Give ``writer`` (the cut of ``pages`` of the pack whose tree is ``tree``) its part
    of the pack's structure tree; whether the pack has one. ``annotations``: the pack's
    annotations the cut keeps; ``copies``: the writer's redirect."""
    root = tree.root
    if root is None:
        return False
    keyed = {object_key(p.indirect_reference): p for p in pages
             if p.indirect_reference is not None}
    cut = _Cut(writer, copies, keyed, annotations)
    top = _Element(root, None, -1, None)
    try:
        order = _read(top, _wanted(tree, pages, annotations))
    except UNREADABLE:
        order = [top]
        top.items = []
    for one in reversed(order):
        _judge(one, cut)
    new_root = add_object(writer, DictionaryObject(
        {NameObject("/Type"): NameObject("/StructTreeRoot")}))
    kids = [_copy(one, new_root, cut, language) for one in top.kept
            if isinstance(one, _Element)]
    if not kids:  # an untagged document: still one Document, and its Sect
        kids = [element(writer, "Document", new_root, lang=language)]
    document = kids[0].get_object()
    assert isinstance(document, DictionaryObject)
    if not [k for k in _listed(document) if isinstance(resolved(k), DictionaryObject)]:
        element(writer, "Sect", kids[0], title=title)
    made = new_root.get_object()
    assert isinstance(made, DictionaryObject)
    made[NameObject("/K")] = ArrayObject(kids)
    _parent_tree(made, cut)
    _maps(made, root, cut)
    writer.root_object[NameObject("/StructTreeRoot")] = new_root
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)})
    return True


def _listed(obj: DictionaryObject) -> list[PdfObject]:
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


def _read(top: _Element, wanted: set[int]) -> list[_Element]:
    """Every element, parents before children, each once (a tree that loops or shares
    an element is read as the tree it first seems); at the pack's own levels only those
    ``wanted``: any other there is another document's, to be left out unread."""
    order: list[_Element] = []
    seen: set[int] = {id(top.obj)}
    stack = [top]
    while stack:
        one = stack.pop()
        order.append(one)
        children: list[_Element] = []
        for raw in _listed(one.obj):
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
                child = _Element(kid, raw if isinstance(raw, IndirectObject) else None,
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


def _judge(one: _Element, cut: _Cut) -> None:
    """Which of an element's kids stay (its children judged already)."""
    for item in one.items:
        if isinstance(item, _Element):
            one.content = one.content or item.content
            if item.here or (not item.content and one.depth > _OWN_LEVELS):
                one.kept.append(item)
                one.here = one.here or item.here
            continue
        one.content = True
        what, raw = item
        if what == "mcid":
            stays = one.page in cut.pages
        elif what == "mcr":
            pg = _ref(raw, "/Pg")
            stays = (object_key(pg) if pg is not None else one.page) in cut.pages
        else:
            target = _ref(raw, "/Obj")
            obj = resolved(target)
            if target is not None and object_key(target) in cut.annotations:
                stays = True
            elif isinstance(obj, DictionaryObject) and "/Rect" not in obj:
                pg = _ref(raw, "/Pg")  # not an annotation (a form XObject): with its page
                stays = (object_key(pg) if pg is not None else one.page) in cut.pages
            else:  # an annotation left out: a link to another document's page
                stays = False
                one.dropped_link = True
        if stays:
            one.kept.append(item)
            one.here = True


def _ref(obj: PdfObject, key: str) -> IndirectObject | None:
    holder = resolved(obj)
    value = holder.get(key) if isinstance(holder, DictionaryObject) else None
    return value if isinstance(value, IndirectObject) else None


def _copy(one: _Element, parent: IndirectObject, cut: _Cut, language: str) -> IndirectObject:
    """A kept element's copy under ``parent`` (its kids copied too), made top down."""
    copy = DictionaryObject({k: v for k, v in one.obj.items()
                             if k not in ("/K", "/P", "/Pg", "/Ref")})
    copy[NameObject("/P")] = parent
    reference = add_object(cut.writer, copy)
    if one.ref is not None:
        cut.copies.note(one.ref, reference)
        cut.made[object_key(one.ref)] = reference
    if one.depth == 0 and "/Lang" in copy:
        copy[NameObject("/Lang")] = TextStringObject(language)
    if kind(one.obj, "/S") == "/Link" and one.dropped_link and not any(
            isinstance(i, tuple) and i[0] == "objr" for i in one.kept):
        copy[NameObject("/S")] = NameObject("/Span")
    cut.roles.add(kind(copy, "/S"))
    classes = entry(one.obj, "/C")
    for name in (classes if isinstance(classes, ArrayObject) else [classes]):
        if isinstance(name, NameObject):
            cut.classes.add(str(name))
    kids = ArrayObject()
    for item in _unwrapped(one):
        if isinstance(item, _Element):
            kids.append(_copy(item, reference, cut, language))
            continue
        what, raw = item
        kids.append(raw)
        _note_content(what, raw, one, reference, cut)
    if one.page is not None and one.page in cut.pages:
        page = cut.pages[one.page].indirect_reference
        if page is not None and ("/Pg" in one.obj or any(
                isinstance(i, tuple) and i[0] == "mcid" for i in one.kept)):
            copy[NameObject("/Pg")] = page  # the writer points it at the cut's page
    if kids:
        copy[NameObject("/K")] = kids
    return reference


def _unwrapped(one: _Element) -> list[_Element | _Content]:
    """The Document's kept kids, a Part of the pack's with nothing of its own given up
    for its kids: the cut is one document, not an agenda item."""
    if one.depth != 0:
        return one.kept
    kids: list[_Element | _Content] = []
    for item in one.kept:
        if isinstance(item, _Element) and kind(item.obj, "/S") == "/Part" and all(
                isinstance(i, _Element) for i in item.kept):
            kids += item.kept
        else:
            kids.append(item)
    return kids


def _note_content(what: str, raw: PdfObject, one: _Element, reference: IndirectObject,
                  cut: _Cut) -> None:
    """Record the content item for the ParentTree."""
    if what == "mcid":
        assert one.page is not None and isinstance(raw, NumberObject)
        cut.marked.setdefault(("page", one.page), {})[int(raw)] = reference
    elif what == "mcr":
        mcid = entry(raw, "/MCID")
        if not isinstance(mcid, NumberObject):
            return
        stream = _ref(raw, "/Stm")
        if stream is not None:
            key = object_key(stream)
            cut.streams[key] = stream
            cut.marked.setdefault(("stream", key), {})[int(mcid)] = reference
            return
        pg = _ref(raw, "/Pg")
        page = object_key(pg) if pg is not None else one.page
        if page is not None:
            cut.marked.setdefault(("page", page), {})[int(mcid)] = reference
    else:
        annot = entry(raw, "/Obj")
        if isinstance(annot, DictionaryObject) and "/StructParent" in annot:
            cut.objects[integer(annot, "/StructParent")] = reference


def _parent_tree(root: DictionaryObject, cut: _Cut) -> None:
    """The ParentTree of the kept tree, under the pack's keys."""
    entries: dict[int, PdfObject] = {}
    for (where, key), mcids in cut.marked.items():
        holder = cut.pages.get(key) if where == "page" else resolved(cut.streams[key])
        if not isinstance(holder, DictionaryObject) or "/StructParents" not in holder:
            continue
        entries[integer(holder, "/StructParents")] = ArrayObject(
            mcids.get(n, NullObject()) for n in range(max(mcids) + 1))
    for page in cut.pages.values():  # a page with no marked content: its key, empty
        if "/StructParents" in page:
            entries.setdefault(integer(page, "/StructParents"), ArrayObject())
    entries.update(cut.objects)
    root[NameObject("/ParentTree")] = write_number_tree(cut.writer, entries)
    root[NameObject("/ParentTreeNextKey")] = NumberObject(max(entries, default=-1) + 1)


def _maps(root: DictionaryObject, pack_root: DictionaryObject, cut: _Cut) -> None:
    """RoleMap and ClassMap entries the kept elements use; IDTree entries they hold."""
    role_map = entry(pack_root, "/RoleMap")
    if isinstance(role_map, DictionaryObject):
        used: dict[str, PdfObject] = {}
        waiting = sorted(cut.roles)
        while waiting:  # a role maps to a role that may map further
            role = waiting.pop()
            if role in used or role not in role_map:
                continue
            used[role] = role_map[role]
            waiting.append(str(resolved(role_map[role])))
        if used:
            root[NameObject("/RoleMap")] = DictionaryObject(
                {NameObject(k): used[k] for k in sorted(used)})
    class_map = entry(pack_root, "/ClassMap")
    if isinstance(class_map, DictionaryObject):
        kept = {k: class_map[k] for k in sorted(cut.classes) if k in class_map}
        if kept:
            root[NameObject("/ClassMap")] = DictionaryObject(
                {NameObject(k): v for k, v in kept.items()})
    try:
        ids = name_tree(pack_root.get("/IDTree")) if "/IDTree" in pack_root else {}
    except UNREADABLE:
        ids = {}
    held = [(name, value) for name, value in sorted(ids.items())
            if isinstance(value, IndirectObject) and object_key(value) in cut.made]
    if held:
        root[NameObject("/IDTree")] = add_object(cut.writer, DictionaryObject(
            {NameObject("/Names"): ArrayObject(
                v for name, value in held for v in (TextStringObject(name), value))}))
