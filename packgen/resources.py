"""Clean everything a copied page draws with: resources, content and appearance streams.

A page's resources reach far: form XObjects with resources of their own, images with
soft masks, fonts, colour spaces, patterns, shadings, graphics states, and marked-content
property lists, which may point anywhere. What is reached is written into the pack, so
here every object reached is visited once and loses what is not drawing:

- an XObject keeps only the entries that draw it (an allowlist per kind), so its
  associated files (/AF), metadata, private application data (/PieceInfo, which can hold
  a whole source document), OPI proxies, alternate print images and reference links to
  other files go;
- every other dictionary loses the same side entries and any action or name tree;
- an object that belongs to a document's structure rather than to drawing (a catalog,
  with or without its /Type, a page or page tree node, an annotation, a file
  specification with an embedded file, a thread) becomes null where it was named;
- an XObject in a layer that is off becomes an empty form, and a form or pattern whose
  content marks sections of such a layer is replaced by a copy without them
  (:mod:`packgen.optional_content`).

Changes are made in the attachment reader's own objects, but each is the same for every
page that shares the object (nothing here depends on which page is being cleaned), so a
resource dictionary shared between pages stays right for all of them.
"""

from __future__ import annotations

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NullObject,
    PdfObject,
    StreamObject,
)

from packgen.optional_content import Visibility, empty_form, without_hidden
from packgen.pdfobjects import kind, resolved

_STREAM = ("/Length", "/Filter", "/DecodeParms")
XOBJECT_KEYS = {
    "/Form": frozenset({*_STREAM, "/Type", "/Subtype", "/FormType", "/BBox", "/Matrix",
                        "/Resources", "/Group", "/Name"}),
    "/Image": frozenset({*_STREAM, "/Type", "/Subtype", "/Width", "/Height", "/ColorSpace",
                         "/BitsPerComponent", "/Intent", "/ImageMask", "/Mask", "/Decode",
                         "/Interpolate", "/SMask", "/SMaskInData", "/Matte", "/Name"}),
}
"""What an XObject keeps; PostScript XObjects (never drawn by a PDF 1.4+ viewer) go."""

SIDE_KEYS = frozenset({"/AF", "/Metadata", "/PieceInfo", "/OPI", "/Alternates", "/Thumb",
                       "/Ref", "/Measure", "/PtData", "/StructParent", "/StructParents",
                       "/AA", "/A", "/OpenAction", "/Names", "/JS", "/URI", "/Next", "/OC",
                       "/LastModified"})
"""What no dictionary reached from a page's drawing keeps (/OC once it has been judged)."""

_EXTERNAL_STREAM_KEYS = ("/F", "/FFilter", "/FDecodeParms", "/DL")
_STRUCTURE_TYPES = frozenset({"/Catalog", "/Pages", "/Page", "/Annot", "/Filespec",
                              "/EmbeddedFile", "/Thread", "/Bead", "/Sig", "/Action",
                              "/OCProperties", "/NavNode", "/Template"})
_STRUCTURE_KEYS = ("/Kids", "/Pages", "/Parent", "/EF", "/RF", "/EmbeddedFiles")


class Cleaner:
    """Cleans what the pages of one attachment draw with; each object is visited once."""

    def __init__(self, writer: PdfWriter, reader: PdfReader, visibility: Visibility) -> None:
        self.writer, self.reader, self.visibility = writer, reader, visibility
        self.root = resolved(reader.trailer.get("/Root"))
        self.seen: set[int] = set()
        self.replaced: dict[int, PdfObject] = {}
        self._empty: IndirectObject | None = None

    def clean(self, value: PdfObject) -> PdfObject:
        """What to put where ``value`` was: itself, cleaned, or its replacement."""
        replacement = self._replacement(value)
        if replacement is not None:
            value = replacement
        stack = [resolved(value)]
        while stack:
            obj = stack.pop()
            if id(obj) in self.seen or not isinstance(obj, DictionaryObject | ArrayObject):
                continue
            self.seen.add(id(obj))
            if isinstance(obj, DictionaryObject):
                self._strip(obj)
                slots: list[tuple[object, PdfObject]] = list(dict.items(obj))
            else:
                slots = list(enumerate(obj))
            for slot, child in slots:
                replacement = self._replacement(child)
                if replacement is not None:
                    obj[slot] = replacement  # type: ignore[call-overload]
                    child = replacement
                target = resolved(child)
                if isinstance(target, DictionaryObject | ArrayObject) \
                        and id(target) not in self.seen:
                    stack.append(target)
        return value

    def _strip(self, obj: DictionaryObject) -> None:
        allowed = XOBJECT_KEYS.get(kind(obj, "/Subtype")) if isinstance(obj, StreamObject) \
            else None
        for key in list(obj):
            if key in SIDE_KEYS or allowed is not None and key not in allowed or (
                    isinstance(obj, StreamObject) and key in _EXTERNAL_STREAM_KEYS):
                del obj[key]

    def _replacement(self, value: PdfObject | None) -> PdfObject | None:
        """What replaces an object wherever it is named, or None to keep (and clean) it."""
        target = resolved(value)
        if not isinstance(target, DictionaryObject):
            return None
        known = self.replaced.get(id(target))
        if known is not None or id(target) in self.seen:
            return known
        replacement: PdfObject | None = None
        if target is self.root or kind(target, "/Type") in _STRUCTURE_TYPES \
                or any(key in target for key in _STRUCTURE_KEYS):
            replacement = NullObject()
        elif isinstance(target, StreamObject) and (
                self.visibility.hidden(target.get("/OC"))
                or kind(target, "/Subtype") == "/PS"):
            replacement = self.empty()
        elif isinstance(target, StreamObject) and self.visibility.off \
                and "/Resources" in target:
            shown = without_hidden(target, target.get("/Resources"), self.visibility,
                                   self.reader)
            if shown is not None:
                for key, item in dict.items(target):
                    if key not in _STREAM:
                        shown[key] = item
                replacement = self.writer._add_object(shown)
        if replacement is not None:
            self.replaced[id(target)] = replacement
        return replacement

    def empty(self) -> IndirectObject:
        """One empty form per attachment, for every XObject that draws nothing."""
        if self._empty is None:
            self._empty = self.writer._add_object(empty_form())
        return self._empty
