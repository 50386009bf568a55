"""Page counts read at a glance, without pypdf (issue 16): the forecast the typesetting
process lays the front sheet out on while this process imports pypdf and reads the
attachments. Never a count pypdf would not state, only fewer files read."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from packgen.pdf.count import stated_pages
from packgen.pdf.glance import glance_pages
from tests.conftest import ROOT, make_pdf

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
