"""Make an attachment's copied pages safe to publish, and keep their links working.

Only the pages of an attachment enter the pack (its catalog, with any JavaScript,
open action, embedded files, form definitions, layers and document metadata, stays
behind), and of a page only what draws it: :data:`PAGE_KEYS` is the allowlist
:mod:`packgen.assemble` copies by. Here the copied pages are cleaned:

- what draws them (content, resources, group) by :class:`packgen.resources.Cleaner`,
  and content in layers that are off is removed (:mod:`packgen.optional_content`);
- form fields are flattened (:mod:`packgen.forms`);
- every other annotation is rebuilt from an allowlist of the entries its subtype
  draws or links with (:data:`ANNOTATION_KEYS`); a subtype not listed (files, media,
  sound, 3D, pop-ups, redactions, anything unknown) is dropped, as is an annotation
  that is hidden or in a layer that is off;
- a link keeps its action only when it moves within the document (a GoTo, or one of
  the four page moves every viewer defines) or opens an ``http(s):``, ``mailto:`` or
  ``tel:`` address; links to *named* destinations are rewritten to point at the pack's
  own page, because the attachment's name tree stays behind with its catalog.

Every value is resolved before it is compared (:mod:`packgen.pdfobjects`): a /Subtype
that is an object of its own is still the subtype it names.
"""

from __future__ import annotations

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from packgen.forms import HIDDEN, flatten_fields
from packgen.optional_content import Visibility, without_hidden
from packgen.pdferrors import UNREADABLE
from packgen.pdfobjects import entry, integer, kind, resolved
from packgen.resources import Cleaner

PAGE_KEYS = frozenset({"/Type", "/Contents", "/Resources", "/MediaBox", "/CropBox",
                       "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate", "/UserUnit", "/Group",
                       "/Annots", "/Tabs"})
"""What a copied page keeps: what draws it, its boxes and its annotations."""

SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
PAGE_MOVES = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
"""The named actions PDF defines; others (Print, SaveAs, Close...) are a viewer's own."""

_COMMON = ("/Type", "/Subtype", "/Rect", "/Contents", "/NM", "/M", "/F", "/AP", "/AS",
           "/Border", "/C", "/CA", "/ca", "/BM", "/Lang")
_MARKUP = (*_COMMON, "/T", "/CreationDate", "/Subj", "/RC", "/IT", "/RT")
_SHAPE = ("/BS", "/IC", "/BE", "/RD")
ANNOTATION_KEYS: dict[str, frozenset[str]] = {
    "/Link": frozenset({*_COMMON, "/Dest", "/A", "/H", "/QuadPoints", "/BS"}),
    "/Text": frozenset({*_MARKUP, "/Open", "/Name", "/State", "/StateModel"}),
    "/FreeText": frozenset({*_MARKUP, "/DA", "/Q", "/DS", "/CL", "/LE", *_SHAPE}),
    "/Line": frozenset({*_MARKUP, "/L", "/LE", "/LL", "/LLE", "/Cap", "/LLO", "/CP", "/CO",
                        *_SHAPE}),
    "/Square": frozenset({*_MARKUP, *_SHAPE}),
    "/Circle": frozenset({*_MARKUP, *_SHAPE}),
    "/Polygon": frozenset({*_MARKUP, "/Vertices", "/LE", "/Path", *_SHAPE}),
    "/PolyLine": frozenset({*_MARKUP, "/Vertices", "/LE", "/Path", *_SHAPE}),
    "/Highlight": frozenset({*_MARKUP, "/QuadPoints"}),
    "/Underline": frozenset({*_MARKUP, "/QuadPoints"}),
    "/Squiggly": frozenset({*_MARKUP, "/QuadPoints"}),
    "/StrikeOut": frozenset({*_MARKUP, "/QuadPoints"}),
    "/Caret": frozenset({*_MARKUP, "/RD", "/Sy"}),
    "/Ink": frozenset({*_MARKUP, "/InkList", "/Path", "/BS"}),
    "/Stamp": frozenset({*_MARKUP, "/Name"}),
    "/Watermark": frozenset({*_COMMON, "/FixedPrint"}),
}
"""What each kept annotation subtype keeps: how it is drawn, where it is, where it links."""


class _Destinations:
    """An attachment's named destinations, as pages of the pack; read only when a link needs one."""

    def __init__(self, writer: PdfWriter, reader: PdfReader, start: int) -> None:
        self.writer, self.reader, self.start = writer, reader, start
        self._named: dict[str, ArrayObject | None] | None = None

    def resolve(self, dest: PdfObject | None) -> ArrayObject | None:
        target = resolved(dest)
        if isinstance(target, DictionaryObject):
            target = entry(target, "/D")  # a destination in a dictionary (PDF 2.0, 12.3.2.4)
        if isinstance(target, ArrayObject) and target:
            # A fresh array: the page (pdfwrite maps it to its copy, or writes null) and
            # the view's numbers, nothing else the array might have been made to hold.
            view = [resolved(v) for v in target[1:]]
            return ArrayObject([target[0], *(v for v in view if isinstance(
                v, NameObject | NumberObject | FloatObject | NullObject))])
        if target is None:
            return None
        if self._named is None:
            self._named = self._read_names()
        return self._named.get(str(target))

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
            if index is None or index < 0 or self.start + index >= len(self.writer.pages):
                continue
            page = self.writer.pages[self.start + index].indirect_reference
            if dest.typ == "/XYZ":
                coords = [FloatObject(v) if isinstance(v, int | float) else NullObject()
                          for v in (dest.left, dest.top, dest.zoom)]
                named[str(name)] = ArrayObject([page, NameObject("/XYZ"), *coords])
            else:
                named[str(name)] = ArrayObject([page, NameObject("/Fit")])
        return named


def scrub_pages(writer: PdfWriter, reader: PdfReader, start: int, count: int) -> None:
    """Clean pages ``start`` to ``start + count - 1`` of the writer, copied from ``reader``."""
    destinations = _Destinations(writer, reader, start)
    visibility = Visibility(reader)
    cleaner = Cleaner(writer, reader, visibility)
    for page in writer.pages[start:start + count]:
        contents = page.get("/Contents")
        if contents is not None and visibility.off:
            shown = without_hidden(contents, page.get("/Resources"), visibility, reader)
            if shown is not None:
                page[NameObject("/Contents")] = writer._add_object(shown)
        for key in ("/Contents", "/Resources", "/Group"):
            if key in page:
                page[NameObject(key)] = cleaner.clean(page.raw_get(key))
        annots = resolved(page.get("/Annots"))
        if "/Annots" in page:
            del page["/Annots"]
        if not isinstance(annots, ArrayObject):
            continue
        kept = ArrayObject()
        widgets: list[DictionaryObject] = []
        for ref in annots:
            annot = resolved(ref)
            if not isinstance(annot, DictionaryObject) or integer(annot, "/F") & HIDDEN:
                continue
            subtype = kind(annot, "/Subtype")
            if subtype == "/Widget":
                widgets.append(annot)
            elif subtype in ANNOTATION_KEYS and not visibility.hidden(annot.get("/OC")):
                copy = _copy_annotation(annot, subtype, page, cleaner, destinations)
                if copy is not None:
                    kept.append(writer._add_object(copy))
        flatten_fields(writer, page, widgets, cleaner)
        if kept:
            page[NameObject("/Annots")] = kept


def _copy_annotation(annot: DictionaryObject, subtype: str, page: PageObject, cleaner: Cleaner,
                     destinations: _Destinations) -> DictionaryObject | None:
    """A new annotation holding only what its subtype keeps, cleaned; None if it is dead."""
    copy = DictionaryObject()
    for key in ANNOTATION_KEYS[subtype]:
        value = annot.get(key)
        if value is None or key in ("/A", "/Dest", "/AP"):
            continue
        copy[NameObject(key)] = cleaner.clean(value)
    copy[NameObject("/Subtype")] = NameObject(subtype)
    copy[NameObject("/P")] = page.indirect_reference
    appearance = _normal_appearance(annot)
    if appearance is not None:
        copy[NameObject("/AP")] = DictionaryObject(
            {NameObject("/N"): cleaner.clean(appearance)})
        copy.pop("/AS", None)
    if subtype == "/Link":
        target = _link_target(annot, destinations)
        if target is not None:
            copy[NameObject("/A" if isinstance(target, DictionaryObject) else "/Dest")] = target
    return copy


def _normal_appearance(annot: DictionaryObject) -> PdfObject | None:
    """The face a viewer shows and prints (only that: a rollover or pressed face is
    content nobody sees on paper)."""
    appearance = entry(annot, "/AP")
    normal = appearance.get("/N") if isinstance(appearance, DictionaryObject) else None
    faces = resolved(normal)
    if isinstance(faces, DictionaryObject) and not isinstance(faces, StreamObject):
        normal = faces.get(kind(annot, "/AS") or "/Off")  # one face of several states
    return normal


def _link_target(annot: DictionaryObject, destinations: _Destinations) -> PdfObject | None:
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
    return uri.decode("latin-1") if isinstance(uri, bytes) else str(uri or "")


def _safe(action: DictionaryObject, depth: int) -> bool:
    """Whether an action, and every action chained after it, is harmless."""
    action_kind = kind(action, "/S")
    if depth > 8 or action_kind not in ("/GoTo", "/URI", "/Named") \
            or action_kind == "/URI" and not _uri(action).lower().startswith(SAFE_SCHEMES) \
            or action_kind == "/Named" and kind(action, "/N") not in PAGE_MOVES:
        return False
    following = entry(action, "/Next")
    if following is None:
        return True
    chain = following if isinstance(following, ArrayObject) else [following]
    return all(isinstance(resolved(a), DictionaryObject)
               and _safe(resolved(a), depth + 1) for a in chain)  # type: ignore[arg-type]
