"""Clean everything a copied page draws with: resources, content and appearance streams.

A page's resources reach far: form XObjects with resources of their own, images with
soft masks, fonts, colour spaces, patterns, shadings, graphics states, and marked-content
property lists, which may point anywhere. What is reached is written into the pack, so
here every object reached is visited once and loses what is not drawing:

- an XObject keeps only the entries that draw it (an allowlist per kind), so its
  associated files (/AF), metadata, private application data (/PieceInfo, which can hold
  a whole source document), OPI proxies, alternate print images and reference links to
  other files go;
- every other dictionary loses the same side entries, any action or name tree, and
  the entries only a catalog holds (forms, XFA, structure, outlines, threads), however
  it is dressed;
- an object that belongs to a document's structure rather than to drawing (a catalog,
  with or without its /Type, a page or page tree node, an annotation, a file
  specification, an embedded file, a thread, and any action: whatever has an action
  type as its /S, :func:`packgen.pdf.objects.structure`) becomes null where it was named,
  even where nothing would run it;
- an XObject in a layer that is off becomes an empty form, and a form or pattern whose
  content marks sections of such a layer is replaced by a copy without them
  (:mod:`packgen.pdf.layers`); a form without resources of its own is judged by
  the resources of what draws it (:meth:`Cleaner.drawn_from`).

Changes are made in the attachment reader's own objects, but each is the same for every
page that shares the object (a form drawn from several resource dictionaries is cut of
what is hidden in any of them, in every place), so a resource dictionary shared between
pages stays right for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
    StreamObject,
)

from packgen.pdf.bridge import add_object
from packgen.pdf.layers import Visibility, empty_form, without_hidden
from packgen.pdf.objects import dictionary, kind, resolved, structure

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
                       "/LastModified", "/AcroForm", "/XFA", "/StructTreeRoot", "/Outlines",
                       "/Dests", "/Threads"})
"""What no dictionary reached from a page's drawing keeps (/OC once it has been judged);
the last six belong in a catalog, and go from a dictionary dressed as one."""

_EXTERNAL_STREAM_KEYS = ("/F", "/FFilter", "/FDecodeParms", "/DL")
_CONTAINERS = (IndirectObject, DictionaryObject, ArrayObject)


@dataclass
class _Inheriting:
    """A form (or tiling pattern) without resources of its own, drawn with the resources
    of whatever draws it: every place it is named, and the hidden names cut from it."""

    form: StreamObject
    names: frozenset[str] = frozenset()
    slots: list[tuple[DictionaryObject, str]] = field(default_factory=list)
    copy: IndirectObject | None = None


class Cleaner:
    """Cleans what the pages of one attachment draw with; each object is visited once."""

    def __init__(self, writer: PdfWriter, reader: PdfReader, visibility: Visibility) -> None:
        self.writer, self.reader, self.visibility = writer, reader, visibility
        self.root = resolved(reader.trailer.get("/Root"))
        self.seen: set[int] = set()
        self.replaced: dict[int, PdfObject] = {}
        self._empty: IndirectObject | None = None
        self._inheriting: dict[int, _Inheriting] = {}
        self._original: dict[int, StreamObject] = {}  # a cut copy's id: the form it copies

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
                if self.visibility.off and ("/XObject" in obj or "/Pattern" in obj):
                    self.drawn_from(obj)  # before its forms are visited: they may be cut
                slots: list[tuple[object, PdfObject]] = list(dict.items(obj))
            elif any(isinstance(x, _CONTAINERS) for x in obj):
                slots = list(enumerate(obj))
            else:
                continue  # numbers and names only (a font's widths): nothing to clean
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
        if target is self.root or structure(target):
            replacement = NullObject()
        elif isinstance(target, StreamObject) and (
                self.visibility.hidden(target.get("/OC"))
                or kind(target, "/Subtype") == "/PS"):
            replacement = self.empty()
        elif isinstance(target, StreamObject) and self.visibility.off \
                and dictionary(target, "/Resources") is not None:
            shown = without_hidden(target, target.get("/Resources"), self.visibility,
                                   self.reader)
            if shown is not None:
                replacement = self._copy(target, shown)
        if replacement is not None:
            self.replaced[id(target)] = replacement
        return replacement

    def _copy(self, form: StreamObject, shown: StreamObject) -> IndirectObject:
        """``shown`` (a form's content, cut) with the form's other entries, in the pack."""
        for key, item in dict.items(form):
            if key not in _STREAM:
                shown[key] = item
        self._original[id(shown)] = form
        return add_object(self.writer, shown)

    def drawn_from(self, resources: DictionaryObject) -> None:
        """Cut hidden sections from the forms ``resources`` names that have no resources of
        their own: a viewer draws such a form with the resources of whatever draws it
        (PDF 1.1; still read today), so its ``/OC /Name BDC`` means what the name means
        here. A form drawn from several places is cut of every name hidden in any of
        them, and all its places get the one copy: where a name means different things
        in different places, hiding too much is the safe mistake."""
        if not self.visibility.off:
            return
        names = self.visibility.hidden_names(resources)
        for category in ("/XObject", "/Pattern"):
            named = dictionary(resources, category)
            if named is None:
                continue
            for key, value in dict.items(named):
                form = resolved(value)
                form = self._original.get(id(form), form)
                if not isinstance(form, StreamObject) or kind(form, "/Subtype") == "/Image" \
                        or dictionary(form, "/Resources") is not None \
                        or isinstance(self._replacement(form), NullObject | IndirectObject) \
                        and id(form) not in self._inheriting:
                    continue
                self._inherit(form, names, named, key)

    def _inherit(self, form: StreamObject, names: frozenset[str], container: DictionaryObject,
                 key: str) -> None:
        state = self._inheriting.setdefault(id(form), _Inheriting(form))
        state.slots.append((container, key))
        if not names <= state.names:
            state.names |= names
            shown = without_hidden(form, None, self.visibility, self.reader, state.names)
            if shown is not None:
                state.copy = self._copy(form, shown)
                self.replaced[id(form)] = state.copy
                self.clean(state.copy)
        if state.copy is not None:
            for slot_container, slot in state.slots:
                slot_container[NameObject(slot)] = state.copy

    def empty(self) -> IndirectObject:
        """One empty form per attachment, for every XObject that draws nothing."""
        if self._empty is None:
            self._empty = add_object(self.writer, empty_form())
        return self._empty
