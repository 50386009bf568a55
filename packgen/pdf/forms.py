"""Flatten form fields: each field prints as a viewer printing the attachment would.

A pack is for reading and printing; flattened, a filled-in form prints filled in in
every viewer, and two reports' fields of the same name cannot merge into one. A field's
appearance becomes page content, which every viewer both shows and prints, so it is
drawn only when a viewer would do both: its widget has the Print flag and neither the
Hidden nor the NoView flag, and its layer (if any) is on. A password field is never
drawn: its value is a secret even when the form's author typed it in, and a viewer shows
it as bullets at most. A field with no place on the page (a /Rect that is not four
numbers) prints nowhere, as in a viewer; one that prints but whose appearance has a
damaged /BBox or /Matrix is refused when the file is opened, naming the page
(:func:`packgen.pdf.pagetree.check_pages`), rather than printed at a guessed size.
"""

from __future__ import annotations

from pypdf.generic import DictionaryObject, NameObject, StreamObject

from packgen.pdf.bridge import add_object
from packgen.pdf.layers import Visibility
from packgen.pdf.objects import dictionary, entry, inherited, integer, kind, numbers, resolved, show
from packgen.pdf.pages import PageEditor, appearance_matrix, show_matrix
from packgen.pdf.resources import Cleaner

HIDDEN, PRINT, NO_VIEW = 1 << 1, 1 << 2, 1 << 5  # annotation flags (PDF 2.0, 12.5.3)
PASSWORD = 1 << 13  # text field flag (PDF 2.0, 12.7.5.4)


def flatten_fields(page: PageEditor, widgets: list[DictionaryObject], cleaner: Cleaner
                   ) -> None:
    """Draw each printable widget's appearance into the page (a copy), where it sits.

    The appearances are named in the page's own resources under names its content does not
    use, and drawn after its content, which is closed first (``q ... Q``) so that what the
    page leaves in the graphics state does not move them."""
    drawn: list[str] = []
    for widget in widgets:
        appearance = printed_appearance(widget, cleaner.visibility)
        rect = numbers(entry(widget, "/Rect"), 4)
        # A widget with no place on the page (its /Rect not four numbers) prints nowhere,
        # as in a viewer; a damaged /BBox or /Matrix was refused when the file was opened
        # (appearance_problem), and is only skipped here should one arrive another way.
        if appearance is None or rect is None or appearance_problem(appearance):
            continue  # nothing drawn: an empty field prints empty
        appearance[NameObject("/Type")] = NameObject("/XObject")
        appearance[NameObject("/Subtype")] = NameObject("/Form")
        reference = cleaner.clean(appearance.indirect_reference
                                  or add_object(cleaner.writer, appearance))
        form = resolved(reference)
        if not isinstance(form, StreamObject):
            continue
        placed = appearance_matrix(form, (min(rect[0], rect[2]), min(rect[1], rect[3]),
                                          max(rect[0], rect[2]), max(rect[1], rect[3])))
        name = page.add_resource("/XObject", f"/PackgenField{len(drawn)}", reference)
        drawn.append(f"q {show_matrix(placed)} cm {name} Do Q")
    if not drawn:
        return
    cleaner.drawn_from(page.resources)  # an appearance without resources of its own uses these
    page.append("\n".join(["Q", *drawn]).encode("ascii"), isolated=True)


def is_password(field: DictionaryObject) -> bool:
    """Whether a text field (or a widget of one) holds a password: its flags and type are
    looked up its /Parent chain, as fields inherit them."""
    flags, field_type = inherited(field, "/Ff"), inherited(field, "/FT")
    return isinstance(field_type, NameObject) and field_type == "/Tx" \
        and isinstance(flags, int) and bool(int(flags) & PASSWORD)


def printed_appearance(widget: DictionaryObject, visibility: Visibility) -> StreamObject | None:
    """The appearance a viewer prints for this widget, or None when it prints nothing."""
    flags = integer(widget, "/F")
    if not flags & PRINT or flags & (HIDDEN | NO_VIEW) or visibility.hidden(widget.get("/OC")):
        return None
    if is_password(widget):
        return None
    normal = entry(dictionary(widget, "/AP"), "/N")
    if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
        normal = entry(normal, kind(widget, "/AS") or "/Off")  # a checkbox's face
    return normal if isinstance(normal, StreamObject) else None


def appearance_problem(form: StreamObject) -> str | None:
    """What is damaged in an appearance's placement, in PDF terms; None if nothing.

    Its /BBox must be four numbers and its /Matrix, when it has one, six: without them
    there is no knowing where on the page, or how large, the field's value prints.
    """
    for key, count in (("/BBox", 4), ("/Matrix", 6)):
        value = form.get(key)
        if value is not None and numbers(value, count) is None:
            return f"{key} {show(resolved(value))}"
    return None

