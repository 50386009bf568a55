"""Stamps that read on any page: plates behind them, and room made for them on request.

The fixture is a slide deck as presentation software exports it: every slide has a dark
purple band across its foot with black text on it (where "Page N" lands), words at its
head (where "Agenda Item N" lands) and a link over the text at its foot. Pages are read
back by rendering them (pdftoppm, pixels parsed here) and with ``pdftotext -bbox``.
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject
from reportlab.pdfgen import canvas

from packgen import build_pack
from packgen.pdf.stamps import StampStyle, bands, stamp_style, theme_stamp_style
from tests.conftest import MeetingFolder, Word, basic_meeting, footer_number, page_words

mm = 72 / 25.4
SLIDE = (720.0, 405.0)
"""A 16:9 slide, as displayed."""
PURPLE = (0.29, 0.11, 0.42)
LINK = "https://www.example.org/slides"


def slides(path: Path, rotate: int = 0, pages: int = 2) -> Path:
    """A slide deck with a dark foot; ``rotate`` 90 stores each slide turned, upright
    only once /Rotate turns it."""
    width, height = SLIDE
    stored = (height, width) if rotate == 90 else (width, height)
    c = canvas.Canvas(str(path), pagesize=stored, invariant=1)
    for number in range(1, pages + 1):
        c.saveState()
        if rotate == 90:
            c.transform(0, 1, -1, 0, height, 0)  # draw as displayed; /Rotate 90 turns it back
        c.setFillColorRGB(*PURPLE)
        c.rect(0, 0, width, 20 * mm, fill=1, stroke=0)
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica", 12)
        foot = f"slide-foot-{number}"
        c.drawString(40, 8, foot)
        c.drawString(40, height - 14, f"slide-head-{number}")
        c.drawCentredString(width / 2, height / 2, f"slide-body-{number}")
        c.restoreState()
        x0, y0, x1, y1 = 40, 5, 40 + c.stringWidth(foot, "Helvetica", 12), 18
        if rotate == 90:  # the displayed rectangle in the slide's stored (user) space
            x0, y0, x1, y1 = height - y1, x0, height - y0, x1
        c.linkURL(LINK, (x0, y0, x1, y1))
        c.showPage()
    c.save()
    if rotate:
        writer = PdfWriter(clone_from=PdfReader(path))
        for page in writer.pages:
            page[NameObject("/Rotate")] = NumberObject(rotate)
        with path.open("wb") as out:
            writer.write(out)
    return path


def build(folder: MeetingFolder, rotate: int = 0, make_room: str | None = None,
          private: bool = False, exempt: bool = False) -> Path:
    """A pack of one slide deck; ``make_room`` set in the "meeting" or its "config"."""
    slides(folder.folder / "slides.pdf", rotate)
    attachment: dict[str, object] = {"file": "slides.pdf"}
    if exempt:
        attachment["exempt"] = 3
    numbering = {"page_numbers": {"make_room": True}}
    meeting = basic_meeting([{"title": "Slides", "attachments": [attachment]}],
                            **(numbering if make_room == "meeting" else {}))
    path = folder.write(meeting, numbering if make_room == "config" else None)
    pack = folder.root / ("private.pdf" if private else "pack.pdf")
    build_pack(path, pack, private=private)
    return pack


def grey(pdf: Path, page: int, x: float, y: float, width: float, height: float,
         tmp: Path) -> list[int]:
    """The grey levels (0 black, 255 white) of a part of a page as displayed, at 72 dpi."""
    out = tmp / "crop"
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(page), "-l", str(page),
                    "-x", str(math.floor(x)), "-y", str(math.floor(y)),
                    "-W", str(math.ceil(width)), "-H", str(math.ceil(height)),
                    "-singlefile", str(pdf), str(out)], check=True)
    data = out.with_suffix(".pgm").read_bytes()
    fields = data.split(maxsplit=4)  # P5, width, height, maximum, pixels
    assert fields[0] == b"P5" and fields[3] == b"255"
    return list(fields[4][:int(fields[1]) * int(fields[2])])


def word(words: list[Word], text: str) -> Word:
    return next(w for w in words if w.text == text)


def footer_box(words: list[Word], number: str) -> tuple[float, float, float, float]:
    """The box around "Page N" as displayed (y grows downwards)."""
    page = next(w for w in words if w.text == "Page")
    digits = next(w for w in words if w.text == number and abs(w.y0 - page.y0) < 0.5)
    return page.x0, min(page.y0, digits.y0), digits.x1, max(page.y1, digits.y1)


@pytest.mark.parametrize("rotate", [0, 90])
def test_page_number_reads_on_a_dark_foot(folder: MeetingFolder, tmp_path: Path,
                                          rotate: int) -> None:
    pack = build(folder, rotate)
    width, height, words = page_words(pack)[2]
    assert footer_number(width, height, words) == 3
    x0, y0, x1, y1 = footer_box(words, "3")
    behind = grey(pack, 3, x0, y0, x1 - x0, y1 - y0, tmp_path)
    light = sum(1 for g in behind if g >= 200)
    dark = sum(1 for g in behind if g < 100)
    assert light > len(behind) / 2, "the number sits on the slide's dark band"
    assert dark > 0, "the number itself is dark"
    # The plate is small: the slide's band shows just beside it.
    beside = grey(pack, 3, x0 - 30, y0, 10, y1 - y0, tmp_path)
    assert max(beside) < 100
    head = word(words, "Agenda")  # "Agenda Item 1", at the slide's head (white there)
    assert head.y1 < 45


def test_our_own_pages_have_no_plate(folder: MeetingFolder) -> None:
    """The pages packgen typesets are white, and their margins keep clear of the stamps."""
    (folder.folder / "notes.md").write_text("# Notes\n\nWords.\n")
    path = folder.write(basic_meeting([{"title": "Notes", "attachments": ["notes.md"]}]))
    build_pack(path, folder.root / "pack.pdf")
    page = PdfReader(folder.root / "pack.pdf").pages[2]
    stamp = page["/Contents"][-1].get_object().get_data()
    assert b"Page 3" in stamp and b" re " not in stamp


def test_without_make_room_the_content_stays_where_it_was(folder: MeetingFolder) -> None:
    pack = build(folder)
    _, _, source = page_words(folder.folder / "slides.pdf")[0]
    _, _, packed = page_words(pack)[2]
    for text in ("slide-foot-1", "slide-head-1", "slide-body-1"):
        assert word(packed, text) == word(source, text)
    [link] = [a.get_object() for a in PdfReader(pack).pages[2]["/Annots"]]
    [own] = [a.get_object() for a in PdfReader(folder.folder / "slides.pdf").pages[0]["/Annots"]]
    assert [float(v) for v in link["/Rect"]] == [float(v) for v in own["/Rect"]]


@pytest.mark.parametrize(("rotate", "where"), [(0, "meeting"), (90, "config")])
def test_make_room_keeps_the_stamp_bands_clear(folder: MeetingFolder, rotate: int,
                                               where: str) -> None:
    pack = build(folder, rotate, make_room=where)
    width, height = SLIDE
    bottom, top = bands(theme_stamp_style(), exempt=False)
    scale = (height - bottom - top) / height
    _, _, source = page_words(folder.folder / "slides.pdf")[0]
    for index, page in enumerate(PdfReader(pack).pages[2:4]):
        shown_width, shown_height, words = page_words(pack)[2 + index]
        assert (shown_width, shown_height) == (width, height)  # the page keeps its size
        assert int(page.get("/Rotate", 0)) == rotate
        assert footer_number(shown_width, shown_height, words) == 3 + index
        foot = word(words, f"slide-foot-{index + 1}")
        assert foot.y1 < height - bottom < footer_box(words, str(3 + index))[1]
        assert word(words, f"slide-head-{index + 1}").y0 > top
    _, _, words = page_words(pack)[2]
    # Each word moved as the README's formula says: x' = s x + (1 - s) W / 2 and, measured
    # up from the foot, y' = s y + bottom.
    for text in ("slide-foot-1", "slide-head-1", "slide-body-1"):
        old, new = word(source, text), word(words, text)
        assert new.x0 == pytest.approx(scale * old.x0 + (1 - scale) * width / 2, abs=0.3)
        assert height - new.y1 == pytest.approx(scale * (height - old.y1) + bottom, abs=0.3)
    # The link moved with its words: its rectangle, as displayed, still covers them.
    page = PdfReader(pack).pages[2]
    [link] = [a.get_object() for a in page["/Annots"]]
    x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
    if rotate == 90:  # stored space to displayed (y up): X = y, Y = stored width - x
        x0, y0, x1, y1 = y0, height - x1, y1, height - x0
    foot = word(words, "slide-foot-1")
    assert x0 <= foot.x0 + 0.5 and foot.x1 <= x1 + 0.5
    assert y0 <= height - foot.y1 + 0.5 and height - foot.y0 <= y1 + 0.5
    assert str(link["/A"]["/URI"]) == LINK


def test_make_room_keeps_clear_of_not_for_publication(folder: MeetingFolder) -> None:
    pack = build(folder, make_room="meeting", private=True, exempt=True)
    _, top = bands(theme_stamp_style(), exempt=True)
    assert top > bands(theme_stamp_style(), exempt=False)[1]
    texts = page_words(pack)
    index = next(i for i, (_, _, words) in enumerate(texts)
                 if any(w.text == "slide-head-1" for w in words))
    words = texts[index][2]
    exempt = word(words, "Exempt")  # the paragraph's line, under NOT FOR PUBLICATION
    head = word(words, "slide-head-1")
    assert exempt.y1 < head.y0 and head.y0 > top


def test_the_themes_stamp_style() -> None:
    assert theme_stamp_style() == StampStyle()  # the shipped theme states the defaults
    assert stamp_style({"plate": "none", "text": "#1f4e8c", "padding": 3}) == StampStyle(
        text=(0.1216, 0.3059, 0.549), plate=None, padding=3.0)
    with pytest.raises(ValueError, match='stamps.plate: expected a colour like "#ffffff"'):
        stamp_style({"plate": "white"})
    with pytest.raises(ValueError, match="stamps: unknown key 'colour'"):
        stamp_style({"colour": "#000000"})


def test_bands_reach_past_the_plates() -> None:
    style = StampStyle()
    # "Page N": baseline 7 mm, 0.8 em above it, 2 pt of plate, 1 mm clear.
    assert bands(style, exempt=False) == pytest.approx(
        (7 * mm + 0.8 * 9 + 2 + 1 * mm, 12 * mm + 0.25 * 11 + 2 + 1 * mm))
    assert bands(style, exempt=True)[1] == pytest.approx(12 * mm + 10 + 0.25 * 7.5 + 2 + 1 * mm)
    assert bands(StampStyle(padding=5), exempt=False)[0] == pytest.approx(
        bands(style, exempt=False)[0] + 3)
