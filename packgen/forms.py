"""Flatten form fields: each field prints as a viewer printing the attachment would.

A pack is for reading and printing; flattened, a filled-in form prints filled in in
every viewer, and two reports' fields of the same name cannot merge into one. A field's
appearance becomes page content, which every viewer both shows and prints, so it is
drawn only when a viewer would do both: its widget has the Print flag and neither the
Hidden nor the NoView flag, and its layer (if any) is on. A password field is never
drawn: its value is a secret even when the form's author typed it in, and a viewer shows
it as bullets at most.
"""

from __future__ import annotations

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    RectangleObject,
    StreamObject,
)

from packgen.pdfobjects import dictionary, entry, inherited, integer, kind, resolved
from packgen.resources import Cleaner

HIDDEN, PRINT, NO_VIEW = 1 << 1, 1 << 2, 1 << 5  # annotation flags (PDF 2.0, 12.5.3)
PASSWORD = 1 << 13  # text field flag (PDF 2.0, 12.7.5.4)


def flatten_fields(writer: PdfWriter, page: PageObject, widgets: list[DictionaryObject],
                   cleaner: Cleaner) -> None:
    """Draw each printable widget's appearance into ``page`` (a copy), where it sits."""
    drawn: list[str] = []
    forms: dict[str, object] = {}
    for widget in widgets:
        appearance = _printed_appearance(widget, cleaner)
        rect = entry(widget, "/Rect")
        if appearance is None or not isinstance(rect, ArrayObject) or len(rect) != 4:
            continue  # nothing drawn: an empty field prints empty
        reference = cleaner.clean(appearance.indirect_reference
                                  or writer._add_object(appearance))
        form = resolved(reference)
        if not isinstance(form, StreamObject):
            continue
        x0, y0, x1, y1 = (float(v) for v in RectangleObject([resolved(v) for v in rect]))
        bx0, by0, bx1, by1 = _bbox(form)
        sx = (x1 - x0) / (bx1 - bx0) if bx1 != bx0 else 1.0
        sy = (y1 - y0) / (by1 - by0) if by1 != by0 else 1.0
        name = f"/PackgenField{len(drawn)}"
        forms[name] = reference
        drawn.append(f"q {sx:g} 0 0 {sy:g} {x0 - bx0 * sx:g} {y0 - by0 * sy:g} cm {name} Do Q")
    if not drawn:
        return
    # The page's resources may be shared with other pages of the attachment: the fields'
    # names go into copies that belong to this page alone.
    resources = DictionaryObject(dictionary(page, "/Resources") or {})
    xobjects = DictionaryObject(dictionary(resources, "/XObject") or {})
    xobjects.update({NameObject(k): v for k, v in forms.items()})
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    stream = DecodedStreamObject()
    stream.set_data("\n".join(drawn).encode("ascii"))
    contents = page.get("/Contents")
    existing = resolved(contents)
    parts = list(existing) if isinstance(existing, ArrayObject) else [contents] if contents else []
    page[NameObject("/Contents")] = ArrayObject([*parts, writer._add_object(stream)])


def _printed_appearance(widget: DictionaryObject, cleaner: Cleaner) -> StreamObject | None:
    """The appearance a viewer prints for this widget, or None when it prints nothing."""
    flags = integer(widget, "/F")
    if not flags & PRINT or flags & (HIDDEN | NO_VIEW) \
            or cleaner.visibility.hidden(widget.get("/OC")):
        return None
    field_flags = inherited(widget, "/Ff")
    field_type = inherited(widget, "/FT")
    if isinstance(field_type, NameObject) and field_type == "/Tx" \
            and isinstance(field_flags, int) \
            and int(field_flags) & PASSWORD:
        return None
    normal = entry(dictionary(widget, "/AP"), "/N")
    if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
        normal = entry(normal, kind(widget, "/AS") or "/Off")  # a checkbox's face
    if not isinstance(normal, StreamObject):
        return None
    normal[NameObject("/Type")] = NameObject("/XObject")
    normal[NameObject("/Subtype")] = NameObject("/Form")
    return normal


def _bbox(form: StreamObject) -> tuple[float, float, float, float]:
    """The form's bounding box as its /Matrix places it (PDF 2.0, 12.5.5)."""
    box = [float(resolved(v)) for v in entry(form, "/BBox") or [0, 0, 1, 1]]  # type: ignore[arg-type,union-attr]
    matrix = entry(form, "/Matrix") or [1, 0, 0, 1, 0, 0]
    a, b, c, d, e, f = (float(resolved(v)) for v in matrix)  # type: ignore[arg-type,union-attr]
    corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    return min(xs), min(ys), max(xs), max(ys)
