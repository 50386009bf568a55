"""Pages no viewer can decode: refused in one line when the file is opened, or merged as
they are, with a warning, when the officer asks for it with ``merge_damaged: true``.

Each fixture is a page that prints its marker, with one stream damaged: its content, a
form it draws, an image, a font. Streams that are odd but sound (a bad checksum qpdf
ignores, bytes after the data's end, an empty stream, short filter names) still merge,
and ``qpdf --check`` passes the pack (the fixture in ``conftest.py`` runs it on every
pack).
"""

from __future__ import annotations

import io
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from packgen import build_pack, validate
from packgen.pdf import filters
from tests.conftest import BuildFn, MeetingFolder, basic_meeting, besides_untagged, page_texts
from tests.security.test_hostile_pdfs import attach, raw_pdf, refused

TEXT = b"BT /F1 24 Tf 100 400 Td (marker-%d) Tj ET"
FLATE = b"/Filter /FlateDecode"
ADVICE = ('; export the PDF again, or add "merge_damaged: true" to the attachment to merge it '
          "as it is")


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def filtered_pdf(*pages: tuple[bytes, bytes], extra: bytes = b"") -> bytes:
    """Pages each drawn by (content stream entries, its data); object 3 is Helvetica and
    object 4 ``extra`` (an XObject /X1 or a font /F2 every page may use)."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
              b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
              extra or b"null"]
    kids = []
    for entries, data in pages:
        bodies.append(stream(data, entries))
        bodies.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                      b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> /XObject << /X1 4 0 R >>"
                      b" >> >>" % len(bodies))
        kids.append(len(bodies))
    bodies[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    return raw_pdf(bodies)


def page(number: int, entries: bytes = FLATE, data: bytes | None = None) -> tuple[bytes, bytes]:
    """Page ``number``'s content; Flate-encoded and sound unless told otherwise."""
    return entries, zlib.compress(TEXT % number) if data is None else data


def shown(number: int) -> bytes:
    """Content that draws /X1 and prints the marker, sound."""
    return zlib.compress(b"q 200 0 0 200 100 100 cm /X1 Do Q " + TEXT % number)


IMAGE = b"/Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray " \
        b"/BitsPerComponent 8 "
FORM = b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] "


def font_pdf(font_file: bytes) -> bytes:
    """A page whose text is set in a TrueType font embedded as ``font_file``."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(b"BT /F1 24 Tf 100 400 Td ( ) Tj ET"),
        b"<< /Type /Font /Subtype /TrueType /BaseFont /Odd /FirstChar 32 /LastChar 32 "
        b"/Widths [500] /FontDescriptor << /Type /FontDescriptor /FontName /Odd /Flags 32 "
        b"/FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 "
        b"/StemV 80 /FontFile2 6 0 R >> >>",
        font_file])

CUT = zlib.compress(TEXT % 1 * 40)[:40]

REFUSED = [
    (filtered_pdf(page(1, b"/Filter /XXXDecode", TEXT % 1)),
     "page 1 has content encoded with a filter PDF viewers do not know (/XXXDecode), so the "
     "page may show blank or in part"),
    (filtered_pdf(page(1), page(2, FLATE, CUT)),
     "page 2 has content that cannot be decoded (/FlateDecode: the data is cut short), so the "
     "page may show blank or in part"),
    (filtered_pdf(page(1, FLATE, zlib.compress(TEXT % 1)[:-4])),
     "page 1 has content that cannot be decoded (/FlateDecode: the data is cut short before "
     "its checksum), so the page may show blank or in part"),
    (filtered_pdf(page(1, FLATE, b"this is not Flate data")),
     "page 1 has content that cannot be decoded (/FlateDecode: it is not Flate data), so the "
     "page may show blank or in part"),
    (filtered_pdf(page(1, FLATE, zlib.compress(TEXT % 1)[:2] + b"\xff" * 20)),
     "page 1 has content that cannot be decoded (/FlateDecode: the data is corrupt: invalid "
     "block type), so the page may show blank or in part"),
    (filtered_pdf(page(1, b"/Filter [/FlateDecode /XXXDecode]", zlib.compress(TEXT % 1))),
     "page 1 has content encoded with a filter PDF viewers do not know (/XXXDecode), so the "
     "page may show blank or in part"),
    (filtered_pdf(page(1, b"/Filter 7", TEXT % 1)),
     "page 1 has content encoded with a filter PDF viewers do not know (/Filter 7), so the "
     "page may show blank or in part"),
    (filtered_pdf(page(1, b"/Filter /ASCIIHexDecode", b"GG>")),
     "page 1 has content that cannot be decoded (/ASCIIHexDecode: a character that is not one "
     "of its digits), so the page may show blank or in part"),
    (filtered_pdf(page(1, b"/Filter /DCTDecode", b"\xff\xd8")),
     "page 1 has content that cannot be decoded (/DCTDecode: an image's encoding, not "
     "content), so the page may show blank or in part"),
    (filtered_pdf(page(1, FLATE, shown(1)), extra=stream(b"\xff\x00", IMAGE + b"/Filter /XXX")),
     "page 1 has an image encoded with a filter PDF viewers do not know (/XXX), so the image "
     "may not show"),
    (filtered_pdf(page(1, FLATE, shown(1)),
                  extra=stream(b"\xff\xff\xff\xff", IMAGE + b"/Filter /LZWDecode")),
     "page 1 has an image that cannot be decoded (/LZWDecode: the data is corrupt: LZW code "
     "511 out of range with empty base at table index 258), so the image may not show"),
    (filtered_pdf(page(1, FLATE, shown(1)), extra=stream(CUT, FORM + FLATE)),
     "page 1 has content that cannot be decoded (/FlateDecode: the data is cut short), so the "
     "page may show blank or in part"),
    (raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots "
              b"[<< /Type /Annot /Subtype /Square /Rect [0 0 99 99] /AP << /N 5 0 R >> >>] >>",
              stream(zlib.compress(b"0 0 m 9 9 l S"), FLATE),
              stream(b"0 0 m 9 9 l S", FORM + b"/Filter /XXXDecode")]),
     "page 1 has content encoded with a filter PDF viewers do not know (/XXXDecode), so the "
     "page may show blank or in part"),
    (font_pdf(stream(b"\x00\x01", b"/Filter /XXXDecode")),
     "page 1 has a font encoded with a filter PDF viewers do not know (/XXXDecode), so its "
     "text may not show"),
]
IDS = ["unknown-filter", "cut-short", "no-checksum", "not-flate", "corrupt-flate",
       "filter-array-with-an-unknown", "filter-not-a-name", "bad-hex", "picture-as-content",
       "image-unknown-filter", "image-bad-lzw", "form-cut-short", "appearance-unknown-filter",
       "font-unknown-filter"]


@pytest.mark.parametrize(("data", "message"), REFUSED, ids=IDS)
def test_a_page_no_viewer_can_decode_is_refused_in_one_line(
        folder: MeetingFolder, data: bytes, message: str) -> None:
    assert refused(folder, data) == message + ADVICE


def test_several_damaged_pages_are_counted_and_a_shared_stream_named_once(
        folder: MeetingFolder) -> None:
    image = stream(b"\x00", IMAGE + b"/Filter /XXX")
    data = filtered_pdf(page(1), page(2, FLATE, shown(2)), page(3, FLATE, shown(3)),
                        page(4, FLATE, CUT), extra=image)
    # Every page's resources name the image: it is damage of the first page, once.
    assert refused(folder, data) == (
        "page 1 has an image encoded with a filter PDF viewers do not know (/XXX), so the image "
        "may not show; 1 more page is damaged too" + ADVICE)


@pytest.mark.parametrize("data", [
    filtered_pdf(page(1, FLATE, zlib.compress(TEXT % 1)[:-4] + b"\0\0\0\0")),  # bad checksum
    filtered_pdf(page(1, FLATE, zlib.compress(TEXT % 1) + b"\r\n junk after the end")),
    filtered_pdf(page(1, b"/Filter [/FlateDecode /FlateDecode]",
                      zlib.compress(zlib.compress(TEXT % 1)))),
    filtered_pdf(page(1, b"/Filter /Fl")),  # a short name, as inline images spell it
    filtered_pdf(page(1, b"/Filter [/ASCIIHexDecode]", (TEXT % 1).hex().encode() + b">")),
    filtered_pdf(page(1, b"/Filter null", TEXT % 1)),
    filtered_pdf(page(1), (b"/Filter /FlateDecode", b"")),  # an empty stream
    # Images in Flate are not decoded (qpdf does not decode them either): merged as they are.
    filtered_pdf(page(1, FLATE, shown(1)), extra=stream(b"not Flate data", IMAGE + FLATE)),
], ids=["bad-checksum", "bytes-after-the-end", "flate-twice", "short-name", "hex", "null",
        "empty", "image-not-decoded"])
def test_odd_but_sound_streams_merge(folder: MeetingFolder, data: bytes) -> None:
    meeting = attach(folder, data)
    result = build_pack(meeting, folder.root / "pack.pdf")
    assert besides_untagged(result.warnings) == [] == besides_untagged(validate(meeting).warnings)
    assert "marker-1" in page_texts(folder.root / "pack.pdf")[2]


def opted_in(folder: MeetingFolder, data: bytes) -> Path:
    (folder.folder / "damaged.pdf").write_bytes(data)
    meeting = basic_meeting([{"title": "Document", "attachments": [
        {"file": "damaged.pdf", "merge_damaged": True}]}])
    return folder.write(yaml.safe_dump(meeting, sort_keys=False))


def test_merge_damaged_merges_it_as_it_is_with_a_warning(folder: MeetingFolder,
                                                         run_cli: BuildFn) -> None:
    data = filtered_pdf(page(1), page(2, b"/Filter /XXXDecode", TEXT % 2), page(3))
    opted_in(folder, data)
    said = []
    for command in (["validate"], ["build", "-o", "pack.pdf"]):
        result = run_cli(*command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 0, result.stderr
        said.append(besides_untagged(line for line in result.stderr.splitlines()
                                     if "warning" in line))
    assert said[0] == said[1] == [
        'meeting/meeting.yaml:9:5: warning: "damaged.pdf": page 2 has content encoded with a '
        "filter PDF viewers do not know (/XXXDecode), so the page may show blank or in part; "
        'merged as it is, as "merge_damaged: true" asks']
    pack = folder.root / "pack.pdf"
    texts = page_texts(pack)
    assert "marker-1" in texts[2] and "marker-3" in texts[4] and "Page 4" in texts[3]
    # What qpdf finds is the attachment's own damage, on its page, and nothing else.
    check = subprocess.run(["qpdf", "--check", str(pack)], capture_output=True, text=True)
    copied = PdfReader(pack).pages[3]["/Contents"]
    damaged = [c.idnum for c in copied if c.get_object().get("/Filter") == "/XXXDecode"]
    said = (check.stdout + check.stderr).splitlines()
    assert [line for line in said if line.startswith(("ERROR", "WARNING"))] == [
        f"ERROR: page 4: content stream (content stream object {damaged[0]} 0): errors while "
        "decoding content stream"]


def test_without_the_opt_in_the_command_line_refuses_it_and_writes_nothing(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    attach(folder, filtered_pdf(page(1, b"/Filter /XXXDecode", TEXT % 1)))
    for command in ("validate", "build"):
        result = run_cli(command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            'meeting/meeting.yaml:9:5: error: "hostile.pdf": page 1 has content encoded with '
            "a filter PDF viewers do not know (/XXXDecode), so the page may show blank or in "
            "part" + ADVICE, "1 problem; nothing was written."]
        assert "Traceback" not in result.stderr
    assert not (folder.root / "build").exists()


def test_decoding_stops_at_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the budget only filter names are checked: a bomb of content costs a bounded
    time, and what lies past it goes unchecked rather than slow a build."""
    data = filtered_pdf(page(1, FLATE, zlib.compress(b" " * 100_000)), page(2, FLATE, CUT),
                        page(3, b"/Filter /XXXDecode", b""))
    reader = PdfReader(io.BytesIO(data))
    assert [d.page for d in filters.find_damage(reader)] == [1, 2]
    monkeypatch.setattr(filters, "INFLATE_BUDGET", 50_000)
    assert [d.page for d in filters.find_damage(reader)] == [2]


def test_a_reports_appendix_opts_in_as_an_attachment_does(folder: MeetingFolder,
                                                          run_cli: BuildFn) -> None:
    (folder.folder / "damaged.pdf").write_bytes(
        filtered_pdf(page(1, b"/Filter /XXXDecode", TEXT % 1)))
    report = "kind: report\ntitle: Budget\nappendices:\n  - file: damaged.pdf\n"
    (folder.folder / "budget.yaml").write_text(report, encoding="utf-8")
    folder.write(basic_meeting([{"title": "Budget", "attachments": ["budget.yaml"]}]))
    refused = run_cli("validate", "meeting/meeting.yaml", cwd=folder.root)
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[0].startswith(
        'meeting/budget.yaml:4:5: error: "damaged.pdf": page 1 has content encoded')
    (folder.folder / "budget.yaml").write_text(report + "    merge_damaged: true\n",
                                               encoding="utf-8")
    for command in (["validate"], ["build", "-o", "pack.pdf"]):
        result = run_cli(*command, "meeting/meeting.yaml", cwd=folder.root)
        assert result.returncode == 0, result.stderr
        assert 'as "merge_damaged: true" asks' in result.stderr
    def parts(contents: Any) -> list[Any]:
        found = contents.get_object()
        return list(found) if isinstance(found, list) else [found]

    merged = [p for p in PdfReader(folder.root / "pack.pdf").pages
              if any(c.get_object().get("/Filter") == "/XXXDecode" for c in parts(p["/Contents"]))]
    assert len(merged) == 1  # the appendix's page, as it is


def lzw(data: bytes, early_change: int) -> bytes:
    """``data`` LZW-encoded as PDF defines it (7.4.4), codes widening one code early
    (/EarlyChange 1, the default) or exactly when they must (0); for data short enough
    that the table never fills (no clear code is written)."""
    table = {bytes([n]): n for n in range(256)}
    width, codes, word = 9, [(256, 9)], b""
    for byte in data:
        if word + bytes([byte]) in table:
            word += bytes([byte])
            continue
        codes.append((table[word], width))
        table[word + bytes([byte])] = len(table) + 2  # 256 and 257 are clear and end
        # The reader adds each entry a code later than the writer, so it widens then.
        if len(table) + 2 + early_change > 1 << width and width < 12:
            width += 1
        word = bytes([byte])
    assert len(table) < 4094
    codes += [(table[word], width), (257, width)]
    bits = "".join(format(code, f"0{size}b") for code, size in codes)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))


def test_lzw_that_changes_code_width_late_merges(folder: MeetingFolder) -> None:
    drawing = TEXT % 1 + b"".join(b" %d %d m %d %d l S" % (n, n * 3 % 700, n * 7 % 500, n)
                                  for n in range(150))
    data = lzw(drawing, early_change=0)
    assert data != lzw(drawing, early_change=1)  # long enough for the variants to differ
    attach(folder, filtered_pdf(page(1, b"/Filter /LZWDecode /DecodeParms "
                                        b"<< /EarlyChange 0 >>", data)))
    out = folder.root / "pack.pdf"
    build_pack(folder.folder / "meeting.yaml", out)
    assert "marker-1" in page_texts(out)[2]


def annotated_pdf(annotation: bytes) -> bytes:
    """One sound page with one Square annotation whose faces are objects 4 (cut short) and
    5 (sound); ``annotation`` names them."""
    cut = zlib.compress(b"0 0 1 rg 0 0 10 10 re f")[:-6]
    sound = zlib.compress(b"1 0 0 rg 0 0 10 10 re f")
    form = FORM.replace(b"[0 0 1 1]", b"[0 0 10 10]")
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>",
              b"<< /Type /Pages /Kids [7 0 R] /Count 1 >>",
              b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
              stream(cut, form + FLATE), stream(sound, form + FLATE),
              stream(zlib.compress(TEXT % 1), FLATE),
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R "
              b"/Resources << /Font << /F1 3 0 R >> >> /Annots [8 0 R] >>",
              b"<< /Type /Annot /Subtype /Square /Rect [100 100 110 110] " + annotation + b">>"]
    return raw_pdf(bodies)


@pytest.mark.parametrize("annotation", [
    b"/F 6 /AP << /N 4 0 R >>",  # hidden: the pack leaves it out
    b"/F 4 /AP << /N 5 0 R /D 4 0 R >>",  # its pressed-down face: the pack keeps only /N
    b"/F 4 /AP << /N << /On 5 0 R /Off 4 0 R >> >> /AS /On",  # the state it is not in
], ids=["hidden", "down-face", "other-state"])
def test_damage_the_pack_does_not_copy_does_not_refuse_the_file(folder: MeetingFolder,
                                                                annotation: bytes) -> None:
    attach(folder, annotated_pdf(annotation))
    build_pack(folder.folder / "meeting.yaml", folder.root / "pack.pdf")


def test_damage_in_the_face_the_pack_draws_still_refuses_it(folder: MeetingFolder) -> None:
    assert refused(folder, annotated_pdf(b"/F 4 /AP << /N 4 0 R >>")) == (
        "page 1 has content that cannot be decoded (/FlateDecode: the data is cut short), so "
        "the page may show blank or in part" + ADVICE)


def test_annotations_pages_share_are_looked_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = filters.drawn_appearances

    def counting(annots: Any, visibility: Any) -> Any:
        calls.append(id(annots))
        return real(annots, visibility)

    monkeypatch.setattr(filters, "drawn_appearances", counting)
    data = annotated_pdf(b"/F 4 /AP << /N 5 0 R >>").replace(
        b"/Kids [7 0 R] /Count 1", b"/Kids [%s] /Count 50" % b" ".join([b"7 0 R"] * 50))
    reader = PdfReader(io.BytesIO(data))
    assert filters.find_damage(reader) == [] and len(calls) == 1


def test_data_held_to_check_what_flate_wraps_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filters, "KEEP_BUDGET", 1 << 16)
    wrapped = zlib.compress(b"0" * (1 << 20) + b"not hex at all>")
    data = filtered_pdf(page(1, b"/Filter [/FlateDecode /ASCIIHexDecode]", wrapped))
    assert filters.find_damage(PdfReader(io.BytesIO(data))) == []  # past the bound: unread
    monkeypatch.setattr(filters, "KEEP_BUDGET", 1 << 24)
    [damage] = filters.find_damage(PdfReader(io.BytesIO(data)))
    assert damage.filter == "/ASCIIHexDecode"
