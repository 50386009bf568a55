"""Turn a typeset document's structure records into structure elements in the pack.

The typesetter describes what it drew as :class:`packgen.rendered.Tag` records whose
marked content is named by (page within the document, MCID) and whose link annotations by
(page, index in the page's /Annots as ReportLab wrote them). Here they become StructElem
dictionaries pointing at the pack's own pages and at the annotation objects that ended up
in those pages' /Annots (scrubbing rebuilds a rendered document's annotations, and may drop
one: :class:`DocumentPages` maps the typesetter's index to the copy that survived).

An element whose marked content all lies on one page names that page once, in its /Pg,
and lists bare MCIDs; one spanning pages lists a marked-content reference per piece
(PDF 1.7, 14.7.4.2). The pieces of a paragraph are nearly always on one page, and the
bare form is a quarter the size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pypdf import PageObject, PdfWriter
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

from packgen.pdf.bridge import add_object
from packgen.rendered import Annotation, Marked, Tag

AttributeValue = str | int | float | tuple[float, ...]


@dataclass(frozen=True)
class DocumentPages:
    """Where a typeset document's pages and link annotations are in the pack."""

    pages: Sequence[PageObject]
    """The pack's pages holding the document's pages, in order."""
    annotation: Callable[[int, int], IndirectObject | None]
    """(page, index as the typesetter wrote it) -> the annotation now in that page's
    /Annots, or None where a later stage dropped it."""


class ParentTree:
    """The pack's ParentTree entries as they are made, and the next key free."""

    def __init__(self) -> None:
        self.entries: dict[int, PdfObject] = {}
        self.next_key = 0

    def add(self, value: PdfObject) -> int:
        key = self.next_key
        self.entries[key] = value
        self.next_key += 1
        return key


def element(writer: PdfWriter, role: str, parent: IndirectObject,
            title: str | None = None, lang: str | None = None) -> IndirectObject:
    """A new, empty structure element under ``parent`` (appended to its /K)."""
    new = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                            NameObject("/S"): NameObject("/" + role),
                            NameObject("/P"): parent})
    if title:
        new[NameObject("/T")] = TextStringObject(title)
    if lang:
        new[NameObject("/Lang")] = TextStringObject(lang)
    ref = add_object(writer, new)
    adopt(parent, [ref])
    return ref


def adopt(parent: IndirectObject, kids: Sequence[IndirectObject]) -> None:
    """Append ``kids`` (elements) to ``parent``'s /K and make ``parent`` their /P."""
    holder = parent.get_object()
    assert isinstance(holder, DictionaryObject)
    if "/K" not in holder:
        holder[NameObject("/K")] = ArrayObject()
    listed = holder["/K"]
    assert isinstance(listed, ArrayObject)
    for kid in kids:
        listed.append(kid)
        kid_dict = kid.get_object()
        if isinstance(kid_dict, DictionaryObject):
            kid_dict[NameObject("/P")] = parent


def typeset_elements(writer: PdfWriter, tags: Sequence[Tag], document: DocumentPages,
                     parent: IndirectObject, tree: ParentTree) -> None:
    """Put the elements of one typeset document under ``parent``: each page with marked
    content gets a ParentTree key (its /StructParents), each link annotation one too (its
    /StructParent) and its Link's text as /Contents."""
    owners: dict[int, dict[int, IndirectObject]] = {}
    for tag in tags:
        _element(writer, tag, document, parent, tree, owners)
    for page, by_mcid in sorted(owners.items()):
        listed = ArrayObject(by_mcid.get(mcid, NullObject())
                             for mcid in range(max(by_mcid) + 1))
        key = tree.add(add_object(writer, listed))
        document.pages[page][NameObject("/StructParents")] = NumberObject(key)


def _element(writer: PdfWriter, tag: Tag, document: DocumentPages, parent: IndirectObject,
             tree: ParentTree, owners: dict[int, dict[int, IndirectObject]]) -> None:
    ref = element(writer, tag.role, parent, lang=tag.lang)
    new = ref.get_object()
    assert isinstance(new, DictionaryObject)
    if tag.alt is not None:
        new[NameObject("/Alt")] = TextStringObject(tag.alt)
    if tag.attributes:
        new[NameObject("/A")] = _attributes(tag.attributes)
    pages = {kid.page for kid in tag.kids if isinstance(kid, Marked | Annotation)}
    one_page = len(pages) == 1
    if one_page:
        new[NameObject("/Pg")] = document.pages[next(iter(pages))].indirect_reference
    kids = new.get("/K")
    listed = kids if isinstance(kids, ArrayObject) else ArrayObject()
    new[NameObject("/K")] = listed
    for kid in tag.kids:
        if isinstance(kid, Tag):
            _element(writer, kid, document, ref, tree, owners)  # appends itself to /K
        elif isinstance(kid, Marked):
            owners.setdefault(kid.page, {})[kid.mcid] = ref
            listed.append(NumberObject(kid.mcid) if one_page else DictionaryObject({
                NameObject("/Type"): NameObject("/MCR"),
                NameObject("/Pg"): document.pages[kid.page].indirect_reference,
                NameObject("/MCID"): NumberObject(kid.mcid)}))
        else:
            annot_ref = document.annotation(kid.page, kid.index)
            if annot_ref is None:
                continue  # dropped on its way into the pack: nothing to point at
            annot = annot_ref.get_object()
            assert isinstance(annot, DictionaryObject)
            annot[NameObject("/StructParent")] = NumberObject(tree.add(ref))
            if tag.text:
                annot[NameObject("/Contents")] = TextStringObject(tag.text)
            reference = DictionaryObject({NameObject("/Type"): NameObject("/OBJR"),
                                          NameObject("/Obj"): annot_ref})
            if not one_page:
                reference[NameObject("/Pg")] = document.pages[kid.page].indirect_reference
            listed.append(reference)
    if not listed:
        del new["/K"]


def _attributes(attributes: Sequence[tuple[str, str, AttributeValue]]) -> PdfObject:
    """/A: one attribute dictionary per owner, in the order the owners first appear."""
    grouped: dict[str, DictionaryObject] = {}
    for owner, key, value in attributes:
        held = grouped.setdefault(owner, DictionaryObject(
            {NameObject("/O"): NameObject("/" + owner)}))
        held[NameObject("/" + key)] = _value(value)
    found = list(grouped.values())
    return found[0] if len(found) == 1 else ArrayObject(found)


def _value(value: AttributeValue) -> PdfObject:
    # Standard attributes whose values are words (Scope, Placement, ListNumbering ...) are
    # names; the record carries no text-valued attribute.
    if isinstance(value, str):
        return NameObject("/" + value)
    if isinstance(value, int):
        return NumberObject(value)
    if isinstance(value, float):
        return FloatObject(value)
    return ArrayObject(FloatObject(v) for v in value)
