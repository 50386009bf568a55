"""Page counts read at a glance, without pypdf (issue 16): the forecast the typesetting
process lays the front sheet out on while this process imports pypdf and reads the
attachments. Never a count pypdf would not state, only fewer files read."""

from __future__ import annotations

import random
import re
import subprocess
import tracemalloc
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from packgen.pdf.count import stated_pages
from packgen.pdf.glance import glance_pages
from tests.conftest import ROOT, BuildFn, MeetingFolder, basic_meeting, make_pdf

CORPUS = ROOT.parent / "shared" / "corpus" / "pdfs"


def _every_pdf() -> list[Path]:
    folders = [CORPUS, ROOT / "tests" / "fixtures", ROOT / "examples"]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.pdf"))


def test_every_pdf_here_gives_the_count_pypdf_reads_or_none() -> None:
    read = 0
    for path in _every_pdf():
        glanced = glance_pages(path)
        if glanced is not None:
            read += 1
            assert glanced == stated_pages(path), path
    assert read >= 20  # the plain files (most of them) are read at a glance
    assert any(b"/XRef" in path.read_bytes() and glance_pages(path) is not None
               for path in _every_pdf())  # cross-reference streams too


def test_a_plain_file_is_read(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "plain.pdf", ["a", "b", "c"])
    assert glance_pages(pdf) == 3


def test_an_incremental_update_is_read_as_a_viewer_reads_it(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "updated.pdf", ["a", "b", "c"])
    data = pdf.read_bytes()
    reader = PdfReader(pdf)
    pages_ref = reader.trailer["/Root"].raw_get("/Pages")
    tree = reader.trailer["/Root"]["/Pages"]
    kids = " ".join(f"{k.idnum} {k.generation} R" for k in tree["/Kids"][:2])
    size = int(reader.trailer["/Size"])
    root_ref = reader.trailer.raw_get("/Root")
    start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    body = (f"{pages_ref.idnum} 0 obj\n<< /Type /Pages /Kids [{kids}] /Count 2 >>\n"
            "endobj\n").encode()
    offset = len(data)
    table = (f"xref\n{pages_ref.idnum} 1\n{offset:010d} 00000 n \ntrailer\n"
             f"<< /Size {size} /Root {root_ref.idnum} 0 R /Prev {start} >>\n").encode()
    update = body + table + f"startxref\n{offset + len(body)}\n%%EOF\n".encode()
    pdf.write_bytes(data + update)
    assert len(PdfReader(pdf).pages) == 2
    assert glance_pages(pdf) == 2


def test_what_is_not_plainly_stated_gives_no_count(tmp_path: Path) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", ["a", "b"])
    compressed = tmp_path / "compressed.pdf"
    subprocess.run(["qpdf", "--object-streams=generate", str(plain), str(compressed)],
                   check=True)
    # A cross-reference stream, the catalogue and page tree in an object stream: read.
    assert glance_pages(compressed) == 2
    data = compressed.read_bytes()
    xref = data.index(b"stream", data.index(b"/XRef")) + 7
    spoilt = data[:xref] + bytes(b ^ 0x5A for b in data[xref:xref + 12]) + data[xref + 12:]
    (tmp_path / "spoilt.pdf").write_bytes(spoilt)
    assert glance_pages(tmp_path / "spoilt.pdf") is None  # its data is not Flate's

    encrypted = tmp_path / "encrypted.pdf"
    writer = PdfWriter(clone_from=plain)
    writer.encrypt("", "owner", algorithm="AES-256")
    writer.write(encrypted)
    assert glance_pages(encrypted) is None

    data = plain.read_bytes()
    catalog = PdfReader(plain).trailer.raw_get("/Root").idnum
    entry = re.compile(rb"(\d{10}) 00000 n")
    table_at = data.rindex(b"\nxref\n") + 1
    first_entry = data.index(b"\n", data.index(b"\n", table_at) + 1) + 1
    at = first_entry + 20 * catalog
    assert entry.match(data, at)
    moved = data[:at] + b"%010d" % 17 + data[at + 10:]
    (tmp_path / "astray.pdf").write_bytes(moved)
    assert glance_pages(tmp_path / "astray.pdf") is None  # the entry points astray

    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 2])
    assert glance_pages(tmp_path / "cut.pdf") is None
    (tmp_path / "text.pdf").write_bytes(b"%PDF-1.7\nnot a PDF at all\n")
    assert glance_pages(tmp_path / "text.pdf") is None
    assert glance_pages(tmp_path / "missing.pdf") is None


@pytest.mark.parametrize("count", [0, -1, 1 << 24])
def test_a_count_no_page_tree_has_gives_none(tmp_path: Path, count: int) -> None:
    plain = make_pdf(tmp_path / "plain.pdf", ["a"])
    writer = PdfWriter(clone_from=plain)
    writer.root_object["/Pages"].get_object()[NameObject("/Count")] = NumberObject(count)
    writer.write(tmp_path / "odd.pdf")
    assert glance_pages(tmp_path / "odd.pdf") is None


def _xref_stream_file(rows: bytes, entries: bytes = b"", compressed: bool = False) -> bytes:
    """A file whose only section is a cross-reference stream of ``rows``."""
    data = zlib.compress(rows) if compressed else rows
    flate = b" /Filter /FlateDecode" if compressed else b""
    head = b"%PDF-1.7\n"
    body = (b"1 0 obj\n<< /Type /XRef /Size 3 /W [1 9 1] /Root 2 0 R" + flate + entries
            + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream\nendobj\n")
    return head + body + b"startxref\n%d\n%%%%EOF\n" % len(head)


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\nstartxref\n9223372036854775808\n%%EOF\n",  # past any index
    b"%PDF-1.7\nxref\n0 999999999999999999999\ntrailer\n<< /Size 1 >>\nstartxref\n9\n%%EOF\n",
    # The catalogue and an object stream's place past any index.
    _xref_stream_file(bytes(11) + (b"\x01" + (1 << 71).to_bytes(9, "big") + b"\x00") * 2),
    _xref_stream_file(bytes(11) + b"\x01" + (9).to_bytes(9, "big") + b"\x00\x02"
                      + (1 << 71).to_bytes(9, "big") + b"\x00"),
    _xref_stream_file(b"\x02" * 30, b" /DecodeParms << /Predictor 12 /Columns 99999999999999 >>"),
    _xref_stream_file(b"\x02" * 30, b" /DecodeParms << /Predictor 12 /Columns 1 >>"),
], ids=["startxref", "subsection", "offset", "holder", "columns", "narrow-columns"])
def test_numbers_no_file_can_hold_give_none(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "odd.pdf").write_bytes(data)
    assert glance_pages(tmp_path / "odd.pdf") is None


@pytest.mark.parametrize("predicted", [False, True], ids=["plain", "predicted"])
def test_a_compression_bomb_is_not_inflated(tmp_path: Path, predicted: bool) -> None:
    parms = b" /DecodeParms << /Predictor 12 /Columns 11 >>" if predicted else b""
    bomb = _xref_stream_file(b"\x02" * (64 << 20), parms, compressed=True)
    (tmp_path / "bomb.pdf").write_bytes(bomb)
    assert len(bomb) < 1 << 20
    tracemalloc.start()
    try:
        assert glance_pages(tmp_path / "bomb.pdf") is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20  # not the 64 MiB it inflates to


def test_a_hybrid_file_is_left_to_pypdf(tmp_path: Path) -> None:
    """A table whose trailer's /XRefStm names a stream of further entries (a hybrid
    file): here the page tree moved, listed in that stream only. Read without the stream,
    the old tree's count would be given."""
    plain = make_pdf(tmp_path / "plain.pdf", ["a", "b", "c"])
    data, reader = plain.read_bytes(), PdfReader(plain)
    tree, root = reader.trailer["/Root"].raw_get("/Pages"), reader.trailer.raw_get("/Root")
    kids = " ".join(f"{k.idnum} 0 R" for k in reader.trailer["/Root"]["/Pages"]["/Kids"][:2])
    size, before = int(reader.trailer["/Size"]), int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    moved = f"{tree.idnum} 0 obj\n<< /Type /Pages /Kids [{kids}] /Count 2 >>\nendobj\n".encode()
    stream_at = len(data) + len(moved)
    row = b"\x01" + len(data).to_bytes(4, "big") + b"\x00"
    stream = (f"{size} 0 obj\n<< /Type /XRef /Size {size + 1} /W [1 4 1] /Index [{tree.idnum} 1]"
              f" /Length {len(row)} >>\nstream\n").encode() + row + b"\nendstream\nendobj\n"
    table_at = stream_at + len(stream)
    table = (f"xref\n{size} 1\n{stream_at:010d} 00000 n \ntrailer\n<< /Size {size + 1} "
             f"/Root {root.idnum} 0 R /Prev {before} /XRefStm {stream_at} >>\n"
             f"startxref\n{table_at}\n%%EOF\n").encode()
    (tmp_path / "hybrid.pdf").write_bytes(data + moved + stream + table)
    assert len(PdfReader(tmp_path / "hybrid.pdf").pages) == 2
    assert glance_pages(tmp_path / "hybrid.pdf") is None


def test_rows_predicted_up_decode_a_column_at_a_time_as_a_row_at_a_time() -> None:
    from packgen.pdf.glance import _rows, _unpredicted

    rng = random.Random(16)
    parms = b"/DecodeParms << /Predictor 12 /Columns 5 >>"
    up = bytes(b for _ in range(500) for b in [2, *rng.randbytes(5)])
    assert _rows(parms, up, 5) == _unpredicted(up, 5)
    mixed = bytes(b for n in range(500) for b in [n % 3, *rng.randbytes(5)])
    assert _rows(parms, mixed, 5) == _unpredicted(mixed, 5)
    assert _rows(parms, up, 4) is None  # /Columns must be the width of a row


def test_a_build_with_such_a_file_says_one_line_not_a_traceback(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    """Read at a glance before pypdf (the program forks its typesetting process), a file
    whose numbers no file can hold once ended the build with an OverflowError."""
    (folder.folder / "bad.pdf").write_bytes(b"%PDF-1.7\nstartxref\n9223372036854775808\n%%EOF\n")
    path = folder.write(basic_meeting([{"title": "A report", "attachments": ["bad.pdf"]}]))
    done = run_cli("build", "--no-cache", str(path), "-o", str(folder.root / "pack.pdf"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [error] = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert '"bad.pdf": the PDF is damaged' in error
    assert not (folder.root / "pack.pdf").exists()
