"""Memory stays flat: an attachment's streams stay in its mapped file until the pack is
written, so a build's peak memory does not grow with the attachments' content bytes; and
a stream read after its file was closed fails loudly rather than reading garbage."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from packgen.errors import Position
from packgen.model import Attachment
from packgen.pdf.bridge import stored_data, stored_window
from packgen.pdf.mapped import MapClosedError
from packgen.pdf.sources import open_pdf
from tests.conftest import MeetingFolder, basic_meeting
from tests.security.test_hostile_pdfs import raw_pdf

LARGE = 48 << 20
"""Bytes of the large picture: 48 MiB of noise, stored unfiltered."""
ALBUM = 40
"""Pictures of 1 MiB in each of two files of many."""


def picture_pdf(size: int, seed: int = 0) -> bytes:
    """One A4 page drawing a grey picture of ``size`` bytes of noise (no filter, so the
    bytes in the file are the bytes in the pack)."""
    width = 4096
    height = size // width
    noise = random.Random(seed).randbytes(width * height)
    content = b"q 495 0 0 742 50 50 cm /Im1 Do Q"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (width, height, len(noise))
        + noise + b"\nendstream",
    ])


def album_pdf(pictures: int, size: int, seed: int) -> bytes:
    """``pictures`` pages, each drawing a picture of ``size`` bytes of noise of its own: a
    scan, as far as what the pack holds of it goes."""
    width = 1024
    height = size // width
    noise = random.Random(seed)
    content = b"q 495 0 0 742 50 50 cm /Im1 Do Q"
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(pictures))
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>",
              b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pictures),
              b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    for i in range(pictures):
        bodies += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
                   b"/Resources << /XObject << /Im1 %d 0 R >> >> >>" % (5 + 2 * i),
                   b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
                   b"/DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n"
                   % (width, height, width * height) + noise.randbytes(width * height)
                   + b"\nendstream"]
    return raw_pdf(bodies)


_PEAK = """\
import re, sys
from pathlib import Path
from packgen import build_pack
build_pack(Path(sys.argv[1]), Path(sys.argv[2]))
print(re.search(r"VmHWM:\\s*(\\d+)", Path("/proc/self/status").read_text())[1])
"""


def peak_kib(meeting: Path, out: Path) -> int:
    """The peak resident memory of a process that builds ``meeting``, in KiB. Its own: not
    ``ru_maxrss``, which counts what the forked parent held before the new program ran."""
    done = subprocess.run([sys.executable, "-c", _PEAK, str(meeting), str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(sys.platform != "linux", reason="/proc/self/status, and Linux's madvise")
def test_a_large_stream_does_not_grow_the_peak_memory(tmp_path: Path) -> None:
    small, large = MeetingFolder(tmp_path / "small"), MeetingFolder(tmp_path / "large")
    for folder, size in ((small, 1 << 20), (large, LARGE)):
        (folder.folder / "survey.pdf").write_bytes(picture_pdf(size))
        folder.write(basic_meeting([{"title": "Site survey", "attachments": ["survey.pdf"]}]))
    base = min(peak_kib(small.file, tmp_path / "small.pdf") for _ in range(2))
    grown = peak_kib(large.file, tmp_path / "large.pdf") - base
    # Held as a copy, the picture would count once (or twice: copied, and its file's pages
    # read); left in its file, a slice of it at a time while it is written.
    assert grown < (LARGE >> 10) // 3, f"peak grew by {grown:,} KiB for a {LARGE >> 20} MiB stream"
    pack = PdfReader(tmp_path / "large.pdf")
    picture = pack.pages[-1]["/Resources"]["/XObject"]["/Im1"].get_object()
    assert isinstance(picture, StreamObject)
    source = PdfReader(large.folder / "survey.pdf")
    assert stored_data(picture) == stored_data(source.pages[0]["/Resources"]["/XObject"]["/Im1"])


def test_a_stream_read_after_its_file_is_closed_fails_loudly(folder: MeetingFolder) -> None:
    (folder.folder / "survey.pdf").write_bytes(picture_pdf(1 << 20))
    source = open_pdf(Attachment(Position(folder.file, 9, 5), folder.folder / "survey.pdf"))
    page = source.reader.pages[0]
    picture = page["/Resources"]["/XObject"]["/Im1"].get_object()
    content = page["/Contents"].get_object()
    window = stored_window(picture)
    assert window is not None and window.length == 4096 * 256  # in the map, not copied
    assert stored_data(content).startswith(b"q 495 0 0 742")
    source.close()
    for read in (lambda: stored_data(picture), content.get_data,
                 lambda: window.write_to(io.BytesIO())):
        with pytest.raises(MapClosedError, match="after its file was closed"):
            read()


@pytest.mark.skipif(sys.platform != "linux", reason="/proc/self/status, and Linux's madvise")
def test_many_pictures_read_a_little_each_do_not_grow_the_peak_memory(tmp_path: Path) -> None:
    # Grouping twins reads a few bytes at each end of every picture, and Linux maps a
    # file in pieces of up to 2 MiB at a touch: read a little of each picture, all of
    # each file would count as the process's own, unless given back as it is read.
    small, large = MeetingFolder(tmp_path / "small"), MeetingFolder(tmp_path / "large")
    for folder, pictures in ((small, 1), (large, ALBUM)):
        for seed, name in enumerate(("survey.pdf", "plans.pdf")):
            (folder.folder / name).write_bytes(album_pdf(pictures, 1 << 20, seed))
        folder.write(basic_meeting([
            {"title": "Site survey", "attachments": ["survey.pdf"]},
            {"title": "Plans", "attachments": ["plans.pdf"]},
            {"title": "Site survey again", "attachments": ["survey.pdf"]}]))
    base = min(peak_kib(small.file, tmp_path / "small.pdf") for _ in range(2))
    grown = peak_kib(large.file, tmp_path / "large.pdf") - base
    held = 2 * ALBUM << 10  # KiB of pictures in the two files
    assert grown < held // 4, f"peak grew by {grown:,} KiB for {held:,} KiB of pictures"
    pack = PdfReader(tmp_path / "large.pdf")
    assert len(pack.pages) > 3 * ALBUM  # the survey twice, and the plans
    source = PdfReader(large.folder / "survey.pdf")  # attached last, as well as first
    picture = pack.pages[-1]["/Resources"]["/XObject"]["/Im1"].get_object()
    assert stored_data(picture) == stored_data(source.pages[-1]["/Resources"]["/XObject"]["/Im1"])
