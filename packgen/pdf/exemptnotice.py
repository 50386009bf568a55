"""The private pack's NOT FOR PUBLICATION marking, said once per exempt document.

The marking is drawn on every exempt page, and on all but a document's first page it is
running furniture: a pagination artifact a screen reader skips (:mod:`packgen.pdf.stamps`).
On the first page it is the document's first words: each of its two lines marked content
(``/P <</MCID n>> BDC``) owned by a P element, the first kids of the document's Sect, so
that someone listening to the exempt document is told it is exempt, and why, before
anything else. Two elements, not one: a reader joins the text objects of one element
without a space ("PUBLICATIONExempt").

Stamping comes before the structure tree, so the MCID is chosen when the page is stamped:
one above any the page's content already uses (its own streams, its marked-content
property lists, and the form XObjects it draws without a ParentTree key of their own, whose
MCIDs are the page's). What the structure tree adds later (an adopted attachment's
flattened fields) reads the stamped content, and so takes MCIDs above it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pypdf import PageObject, PdfWriter
from pypdf.filters import decode_stream_data
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from packgen.layout import Plan
from packgen.pdf.bridge import add_object, stored_data
from packgen.pdf.elements import ParentTree
from packgen.pdf.objects import resolved
from packgen.pdf.unreadable import UNREADABLE

_MCID = re.compile(rb"/MCID\s*([0-9]{1,9})")


def first_exempt_pages(layout: Plan) -> frozenset[int]:
    """The first page of each exempt document: where its marking is said."""
    return frozenset(p.start for p in layout.placements
                     if p.kind == "attachment" and p.exempt is not None)


def free_mcid(page: PageObject) -> int:
    """An MCID the page's content does not use: one above the highest it does. Content
    that cannot be decoded is read as using none (no reader can show it either)."""
    streams: list[PdfObject | None] = []
    contents = resolved(page.get("/Contents"))
    streams += list(contents) if isinstance(contents, ArrayObject) else [contents]
    resources = resolved(page.get("/Resources"))
    named: dict[str, PdfObject] = {}
    if isinstance(resources, DictionaryObject):
        xobjects = resolved(resources.get("/XObject"))
        if isinstance(xobjects, DictionaryObject):
            streams += [form for form in xobjects.values()
                        if "/StructParents" not in _dictionary(form)]
        properties = resolved(resources.get("/Properties"))
        if isinstance(properties, DictionaryObject):
            named = dict(properties)
    found = [-1]
    # The page's streams read as one, as a reader does: a split may fall between "/MCID"
    # and its number.
    found += [int(m[1]) for m in _MCID.finditer(b"\n".join(map(_data, streams)))]
    for value in named.values():
        mcid = resolved(_dictionary(value).get("/MCID"))
        if isinstance(mcid, int):
            found.append(mcid)
    return max(found) + 1


def tell(writer: PdfWriter, sect: IndirectObject, page: PageObject, mcids: Sequence[int],
         keys: ParentTree) -> None:
    """Make each line of the marking drawn on ``page`` (as ``mcids``) a P element, the
    first kids of the document's ``sect``, owning its line through the page's ParentTree
    entry (made now for a page that had none: an untagged attachment's)."""
    told = [add_object(writer, DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"),
        NameObject("/S"): NameObject("/P"),
        NameObject("/P"): sect,
        NameObject("/Pg"): page.indirect_reference,
        NameObject("/K"): NumberObject(mcid)})) for mcid in mcids]
    holder = sect.get_object()
    assert isinstance(holder, DictionaryObject)
    kids = resolved(holder.get("/K"))
    if isinstance(kids, ArrayObject):
        kids[0:0] = told
    else:  # none yet, or the one kid an adopted tree left unlisted
        holder[NameObject("/K")] = ArrayObject(told if kids is None else [*told, holder["/K"]])
    key = page.get("/StructParents")
    owners = resolved(keys.entries.get(int(key))) if isinstance(key, int) else None
    if not isinstance(owners, ArrayObject):
        owners = ArrayObject()
        page[NameObject("/StructParents")] = NumberObject(keys.add(add_object(writer, owners)))
    for mcid, element in zip(mcids, told, strict=True):
        while len(owners) <= mcid:
            owners.append(NullObject())
        owners[mcid] = element


def tell_all(writer: PdfWriter, sects: Mapping[int, IndirectObject],
             told: Mapping[int, Sequence[int]], keys: ParentTree) -> None:
    """:func:`tell` each marking ``told`` (pack page -> its lines' MCIDs), in the Sect of
    the document starting on that page."""
    for index, mcid in sorted(told.items()):
        if index in sects:
            tell(writer, sects[index], writer.pages[index], mcid, keys)


def _dictionary(value: PdfObject | None) -> DictionaryObject:
    found = resolved(value)
    return found if isinstance(found, DictionaryObject) else DictionaryObject()


def _data(stream: PdfObject | None) -> bytes:
    found = resolved(stream)
    if not isinstance(found, StreamObject):
        return b""
    try:  # pypdf's decoder reads a stream with no /Filter as an unknown filter
        return decode_stream_data(found) if found.get("/Filter") else stored_data(found)
    except UNREADABLE:
        return b""
