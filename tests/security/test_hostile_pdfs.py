"""Hostile attachment files: PDFs built to exhaust time, memory or file descriptors, or to
crash the reader with damaged page boxes. Each is refused in one line at the YAML line that
attached it, by ``build`` and ``validate`` alike, with nothing written; or, where a viewer
would show it, merged with its footer where a reader sees it.

The files are written byte by byte (pypdf would not write most of them). The cases that
could eat the machine on a regression run the command line in a process with a memory
limit and a timeout.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from packgen import build_pack, validate
from packgen.errors import PackgenError
from packgen.pdf.pagetree import MAX_PAGES
from packgen.pdf.sources import MAX_REPAIR
from tests.conftest import (
    MeetingFolder,
    basic_meeting,
    besides_untagged,
    footer_number,
    page_words,
)

CONTENT = b"<< /Length 0 >>\nstream\n\nendstream"
A4 = b"/MediaBox [0 0 595 842]"


def raw_pdf(bodies: Sequence[bytes]) -> bytes:
    """A PDF whose objects 1..N are ``bodies``; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1, table)
    return bytes(out)


def pages_pdf(*pages: bytes, tree: bytes = b"") -> bytes:
    """Pages with the given entries under one /Pages node (with ``tree``'s entries)."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(len(pages)))
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [%s] /Count %d %s >>" % (kids, len(pages), tree),
                    CONTENT,
                    *(b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R /Resources << >> %s >>"
                      % page for page in pages)])


def repeated_tree(fanout: int, depth: int) -> bytes:
    """A page tree whose every level lists the next level's one node ``fanout`` times:
    fanout ** depth pages from a few hundred bytes; its /Count claims one page."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        kid = b"%d 0 R" % (3 + level)
        bodies.append(b"<< /Type /Pages /Kids [%s] /Count 1 >>" % b" ".join([kid] * fanout))
    bodies.append(b"<< /Type /Page %s /Contents %d 0 R /Resources << >> >>"
                  % (A4, depth + 3))
    return raw_pdf([*bodies, CONTENT])


def flat_tree(pages: int, count: int) -> bytes:
    """``pages`` distinct pages under one node whose /Count claims ``count``."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>"
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [%s] /Count %d %s /Resources << >> >>"
                    % (kids, count, A4), CONTENT, *[page] * pages])


def deep_tree(depth: int) -> bytes:
    """One page at the end of a chain of ``depth`` /Pages nodes."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    bodies += [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (3 + level)
               for level in range(depth)]
    bodies.append(b"<< /Type /Page %s /Contents %d 0 R >>" % (A4, depth + 3))
    return raw_pdf([*bodies, CONTENT])


def object_stream_bomb() -> bytes:
    """A page kept in an object stream that inflates to 100 MB, past pypdf's 75 MB limit."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number, body in ((1, b"<< /Type /Catalog /Pages 2 0 R >>"),
                         (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"), (4, CONTENT)):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    head = b"3 0 "
    data = zlib.compress(head + b"<< /Type /Page /Parent 2 0 R %s /Contents 4 0 R >>" % A4
                         + b" " * 100_000_000, 9)
    offsets[5] = len(out)
    out += (b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n" % (len(head), len(data)) + data + b"\nendstream\nendobj\n")
    table = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"
    for number in range(1, 7):
        kind, field = ((2, 5) if number == 3 else (1, table) if number == 6
                       else (1, offsets[number]))
        rows += bytes([kind]) + field.to_bytes(4, "big") + b"\x00\x00"
    xref = zlib.compress(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
            b"/Length %d >>\nstream\n" % len(xref) + xref + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % table
    return bytes(out)


def attach(folder: MeetingFolder, data: bytes, name: str = "hostile.pdf") -> Path:
    """A meeting whose one item attaches ``data`` as ``name`` at line 9, column 5."""
    (folder.folder / name).write_bytes(data)
    return folder.write(basic_meeting([{"title": "Document", "attachments": [name]}]))


def refused(folder: MeetingFolder, data: bytes) -> str:
    """The one problem ``build`` and ``validate`` both report, after ``"hostile.pdf": ``."""
    meeting = attach(folder, data)
    out = folder.root / "out" / "pack.pdf"
    with pytest.raises(PackgenError) as built:
        build_pack(meeting, out)
    with pytest.raises(PackgenError) as checked:
        validate(meeting)
    assert checked.value.problems == built.value.problems
    [problem] = built.value.problems
    assert (problem.position.file, problem.position.line, problem.position.column) == (
        meeting, 9, 5)
    assert problem.severity == "error"
    assert not (folder.root / "out").exists()
    assert problem.message.startswith('"hostile.pdf": ')
    return problem.message.removeprefix('"hostile.pdf": ')


@pytest.mark.parametrize(("data", "message"), [
    (pages_pdf(A4 + b" /Rotate (abc)"), "page 1 has a damaged rotation (/Rotate (abc))"),
    (pages_pdf(A4 + b" /Rotate /Ninety"), "page 1 has a damaged rotation (/Rotate /Ninety)"),
    (pages_pdf(A4, b"/MediaBox [0 0 595]"),
     "page 2 has a damaged page box (/MediaBox [0 0 595])"),
    (pages_pdf(b"/MediaBox [0 0 595 /Top]"),
     "page 1 has a damaged page box (/MediaBox [0 0 595 /Top])"),
    (pages_pdf(b"/MediaBox [0 0 595 (" + b"x" * 200 + b")]"),
     "page 1 has a damaged page box (/MediaBox [0 0 595 (" + "x" * 27 + "...)"),
    (pages_pdf(A4 + b" /Rotate << /Length 3 >>"), "page 1 has a damaged rotation (/Rotate "
                                                  "a dictionary)"),
    (pages_pdf(b"/MediaBox [0 0 0 842]"),
     "page 1 has a page box with no area (/MediaBox [0 0 0 842])"),
    (pages_pdf(b""), "page 1 has no page size (no /MediaBox on it or its parents)"),
    (pages_pdf(b"/MediaBox null"),
     "page 1 has no page size (no /MediaBox on it or its parents)"),
], ids=["rotate-string", "rotate-name", "mediabox-3-numbers", "mediabox-name",
        "mediabox-long-string", "rotate-dictionary", "zero-area", "no-mediabox",
        "null-mediabox"])
def test_a_damaged_page_box_or_rotation_is_refused_naming_the_page(
        folder: MeetingFolder, data: bytes, message: str) -> None:
    """A CropBox that is damaged or outside the page is ignored, as viewers ignore it, and
    the page merged (tests/test_boxes.py); a page without a usable MediaBox is refused."""
    assert refused(folder, data) == message


def test_odd_but_viewable_boxes_are_merged_with_the_footer_where_a_reader_sees_it(
        folder: MeetingFolder) -> None:
    """Corners in any order, a null CropBox, a CropBox past the MediaBox, a turn that is
    not a quarter turn (shown upright, as viewers show it, with a warning), -90 degrees."""
    data = pages_pdf(b"/MediaBox [595 842 0 0]",
                     A4 + b" /CropBox null",
                     A4 + b" /CropBox [-300 -300 595 1200]",
                     A4 + b" /Rotate 45",
                     A4 + b" /Rotate -90")
    meeting = attach(folder, data)
    out = folder.root / "pack.pdf"
    result = build_pack(meeting, out)
    assert [str(w).split(": ", 1)[1] for w in besides_untagged(result.warnings)] == [
        'warning: "hostile.pdf": page 4 (/Rotate 45): turned by a /Rotate that is not a '
        "multiple of 90 degrees; printed upright, as PDF viewers show it"]
    assert validate(meeting).warnings == result.warnings
    words = page_words(out)
    assert [footer_number(*page) for page in words[2:]] == [3, 4, 5, 6, 7]
    assert [(round(w), round(h)) for w, h, _ in words[2:]] == [(595, 842)] * 4 + [(842, 595)]


@pytest.mark.parametrize(("make", "message"), [
    (object_stream_bomb, "the PDF exceeds one of the PDF reader's safety limits (Limit "
                         "reached while decompressing"),
    (lambda: deep_tree(150), "the PDF exceeds one of the PDF reader's safety limits (Maximum "
                             "page tree depth reached: 101 > 100.)"),
], ids=["decompression-bomb", "deep-page-tree"])
def test_pypdf_limits_are_one_line_errors(folder: MeetingFolder, make: Callable[[], bytes],
                                           message: str) -> None:
    assert refused(folder, make()).startswith(message)


def test_a_page_tree_that_repeats_a_node_is_refused(folder: MeetingFolder) -> None:
    assert refused(folder, repeated_tree(2, 3)) == (
        "the page tree repeats a page or a branch (object 5), so pages would be printed "
        "more than once; the file is malformed: export it again")


def test_the_page_budget_does_not_trust_the_count(folder: MeetingFolder) -> None:
    """Counted by walking, stopping at the budget, whatever /Count claims; the budget
    itself is allowed."""
    assert refused(folder, flat_tree(MAX_PAGES + 1, 1)) == (
        f"the PDF has more than {MAX_PAGES:,} pages; packgen merges attachments of up to "
        f"{MAX_PAGES:,} pages: split it, or link to it from the agenda")
    assert refused(folder, flat_tree(1, 97_338)) == (
        f"the PDF has 97,338 pages; packgen merges attachments of up to {MAX_PAGES:,} "
        "pages: split it, or link to it from the agenda")
    assert besides_untagged(validate(attach(folder, flat_tree(MAX_PAGES, 1))).warnings) == []


LimitSetter = Callable[[], None]


def limited(memory: int | None = None, files: int | None = None, hard: bool = False
            ) -> LimitSetter:
    def set_limits() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if files is not None:
            most = files if hard else resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (files, most))
    return set_limits


def cli(folder: MeetingFolder, *args: str, limits: LimitSetter,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """packgen in a process of its own, limited, so a regression fails instead of
    taking the machine with it."""
    return subprocess.run([sys.executable, "-m", "packgen", *args], cwd=folder.root,
                          capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limits)


def assert_one_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr == (f'meeting/meeting.yaml:9:5: error: "hostile.pdf": {message}\n'
                             "1 problem; nothing was written.\n")


def test_a_tree_of_sixty_thousand_repeated_pages_is_refused_at_once(
        folder: MeetingFolder) -> None:
    attach(folder, repeated_tree(3, 10))  # 59,049 pages in under 1 KB
    message = ("the page tree repeats a page or a branch (object 12), so pages would be "
               "printed more than once; the file is malformed: export it again")
    for command in ("build", "validate"):
        result = cli(folder, command, "meeting/meeting.yaml", limits=limited(1 << 30),
                     timeout=60)
        assert_one_line(result, message)
    assert not (folder.root / "build").exists()


def test_a_large_damaged_file_is_refused_without_reading_it_into_memory(
        folder: MeetingFolder) -> None:
    """A 300 MiB file whose cross-reference table is lost; repairing it would read it
    whole, several times over. The process may not use 700 MiB of address space."""
    size = MAX_REPAIR + (44 << 20)
    path = folder.folder / "hostile.pdf"
    with path.open("wb") as stream:
        stream.write(pages_pdf(A4).replace(b"startxref\n", b"startxref\n9"))
        for offset in range(1 << 20, size, 1 << 20):  # sparse, with a line every MiB
            stream.seek(offset)
            stream.write(b"\n")
        stream.write(b"1 0 obj\n<< >>\nendobj\n")
    folder.write(basic_meeting([{"title": "Document", "attachments": ["hostile.pdf"]}]))
    mib = path.stat().st_size / (1 << 20)
    for command in ("validate", "build"):
        result = cli(folder, command, "meeting/meeting.yaml", limits=limited(700 << 20))
        assert_one_line(result, "the PDF is damaged (the %%EOF marker is missing), and at "
                                f"{mib:,.0f} MiB it is larger "
                                "than packgen will repair (256 MiB); export or download it again")


def many_attachments(folder: MeetingFolder, count: int) -> None:
    data = pages_pdf(A4)
    names = [f"paper-{n:04}.pdf" for n in range(count)]
    for name in names:
        (folder.folder / name).write_bytes(data)
    folder.write(basic_meeting([{"title": "Papers", "attachments": names}]),
                 config={"duplex": False})


def test_more_attachments_than_the_soft_limit_on_open_files(folder: MeetingFolder) -> None:
    """1,100 attachments with 200 files allowed open (the hard limit left as it is)."""
    many_attachments(folder, 1_100)
    for command in ("validate", "build"):
        result = cli(folder, command, "meeting/meeting.yaml", limits=limited(files=200))
        assert result.returncode == 0, result.stderr[-2000:]
    pages = subprocess.run(["qpdf", "--show-npages", "build/meeting.pdf"], cwd=folder.root,
                           capture_output=True, text=True, check=True).stdout
    assert int(pages) == 1_101


def test_more_attachments_than_can_be_open_is_one_line(folder: MeetingFolder) -> None:
    """With the hard limit at 200, packgen says so at the first attachment over it."""
    many_attachments(folder, 1_100)
    for command in ("validate", "build"):
        result = cli(folder, command, "meeting/meeting.yaml", limits=limited(files=200, hard=True))
        assert result.returncode == 1
        [line, summary] = result.stderr.splitlines()
        said = re.fullmatch(r'meeting/meeting.yaml:(\d+):5: error: "paper-(\d+).pdf": the '
                            r"meeting attaches 1,100 PDF files, and this system lets packgen "
                            r"hold only (\d+) open at once; raise the limit on open files "
                            r"\(ulimit -Hn\) or attach fewer files", line)
        assert said, line
        assert int(said[1]) - 9 == int(said[2]) == int(said[3]) > 100
        assert summary == "1 problem; nothing was written."
    assert not (folder.root / "build").exists()
