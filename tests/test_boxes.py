"""Page boxes as a PDF reader reads them, and the footer at the foot of the page as shown.

A page's MediaBox and CropBox can be upside down, inherited from the page tree, null,
damaged or outside each other. packgen reads them as pdf.js does (the CropBox clipped to
the MediaBox, and ignored where it cannot be used), stamps "Page N" at the foot of that
page, and writes the copied page's boxes so that every reader sees the same page:
poppler (``pdftotext -bbox``, ``pdfinfo -box``) and pypdf are asked here. A page with no
visible area at all is refused in one line.
"""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

from packgen import build_pack, validate
from packgen.pdf.boxes import visible_area
from packgen.pdf.stamps import FOOTER_BASELINE
from tests.conftest import BuildFn, MeetingFolder, besides_untagged, footer_number, page_words
from tests.security.test_hostile_pdfs import attach, raw_pdf, refused

A4 = b"/MediaBox [0 0 595 842]"
JAVASCRIPT = b"<< /S /JavaScript /JS (app.alert(1)) >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def boxes_pdf(pages: list[tuple[bytes, bytes]]) -> bytes:
    """One page per (page entries, entries of a /Pages node of its own); a page with no
    node entries hangs from the root. Each page prints its marker at (200, 300) and draws
    a frame around the MediaBox [0 0 595 842]."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", FONT]
    kids = []
    for number, (entries, node) in enumerate(pages, start=1):
        content = (b"2 w 1 1 593 840 re S BT /F1 14 Tf 200 300 Td (box-p%d) Tj ET" % number)
        bodies.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        page, parent = len(bodies) + 1, len(bodies) + 2 if node else 2
        bodies.append(b"<< /Type /Page /Parent %d 0 R /Contents %d 0 R "
                      b"/Resources << /Font << /F1 3 0 R >> >> %s >>"
                      % (parent, page - 1, entries))
        if node:
            bodies.append(b"<< /Type /Pages /Parent 2 0 R /Kids [%d 0 R] /Count 1 %s >>"
                          % (page, node))
        kids.append(parent if node else page)
    bodies[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids), len(pages))
    return raw_pdf(bodies)


# name: (page entries, its own node's entries, displayed width and height unturned,
#        whether its CropBox is ignored)
CASES: dict[str, tuple[bytes, bytes, tuple[float, float], bool]] = {
    "upside-down-mediabox": (b"/MediaBox [0 792 612 0]", b"", (612, 792), False),
    "mediabox-corners-swapped": (b"/MediaBox [595 842 0 0]", b"", (595, 842), False),
    "upside-down-cropbox": (A4 + b" /CropBox [500 700 100 100]", b"", (400, 600), False),
    "cropbox-past-mediabox": (A4 + b" /CropBox [-100 -100 400 1000]", b"", (400, 842), False),
    "no-cropbox": (A4, b"", (595, 842), False),
    "null-cropbox": (A4 + b" /CropBox null", b"", (595, 842), False),
    "cropbox-of-names": (A4 + b" /CropBox [0 0 /a /b]", b"", (595, 842), True),
    "cropbox-of-3-numbers": (A4 + b" /CropBox [0 0 500]", b"", (595, 842), True),
    "cropbox-dictionary": (A4 + b" /CropBox " + JAVASCRIPT, b"", (595, 842), True),
    "cropbox-with-an-action": (A4 + b" /CropBox [0 0 500 700 %s]" % JAVASCRIPT, b"",
                               (595, 842), True),
    "cropbox-string": (A4 + b" /CropBox [0 0 595 (x)]", b"", (595, 842), True),
    "cropbox-number": (A4 + b" /CropBox 7", b"", (595, 842), True),
    "cropbox-outside": (A4 + b" /CropBox [600 0 700 842]", b"", (595, 842), True),
    "cropbox-no-area": (A4 + b" /CropBox [100 100 100 500]", b"", (595, 842), True),
    "cropbox-on-parent": (b"", A4 + b" /CropBox [50 50 400 600]", (350, 550), False),
    "mediabox-on-parent": (b"", b"/MediaBox [0 0 300 400]", (300, 400), False),
    "outside-cropbox-on-parent": (b"", A4 + b" /CropBox [600 600 700 700]", (595, 842), True),
    "own-cropbox-over-parents": (b"/CropBox [0 0 300 300]", A4 + b" /CropBox [50 50 400 600]",
                                 (300, 300), False),
    "cropbox-beyond-any-paper": (A4 + b" /CropBox [0 0 %d 842]" % 10 ** 42, b"", (595, 842),
                                 True),
    "user-unit-past-pdfs-limit": (A4 + b" /UserUnit 100000000000000000000000000000000", b"",
                                  (595, 842), False),
}


def displayed_boxes(pack: Path) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    """Each page's MediaBox and CropBox as poppler reads them."""
    out = subprocess.run(["pdfinfo", "-box", "-f", "1", "-l", "9999", str(pack)],
                         capture_output=True, text=True, check=True).stdout
    found: dict[int, dict[str, tuple[float, ...]]] = {}
    for page, key, values in re.findall(r"Page +(\d+) (MediaBox|CropBox): +([-\d. ]+)", out):
        found.setdefault(int(page), {})[key] = tuple(float(v) for v in values.split())
    return [(found[p]["MediaBox"], found[p]["CropBox"]) for p in sorted(found)]


@pytest.mark.parametrize("turn", [0, 90])
def test_the_footer_lands_at_the_foot_of_the_page_as_displayed(
        folder: MeetingFolder, turn: int) -> None:
    names = list(CASES)
    rotate = b" /Rotate %d" % turn if turn else b""
    meeting = attach(folder, boxes_pdf([(CASES[n][0] + rotate, CASES[n][1]) for n in names]))
    out = folder.root / "pack.pdf"
    result = build_pack(meeting, out)
    ignored = [i + 1 for i, n in enumerate(names) if CASES[n][3]]
    [warning] = besides_untagged(result.warnings)
    assert warning.message == (
        f'"hostile.pdf": page {ignored[0]} (/CropBox [0 0 /a /b]), page {ignored[1]} '
        f"(/CropBox [0 0 500]), page {ignored[2]} (/CropBox a dictionary) and "
        f"{len(ignored) - 3} more pages: a CropBox that is not four numbers or shows none of "
        "the page is ignored; the whole page (its MediaBox) is printed, as PDF viewers show it")
    assert validate(meeting).warnings == result.warnings
    words = page_words(out)[2:]
    boxes = displayed_boxes(out)[2:]
    pages = PdfReader(out).pages[2:]
    for number, (name, (width, height, found), (media, crop), page) in enumerate(
            zip(names, words, boxes, pages, strict=True), start=3):
        expected = CASES[name][2]
        assert (round(width), round(height)) == (expected[::-1] if turn else expected), name
        assert footer_number(width, height, found) == number, name
        [footer] = [w for w in found if w.text == "Page"]
        assert 0 < footer.x0 < footer.x1 < width and 0 < footer.y0 < footer.y1 < height, name
        assert abs(height - footer.y1 - FOOTER_BASELINE) < 3, name  # baseline 7 mm up
        # Written plainly: corners in order, a CropBox inside the MediaBox or none.
        assert media[0] < media[2] and media[1] < media[3], name
        assert media[0] <= crop[0] < crop[2] <= media[2], name
        assert media[1] <= crop[1] < crop[3] <= media[3], name
        raw = [float(v) for v in page["/MediaBox"]]
        assert raw[0] < raw[2] and raw[1] < raw[3], name
        assert ("/CropBox" in page) == (crop != media), name
        # pypdf reads the CropBox as it stands (no clipping): the same page again.
        assert [float(v) for v in page.cropbox] == list(crop), name
    text = out.read_bytes()
    assert b"JavaScript" not in text and b"app.alert" not in text


@pytest.mark.parametrize(("page", "node", "message"), [
    (b"", b"", "page 1 has no page size (no /MediaBox on it or its parents)"),
    (b"/CropBox [0 0 595 842]", b"/CropBox [0 0 595 842]",
     "page 1 has no page size (no /MediaBox on it or its parents)"),
    (b"/MediaBox null", A4, "page 1 has no page size (no /MediaBox on it or its parents)"),
    (b"", b"/MediaBox [0 0 /a /b]", "page 1 has a damaged page box (/MediaBox [0 0 /a /b])"),
    (b"/MediaBox [0 0 595]", b"", "page 1 has a damaged page box (/MediaBox [0 0 595])"),
    (b"/MediaBox " + JAVASCRIPT, b"", "page 1 has a damaged page box (/MediaBox a dictionary)"),
    (b"/MediaBox [0 842 595 842]", b"",
     "page 1 has a page box with no area (/MediaBox [0 842 595 842])"),
    (b"/MediaBox [0 0 %d %d]" % (10 ** 10, 10 ** 10), b"",
     f"page 1 has a damaged page box (/MediaBox [0 0 {10 ** 10} {10 ** 10}])"),
], ids=["missing-everywhere", "only-a-cropbox", "null-over-parents", "names-on-parent",
        "3-numbers", "dictionary", "no-area", "beyond-any-paper"])
@pytest.mark.parametrize("turn", [0, 90])
def test_a_page_with_no_visible_area_is_refused_in_one_line(
        folder: MeetingFolder, page: bytes, node: bytes, message: str, turn: int) -> None:
    rotate = b" /Rotate %d" % turn if turn else b""
    assert refused(folder, boxes_pdf([(page + rotate, node)])) == message


def test_the_command_line_refuses_it_in_one_line(folder: MeetingFolder, run_cli: BuildFn
                                                 ) -> None:
    attach(folder, boxes_pdf([(A4, b""), (b"/Rotate 90", b"")]))
    for command in ("build", "validate"):
        result = run_cli(command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            'meeting/meeting.yaml:9:5: error: "hostile.pdf": page 2 has no page size (no '
            "/MediaBox on it or its parents)", "1 problem; nothing was written."]
    assert not (folder.root / "build").exists()


def test_a_cropbox_of_numbers_no_reader_can_use_is_ignored() -> None:
    """Not a number a PDF can spell (pypdf refuses more than 64 digits), but a box is read
    from any object: an infinite corner leaves the MediaBox."""
    page = DictionaryObject({
        NameObject("/MediaBox"): ArrayObject(FloatObject(v) for v in (0, 0, 595, 842)),
        NameObject("/CropBox"): ArrayObject(FloatObject(v) for v in (0, 0, math.inf, 842))})
    assert visible_area(page) == ((0, 0, 595, 842), None, "/CropBox [0 0 inf 842]")
