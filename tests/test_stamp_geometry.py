"""Stamps on pages of any geometry, and what making room moves besides the content.

Pages far from the origin, in large user units and very small; links into a page whose
content made room, and annotations its visible area no longer shows. Each fixture is a
generated attachment (``tests/conftest.py``) changed with pypdf where ReportLab cannot
write it; packs are read back with ``pdftotext -bbox``, by rendering, and by reading the
numbers packgen wrote.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    PdfObject,
    RectangleObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4

from packgen import build_pack
from packgen.pdf.bridge import add_object
from packgen.pdf.pages import Matrix, apply, operand
from packgen.pdf.stamps import FOOTER_BASELINE, MIN_SCALE, bands, theme_stamp_style
from tests.conftest import MeetingFolder, PageSpec, Word, basic_meeting, footer_number, page_words

EXPONENT = re.compile(rb"\d[eE][+-]?\d")
"""A number in exponent form, which PDF content has no syntax for."""


def name(text: str) -> NameObject:
    return NameObject(f"/{text}")


def dictionary(**entries: PdfObject) -> DictionaryObject:
    return DictionaryObject({name(k): v for k, v in entries.items()})


def floats(*values: float) -> ArrayObject:
    return ArrayObject(FloatObject(v) for v in values)


def form(writer: PdfWriter, content: bytes, width: float, height: float,
         **resources: PdfObject) -> PdfObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    stream.update(dictionary(Type=name("XObject"), Subtype=name("Form"),
                             BBox=floats(0, 0, width, height), Resources=dictionary(**resources)))
    return add_object(writer, stream)


def attachment(folder: MeetingFolder, pages: list[PageSpec] | list[str],
               craft: Callable[[PdfWriter], None] | None = None) -> str:
    """The attachment "odd.pdf" of ``pages``, changed by ``craft``."""
    pdf = folder.pdf("odd.pdf", pages)
    if craft is not None:
        path = folder.folder / pdf
        writer = PdfWriter(clone_from=PdfReader(path))
        craft(writer)
        with path.open("wb") as out:
            writer.write(out)
    return pdf


def build(folder: MeetingFolder, pages: list[PageSpec] | list[str],
          craft: Callable[[PdfWriter], None] | None = None, make_room: bool = False) -> Path:
    """A pack of one attachment of ``pages``, changed by ``craft``; it starts on page 3."""
    pdf = attachment(folder, pages, craft)
    numbering = {"page_numbers": {"make_room": True}} if make_room else {}
    meeting = folder.write(basic_meeting([{"title": "Odd", "attachments": [pdf]}], **numbering))
    pack = folder.root / ("room.pdf" if make_room else "pack.pdf")
    build_pack(meeting, pack)
    return pack


def word(words: list[Word], text: str) -> Word:
    return next(w for w in words if w.text == text)


def room(pack: Path, index: int) -> Matrix:
    """How make_room moved a page's content: the matrix its first content stream sets."""
    contents = PdfReader(pack).pages[index]["/Contents"]
    found = re.match(rb"q\n(\S+) (\S+) (\S+) (\S+) (\S+) (\S+) cm\n",
                     contents[0].get_object().get_data())
    assert found, "no room made"
    a, b, c, d, e, f = (float(v) for v in found.groups())
    return a, b, c, d, e, f


@pytest.mark.parametrize(("value", "shown"), [
    (2e6, "2000000"), (2000595.2756, "2000595.2756"), (-1.11e-16, "0"), (-0.0, "0"),
    (1 / 75000, "0.00001333"), (0.5, "0.5"), (9.0, "9"), (-12.345678, "-12.3457")])
def test_numbers_drawn_have_no_exponent(value: float, shown: str) -> None:
    assert operand(value) == shown


def test_a_page_far_from_the_origin_keeps_its_stamps_and_fields(folder: MeetingFolder
                                                               ) -> None:
    """MediaBox [2000000 0 2000595 842]: written with ``:g``, the stamp's move read
    ``2e+06`` and poppler dropped both stamps; a flattened field's did the same."""
    def craft(writer: PdfWriter) -> None:
        widget = add_object(writer, dictionary(
            Type=name("Annot"), Subtype=name("Widget"), FT=name("Tx"), F=NumberObject(4),
            T=TextStringObject("far"), V=TextStringObject("far-field-value"),
            Rect=floats(2000050.3, 300, 2000250.3, 320), AP=dictionary(N=form(
                writer, b"BT /Hv 10 Tf 2 4 Td (far-field-value) Tj ET", 200.1, 20,
                Font=dictionary(Hv=dictionary(Type=name("Font"), Subtype=name("Type1"),
                                              BaseFont=name("Helvetica")))))))
        writer.pages[0][name("Annots")] = ArrayObject([widget])

    pack = build(folder, [PageSpec("far-p1", origin=(2000000, 0))], craft)
    width, height, words = page_words(pack)[2]
    assert footer_number(width, height, words) == 3
    assert word(words, "Agenda").x1 < width
    assert any(w.text == "far-field-value" for w in words)
    for ref in PdfReader(pack).pages[2]["/Contents"]:
        assert not EXPONENT.search(ref.get_object().get_data())


def in_user_units(folder: MeetingFolder, make_room: bool) -> Path:
    def craft(writer: PdfWriter) -> None:
        writer.pages[0][name("UserUnit")] = FloatObject(7)

    return build(folder, [PageSpec("unit-p1", size=(100, 120))], craft, make_room)


@pytest.mark.parametrize("make_room", [False, True])
def test_stamps_are_points_on_paper_in_any_user_unit(folder: MeetingFolder,
                                                     make_room: bool) -> None:
    """A 100 x 120 page in units of 7 points is 700 x 840 points on paper: its stamps are
    as tall as on any page, 7 times smaller in its units (poppler reports units), and
    make_room keeps bands of points, not units."""
    pack = in_user_units(folder, make_room)
    pages = page_words(pack)
    _, filler_height, filler = pages[1]  # "Page 2" on packgen's own filler page
    width, height, words = pages[2]
    assert footer_number(width, height, words) == 3
    ours, theirs = word(filler, "Page"), word(words, "Page")
    assert 7 * (theirs.y1 - theirs.y0) == pytest.approx(ours.y1 - ours.y0, rel=0.02)
    assert 7 * (height - theirs.y1) == pytest.approx(filler_height - ours.y1, abs=0.2)
    assert (height - theirs.y1) * 7 == pytest.approx(FOOTER_BASELINE, abs=3)
    if make_room:
        bottom, top = bands(theme_stamp_style(), exempt=False)
        assert room(pack, 2)[0] == pytest.approx((840 - bottom - top) / 840, abs=1e-4)
        marker = word(words, "unit-p1")
        assert 7 * (height - marker.y1) > bottom and 7 * marker.y0 > top


SMALL = [PageSpec("s100", (100, 100)), PageSpec("s20", (20, 20)), PageSpec("s4", (4, 4)),
         PageSpec("strip", (30, 400))]


@pytest.mark.parametrize("make_room", [False, True])
def test_stamps_stay_on_small_pages(folder: MeetingFolder, make_room: bool) -> None:
    """Every stamp lies on its page, however small: "Agenda Item 1" moves in from its
    inset on a 100 pt page, and both shrink with the page on smaller ones."""
    pack = build(folder, SMALL, make_room=make_room)
    for index, (width, height, words) in enumerate(page_words(pack)[2:], start=3):
        stamps = [w for w in words if w.text in ("Page", str(index), "Agenda", "Item", "1")]
        assert {"Page", str(index)} <= {w.text for w in stamps}, index
        for found in stamps:
            assert 0 <= found.x0 < found.x1 <= width and 0 <= found.y0 < found.y1 <= height, \
                (index, found, width, height)
    width, height, words = page_words(pack)[2]
    assert word(words, "Agenda").x0 > 2  # a millimetre, less the plate's padding
    if width >= 100 and not make_room:
        assert footer_number(width, height, words) == 3  # full size on a 100 pt page
        assert word(words, "Agenda").y1 - word(words, "Agenda").y0 > 10


def test_make_room_on_a_small_page_shrinks_the_stamps_not_the_content(
        folder: MeetingFolder) -> None:
    """A 100 pt page cannot give full-size bands (73.5 pt of 100) without shrinking its
    content below one half: the stamps shrink until the bands take half, and sit clear
    of the content."""
    pack = build(folder, SMALL[:1], make_room=True)
    assert room(pack, 2)[0] == pytest.approx(MIN_SCALE, abs=1e-4)
    width, height, words = page_words(pack)[2]
    marker, page = word(words, "s100"), word(words, "Page")
    agenda = word(words, "Agenda")
    assert agenda.y1 < marker.y0 and marker.y1 < page.y0
    assert footer_number(width, height, words) == 3


def test_agenda_item_stays_on_a_cropped_corpus_page(folder: MeetingFolder,
                                                    corpus: Path) -> None:
    """pdfium's cropped_text.pdf: a 100 x 100 CropBox, where "Agenda Item 1" ran off the
    left of the page."""
    (folder.folder / "cropped.pdf").write_bytes((corpus / "pdfium-cropped_text.pdf").read_bytes())
    meeting = folder.write(basic_meeting([{"title": "Cropped", "attachments": ["cropped.pdf"]}]))
    build_pack(meeting, folder.root / "pack.pdf")
    width, _, words = page_words(folder.root / "pack.pdf")[2]
    for text in ("Agenda", "Item", "1"):
        found = [w for w in words if w.text == text]  # poppler reads "nda" when cut
        assert found and 0 < found[0].x0 < found[0].x1 < width, (text, words)


VIEWS = {"/XYZ": "left top zoom", "/FitH": "top", "/FitV": "left", "/FitR": "left bottom right top"}


def test_links_land_where_their_words_moved(folder: MeetingFolder) -> None:
    """Links on page 1 to the words "target-words" on page 2, by every view that names a
    place: once make_room moves the words, each place moved with them."""
    def craft(writer: PdfWriter) -> None:
        page = writer.pages[1]
        content = DecodedStreamObject()
        content.set_data(b"BT /F1 14 Tf 200 500 Td (target-words) Tj ET")
        page[name("Contents")] = ArrayObject([page.raw_get("/Contents"),
                                              add_object(writer, content)])

    source = folder.folder / attachment(folder, ["links-p1", "links-p2"], craft)
    old = word(page_words(source)[1][2], "target-words")  # where the words start
    height = A4[1]
    views = {"/XYZ": [old.x0, height - old.y0, 0], "/FitH": [height - old.y0],
             "/FitV": [old.x0], "/FitR": [old.x0, height - old.y1, old.x1, height - old.y0]}

    def links(writer: PdfWriter) -> None:
        craft(writer)
        target = writer.pages[1].indirect_reference
        writer.pages[0][name("Annots")] = ArrayObject(add_object(writer, dictionary(
            Type=name("Annot"), Subtype=name("Link"), Rect=floats(72, 700 - 20 * i, 200, 715),
            Dest=ArrayObject([target, NameObject(view), *floats(*values)])))
            for i, (view, values) in enumerate(views.items()))

    pack = build(folder, ["links-p1", "links-p2"], links, make_room=True)
    new = word(page_words(pack)[3][2], "target-words")
    expected = {"left": new.x0, "top": height - new.y0, "right": new.x1, "bottom": height - new.y1,
                "zoom": 0}
    reader = PdfReader(pack)
    dests = [a.get_object()["/Dest"] for a in reader.pages[2]["/Annots"]]
    assert [str(d[1]) for d in dests] == list(VIEWS)
    for dest in dests:
        assert reader.get_page_number(dest[0].get_object()) == 3
        got = [float(v) for v in dest[2:]]
        assert got == pytest.approx([expected[k] for k in VIEWS[str(dest[1])].split()], abs=1)
    # The outline names whole pages (/Fit): nothing in it has a place to move.
    assert all(entry.typ == "/Fit" for entry in reader.outline if not isinstance(entry, list))


def grey_at(pack: Path, index: int, x: float, y: float, tmp: Path) -> int:
    """The grey level (0 black, 255 white) of the MediaBox's point (x, y) at 72 dpi."""
    height = float(PdfReader(pack).pages[index].mediabox.top)
    out = tmp / "pixel"
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(index + 1), "-l", str(index + 1),
                    "-x", str(int(x)), "-y", str(int(height - y)), "-W", "1", "-H", "1",
                    "-singlefile", str(pack), str(out)], check=True)
    return out.with_suffix(".pgm").read_bytes()[-1]


def test_make_room_keeps_annotations_to_the_visible_page(folder: MeetingFolder,
                                                         tmp_path: Path) -> None:
    """CropBox [20 30 575 811]: links at [0 0 15 25] (none of it shown) and [0 0 50 50]
    (some), and a box annotation across the CropBox's foot, black below y = 40. Moved
    with the content they would land in the stamp band: the first goes, the others are
    cut to the part of the page the moved content shows, the box's appearance cut there
    too, not squeezed into its smaller rectangle."""
    def craft(writer: PdfWriter) -> None:
        page = writer.pages[0]
        page.cropbox = RectangleObject((20, 30, 575, 811))
        links = [add_object(writer, dictionary(
            Type=name("Annot"), Subtype=name("Link"), Rect=floats(*rect),
            A=dictionary(S=name("URI"), URI=TextStringObject(f"https://example.org/{i}"))))
            for i, rect in enumerate([(0, 0, 15, 25), (0, 0, 50, 50), (100, 400, 200, 420)])]
        square = add_object(writer, dictionary(
            Type=name("Annot"), Subtype=name("Square"), F=NumberObject(4),
            Rect=floats(300, 0, 400, 60), AP=dictionary(N=form(writer, b"0 g 0 0 100 40 re f",
                                                              100, 60))))
        page[name("Annots")] = ArrayObject([*links, square])

    pack = build(folder, ["crop-p1"], craft, make_room=True)
    matrix = room(pack, 2)
    shown = (*apply(matrix, 20, 30), *apply(matrix, 575, 811))
    annots = [a.get_object() for a in PdfReader(pack).pages[2]["/Annots"]]
    assert [str(a["/A"]["/URI"])[-1] for a in annots if "/A" in a] == ["1", "2"]
    rects = [[float(v) for v in a["/Rect"]] for a in annots]
    moved = [(*apply(matrix, *r[:2]), *apply(matrix, *r[2:])) for r in
             [(0, 0, 50, 50), (100, 400, 200, 420), (300, 0, 400, 60)]]
    cut = [(max(m[0], shown[0]), max(m[1], shown[1]), min(m[2], shown[2]), min(m[3], shown[3]))
           for m in moved]
    # The content's matrix is written to 4 decimals: the annotations move by the exact one.
    assert rects == [pytest.approx(list(r), abs=0.05) for r in cut]
    assert cut[1] == moved[1]  # wholly shown: moved, not cut
    for y, black in ((35, True), (45, False), (15, False)):
        x, moved_y = apply(matrix, 350, y)
        level = grey_at(pack, 2, x, moved_y, tmp_path)
        assert (level < 100) == black, (y, level)
