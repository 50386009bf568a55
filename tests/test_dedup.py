"""De-duplication: a file attached twice is read once and its drawing written once; the same
font program or image in several documents is written once; each copy still behaves as
its own pages (links, bookmarks, "Page N", structure), and nothing exempt is reached."""

from __future__ import annotations

import hashlib
import io
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from packgen import build_pack
from packgen.errors import AttachmentError
from packgen.pdf.bridge import stored_data
from tests.conftest import (
    MeetingFolder,
    basic_meeting,
    footer_number,
    page_texts,
    page_words,
)
from tests.security import test_hostile_pages as hostile
from tests.security.readback import canaries
from tests.test_exempt import every_byte
from tests.test_filters import TEXT, filtered_pdf
from tests.test_filters import page as stream_page

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "templates" / "fonts" / "DejaVuSans.ttf"
LOGO = ROOT / "examples" / "riverside-crest.png"
TAGGED = ROOT / "tests" / "fixtures" / "tagged" / "library-hours-report.pdf"
CHARSET = "".join(chr(c) for c in range(32, 127)) + "£€–"


def noise(seed: int, size: tuple[int, int] = (120, 160)) -> ImageReader:
    """A grey image no other seed gives: a page of a scan."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).save(buffer, "PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def scan(path: Path, seed: int, pages: int = 3) -> Path:
    """A scan: a distinct image a page, its marker text, a link from its first page to its
    last, and a bookmark of its own on its last page."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(pages):
        c.drawImage(noise(seed * 100 + page), 100, 300, 300, 400)
        c.setFont("Helvetica", 14)
        c.drawString(100, 750, f"{path.stem}-p{page + 1}")
        if page == 0:
            c.linkAbsolute("to the last page", "last", (100, 740, 300, 765))
        if page == pages - 1:
            c.bookmarkPage("last")
            c.addOutlineEntry("Survey results", "last", 0)
        c.showPage()
    c.save()
    return path


def letter(path: Path, text: str, extra_image: int | None = None) -> Path:
    """A report on the house letterhead: the same font subset and logo as every other."""
    pdfmetrics.registerFont(TTFont("House", str(FONT)))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("House", 1)
    c.drawString(10, 10, CHARSET)  # the same subset in every letter
    c.drawImage(ImageReader(str(LOGO)), 450, 760, 80, 60)
    c.setFont("House", 14)
    c.drawString(60, 700, text)
    if extra_image is not None:
        c.drawImage(noise(extra_image), 60, 300, 200, 260)
    c.showPage()
    c.save()
    return path


def streams(pdf: Path) -> list[StreamObject]:
    """Every stream object the file holds."""
    reader = PdfReader(pdf)
    found = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if isinstance(obj, StreamObject):
            found.append(obj)
    return found


def images(pdf: Path) -> list[StreamObject]:
    return [s for s in streams(pdf) if s.get("/Subtype") == "/Image"]


def font_programs(pdf: Path) -> list[StreamObject]:
    return [s for s in streams(pdf) if "/Length1" in s]


def stored_digests(pdf: Path, kind: str) -> set[str]:
    """SHA-256 of the stored bytes of each stream of /Subtype ``kind``."""
    return {hashlib.sha256(stored_data(s)).hexdigest() for s in streams(pdf)
            if s.get("/Subtype") == kind}


def page_index(reader: PdfReader, ref: object) -> int:
    return next(i for i, p in enumerate(reader.pages) if p.indirect_reference == ref)


def twice_meeting(folder: MeetingFolder, second: str = "survey.pdf") -> Path:
    scan(folder.folder / "survey.pdf", 1)
    if second != "survey.pdf":
        shutil.copy(folder.folder / "survey.pdf", folder.folder / second)
    return folder.write(basic_meeting([
        {"title": "Site survey", "attachments": ["survey.pdf"]},
        {"title": "Budget", "attachments": [folder.pdf("budget.pdf", 1)]},
        {"title": "Site survey again", "attachments": [second]}]))


def test_a_file_attached_twice_is_written_once_and_placed_twice(folder: MeetingFolder) -> None:
    path = twice_meeting(folder)
    out = folder.root / "pack.pdf"
    result = build_pack(path, out)
    # Its three images once, though its pages are in the pack twice.
    assert len(images(out)) == 3
    assert stored_digests(out, "/Image") == stored_digests(folder.folder / "survey.pdf",
                                                           "/Image")
    texts = page_texts(out)
    first = [i for i, t in enumerate(texts) if "survey-p1" in t]
    assert len(first) == 2 and first[1] > first[0] + 3
    numbers = [footer_number(*page) for page in page_words(out)]
    for start in first:  # each copy numbered as its own pages
        for offset in range(3):
            assert f"survey-p{offset + 1}" in texts[start + offset]
            assert numbers[start + offset] == start + offset + 1
    reader = PdfReader(out)
    for start in first:  # each copy's link goes to its own last page, not the other's
        (link,) = [a.get_object() for a in reader.pages[start]["/Annots"]]
        dest = link["/Dest"] if "/Dest" in link else link["/A"]["/D"]
        assert page_index(reader, dest[0]) == start + 2
    # Each copy's own bookmark, beneath its own item, leads into that copy.
    marks = [(m.title, reader.get_destination_page_number(m)) for m in _flat(reader.outline)]
    assert [p for t, p in marks if t == "Survey results"] == [start + 2 for start in first]
    # Each attachment is warned about at its own line.
    lines = [w.position.line for w in result.warnings if "survey.pdf" in w.message]
    assert len(lines) == 2 and lines[0] != lines[1]


def _flat(outline: list[object]) -> list[DictionaryObject]:
    found: list[DictionaryObject] = []
    for entry in outline:
        found += _flat(entry) if isinstance(entry, list) else [entry]  # type: ignore[list-item]
    return found


def test_the_same_bytes_under_another_name_are_written_once(folder: MeetingFolder) -> None:
    path = twice_meeting(folder, second="survey-copy.pdf")
    out = folder.root / "pack.pdf"
    result = build_pack(path, out)
    assert len(images(out)) == 3
    said = [w for w in result.warnings if "survey" in w.message]
    assert sorted(re.findall(r'"(survey[^"]*)"', " ".join(w.message for w in said))) == [
        "survey-copy.pdf", "survey.pdf"]
    assert sum("survey-p3" in t for t in page_texts(out)) == 2


def test_reports_on_one_letterhead_share_its_font_and_logo(folder: MeetingFolder) -> None:
    names = [letter(folder.folder / f"report-{i}.pdf", f"Report number {i} text").name
             for i in range(4)]
    path = folder.write(basic_meeting([{"title": f"Item {i}", "attachments": [name]}
                                       for i, name in enumerate(names)]))
    out, again = folder.root / "pack.pdf", folder.root / "again.pdf"
    build_pack(path, out)
    (program,) = font_programs(folder.folder / names[0])
    shared = [s for s in font_programs(out) if stored_data(s) == stored_data(program)]
    assert len(shared) == 1  # one font program for the four reports
    assert len(images(out)) == 1  # the logo (and its soft mask is no /Image of its own)
    texts = page_texts(out)
    reports = [next(i for i, t in enumerate(texts) if f"Report number {n} text" in t)
               for n in range(4)]
    reader = PdfReader(out)
    fonts = [{ref.idnum for name, ref in reader.pages[i]["/Resources"]["/Font"].items()
              if "DejaVu" in str(ref.get_object()["/BaseFont"])
              and not name.startswith("/Packgen")} for i in reports]  # not the stamps' font
    assert len(fonts[0]) == 1 and fonts == [fonts[0]] * 4  # its font dictionary, once too
    build_pack(path, again)
    assert out.read_bytes() == again.read_bytes()


def suspect_copy(target: Path) -> None:
    """The tagged fixture saying its tags are unreliable: the pack keeps (grafts) them all
    the same, without claiming PDF/UA."""
    writer = PdfWriter(clone_from=TAGGED)
    mark = writer.root_object["/MarkInfo"].get_object()
    mark[NameObject("/Suspects")] = BooleanObject(True)
    writer.write(target)


@pytest.mark.parametrize("make", [lambda target: shutil.copy(TAGGED, target), suspect_copy],
                         ids=["tagged", "suspect"])
def test_a_tagged_file_attached_twice_has_a_tree_for_each_copy(
        folder: MeetingFolder, make: Any) -> None:
    make(folder.folder / "hours.pdf")
    path = folder.write(basic_meeting([
        {"title": "Library hours", "attachments": ["hours.pdf"]},
        {"title": "Library hours again", "attachments": ["hours.pdf"]}]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)  # the structure check (conftest) reads the whole tree
    reader = PdfReader(out)
    pages = len(PdfReader(TAGGED).pages)
    texts = page_texts(out)
    starts = [i for i, t in enumerate(texts) if "Agenda Item" in t]
    assert len(starts) == 2
    keys: list[int] = []
    drawn: dict[int, bytes] = {}
    for start in starts:
        copy = reader.pages[start:start + pages]
        keys += [int(p["/StructParents"]) for p in copy]
        drawn.update((c.idnum, stored_data(c.get_object())) for p in copy for c in _contents(p))
    assert len(set(keys)) == len(keys)  # each copy's pages have their own structure keys
    tree = reader.root_object["/StructTreeRoot"]
    parents = dict(_number_tree(tree["/ParentTree"]))
    for start in starts:  # ... and their marked content belongs to elements on themselves
        for index in range(start, start + pages):
            page = reader.pages[index]
            owners = parents[int(page["/StructParents"])]
            pgs = {page_index(reader, e.get_object().raw_get("/Pg")) for e in owners
                   if e is not None and "/Pg" in e.get_object()}
            assert pgs <= {index}
    # The pages' own drawing is written once: no two streams they draw hold the same bytes.
    assert len(drawn) == len(set(drawn.values())) > pages


def _contents(page: DictionaryObject) -> list[IndirectObject]:
    contents = page.raw_get("/Contents")
    held = contents.get_object()
    return list(held) if isinstance(held, ArrayObject) else [contents]


def _number_tree(node: DictionaryObject) -> list[tuple[int, list[object]]]:
    node = node.get_object()
    found = []
    nums = node.get("/Nums", [])
    for at in range(0, len(nums), 2):
        value = nums[at + 1].get_object()
        found.append((int(nums[at]), list(value) if isinstance(value, ArrayObject) else [value]))
    for kid in node.get("/Kids", []):
        found += _number_tree(kid)
    return found


def test_a_public_pack_shares_the_letterhead_but_not_an_exempt_image(
        folder: MeetingFolder, tmp_path: Path) -> None:
    letter(folder.folder / "public.pdf", "Public report text")
    letter(folder.folder / "exempt.pdf", "ZQXCANARY exempt report text", extra_image=7)
    path = folder.write(basic_meeting([
        {"title": "Budget", "attachments": ["public.pdf"]},
        {"title": "Property disposal", "exempt": 3, "attachments": ["exempt.pdf"]}]))
    public, private = folder.root / "public.pdf", folder.root / "private.pdf"
    build_pack(path, public)
    build_pack(path, private, private=True)
    secret = stored_digests(folder.folder / "exempt.pdf", "/Image") - stored_digests(
        folder.folder / "public.pdf", "/Image")
    assert len(secret) == 1  # the exempt report's own image
    assert not secret & stored_digests(public, "/Image")
    assert secret <= stored_digests(private, "/Image")
    assert b"ZQXCANARY" not in every_byte(public, tmp_path)
    assert b"ZQXCANARY" in every_byte(private, tmp_path)
    # The private pack holds the letterhead's logo and font once, for both reports.
    assert len(images(private)) == 2 and len(images(public)) == 1
    assert len(font_programs(private)) == len(font_programs(public))


def test_a_damaged_file_attached_twice_is_merged_only_where_the_officer_opted_in(
        folder: MeetingFolder) -> None:
    (folder.folder / "damaged.pdf").write_bytes(
        filtered_pdf(stream_page(1), stream_page(2, b"/Filter /XXXDecode", TEXT % 2)))
    path = folder.write(basic_meeting([
        {"title": "Opted in", "attachments": [{"file": "damaged.pdf", "merge_damaged": True}]},
        {"title": "Not opted in", "attachments": ["damaged.pdf"]}]))
    with pytest.raises(AttachmentError) as refused:
        build_pack(path, folder.root / "pack.pdf")
    # One refusal, at the second attachment's line: the first opted in.
    (problem,) = refused.value.problems
    assert "merge_damaged: true" in problem.message and problem.position.line == 13
    assert not (folder.root / "pack.pdf").exists()


@pytest.mark.parametrize(("craft", "shown"), [
    (hostile.layers(False), ["layer-on-words", "membership-on-words", "nested-visible"]),
    (hostile.inherited_layers, ["shared-shown", "from-page-shown", "from-parent-shown"]),
    (hostile.form_fields, ["printed-value", "printed-kid-value"]),
], ids=["hidden-layers", "inherited-layers", "form-fields"])
def test_a_hostile_file_attached_twice_is_cleaned_in_both_copies(
        folder: MeetingFolder, tmp_path: Path, craft: Callable[[PdfWriter], None],
        shown: list[str]) -> None:
    path = folder.folder / folder.pdf("hostile.pdf", 2)
    writer = PdfWriter(clone_from=PdfReader(path))
    craft(writer)
    with path.open("wb") as out:
        writer.write(out)
    meeting = folder.write(basic_meeting([{"title": "Hostile", "attachments": ["hostile.pdf"]},
                                          {"title": "Again", "attachments": ["hostile.pdf"]}]))
    pack = folder.root / "pack.pdf"
    build_pack(meeting, pack)
    assert canaries(pack, tmp_path, b"canary") == []
    texts = page_texts(pack)
    starts = [i for i, t in enumerate(texts) if "hostile-p1" in t]
    assert len(starts) == 2
    for start in starts:  # each copy prints what a viewer shows, and nothing hidden
        words = " ".join(texts[start:start + 2])
        assert all(word in words for word in shown), words


def test_a_supplementary_pack_shares_the_letterhead_too(folder: MeetingFolder) -> None:
    for n in range(3):
        letter(folder.folder / f"late-{n}.pdf", f"Late report {n} text")
    path = folder.write(basic_meeting([
        {"title": "On time", "attachments": [folder.pdf("on-time.pdf", 1)]},
        *({"title": f"Late {n}", "supplement": 1, "attachments": [f"late-{n}.pdf"]}
          for n in range(3))]))
    out = folder.root / "supplement.pdf"
    build_pack(path, out, supplement=1)
    assert sum("Late report" in t for t in page_texts(out)) == 3
    (program,) = font_programs(folder.folder / "late-0.pdf")
    assert [stored_data(s) for s in font_programs(out)].count(stored_data(program)) == 1
    assert len(images(out)) == 1
