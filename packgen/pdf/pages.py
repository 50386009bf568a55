"""Change a copied page without changing what it shares: pages are copied on write.

Pages of one attachment often share one /Resources dictionary (and its /Font, /XObject
and /ExtGState dictionaries), sometimes one /Annots array, and the pack writes each object
once however many pages name it (:mod:`packgen.pdf.write`). So nothing packgen adds to a
page is written into what the page shares: a :class:`PageEditor` gives its page a
/Resources of its own, and its own copy of each category it adds to, before it writes.
What it does not change stays shared (fonts, images, the categories it leaves alone).

Every stage that draws on a page goes through the editor's two ways to change one:
flattened form fields (:mod:`packgen.pdf.forms`), stamps, the DRAFT watermark and NOT FOR
PUBLICATION (:mod:`packgen.pdf.number`):

- :meth:`PageEditor.add_resource` names an object in the page's resources under a name
  that cannot clash with the page's own (``/PackgenStamp``, else ``/PackgenStamp1`` ...),
  and returns the name to draw it by;
- :meth:`PageEditor.append` appends content streams; ``isolated``, the page's own content
  is opened by a ``q`` (or by :meth:`Pages.prefix`'s ``q``, transformation and clip) and
  the appended content starts with its ``Q``, so nothing the page leaves in the graphics
  state moves what is drawn after it. What is appended is stored Flate-compressed, at a
  fixed level (:func:`compressed`), and one stream of the same bytes serves every page
  that appends them (:meth:`Pages.content`): a DRAFT watermark or NOT FOR PUBLICATION is
  written once, however many pages show it.

A page's annotations are its own already: scrubbing rebuilds each page's /Annots from
copies (:mod:`packgen.pdf.scrub`), however many pages shared the array. Making room for
the stamps (``page_numbers: {make_room: true}``) scales a page's own content and its
annotations by one matrix (:func:`packgen.pdf.number.room_matrix`,
:meth:`PageEditor.move_annotations`), and gives the page a new /Annots again, of new
copies, rather than change what it holds; an annotation the moved content no longer
shows goes, one it partly shows is cut to it. Every number drawn into a content stream
is written by :func:`operand`.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from packgen.pdf.bridge import add_object, stream_object
from packgen.pdf.objects import dictionary, numbers, resolved

if TYPE_CHECKING:  # pagetree imports forms, which imports this module
    from packgen.pdf.boxes import Box, Rect

Matrix = tuple[float, float, float, float, float, float]
"""A PDF transformation ``[a b c d e f]``: a point (x, y) goes to (ax + cy + e, bx + dy + f)."""

# What of an annotation is a place on the page: its rectangle, and lists of points
# (flat, or a list of such lists) that viewers draw it by when it has no appearance.
_POINTS = ("/QuadPoints", "/L", "/Vertices", "/CL")
_POINT_LISTS = ("/InkList", "/Path")


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


FLATE_LEVEL = 6
"""zlib's level for what packgen appends to pages: fixed, so the same content compresses to
the same bytes (a stamp's few hundred bytes gain nothing from a higher one)."""
_SMALL = 1 << 10
"""Content up to this long (a stamp) is compressed with a 1 KiB window and little memory:
as small as zlib's defaults make it, in a third of the time, which with the defaults goes
mostly on setting up 256 KiB of state."""


def compressed(data: bytes) -> StreamObject:
    """A stream of ``data`` stored Flate-compressed, ready to write as it is."""
    packer = zlib.compressobj(FLATE_LEVEL, zlib.DEFLATED, 10, 2) if len(data) <= _SMALL \
        else zlib.compressobj(FLATE_LEVEL)
    return stream_object(DictionaryObject({NameObject("/Filter"): NameObject("/FlateDecode")}),
                         packer.compress(data) + packer.flush())


def operand(value: float, places: int = 4) -> str:
    """A number as content-stream syntax, the one way every number packgen draws is
    written: in plain decimals, since PDF has no exponent form (``2e+06`` is read as an
    unknown operator and the stamp vanishes), to ``places`` decimals, or to four
    significant digits where those are finer (a scale of 1/75,000); trailing zeros
    dropped, and never ``-0``."""
    size = abs(value)
    if 0 < size < 1:
        places = min(12, max(places, 3 - math.floor(math.log10(size))))
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def show_matrix(matrix: Matrix) -> str:
    """A matrix as content-stream operands."""
    return " ".join(operand(v) for v in matrix)


def multiply(first: Matrix, then: Matrix) -> Matrix:
    """The matrix doing ``first``, then ``then`` (PDF's row-vector order, ``first x then``)."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def invert(matrix: Matrix) -> Matrix:
    a, b, c, d, e, f = matrix
    det = a * d - b * c
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def displayed_matrix(box: Box) -> Matrix:
    """Maps the page as displayed (origin at its displayed lower left, upright) to its user
    space, whatever its /Rotate."""
    x0, y0, x1, y1 = box.left, box.bottom, box.right, box.top
    return {
        0: (1.0, 0.0, 0.0, 1.0, x0, y0),
        90: (0.0, 1.0, -1.0, 0.0, x1, y0),
        180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
        270: (0.0, -1.0, 1.0, 0.0, x0, y1),
    }[box.rotation]


class Pages:
    """What the editors of one writer's pages share: the one-byte ``q`` stream, one stream
    for each transformation that makes room, and one for each content appended alike."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self._prefixes: dict[str, IndirectObject] = {}
        self._contents: dict[bytes, IndirectObject] = {}
        self.shared: dict[tuple[object, tuple[tuple[str, str, int], ...]],
                          tuple[DictionaryObject, IndirectObject, list[str]]] = {}
        """Resources pages share, or hold alike, with the same additions made: the first such
        dictionary (held, so the identities in its key stay its own), the one copy with the
        additions, the names chosen."""

    def prefix(self, matrix: Matrix | None = None, clip: Box | None = None) -> IndirectObject:
        """The stream opening a page's own content: ``q``, then the transformation and a
        clip to the box (in the untransformed space) when they are given."""
        ops = ["q"]
        if matrix is not None:
            ops.append(f"{show_matrix(matrix)} cm")
        if clip is not None:
            ops.append(f"{operand(clip.left)} {operand(clip.bottom)} "
                       f"{operand(clip.right - clip.left)} {operand(clip.top - clip.bottom)} "
                       "re W n")
        data = "\n".join(ops) + "\n"
        known = self._prefixes.get(data)
        if known is None:
            known = self._prefixes[data] = add_object(self.writer, _stream(data.encode("ascii")))
        return known

    def content(self, data: bytes) -> IndirectObject:
        """The compressed stream of ``data``, one for all the pages that append it."""
        known = self._contents.get(data)
        if known is None:
            known = self._contents[data] = add_object(self.writer, compressed(data))
        return known

    def edit(self, page: PageObject) -> PageEditor:
        return PageEditor(self, page)


class PageEditor:
    """Changes one page: its own resources and annotations, content appended."""

    def __init__(self, pages: Pages, page: PageObject) -> None:
        self.pages, self.page = pages, page
        self._resources: DictionaryObject | None = None
        self._own: dict[str, DictionaryObject] = {}

    @property
    def resources(self) -> DictionaryObject:
        """The page's /Resources, a dictionary of its own from the first time it is asked."""
        if self._resources is None:
            self._resources = DictionaryObject(dictionary(self.page, "/Resources") or {})
            self.page[NameObject("/Resources")] = self._resources
        return self._resources

    def add_resource(self, category: str, name: str, value: PdfObject) -> str:
        """Name ``value`` in the page's own ``category`` (/Font, /XObject, /ExtGState ...):
        as ``name`` unless the page names something else so, else ``name`` followed by the
        first number free. The name to draw it by."""
        named = self._own.get(category)
        if named is None:
            named = DictionaryObject(dictionary(self.resources, category) or {})
            self.resources[NameObject(category)] = named
            self._own[category] = named
        chosen, count = name, 0
        while chosen in named and dict.get(named, chosen) != value:
            count += 1
            chosen = f"{name}{count}"
        named[NameObject(chosen)] = value
        return chosen

    def add_resources(self, wanted: Sequence[tuple[str, str, PdfObject]]) -> list[str]:
        """Name each (category, name, value) as :meth:`add_resource` does; the names chosen.

        Pages often share one /Resources dictionary, or each hold one alike (ReportLab
        writes the same few entries into every page), and stamping adds the same to every
        page: pages whose resources are the same then share one copy with the additions,
        written once, rather than each page holding a copy of its own. Still
        copy-on-write: the dictionary a page had is never changed, and a later change to
        one page copies again."""
        if self._resources is not None:
            return [self.add_resource(*entry) for entry in wanted]
        current = dictionary(self.page, "/Resources")
        if current is None:
            return [self.add_resource(*entry) for entry in wanted]
        key = (_signature(current), tuple((c, n, id(v)) for c, n, v in wanted))
        known = self.pages.shared.get(key)
        if known is None:
            names = [self.add_resource(*entry) for entry in wanted]
            own = self.resources
            known = (current, add_object(self.pages.writer, own), names)
            self.pages.shared[key] = known
            self._resources = None  # the copy is shared now: a further change copies again
            self._own = {}
        self.page[NameObject("/Resources")] = known[1]
        return known[2]

    def append(self, data: bytes | Sequence[bytes], isolated: bool = False,
               prefix: IndirectObject | None = None) -> None:
        """Add ``data`` after the page's own content: one stream, or one for each part of a
        sequence (so that a part many pages draw alike is one stream they share,
        :meth:`Pages.content`). ``isolated``: the page's own content is opened by ``prefix``
        (default: a ``q``), and ``data`` must start by closing it with ``Q``."""
        contents = self.page.get("/Contents")
        existing = resolved(contents)
        parts = list(existing) if isinstance(existing, ArrayObject) \
            else [contents] if contents is not None else []
        if isolated:
            parts.insert(0, prefix or self.pages.prefix())
        added = [data] if isinstance(data, bytes) else data
        parts += [self.pages.content(part) for part in added]
        self.page[NameObject("/Contents")] = ArrayObject(parts)

    def move_annotations(self, matrix: Matrix, shown: Rect) -> None:
        """Move the page's annotations by ``matrix`` (as its content moved) and keep them
        to ``shown``, the part of the page its moved content shows: one wholly outside it
        goes (it was outside the visible page before, and would now sit over a stamp), one
        partly outside is cut to it. The page gets its own /Annots of its own copies."""
        annots = resolved(self.page.get("/Annots"))
        if not isinstance(annots, ArrayObject):
            return
        scale = abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]) ** 0.5
        moved = ArrayObject()
        for ref in annots:
            annot = resolved(ref)
            if not isinstance(annot, DictionaryObject):
                continue
            copy = DictionaryObject(annot)
            if _move(copy, matrix, scale, shown, self.pages.writer):
                moved.append(add_object(self.pages.writer, copy))
        self.page[NameObject("/Annots")] = moved


def _signature(value: object) -> object:
    """What an object holds, as a key equal for objects that hold the same: the same
    names, numbers and references (to the same objects of the same file), in
    dictionaries and arrays. Anything else counts by its identity, so alike only with
    itself (it is held by the dictionary whose key this is)."""
    kind = value.__class__
    if kind is IndirectObject:
        ref = cast(IndirectObject, value)
        return id(ref.pdf), ref.idnum, ref.generation
    if kind is NameObject or kind is NumberObject or kind is FloatObject:
        return kind, value
    if kind is DictionaryObject:
        return "<<", tuple(sorted((k, _signature(v))  # a name is a str: no str() call
                                  for k, v in dict.items(cast(DictionaryObject, value))))
    if kind is ArrayObject:
        return "[", tuple(_signature(v) for v in cast(ArrayObject, value))
    return "id", id(value)


def moved_rect(matrix: Matrix, rect: Rect) -> Rect:
    """Where a rectangle lies once moved by ``matrix`` (corners ordered)."""
    (ax, ay), (bx, by) = apply(matrix, rect[0], rect[1]), apply(matrix, rect[2], rect[3])
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def appearance_matrix(form: StreamObject, rect: Rect) -> Matrix:
    """What maps an appearance into an annotation's rectangle: its /BBox, as its /Matrix
    places it, is fitted to ``rect`` (PDF 2.0, 12.5.5; the /Matrix is applied by ``Do``)."""
    bx0, by0, bx1, by1 = _bbox(form)
    x0, y0, x1, y1 = rect
    sx = (x1 - x0) / (bx1 - bx0) if bx1 != bx0 else 1.0
    sy = (y1 - y0) / (by1 - by0) if by1 != by0 else 1.0
    return (sx, 0.0, 0.0, sy, x0 - bx0 * sx, y0 - by0 * sy)


def _bbox(form: StreamObject) -> Rect:
    """The form's bounding box as its /Matrix places it (PDF 2.0, 12.5.5)."""
    box = numbers(form.get("/BBox"), 4) or [0.0, 0.0, 1.0, 1.0]
    a, b, c, d, e, f = numbers(form.get("/Matrix"), 6) or [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _move(annot: DictionaryObject, matrix: Matrix, scale: float, shown: Rect,
          writer: PdfWriter) -> bool:
    """Move an annotation (a copy) and keep it to ``shown``; False when none of it shows."""
    rect = _floats(annot.get("/Rect"))
    if rect is not None and len(rect) == 4:
        moved = moved_rect(matrix, (min(rect[0], rect[2]), min(rect[1], rect[3]),
                                    max(rect[0], rect[2]), max(rect[1], rect[3])))
        kept = (max(moved[0], shown[0]), max(moved[1], shown[1]),
                min(moved[2], shown[2]), min(moved[3], shown[3]))
        if kept[0] > kept[2] or kept[1] > kept[3] or kept != moved and (
                kept[0] == kept[2] or kept[1] == kept[3]):
            return False  # wholly outside, or touching the edge from outside
        if kept != moved:
            _cut_appearance(annot, moved, kept, writer)
        annot[NameObject("/Rect")] = _array(list(kept))
    for key in _POINTS:
        points = _floats(annot.get(key))
        if points is not None:
            annot[NameObject(key)] = _array(_moved(points, matrix))
    for key in _POINT_LISTS:
        lists = resolved(annot.get(key))
        if isinstance(lists, ArrayObject):
            annot[NameObject(key)] = ArrayObject(
                _array(_moved(points, matrix)) for points in map(_floats, lists)
                if points is not None)
    differences = _floats(annot.get("/RD"))
    if differences is not None:
        annot[NameObject("/RD")] = _array([v * scale for v in differences])
    return True


def _cut_appearance(annot: DictionaryObject, moved: Rect, kept: Rect, writer: PdfWriter
                    ) -> None:
    """Give an annotation cut from ``moved`` to ``kept`` an appearance that draws its own
    where it was, clipped to ``kept``, rather than squeezed into the smaller rectangle: a
    form whose /BBox is ``kept`` drawing the old appearance at ``moved``."""
    appearance = dictionary(annot, "/AP")
    normal = appearance.get("/N") if appearance is not None else None
    form = resolved(normal)
    if not isinstance(form, StreamObject):
        return
    if not isinstance(normal, IndirectObject):
        normal = add_object(writer, form)
    wrapper = _stream(f"q {show_matrix(appearance_matrix(form, moved))} cm "
                      "/PackgenAppearance Do Q".encode("ascii"))
    wrapper.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): _array(list(kept)),
        NameObject("/Resources"): DictionaryObject({NameObject("/XObject"): DictionaryObject(
            {NameObject("/PackgenAppearance"): normal})})})
    annot[NameObject("/AP")] = DictionaryObject({NameObject("/N"): add_object(writer, wrapper)})


def _floats(value: PdfObject | None) -> list[float] | None:
    """A resolved array of finite numbers, or None."""
    value = resolved(value)
    return numbers(value, len(value)) if isinstance(value, ArrayObject) else None


def _moved(points: list[float], matrix: Matrix) -> list[float]:
    out: list[float] = []
    for i in range(0, len(points) - 1, 2):
        out += apply(matrix, points[i], points[i + 1])
    return out


def _array(values: list[float]) -> ArrayObject:
    return ArrayObject(FloatObject(round(v, 4)) for v in values)
