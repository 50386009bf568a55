"""An attachment's pages as a viewer would see them, checked before anything uses them.

Two things a hostile or broken file can do with its pages are checked here.

Its page tree can reach one node many times: ``/Kids [3 0 R 3 0 R]`` nested sixteen
deep is 65,536 pages in 2 KB, and pypdf would build every one. A tree is walked
here first, cheaply (a few dictionary lookups a node), and refused when a node
is reached twice or when it holds more than :data:`MAX_PAGES` pages: the walk
stops as soon as it knows, whatever the tree's ``/Count`` claims.

Its page boxes and ``/Rotate`` can be damaged. :func:`displayed_box` reads them as
a viewer does (pdf.js, pdfium and poppler agree on this much): a box's corners in any
order; the MediaBox and CropBox inherited from the page tree (pypdf copies them onto
each page); the CropBox clipped to the MediaBox, and ignored, so the whole MediaBox
shows, when it is missing, null, not four finite numbers or outside the MediaBox; the
result turned by ``/Rotate``. A page with no visible area at all (its MediaBox
missing, damaged or without area) is refused, saying what is wrong. Every page of
every attachment is checked when the file is opened, so ``validate`` reports it too,
and the stamps of :mod:`packgen.pdf.number` are placed by the same function. A form
field that prints but whose appearance cannot be placed is found then too
(:func:`packgen.pdf.forms.appearance_problem`). Once copied, a page's boxes and
settings are rebuilt as plain values (:func:`settle_entries`): its MediaBox and
CropBox as the ordered corners read here, an ignored CropBox dropped, so that every
viewer shows the copy as the footer was placed on it, whichever reading it has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple, cast

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
)

from packgen.pdf.forms import appearance_problem, printed_appearance
from packgen.pdf.layers import Visibility
from packgen.pdf.objects import kind, number, numbers, resolved, show

MAX_PAGES = 20_000
"""Pages one attachment may hold. The largest real documents attached to agendas
(a local plan with its evidence, a year of planning decisions) run to a few
thousand pages; twenty thousand leaves room and still bounds a build's time and
memory (a 10,000-page pack takes about 4 s and 135 MiB)."""
MAX_NODES = 2 * MAX_PAGES + 1_000
"""Page-tree nodes, pages included, one attachment may hold: a tree with one
intermediate node per page, the least economical a writer makes, fits."""


class PageError(Exception):
    """What is wrong with a page or the page tree, in the officer's words."""


def check_page_tree(reader: PdfReader) -> int:
    """The number of pages pypdf will find, or :class:`PageError` if the tree is hostile.

    Follows pypdf's own walk (``_flatten``): a node whose /Type is /Pages, or which has
    /Kids and no /Type, is a branch; one with /Type /Page, or with neither, a page;
    anything else, and any kid that is not a non-empty dictionary, is skipped.
    """
    root = reader.root_object.get("/Pages")
    tree = root.get_object() if root is not None else None
    if isinstance(tree, DictionaryObject):
        claimed = tree.get("/Count")
        if isinstance(claimed, int) and claimed > MAX_PAGES:
            raise PageError(_too_many(claimed))
    seen: set[int] = set()
    pending: list[PdfObject | None] = [root]
    pages = nodes = 0
    while pending:
        entry = pending.pop()
        if isinstance(entry, IndirectObject):
            if entry.idnum in seen:
                raise PageError(f"the page tree repeats a page or a branch (object "
                                f"{entry.idnum}), so pages would be printed more than once; "
                                "the file is malformed: export it again")
            seen.add(entry.idnum)
            entry = entry.get_object()
        if not isinstance(entry, DictionaryObject) or not entry:
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise PageError(f"the page tree has more than {MAX_NODES:,} entries; "
                            f"packgen merges attachments of up to {MAX_PAGES:,} pages")
        kind = entry["/Type"] if "/Type" in entry else (
            "/Pages" if "/Kids" in entry else "/Page")
        if kind == "/Page":
            pages += 1
            if pages > MAX_PAGES:
                raise PageError(_too_many(None))
        elif kind == "/Pages":
            kids = entry.get("/Kids")
            kids = kids.get_object() if kids is not None else None
            if isinstance(kids, ArrayObject):
                pending.extend(reversed(kids))
    return pages


def _too_many(claimed: int | None) -> str:
    said = f"{claimed:,}" if claimed is not None else f"more than {MAX_PAGES:,}"
    return (f"the PDF has {said} pages; packgen merges attachments of up to {MAX_PAGES:,} "
            "pages: split it, or link to it from the agenda")


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


@dataclass
class PageNotes:
    """What :func:`check_pages` found that a viewer shows anyway, to be said as warnings."""

    turns: dict[int, int] = field(default_factory=dict)
    """Pages whose /Rotate is not a quarter turn, with it: shown upright."""
    crops: dict[int, str] = field(default_factory=dict)
    """Pages whose CropBox is ignored, with it as PDF syntax: shown whole."""


def check_pages(reader: PdfReader) -> PageNotes:
    """Check every page's boxes and turn; what is odd but viewable, in :class:`PageNotes`.

    Each page's contents and resources are resolved too, so that damage to them is
    found now, while it can still be reported against the file.
    """
    notes = PageNotes()
    visibility: Visibility | None = None
    for index, page in enumerate(reader.pages):
        for key in ("/Contents", "/Resources"):
            value = page.get(key)
            if value is not None:
                value.get_object()
        try:
            ignored = visible_area(page).ignored
            turn = rotation(page)
            if "/Annots" in page:
                visibility = visibility or Visibility(reader)
                _check_fields(page, visibility)
        except PageError as exc:
            raise PageError(f"page {index + 1} has {exc}") from None
        if turn % 90:
            notes.turns[index] = turn
        if ignored:
            notes.crops[index] = ignored
    return notes


def _check_fields(page: DictionaryObject, visibility: Visibility) -> None:
    """Refuse a form field that prints (so would be flattened) but whose appearance cannot
    be placed; found here so that ``validate`` says it as ``build`` would."""
    annots = resolved(page.get("/Annots"))
    for annot in annots if isinstance(annots, ArrayObject) else ():
        widget = resolved(annot)
        if isinstance(widget, DictionaryObject) and kind(widget, "/Subtype") == "/Widget":
            appearance = printed_appearance(widget, visibility)
            problem = appearance_problem(appearance) if appearance is not None else None
            if problem:
                raise PageError(f"a form field whose appearance is damaged ({problem}), so "
                                "it cannot be printed where the form puts it; export the "
                                "PDF again, or print it to PDF")


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
        if found is None or found <= 0:
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
            x0, y0, x1, y1 = (float(cast(float, v)) for v in (a, b, c, d))
        else:
            x0, y0, x1, y1 = (_number(resolved(v)) for v in (a, b, c, d))
    except OverflowError:  # a whole number too large for a float
        return None
    if not math.isfinite(x0 + y0 + x1 + y1):  # nor infinite: -inf + inf is NaN
        return None
    return (x0, y0, x1, y1) if x0 <= x1 and y0 <= y1 else (
        min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _has_area(box: Rect) -> bool:
    return box[2] > box[0] and box[3] > box[1]


_PLAIN = frozenset({NumberObject, FloatObject})


def _number(value: PdfObject | None) -> float:
    """A number as a float (which may be infinite); NaN for anything else."""
    return float(value) if isinstance(value, (int, float)) else math.nan
