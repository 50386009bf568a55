"""Pages that share objects keep their own: what packgen adds to one page (flattened
fields, stamps, room for them) never lands on another, nor on the page's own names.

Each fixture is a two-page attachment whose pages share what real files share: one
/Resources dictionary (with its /Font and /XObject dictionaries), or one /Annots array.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4

from packgen import build_pack
from packgen.pdf.bridge import add_object
from packgen.pdf.stamps import bands, theme_stamp_style
from tests.conftest import BuildFn, MeetingFolder, basic_meeting, page_texts, page_words
from tests.security.test_hostile_pages import dictionary, stream
from tests.test_stamps import grey

PRINT = 1 << 2


def font(writer: PdfWriter, base: str) -> IndirectObject:
    return add_object(writer, dictionary(Type=NameObject("/Font"), Subtype=NameObject("/Type1"),
                                         BaseFont=NameObject(f"/{base}")))


def rect(x: float, y: float, width: float, height: float) -> ArrayObject:
    return ArrayObject(FloatObject(v) for v in (x, y, x + width, y + height))


def form(writer: PdfWriter, words: str) -> IndirectObject:
    """A form XObject that prints ``words`` in Helvetica."""
    return stream(writer, f"BT /Hv 10 Tf 2 4 Td ({words}) Tj ET".encode(),
                  Type=NameObject("/XObject"), Subtype=NameObject("/Form"),
                  BBox=rect(0, 0, 200, 20),
                  Resources=dictionary(Font=dictionary(Hv=font(writer, "Helvetica"))))


def field(writer: PdfWriter, page: int, value: str, y: float = 300) -> IndirectObject:
    """A printed text field holding ``value``, its appearance drawn."""
    return add_object(writer, dictionary(
        Type=NameObject("/Annot"), Subtype=NameObject("/Widget"), FT=NameObject("/Tx"),
        T=TextStringObject(f"field-{page}"), V=TextStringObject(value), F=NumberObject(PRINT),
        Rect=rect(50, y, 200, 20), AP=dictionary(N=form(writer, value))))


def share_resources(writer: PdfWriter, **extra: PdfObject) -> DictionaryObject:
    """Give both pages one /Resources (the first page's, with ``extra`` entries)."""
    resources = writer.pages[0]["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    resources.update({NameObject(f"/{k}"): v for k, v in extra.items()})
    shared = add_object(writer, resources)
    for page in writer.pages:
        page[NameObject("/Resources")] = shared
    return resources


def draw(writer: PdfWriter, page: int, content: bytes) -> None:
    """Append content to a page."""
    target = writer.pages[page]
    target[NameObject("/Contents")] = ArrayObject(
        [target.raw_get("/Contents"), stream(writer, content)])


def build(folder: MeetingFolder, craft: Callable[[PdfWriter], None], **meeting: object
          ) -> Path:
    pdf = folder.pdf("shared.pdf", 2)
    path = folder.folder / pdf
    writer = PdfWriter(clone_from=PdfReader(path))
    craft(writer)
    with path.open("wb") as out:
        writer.write(out)
    file = folder.write(basic_meeting([{"title": "Shared", "attachments": [pdf]}], **meeting))
    pack = folder.root / "pack.pdf"
    build_pack(file, pack)
    return pack


def test_pages_sharing_resources_print_their_own_field_values(folder: MeetingFolder) -> None:
    """The 2-page form of issue 12: one /Resources, AAA on page 1 and BBB on page 2."""
    def craft(writer: PdfWriter) -> None:
        share_resources(writer, ColorSpace=add_object(writer, dictionary(
            CsRgb=NameObject("/DeviceRGB"))))
        for index, value in enumerate(("AAA", "BBB")):
            writer.pages[index][NameObject("/Annots")] = ArrayObject([field(writer, index, value)])

    pack = build(folder, craft)
    first, second = page_texts(pack)[2:4]
    assert "AAA" in first and "BBB" not in first and "shared-p1" in first
    assert "BBB" in second and "AAA" not in second and "shared-p2" in second
    # What nothing changed is still one object, written once: the colour spaces, the fonts.
    pages = PdfReader(pack).pages[2:4]
    spaces = [page["/Resources"].raw_get("/ColorSpace") for page in pages]
    assert all(isinstance(s, IndirectObject) for s in spaces)
    assert spaces[0].idnum == spaces[1].idnum
    fonts = [page["/Resources"]["/Font"].raw_get("/F1") for page in pages]
    assert fonts[0].idnum == fonts[1].idnum


def test_packgen_names_never_take_the_page_s_own(folder: MeetingFolder, tmp_path: Path
                                                 ) -> None:
    """A page whose own resources already use packgen's names (a pack of an earlier
    meeting, attached): its own font and form keep drawing its own words."""
    def craft(writer: PdfWriter) -> None:
        share_resources(writer)
        resources = writer.pages[0]["/Resources"]
        resources[NameObject("/Font")] = dictionary(
            F1=resources["/Font"].raw_get("/F1"), PackgenStamp=font(writer, "Courier"))
        resources[NameObject("/XObject")] = dictionary(
            PackgenField0=form(writer, "own-form-words"))
        for index in range(2):
            draw(writer, index, b"q 1 0 0 1 50 600 cm /PackgenField0 Do Q "
                                b"BT /PackgenStamp 12 Tf 50 700 Td (own-courier-words) Tj ET")
        writer.pages[0][NameObject("/Annots")] = ArrayObject([field(writer, 0, "AAA")])

    pack = build(folder, craft)
    first, second = page_texts(pack)[2:4]
    for text in (first, second):
        assert "own-form-words" in text and "own-courier-words" in text
    assert "AAA" in first and "AAA" not in second
    assert "Page 3" in first and "Page 4" in second
    fonts = subprocess.run(["pdffonts", "-f", "3", "-l", "4", str(pack)], check=True,
                           capture_output=True, text=True).stdout
    assert "Courier" in fonts
    page = PdfReader(pack).pages[2]
    names = page["/Resources"]["/Font"]
    assert names["/PackgenStamp"]["/BaseFont"] == "/Courier"
    assert "/PackgenStamp1" in names  # the stamp's font, under a name of its own


def test_pages_sharing_annotations_each_get_their_own(folder: MeetingFolder) -> None:
    """One /Annots array on both pages (a link and a field): each page shows both, as a
    viewer does, and moving them to make room moves each page's once."""
    def craft(writer: PdfWriter) -> None:
        link = add_object(writer, dictionary(
            Type=NameObject("/Annot"), Subtype=NameObject("/Link"), Rect=rect(50, 10, 100, 12),
            A=dictionary(S=NameObject("/URI"), URI=TextStringObject("https://example.org/"))))
        shared = add_object(writer, ArrayObject([link, field(writer, 0, "CCC", y=100)]))
        for page in writer.pages:
            page[NameObject("/Annots")] = shared

    plain = build(folder, craft)
    texts = page_texts(plain)[2:4]
    assert all("CCC" in text for text in texts)
    moved = folder.root / "moved.pdf"
    meeting = folder.file.read_text() + "page_numbers: {make_room: true}\n"
    folder.file.write_text(meeting)
    build_pack(folder.file, moved)
    rects = []
    for pack in (plain, moved):
        pages = PdfReader(pack).pages[2:4]
        refs = [page.raw_get("/Annots") for page in pages]
        links = [page["/Annots"][0] for page in pages]
        assert refs[0] != refs[1] and links[0].idnum != links[1].idnum
        rects.append([[round(float(v), 3) for v in link.get_object()["/Rect"]]
                      for link in links])
    assert rects[0] == [[50, 10, 150, 22]] * 2
    first, second = rects[1]
    assert first == second != rects[0][0]  # moved, and moved only once
    width, height = A4
    bottom, top = bands(theme_stamp_style(), exempt=False)
    scale = (height - bottom - top) / height
    assert first == pytest.approx([50 * scale + (1 - scale) * width / 2, 10 * scale + bottom,
                                   150 * scale + (1 - scale) * width / 2, 22 * scale + bottom],
                                  abs=0.001)


def test_the_same_pack_whatever_the_process(folder: MeetingFolder, run_cli: BuildFn) -> None:
    """A copied annotation's entries keep their order, not a set's, which changes from one
    Python process to the next: a pack is reproducible across processes, as CI builds."""
    (folder.folder / "notes.md").write_text("# Notes\n\nSee [the plan](https://example.org/).\n")
    folder.write(basic_meeting([{"title": "Notes", "attachments": ["notes.md"]}]))
    packs = []
    for seed in ("1", "2", "3"):
        pack = folder.root / f"pack-{seed}.pdf"
        result = run_cli("build", "-q", str(folder.file), "-o", str(pack),
                         env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        packs.append(pack.read_bytes())
    assert packs[0] == packs[1] == packs[2]


def test_pages_sharing_resources_share_one_stamped_copy(folder: MeetingFolder) -> None:
    """Stamping adds the same to every page: pages that share /Resources share one copy
    with the stamp's font, written once; a page with a field of its own gets its own, and
    so does the item's first page, whose "Agenda Item N" adds the bold font: a page names
    only the fonts its stamps are drawn in."""
    def craft(writer: PdfWriter) -> None:
        share_resources(writer)
        for _ in range(2):  # sharing them too
            more = writer.add_blank_page(595, 842)
            more[NameObject("/Resources")] = writer.pages[0].raw_get("/Resources")
        writer.pages[2][NameObject("/Annots")] = ArrayObject([field(writer, 2, "CCC")])

    pack = build(folder, craft)
    pages = PdfReader(pack).pages[2:6]
    resources = [page.raw_get("/Resources") for page in pages]
    assert all(isinstance(r, IndirectObject) for r in resources)
    assert resources[1] == resources[3]
    assert len({resources[0].idnum, resources[1].idnum, resources[2].idnum}) == 3
    for number, page in enumerate(pages, 3):
        fonts = set(page["/Resources"]["/Font"])
        assert {"/F1", "/PackgenStamp"} <= fonts
        assert ("/PackgenStampBold" in fonts) == (number == 3), number
    texts = page_texts(pack)
    assert "CCC" in texts[4] and "CCC" not in texts[2] + texts[3] + texts[5]
    assert all(f"Page {n}" in texts[n - 1] for n in (3, 4, 5, 6))
    assert "Agenda Item 1" in texts[2]


def test_pages_with_resources_alike_share_one_stamped_copy(folder: MeetingFolder) -> None:
    """Pages that each hold their own /Resources, alike (as ReportLab writes them), share
    one stamped copy too: the pack holds one resources dictionary for them, not one a page."""
    pdf = folder.pdf("alike.pdf", 5)
    file = folder.write(basic_meeting([{"title": "Alike", "attachments": [pdf]}]))
    source = PdfReader(folder.folder / pdf)
    assert len({id(page.raw_get("/Resources")) for page in source.pages}) == 5
    build_pack(file, folder.root / "pack.pdf")
    pages = PdfReader(folder.root / "pack.pdf").pages[3:7]  # after "Agenda Item 1"'s page
    assert len({page.raw_get("/Resources").idnum for page in pages}) == 1
    assert set(pages[0]["/Resources"]["/Font"]) == {*source.pages[0]["/Resources"]["/Font"],
                                                    "/PackgenStamp"}


def test_stamps_show_whatever_clip_a_field_leaves_pending(folder: MeetingFolder,
                                                         tmp_path: Path) -> None:
    """A field appearance that sets a clip and paints nothing after it ("re W" then text, as
    pypdf redraws LibreOffice's fields) leaves the clip pending in poppler past its form's
    end: it must not clip the stamps drawn after it (it once hid "Agenda Item N")."""
    def craft(writer: PdfWriter) -> None:
        for index, value in enumerate(("AAA", "BBB")):
            face = stream(writer, f"q 2 0 150 16 re W BT /Hv 10 Tf 2 4 Td ({value}) Tj ET Q"
                          .encode(), Type=NameObject("/XObject"), Subtype=NameObject("/Form"),
                          BBox=rect(0, 0, 200, 20),
                          Resources=dictionary(Font=dictionary(Hv=font(writer, "Helvetica"))))
            widget = add_object(writer, dictionary(
                Type=NameObject("/Annot"), Subtype=NameObject("/Widget"), FT=NameObject("/Tx"),
                T=TextStringObject(f"field-{index}"), V=TextStringObject(value),
                F=NumberObject(PRINT), Rect=rect(50, 300, 200, 20), AP=dictionary(N=face)))
            writer.pages[index][NameObject("/Annots")] = ArrayObject([widget])

    pack = build(folder, craft)
    for number, text in ((3, "Agenda"), (3, "Page"), (4, "Page")):
        found = next(w for w in page_words(pack)[number - 1][2] if w.text == text)
        ink = grey(pack, number, found.x0, found.y0, found.x1 - found.x0,
                   found.y1 - found.y0, tmp_path)
        assert min(ink) < 100, f'page {number}: "{text}" is not drawn where it is read'
