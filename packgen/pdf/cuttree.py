"""The structure tree of a document cut from a pack: the elements it keeps
(:mod:`packgen.pdf.cutkeep`), copied into the cut.

A Part left holding the document is unwrapped: the cut reads Document, Sect, as a
document built alone does. A Link whose annotation was dropped (it led outside the cut)
becomes a Span: its words stay, its link is gone.

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
from packgen.pdf.cutkeep import Content, Element, PackTree, kept_elements, listed, ref_of
from packgen.pdf.elements import element
from packgen.pdf.links import Copies, ObjectKey, object_key
from packgen.pdf.objects import entry, integer, kind, resolved
from packgen.pdf.structure import write_number_tree
from packgen.pdf.trees import name_tree
from packgen.pdf.unreadable import UNREADABLE


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


def cut_structure(writer: PdfWriter, tree: PackTree, pages: Sequence[PageObject],
                  annotations: set[ObjectKey], copies: Copies, title: str, language: str
                  ) -> bool:
    """Give ``writer`` (the cut of ``pages`` of the pack whose tree is ``tree``) its part
    of the pack's structure tree; whether the pack has one. ``annotations``: the pack's
    annotations the cut keeps; ``copies``: the writer's redirect."""
    top = kept_elements(tree, pages, annotations)
    if top is None or tree.root is None:
        return False
    keyed = {object_key(p.indirect_reference): p for p in pages
             if p.indirect_reference is not None}
    cut = _Cut(writer, copies, keyed, annotations)
    new_root = add_object(writer, DictionaryObject(
        {NameObject("/Type"): NameObject("/StructTreeRoot")}))
    kids = [_copy(one, new_root, cut, language) for one in top.kept
            if isinstance(one, Element)]
    if not kids:  # an untagged document: still one Document, and its Sect
        kids = [element(writer, "Document", new_root, lang=language)]
    document = kids[0].get_object()
    assert isinstance(document, DictionaryObject)
    if not [k for k in listed(document) if isinstance(resolved(k), DictionaryObject)]:
        element(writer, "Sect", kids[0], title=title)
    made = new_root.get_object()
    assert isinstance(made, DictionaryObject)
    made[NameObject("/K")] = ArrayObject(kids)
    _parent_tree(made, cut)
    _maps(made, tree.root, cut)
    writer.root_object[NameObject("/StructTreeRoot")] = new_root
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)})
    return True


def _copy(one: Element, parent: IndirectObject, cut: _Cut, language: str) -> IndirectObject:
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
        if isinstance(item, Element):
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


def _unwrapped(one: Element) -> list[Element | Content]:
    """The Document's kept kids, a Part of the pack's with nothing of its own given up
    for its kids: the cut is one document, not an agenda item."""
    if one.depth != 0:
        return one.kept
    kids: list[Element | Content] = []
    for item in one.kept:
        if isinstance(item, Element) and kind(item.obj, "/S") == "/Part" and all(
                isinstance(i, Element) for i in item.kept):
            kids += item.kept
        else:
            kids.append(item)
    return kids


def _note_content(what: str, raw: PdfObject, one: Element, reference: IndirectObject,
                  cut: _Cut) -> None:
    """Record the content item for the ParentTree."""
    if what == "mcid":
        assert one.page is not None and isinstance(raw, NumberObject)
        cut.marked.setdefault(("page", one.page), {})[int(raw)] = reference
    elif what == "mcr":
        mcid = entry(raw, "/MCID")
        if not isinstance(mcid, NumberObject):
            return
        stream = ref_of(raw, "/Stm")
        if stream is not None:
            key = object_key(stream)
            cut.streams[key] = stream
            cut.marked.setdefault(("stream", key), {})[int(mcid)] = reference
            return
        pg = ref_of(raw, "/Pg")
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
