"""Make an attachment's copied pages safe to publish, and keep their links working.

Only the pages of an attachment enter the pack (its catalog, with any JavaScript,
open action, embedded files, form definitions, layers and document metadata, stays
behind), and of a page only what draws it: :data:`PAGE_KEYS` is the allowlist
:mod:`packgen.pdf.assemble` copies by. Here the copied pages are cleaned:

- every other entry the allowlist keeps is kept only as the value it should be: boxes
  of four numbers, a whole-number turn, a positive user unit, a tab order PDF names
  (:func:`packgen.pdf.boxes.settle_entries`), a transparency group; anything else in
  their place is dropped, since whatever a kept entry holds is written into the pack;
- what draws them (content, resources, group) by :class:`packgen.pdf.resources.Cleaner`,
  and content in layers that are off is removed (:mod:`packgen.pdf.layers`);
- form fields are flattened (:mod:`packgen.pdf.forms`), into resources and content of
  the page's own (:mod:`packgen.pdf.pages`): pages often share their resources;
- every other annotation is rebuilt from an allowlist of the entries its subtype
  draws or links with (:data:`ANNOTATION_KEYS`); a subtype not listed (files, media,
  sound, 3D, pop-ups, redactions, anything unknown) is dropped, as is an annotation
  that is hidden or in a layer that is off;
- a link's target is rebuilt (:mod:`packgen.pdf.links`): it keeps an action only when it
  moves within the document (a GoTo, or one of the four page moves every viewer
  defines) or opens a whole web, mail or phone address (:func:`packgen.pdf.links.is_safe_uri`);
  a destination only when it names one of the attachment's pages; links to *named*
  destinations are rewritten to point at the pack's own page, because the
  attachment's name tree stays behind with its catalog.

Every value is resolved before it is compared (:mod:`packgen.pdf.objects`): a /Subtype
that is an object of its own is still the subtype it names.
"""

from __future__ import annotations

from collections.abc import Iterator

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from packgen.pdf.boxes import settle_entries
from packgen.pdf.bridge import add_object, page_list
from packgen.pdf.forms import HIDDEN, flatten_fields, printed_appearance
from packgen.pdf.layers import Visibility, without_hidden
from packgen.pdf.links import Destinations, link_target
from packgen.pdf.objects import entry, integer, kind, resolved
from packgen.pdf.pages import Pages
from packgen.pdf.resources import Cleaner

PAGE_KEYS = frozenset({"/Type", "/Contents", "/Resources", "/MediaBox", "/CropBox",
                       "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate", "/UserUnit", "/Group",
                       "/Annots", "/Tabs"})
"""What a copied page keeps: what draws it, its boxes and its annotations."""

ORIGINAL = "/%PackgenOriginal%"
"""The annotation a kept one copies, noted in the copy, so that a tagged attachment's
structure can be pointed at the copy (:mod:`packgen.pdf.graft`). Never written: the
writer leaves out every ``/%...%`` entry (:mod:`packgen.pdf.write`)."""


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


def scrub_pages(writer: PdfWriter, reader: PdfReader, start: int, count: int,
                copied: dict[int, IndirectObject] | None = None) -> None:
    """Clean pages ``start`` to ``start + count - 1`` of the writer, copied from ``reader``;
    note in ``copied`` the copy made of each annotation kept, by its original's ``id``."""
    destinations = Destinations(writer, reader, start, count)
    visibility = Visibility(reader)
    cleaner = Cleaner(writer, reader, visibility)
    pages = Pages(writer)
    for page in page_list(writer)[start:start + count]:
        settle_entries(page)
        group = resolved(page.get("/Group"))
        if "/Group" in page and not (isinstance(group, DictionaryObject)
                                     and kind(group, "/S") == "/Transparency"):
            del page["/Group"]  # a page's group is a transparency group, or nothing
        contents = page.get("/Contents")
        if contents is not None and visibility.off:
            shown = without_hidden(contents, page.get("/Resources"), visibility, reader)
            if shown is not None:
                page[NameObject("/Contents")] = add_object(writer, shown)
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
        for subtype, annot in kept_annotations(annots, visibility):
            if subtype == "/Widget":
                widgets.append(annot)
            else:
                copy = _copy_annotation(annot, subtype, page, cleaner, destinations)
                if copy is not None:
                    ref = add_object(writer, copy)
                    kept.append(ref)
                    if copied is not None:
                        copied[id(annot)] = ref
        flatten_fields(pages.edit(page), widgets, cleaner)
        if kept:
            page[NameObject("/Annots")] = kept


def kept_annotations(annots: ArrayObject, visibility: Visibility
                     ) -> Iterator[tuple[str, DictionaryObject]]:
    """(subtype, annotation) of each annotation that reaches the pack: a form field's widget
    (flattened, if it prints) or a kind :data:`ANNOTATION_KEYS` keeps; not one that is
    hidden, or in a layer that is off."""
    for ref in annots:
        annot = resolved(ref)
        if not isinstance(annot, DictionaryObject) or integer(annot, "/F") & HIDDEN:
            continue
        subtype = kind(annot, "/Subtype")
        if subtype == "/Widget" or (subtype in ANNOTATION_KEYS
                                    and not visibility.hidden(annot.get("/OC"))):
            yield subtype, annot


def drawn_appearances(annots: ArrayObject, visibility: Visibility
                      ) -> Iterator[PdfObject]:
    """The one face of each annotation that the pack will hold: what a printing viewer
    draws of a field, the normal appearance of any other kept annotation."""
    for subtype, annot in kept_annotations(annots, visibility):
        face = printed_appearance(annot, visibility) if subtype == "/Widget" \
            else normal_appearance(annot)
        if face is not None:
            yield face


def _copy_annotation(annot: DictionaryObject, subtype: str, page: PageObject, cleaner: Cleaner,
                     destinations: Destinations) -> DictionaryObject | None:
    """A new annotation holding only what its subtype keeps, cleaned; None if it is dead."""
    copy = DictionaryObject()
    kept = ANNOTATION_KEYS[subtype]
    for key, value in dict.items(annot):  # in the annotation's order: the same in every run
        if key not in kept or key in ("/A", "/Dest", "/AP"):
            continue
        copy[NameObject(key)] = cleaner.clean(value)
    copy[NameObject("/Subtype")] = NameObject(subtype)
    copy[NameObject("/P")] = page.indirect_reference
    original = getattr(annot, "indirect_reference", None)  # a direct one may have none
    if original is not None:
        copy[NameObject(ORIGINAL)] = original
    appearance = normal_appearance(annot)
    if appearance is not None:
        copy[NameObject("/AP")] = DictionaryObject(
            {NameObject("/N"): cleaner.clean(appearance)})
        copy.pop("/AS", None)
    if subtype == "/Link":
        target = link_target(annot, destinations)
        if target is not None:
            copy[NameObject("/A" if isinstance(target, DictionaryObject) else "/Dest")] = target
    return copy


def normal_appearance(annot: DictionaryObject) -> PdfObject | None:
    """The face a viewer shows and prints (only that: a rollover or pressed face is
    content nobody sees on paper)."""
    appearance = entry(annot, "/AP")
    normal = appearance.get("/N") if isinstance(appearance, DictionaryObject) else None
    faces = resolved(normal)
    if isinstance(faces, DictionaryObject) and not isinstance(faces, StreamObject):
        normal = faces.get(kind(annot, "/AS") or "/Off")  # one face of several states
    return normal
