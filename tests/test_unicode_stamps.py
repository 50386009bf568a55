"""Stamps in any language: every character the house font has prints as itself.

The wording is given here the way the message catalogue and the jurisdiction's wording
will give it: ``footers()``, ``item_stamp()`` and ``exempt_stamps()`` are wrapped to return
Welsh text (item numbers themselves are ASCII by the schema). Packs are read back with
poppler (``pdftotext``, which needs each subset's ToUnicode map) and pypdf.
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from packgen import build_pack
from packgen.builtin import theme_dir
from packgen.errors import Position, TemplateError
from packgen.fonts import register_family, stamp_fonts
from packgen.forking import can_fork
from packgen.pdf import number
from packgen.pdf.number import Stamper
from packgen.pdf.stampfonts import read_subsets
from packgen.pdf.stamps import ITEM_INSET, Stamp, theme_stamp_style
from tests.conftest import MeetingFolder, PageSpec, basic_meeting, page_texts, page_words

WELSH = "ŵŷâ"
CJK = "\u4e00"
"""A character DejaVu Sans, the theme's font, has no glyph for."""


def welsh(monkeypatch: pytest.MonkeyPatch, footer: str = "Tudalen {}",
          item: str = "Eitem Agenda {}", origin: Position | None = None) -> None:
    """Stamp the wording a Welsh catalogue gives, through the functions that make stamps."""
    footers_of, item_of, exempt_of = number.footers, number.item_stamp, number.exempt_stamps
    monkeypatch.setattr(number, "footers", lambda *words: lambda label: replace(
        footers_of(*words)(label), text=footer.format(label), origin=origin))
    monkeypatch.setattr(number, "item_stamp", lambda n, *words: replace(
        item_of(n, *words), text=item.format(n)))
    monkeypatch.setattr(number, "exempt_stamps", lambda p: [
        replace(exempt_of(p)[0], text="NI DDYLID EI GYHOEDDI"),
        replace(exempt_of(p)[1], text=f"Gwybodaeth eithriedig {WELSH}")])


def pack_of(folder: MeetingFolder, private: bool = False, fork: bool = False,
            pages: list[PageSpec | str] | int = 3, name: str = "pack.pdf") -> Path:
    """Items 1-5, the fifth an attached PDF (pages 3 on in the public pack), then another
    exempt under paragraph 3 (in the private pack)."""
    items: list[dict[str, object]] = [{"title": f"Item {n}"} for n in range(1, 5)]
    items.append({"title": "Slides", "attachments": [folder.pdf("slides.pdf", pages)]})
    items.append({"title": "Exempt slides", "attachments": [
        {"file": folder.pdf("exempt.pdf", 1), "exempt": 3}]})
    path = folder.write(basic_meeting(items))
    pack = folder.root / name
    build_pack(path, pack, private=private, fork=fork)
    return pack


def pypdf_text(pack: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pack).pages]


def test_welsh_stamps_read_back_as_written(folder: MeetingFolder,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    welsh(monkeypatch)
    public = pack_of(folder)
    private = pack_of(folder, private=True, name="private.pdf")
    for texts in (page_texts(public), pypdf_text(public)):
        assert "Tudalen 3" in texts[2] and "Eitem Agenda 5" in texts[2]
        assert "Tudalen 4" in texts[3]
        assert not any("?" in text for text in texts[1:])
    for texts in (page_texts(private), pypdf_text(private)):
        exempt = next(text for text in texts if "exempt-p1" in text)
        assert "NI DDYLID EI GYHOEDDI" in exempt
        assert f"Gwybodaeth eithriedig {WELSH}" in exempt
        assert "Eitem Agenda 7" in exempt and "Tudalen E" in exempt


@pytest.mark.skipif(not can_fork(), reason="typesetting forks only on Linux")
def test_welsh_stamps_from_the_forked_typesetter_are_the_same(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    welsh(monkeypatch)
    local = pack_of(folder, private=True)
    forked = pack_of(folder, private=True, fork=True, name="forked.pdf")
    assert forked.read_bytes() == local.read_bytes()
    assert any(f"eithriedig {WELSH}" in text for text in page_texts(forked))


def test_welsh_stamps_are_measured_with_their_own_glyphs(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide letters the font has: "Page N" stays centred, "Agenda Item N" keeps its
    inset from the right, as an ASCII stamp does."""
    wide = "ŴŴŴŴŴŴ"
    welsh(monkeypatch, footer=f"{wide} {{}}", item=f"Eitem {wide} {{}}")
    pack = pack_of(folder)
    for width, height, words in page_words(pack)[1:]:
        [foot] = [w for w in words if w.text == wide and w.y0 > height - 43]
        label = next(w for w in words if abs(w.y0 - foot.y0) < 0.5 and w.x0 > foot.x1)
        assert abs((foot.x0 + label.x1) / 2 - width / 2) < 1
    width, _, words = next(p for p in page_words(pack) if any(w.text == "Eitem" for w in p[2]))
    head = [w for w in words if w.y1 < 45]
    assert [w.text for w in head] == ["Eitem", wide, "5"]  # the slides' first page
    assert abs(head[-1].x1 - (width - ITEM_INSET)) < 1


def test_a_welsh_stamp_too_wide_for_a_narrow_page_is_set_smaller(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    welsh(monkeypatch, footer="Tudalen {} ŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵŵ")
    pack = pack_of(folder, pages=[PageSpec("narrow", size=(120, 300))])
    width, height, words = page_words(pack)[2]
    foot = [w for w in words if w.y0 > height - 43]
    assert [w.text for w in foot] == ["Tudalen", "3", "ŵ" * 24]
    assert min(w.x0 for w in foot) >= 0 and max(w.x1 for w in foot) <= width
    assert max(w.x1 for w in foot) - min(w.x0 for w in foot) > width / 2


def test_a_character_the_font_lacks_is_a_problem_naming_it(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    welsh(monkeypatch, footer=f"Tudalen {{}} {CJK}")
    with pytest.raises(TemplateError) as caught:
        pack_of(folder)
    [problem] = caught.value.problems  # once, not once a page
    assert problem.position.file.name == "DejaVuSans.ttf"
    assert "U+4E00" in problem.message and "DejaVuSans.ttf" in problem.message
    assert "'Tudalen 2" in problem.message
    assert not (folder.root / "pack.pdf").exists()


def test_a_missing_glyph_points_at_where_the_wording_came_from(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = Position(folder.root / "cy.yaml", 4, 9)
    welsh(monkeypatch, footer=f"Tudalen {CJK} {{}}", origin=catalogue)
    with pytest.raises(TemplateError) as caught:
        pack_of(folder)
    [problem] = caught.value.problems
    assert problem.position == catalogue
    assert "DejaVuSans.ttf" in problem.message and repr(CJK) in problem.message


def house_family() -> str:
    fonts = theme_dir() / "fonts"
    return register_family("DejaVuSans", tuple(fonts / f for f in (
        "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf")))


def test_more_characters_than_one_subset_holds(tmp_path: Path) -> None:
    """A long catalogue: past the 256 codes of one subset, every character still prints
    as itself, a stamp mixing subsets included."""
    family = house_family()
    chars = "".join(chr(c) for c in [*range(0x100, 0x1C0), *range(0x391, 0x3A2),
                                     *range(0x3A3, 0x3CA), *range(0x410, 0x450)])
    assert len(chars) > 256
    fonts = stamp_fonts(family, (("regular", chars),))
    assert len(read_subsets(fonts).fonts("regular")) > 1
    lines = [chars[i:i + 24] for i in range(0, len(chars), 24)]
    lines.append(f"{chars[0]}{chars[-1]}x{chars[1]}")  # subsets 0 and 1 in one stamp
    writer = PdfWriter()
    stamper = Stamper(writer, fonts, theme_stamp_style())
    for line in lines:
        page = writer.add_blank_page(595, 842)
        stamper.stamp(page, [Stamp(line)])
    out = tmp_path / "long.pdf"
    with out.open("wb") as stream:
        writer.write(stream)
    poppler = [text.strip() for text in page_texts(out)]
    assert poppler == lines
    assert [text.strip() for text in pypdf_text(out)] == lines
    subprocess.run(["qpdf", "--check", str(out)], check=True, capture_output=True)


def test_the_subsets_hold_what_was_asked_in_a_fixed_order() -> None:
    family = house_family()
    one = stamp_fonts(family, (("bold", "ŷŵ"), ("regular", "âŵ")))
    other = stamp_fonts(family, (("bold", "ŵŷ"), ("regular", "ŵâ")))
    assert one.pdf == other.pdf
    codes = read_subsets(one).codes
    reader = PdfReader(io.BytesIO(one.pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert len(fonts) == 2  # one subset a variant: ASCII and these
    assert sorted(codes["regular"]) == ["â", "ŵ"]
    assert sorted(codes["bold"]) == ["ŵ", "ŷ"]
    assert one.lacks(f"ŷ{CJK}", "regular") == ["ŷ", CJK]


def test_one_file_for_both_faces_embeds_one_subset(folder: MeetingFolder,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A house style giving one file for regular and bold: the bold stamps' characters go
    in the one subset, embedded once, and both read back."""
    (folder.root / "fonts").mkdir()
    (folder.root / "fonts" / "house.ttf").write_bytes(
        (theme_dir() / "fonts" / "DejaVuSans.ttf").read_bytes())
    (folder.root / "packgen.yaml").write_text("style:\n  fonts:\n    regular: fonts/house.ttf\n")
    welsh(monkeypatch, footer="Tudalen {} ŷ", item="Eitem Agenda {} ŵ")
    pack = pack_of(folder)
    texts = page_texts(pack)
    assert "Tudalen 3 ŷ" in texts[2] and "Eitem Agenda 5 ŵ" in texts[2]
    fonts = PdfReader(pack).pages[2]["/Resources"]["/Font"]
    stamp_fonts_used = {fonts.raw_get(name).idnum for name in fonts
                        if str(name).startswith("/PackgenStamp")}
    assert len(stamp_fonts_used) == 1
