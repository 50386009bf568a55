"""Make an attachment's copied pages safe to publish, and keep their links working.

Form fields are flattened: each field's appearance is drawn into the page as it
shows now, and the field goes. A pack is for reading and printing; flattened, a
filled-in form prints filled in in every viewer, and two reports' fields of the
same name cannot merge into one.

Only the pages of an attachment enter the pack (its catalog, with any JavaScript,
open action, embedded files and document metadata, stays behind). What a page
carries itself is cleaned here: its additional actions (/AA) and metadata go;
annotations that carry files or media go; an annotation keeps its action only if
every action in the chain moves within the document or opens a web page. Links
to *named* destinations are rewritten to point at the pack's own page, because
the attachment's name tree stays behind with its catalog.
"""

from __future__ import annotations

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NullObject,
    PdfObject,
    RectangleObject,
    StreamObject,
)

SAFE_ACTIONS = frozenset({"/GoTo", "/URI", "/Named"})
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
DROPPED_ANNOTATIONS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen",
                                 "/RichMedia", "/3D"})
DROPPED_PAGE_KEYS = ("/AA", "/Metadata", "/PieceInfo")


class _Destinations:
    """An attachment's named destinations, as pages of the pack; read only when a link needs one."""

    def __init__(self, writer: PdfWriter, reader: PdfReader, start: int) -> None:
        self.writer, self.reader, self.start = writer, reader, start
        self._named: dict[str, ArrayObject | None] | None = None

    def resolve(self, dest: PdfObject | None) -> ArrayObject | None:
        target = dest.get_object() if dest is not None else None
        if isinstance(target, ArrayObject):
            return target  # an explicit page reference, already mapped by pypdf's copy
        if target is None:
            return None
        if self._named is None:
            self._named = self._read_names()
        return self._named.get(str(target))

    def _read_names(self) -> dict[str, ArrayObject | None]:
        named: dict[str, ArrayObject | None] = {}
        try:
            destinations = self.reader.named_destinations
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError):
            return named
        for name, dest in destinations.items():
            try:
                index = self.reader.get_destination_page_number(dest)
            except (PdfReadError, ValueError, KeyError, AttributeError):
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
    for page in writer.pages[start:start + count]:
        for key in DROPPED_PAGE_KEYS:
            if key in page:
                del page[key]
        annots = page.get("/Annots")
        if annots is None:
            continue
        kept = ArrayObject()
        drawn: list[str] = []
        for ref in annots.get_object():
            annot = ref.get_object()
            if not isinstance(annot, DictionaryObject) \
                    or annot.get("/Subtype") in DROPPED_ANNOTATIONS:
                continue
            if annot.get("/Subtype") == "/Widget":
                drawn += _flatten(writer, page, annot, len(drawn))
                continue
            _clean_annotation(annot, destinations)
            kept.append(ref)
        if drawn:
            stream = DecodedStreamObject()
            stream.set_data("\n".join(drawn).encode("ascii"))
            contents = page.get("/Contents")
            parts = contents.get_object() if contents is not None else ArrayObject()
            parts = list(parts) if isinstance(parts, ArrayObject) else [contents]
            page[NameObject("/Contents")] = ArrayObject([*parts, writer._add_object(stream)])
        if kept:
            page[NameObject("/Annots")] = kept
        else:
            del page["/Annots"]


_HIDDEN = 2 | 32  # annotation flags Hidden and NoView


def _flatten(writer: PdfWriter, page: PageObject, widget: DictionaryObject,
             index: int) -> list[str]:
    """Content that draws a form field's current appearance where the field sits."""
    if int(widget.get("/F", 0) or 0) & _HIDDEN:
        return []
    appearance = widget.get("/AP")
    normal = appearance.get_object().get("/N") if appearance is not None else None
    normal = normal.get_object() if normal is not None else None
    if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
        state = normal.get(str(widget.get("/AS", "/Off")))  # a checkbox's on or off face
        normal = state.get_object() if state is not None else None
    rect = widget.get("/Rect")
    if not isinstance(normal, StreamObject) or rect is None:
        return []  # nothing drawn: an empty field prints empty
    normal[NameObject("/Type")] = NameObject("/XObject")
    normal[NameObject("/Subtype")] = NameObject("/Form")
    x0, y0, x1, y1 = (float(v) for v in RectangleObject(rect.get_object()))
    bx0, by0, bx1, by1 = _bbox(normal)
    sx = (x1 - x0) / (bx1 - bx0) if bx1 != bx0 else 1.0
    sy = (y1 - y0) / (by1 - by0) if by1 != by0 else 1.0
    name = f"/PackgenField{index}"
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    page[NameObject("/Resources")] = resources
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
    resources[NameObject("/XObject")] = xobjects
    reference = normal.indirect_reference or writer._add_object(normal)
    xobjects[NameObject(name)] = reference
    return [f"q {sx:g} 0 0 {sy:g} {x0 - bx0 * sx:g} {y0 - by0 * sy:g} cm {name} Do Q"]


def _bbox(form: StreamObject) -> tuple[float, float, float, float]:
    """The form's bounding box as its /Matrix places it (PDF 2.0, 12.5.5)."""
    box = [float(v) for v in form.get("/BBox", [0, 0, 1, 1])]
    a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _clean_annotation(annot: DictionaryObject, destinations: _Destinations) -> None:
    if "/AA" in annot:
        del annot["/AA"]
    if "/A" in annot:
        action = annot["/A"].get_object()
        if not isinstance(action, DictionaryObject) or not _safe(action, 0):
            del annot["/A"]
        elif action.get("/S") == "/GoTo":
            target = destinations.resolve(action.get("/D"))
            del annot["/A"]
            if target is not None:
                annot[NameObject("/Dest")] = target
    if "/Dest" in annot:
        target = destinations.resolve(annot["/Dest"])
        if target is None:
            del annot["/Dest"]
        else:
            annot[NameObject("/Dest")] = target


def _safe(action: DictionaryObject, depth: int) -> bool:
    """Whether an action, and every action chained after it, is harmless."""
    kind = action.get("/S")
    if depth > 8 or kind not in SAFE_ACTIONS:
        return False
    if kind == "/URI" and not str(action.get("/URI", "")).lower().startswith(SAFE_SCHEMES):
        return False
    following = action.get("/Next")
    if following is None:
        return True
    following = following.get_object()
    chain = following if isinstance(following, ArrayObject) else [following]
    return all(isinstance(a.get_object(), DictionaryObject) and _safe(a.get_object(), depth + 1)
               for a in chain)
