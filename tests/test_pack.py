"""End to end: build packs and read them back as a reader (and poppler) would."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from packgen import build_pack
from tests.conftest import (
    EXAMPLE,
    MeetingFolder,
    basic_meeting,
    footer_number,
    page_texts,
    page_words,
)

RANGE = re.compile(r"^\s*(\w+)\.\s+(.+?)\s{2,}Pages? (\d+)(?: - (\d+))?\s*$", re.M)


def agenda_ranges(pdf: Path, front_pages: int) -> dict[str, tuple[int, int]]:
    """Item number -> (first, last) page as printed on the front sheet's agenda."""
    text = "".join(page_texts(pdf)[:front_pages])
    return {m[1]: (int(m[3]), int(m[4] or m[3])) for m in RANGE.finditer(text)}


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) for every bookmark, in order."""
    out: list[tuple[int, str, int]] = []

    def walk(entries: list[object], depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                out.append((depth, entry.title, reader.get_destination_page_number(entry) + 1))
    walk(reader.outline, 0)
    return out


def link_targets(reader: PdfReader, front_pages: int) -> list[int]:
    targets = []
    for page in reader.pages[:front_pages]:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if "/Dest" in annot:
                targets.append(reader.get_page_number(annot["/Dest"][0].get_object()) + 1)
    return targets


def qpdf_check(pdf: Path) -> None:
    result = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def front_sheet_pages(texts: list[str]) -> int:
    return next(i for i, t in enumerate(texts) if "Page " in t.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def example_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "pack.pdf"
    build_pack(EXAMPLE, out)
    return out


def test_example_ranges_are_those_of_its_documents(example_pack: Path) -> None:
    # Front sheet 2 pages; terms of reference 3, minutes 2 (rendered), the priority families
    # report 3 (rendered) + its landscape appendix 2, CYPP 4, youth justice 7, forward plan
    # 1 (Markdown); each document starts on an odd page.
    assert agenda_ranges(example_pack, 2) == {
        "4": (3, 5), "5": (7, 8), "7": (9, 14), "8": (15, 18), "9": (19, 25), "10": (27, 27)}
    assert len(PdfReader(example_pack).pages) == 27


def test_example_ranges_footers_labels_bookmarks_and_links_agree(example_pack: Path) -> None:
    reader = PdfReader(example_pack)
    texts = page_texts(example_pack)
    front = front_sheet_pages(texts)
    ranges = agenda_ranges(example_pack, front)
    words = page_words(example_pack)
    # Every page after the front sheet prints its own position, and its label says the same.
    for index in range(front, len(texts)):
        assert footer_number(*words[index]) == index + 1
        assert reader.page_labels[index] == str(index + 1)
    assert all(footer_number(*words[i]) is None for i in range(front))
    # Each range starts on a right-hand page stamped with its item; what lies between
    # one item's last page and the next item's first is only a filler page.
    starts = sorted(first for first, _ in ranges.values())
    for number, (first, last) in ranges.items():
        assert first % 2 == 1
        assert f"Agenda Item {number}" in texts[first - 1]
        assert "Agenda Item" not in texts[first] if first < last else True
        following = [s for s in starts if s > last]
        for gap in range(last + 1, following[0] if following else len(texts) + 1):
            assert "This page is intentionally left blank" in texts[gap - 1]
    assert "This page is intentionally left blank" not in "".join(
        texts[first - 1] for first, _ in ranges.values())
    # Bookmarks: Agenda, then items, each at the first page of its range.
    marks = outline(reader)
    assert marks[0] == (0, "Agenda", 1)
    tops = {title.split(".")[0]: page for depth, title, page in marks if depth == 0}
    for number, (first, _) in ranges.items():
        assert tops[number] == first
    # Each agenda row links (title and page cell) to its first page.
    assert sorted(set(link_targets(reader, front))) == starts
    assert len(link_targets(reader, front)) == 2 * len(starts)


def test_example_bookmarks(example_pack: Path) -> None:
    marks = outline(PdfReader(example_pack))
    assert (0, "7. Priority families programme", 9) in marks
    assert (1, "Priority families programme", 9) in marks
    assert (2, "Appendix 1: performance summary", 13) in marks
    assert (1, "Minutes of the meeting held on 22 March 2026", 7) in marks
    assert (1, "Partnership forward plan 2026-27", 27) in marks
    assert (0, "11. Exclusion of the public", 2) in marks  # verbal: its row on the agenda
    assert not any("youth services contract" in title.lower() for _, title, _ in marks)


def test_example_exempt_item_is_listed_but_not_published(example_pack: Path) -> None:
    texts = page_texts(example_pack)
    agenda = " ".join("".join(texts[:2]).split())
    assert "AWARD OF THE YOUTH SERVICES CONTRACT" in agenda
    assert ("This item is not for publication by virtue of paragraph 3 of Part 1 of "
            "Schedule 12A to the Local Government Act 1972.") in agenda
    body = "".join(texts[2:])
    assert "Award of the youth services contract" not in body
    assert "Agenda Item 12" not in body


def test_example_front_sheet(example_pack: Path) -> None:
    first = " ".join(page_texts(example_pack)[0].split())
    for expected in ("Public Document Pack", "Riverside City Council",
                     "Children's Partnership Board", "Wednesday, 8 July 2026", "4.00 pm",
                     "LB 31-32, Civic Centre", "Sam Okafor", "ELECTION OF JOINT CHAIRS",
                     "Pages 3 - 5"):
        assert expected in first


def test_example_metadata(example_pack: Path) -> None:
    reader = PdfReader(example_pack)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Children's Partnership Board, 8 July 2026 — public document pack"
    assert meta.author == "Riverside City Council"
    assert meta["/CreationDate"] == "D:20260708160000Z"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    xmp = root["/Metadata"].get_object()
    assert (xmp["/Type"], xmp["/Subtype"]) == ("/Metadata", "/XML")
    assert b"public document pack" in xmp.get_data()


def test_example_is_clean_and_fonts_embedded(example_pack: Path) -> None:
    qpdf_check(example_pack)
    fonts = subprocess.run(["pdffonts", str(example_pack)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    ours = [line for line in fonts if "DejaVu" in line]
    assert ours and all(" yes " in line for line in ours)  # emb column


GEOMETRY = {
    "A4 portrait": {},
    "rotated 90": {"rotate": 90},
    "rotated 180": {"rotate": 180},
    "rotated 270": {"rotate": 270},
    "landscape A3": {"size": (1190.55, 841.89)},
    "US Letter": {"size": (612, 792)},
    "box origin not zero": {"origin": (200, -150)},
    "crop box inside media box": {"crop_inset": 60},
    "rotated with offset origin": {"rotate": 90, "origin": (-300, 400)},
}


@pytest.mark.parametrize("spec", GEOMETRY.values(), ids=GEOMETRY.keys())
def test_footer_upright_at_the_foot_of_the_displayed_page(folder: MeetingFolder,
                                                          spec: dict[str, object]) -> None:
    from tests.conftest import PageSpec
    name = folder.pdf("odd.pdf", [PageSpec("MARKER-ONE", **spec),  # type: ignore[arg-type]
                                  PageSpec("MARKER-TWO", **spec)])  # type: ignore[arg-type]
    path = folder.write(basic_meeting([{"title": "Odd pages", "attachments": [name]}]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    words = page_words(out)
    texts = page_texts(out)
    assert footer_number(*words[2]) == 3 and footer_number(*words[3]) == 4
    assert "MARKER-ONE" in texts[2] and "MARKER-TWO" in texts[3]
    width, height, page_words_3 = words[2]
    stamp = [w for w in page_words_3 if w.text == "Agenda"]
    assert stamp and stamp[0].y1 < 0.1 * height and stamp[0].x0 > 0.5 * width
    qpdf_check(out)


def test_attachment_bookmarks_kept_beneath_its_entry(folder: MeetingFolder) -> None:
    name = folder.pdf("report.pdf", 4, outline=[("Introduction", 0), ("Finance", 2)])
    path = folder.write(basic_meeting([
        {"title": "Budget", "attachments": [{"file": name, "title": "Budget report"}]}]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    assert outline(PdfReader(out)) == [
        (0, "Agenda", 1), (0, "1. Budget", 3), (1, "Budget report", 3),
        (2, "Introduction", 3), (2, "Finance", 5)]


def test_no_duplex_and_front_sheet_not_counted(folder: MeetingFolder) -> None:
    items = [{"title": "One", "attachments": [folder.pdf("a.pdf", 3)]},
             {"title": "Two", "attachments": [folder.pdf("b.pdf", 2)]}]
    path = folder.write(basic_meeting(items, duplex=False,
                                      page_numbers={"count_front_sheet": False}))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    reader = PdfReader(out)
    assert len(reader.pages) == 6  # 1 front sheet page + 3 + 2, no fillers
    assert agenda_ranges(out, 1) == {"1": (1, 3), "2": (4, 5)}
    assert reader.page_labels == ["i", "1", "2", "3", "4", "5"]
    words = page_words(out)
    assert [footer_number(*w) for w in words] == [None, 1, 2, 3, 4, 5]
    assert "a-p1" in page_texts(out)[1]


def test_ranges_settle_when_the_agenda_grows_past_a_page(folder: MeetingFolder) -> None:
    items = [{"title": f"Report number {i} on a matter of some length and importance",
              "description": "To consider the report and agree its recommendations",
              "attachments": [folder.pdf(f"r{i}.pdf", 1 + i % 3)]} for i in range(40)]
    path = folder.write(basic_meeting(items))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    texts = page_texts(out)
    front = front_sheet_pages(texts)
    assert front >= 3
    ranges = agenda_ranges(out, front)
    assert len(ranges) == 40
    words = page_words(out)
    for i in range(40):
        first, last = ranges[str(i + 1)]
        assert last - first + 1 == 1 + i % 3
        assert f"r{i}-p1" in texts[first - 1] and footer_number(*words[first - 1]) == first
        assert f"Agenda Item {i + 1}" in texts[first - 1]


def test_same_inputs_same_bytes_wherever_the_folder_lies(tmp_path: Path) -> None:
    packs = []
    for place in ("one", "two/deeper"):
        copy = tmp_path / place / "examples"
        shutil.copytree(EXAMPLE.parent.parent, copy)
        out = tmp_path / place / "pack.pdf"
        build_pack(copy / EXAMPLE.parent.name / "meeting.yaml", out)
        packs.append(out.read_bytes())
    assert packs[0] == packs[1]


def test_source_date_epoch_sets_the_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    out = tmp_path / "pack.pdf"
    build_pack(EXAMPLE, out)
    meta = PdfReader(out).metadata
    assert meta is not None and meta["/CreationDate"] == "D:20260101000000Z"


def test_aes_encrypted_pdf_with_empty_password_is_merged(folder: MeetingFolder) -> None:
    from pypdf import PdfWriter
    name = folder.pdf("locked.pdf", ["OPEN-WITHOUT-PASSWORD"])
    writer = PdfWriter(clone_from=folder.folder / name)
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-256")
    with open(folder.folder / name, "wb") as stream:
        writer.write(stream)
    assert PdfReader(folder.folder / name).is_encrypted
    path = folder.write(basic_meeting([{"title": "Locked", "attachments": [name]}]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    assert not PdfReader(out).is_encrypted
    assert "OPEN-WITHOUT-PASSWORD" in page_texts(out)[2]


@pytest.mark.parametrize("meeting", sorted(EXAMPLE.parent.parent.glob("*/meeting.yaml")),
                         ids=lambda path: path.parent.name)
def test_every_example_builds_and_agrees(meeting: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    result = build_pack(meeting, out)
    qpdf_check(out)
    texts = page_texts(out)
    front = front_sheet_pages(texts)
    ranges = agenda_ranges(out, front)
    assert ranges, "an example should have documents"
    words = page_words(out)
    for number, (first, last) in ranges.items():
        assert f"Agenda Item {number}" in texts[first - 1]
        assert footer_number(*words[first - 1]) == first
        assert footer_number(*words[last - 1]) == last
    assert result.pages == len(texts)


def test_the_override_example_uses_its_override(tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    build_pack(EXAMPLE.parent.parent / "health-scrutiny-committee" / "meeting.yaml", out)
    assert "this meeting will be broadcast live" in " ".join(page_texts(out)[0].split())


def test_example_public_and_private_packs_agree(tmp_path: Path) -> None:
    public, private = tmp_path / "public.pdf", tmp_path / "private.pdf"
    build_pack(EXAMPLE, public)
    build_pack(EXAMPLE, private, private=True)
    pub_labels, priv_labels = PdfReader(public).page_labels, PdfReader(private).page_labels
    assert priv_labels[:len(pub_labels)] == pub_labels
    assert priv_labels[len(pub_labels):] == ["E1", "E2", "E3"]
    pub_texts, priv_texts = page_texts(public), page_texts(private)
    for index in range(2, len(pub_texts)):  # the same page under the same number
        assert pub_texts[index] == priv_texts[index]
    assert "Award of the youth services contract" in priv_texts[-2]
    assert "NOT FOR PUBLICATION" in priv_texts[-1]
    agenda = " ".join("".join(priv_texts[:2]).split())
    assert "AWARD OF THE YOUTH SERVICES CONTRACT" in agenda and "Pages E2 - E3" in agenda
    assert (0, "12. Award of the youth services contract", 29) in outline(PdfReader(private))
