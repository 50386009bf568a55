"""A page's boxes and turn read as a viewer reads them, and rewritten so every viewer agrees.

pdf.js, pdfium and poppler agree on this much: a box's corners come in any order; the
MediaBox and CropBox are inherited from the page tree (pypdf copies them onto each
page); the CropBox is clipped to the MediaBox, and ignored, so the whole MediaBox
shows, when it is missing, null, not four finite numbers or outside the MediaBox; the
result is turned by ``/Rotate``. :func:`displayed_box` reads a page so, and the stamps
of :mod:`packgen.pdf.number` are placed by it; a page with no visible area at all (its
MediaBox missing, damaged or without area) is a :class:`PageError`, saying what is
wrong. Once copied, a page's boxes and settings are rebuilt as plain values
(:func:`settle_entries`): its MediaBox and CropBox as the ordered corners read here, an
ignored CropBox dropped, so that every viewer shows the copy as the footer was placed
on it, whichever reading it has.
"""

from __future__ import annotations

import math
from typing import NamedTuple, cast

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
)

from packgen.pdf.objects import number, numbers, resolved, show


class PageError(Exception):
    """What is wrong with a page or the page tree, in the officer's words."""


class Box(NamedTuple):
    """The displayed part of a page in user space, corners ordered, and its turn."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int
    """0, 90, 180 or 270: clockwise, as /Rotate."""

    @property
    def width(self) -> float:
        """Across the page as displayed."""
        return self.right - self.left if self.rotation in (0, 180) else self.top - self.bottom

    @property
    def height(self) -> float:
        return self.top - self.bottom if self.rotation in (0, 180) else self.right - self.left


Rect = tuple[float, float, float, float]
"""A rectangle's left, bottom, right and top."""


class Area(NamedTuple):
    """A page's boxes as a viewer reads them."""

    media: Rect
    crop: Rect | None
    """The part of the MediaBox the CropBox shows; None: all of it."""
    ignored: str
    """A CropBox the page has but a viewer cannot use, in PDF syntax; else ""."""


def visible_area(page: DictionaryObject) -> Area:
    """The page's MediaBox and the part its CropBox shows; :class:`PageError` when the
    page has no visible area at all."""
    value = resolved(page.get("/MediaBox"))
    if value is None or isinstance(value, NullObject):
        raise PageError("no page size (no /MediaBox on it or its parents)")
    media = _rectangle(value)
    if media is None:
        raise PageError(f"a damaged page box (/MediaBox {show(value)})")
    if not _has_area(media):
        raise PageError(f"a page box with no area (/MediaBox {show(value)})")
    value = resolved(page.get("/CropBox"))
    if value is None or isinstance(value, NullObject):
        return Area(media, None, "")
    crop = _rectangle(value)
    if crop is not None:  # clipped to the MediaBox, as viewers clip it
        crop = (max(crop[0], media[0]), max(crop[1], media[1]),
                min(crop[2], media[2]), min(crop[3], media[3]))
        if _has_area(crop):
            return Area(media, crop, "")
    # Not four numbers, or none of the page: pdf.js shows the MediaBox, pdfium and poppler
    # show it for the first and nothing (or no page) for the second.
    return Area(media, None, f"/CropBox {show(value)}")


def displayed_box(page: DictionaryObject) -> Box:
    """The page as a viewer displays it; :class:`PageError` says what is damaged.

    A /Rotate that is a number but not a quarter turn counts as 0, as viewers
    (pdf.js, pdfium) show it; :func:`check_pages` finds such pages to report.
    """
    area = visible_area(page)
    left, bottom, right, top = area.crop or area.media
    turn = rotation(page)
    return Box(left, bottom, right, top, 0 if turn % 90 else turn)


_TAB_ORDERS = frozenset({"/R", "/C", "/S", "/A", "/W"})  # PDF 2.0, 12.5 (A and W are 2.0's)
_PRINTER_BOXES = ("/BleedBox", "/TrimBox", "/ArtBox")


def settle_entries(page: DictionaryObject) -> None:
    """Keep a copied page's boxes, turn, user unit and tab order only as plain values of
    their types. An entry on the page allowlist can still hold anything (a /TrimBox that
    is a dictionary of JavaScript, a fifth element of a /BleedBox that is an action), and
    whatever it holds would be written into the pack: so each is rebuilt from the numbers
    or name it should be, or dropped. The MediaBox and CropBox, checked when the file was
    opened (:func:`check_pages`), are written as :func:`visible_area` reads them (corners
    ordered, the CropBox within the MediaBox) and a CropBox it ignores is dropped, so that
    viewers that would read them differently have nothing left to differ on; a printer's
    box that is damaged only goes, since nothing in a pack depends on one."""
    area = visible_area(page)  # checked when the file was opened
    _settle_box(page, "/MediaBox", area.media)
    if area.crop is None:
        page.pop("/CropBox", None)
    else:
        _settle_box(page, "/CropBox", area.crop)
    for key in _PRINTER_BOXES:
        value = page.get(key)
        if value is None:
            continue
        if value.__class__ is ArrayObject and len(value) == 4 and all(
                v.__class__ in _PLAIN for v in value):
            continue  # as good as every box: four plain numbers, nothing else
        box = numbers(value, 4)
        if box is None:
            del page[key]  # a damaged printer's box
        else:
            page[NameObject(key)] = ArrayObject(FloatObject(v) for v in box)
    turn = page.get("/Rotate")
    if turn is not None and turn.__class__ is not NumberObject:
        found = number(turn)
        if found is None or found != int(found):
            del page["/Rotate"]
        else:
            page[NameObject("/Rotate")] = NumberObject(int(found))
    unit = page.get("/UserUnit")
    if unit is not None:
        found = number(unit)
        if found is None or not 0 < found <= MAX_USER_UNIT:
            del page["/UserUnit"]
        else:
            page[NameObject("/UserUnit")] = FloatObject(found)
    tabs = resolved(page.get("/Tabs"))
    if "/Tabs" in page:
        if isinstance(tabs, NameObject) and tabs in _TAB_ORDERS:
            page[NameObject("/Tabs")] = NameObject(tabs)
        else:
            del page["/Tabs"]


def rotation(page: DictionaryObject) -> int:
    """/Rotate as a whole number of degrees in 0..359; :class:`PageError` if not a number."""
    value = page.get("/Rotate")
    if value is None:
        return 0
    if value.__class__ is NumberObject:
        return int(value) % 360
    value = value.get_object()
    if isinstance(value, NullObject):
        return 0
    if isinstance(value, (int, float)) and math.isfinite(value) and value == int(value):
        return int(value) % 360
    raise PageError(f"a damaged rotation (/Rotate {show(value)})")


def _settle_box(page: DictionaryObject, key: str, box: Rect) -> None:
    """Set ``key`` to ``box`` unless it already holds exactly that as four plain numbers."""
    value = page.get(key)
    if value.__class__ is ArrayObject and all(v.__class__ in _PLAIN for v in value) \
            and tuple(float(v) for v in value) == box:
        return  # as good as every box: kept as it is
    page[NameObject(key)] = ArrayObject(FloatObject(v) for v in box)


def _rectangle(value: PdfObject | None) -> Rect | None:
    """A resolved array of four finite numbers as a rectangle with its corners ordered;
    None when it is anything else."""
    if not isinstance(value, ArrayObject) or len(value) != 4:
        return None
    a, b, c, d = cast("list[PdfObject]", value)
    try:
        if a.__class__ in _PLAIN and b.__class__ in _PLAIN and c.__class__ in _PLAIN \
                and d.__class__ in _PLAIN:  # as good as every box: four plain numbers
            x0, y0 = float(cast(float, a)), float(cast(float, b))
            x1, y1 = float(cast(float, c)), float(cast(float, d))
        else:
            x0, y0, x1, y1 = (_number(resolved(v)) for v in (a, b, c, d))
    except OverflowError:  # a whole number too large for a float
        return None
    if not math.isfinite(x0 + y0 + x1 + y1):  # nor infinite: -inf + inf is NaN
        return None
    if max(abs(x0), abs(y0), abs(x1), abs(y1)) > MAX_COORDINATE:
        return None
    return (x0, y0, x1, y1) if x0 <= x1 and y0 <= y1 else (
        min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _has_area(box: Rect) -> bool:
    return box[2] > box[0] and box[3] > box[1]


_PLAIN = frozenset({NumberObject, FloatObject})
MAX_COORDINATE = 2 ** 31 - 1
"""The largest coordinate a box may have: PDF readers hold them in 32-bit integers or
floats (qpdf refuses a pack with larger ones), and no paper is wider than this many
points."""
MAX_USER_UNIT = 75_000
"""The largest /UserUnit PDF allows (ISO 32000-2, Annex C)."""


def _number(value: PdfObject | None) -> float:
    """A number as a float (which may be infinite); NaN for anything else."""
    return float(value) if isinstance(value, (int, float)) else math.nan
