"""PDFs nobody here wrote: the shared corpus, damaged files, forms."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from packgen import build_pack
from packgen.errors import PackgenError
from packgen.pdf.bridge import stored_data
from tests.conftest import (
    CORPUS,
    MeetingFolder,
    basic_meeting,
    footer_number,
    page_texts,
    page_words,
)

# Every way packgen refuses a PDF, as the message after the file's name begins.
REFUSALS = re.compile("|".join([
    r"the PDF is protected by a password; ask its author for an unprotected copy",
    r"the PDF is damaged or cut short and cannot be read \(.*\); export or download it again",
    r"the PDF is damaged and cannot be merged \(.*\)",
    r"the PDF is damaged \(.*\), and at [\d,]+ MiB it is larger than packgen will repair",
    r"the PDF exceeds one of the PDF reader's safety limits \(.*\)",
    r"not a PDF file", r"the file is empty", r"the PDF has no pages",
    r"cannot read the file \(.*\)",
    r"the PDF has (more than )?[\d,]+ pages; packgen merges attachments of up to",
    r"the page tree (repeats a page or a branch|has more than [\d,]+ entries)",
    r"page \d+ has (no page size|a damaged page box|a page box with no area"
    r"|a damaged rotation) \(.*\)",
]))
# Files whose fate is known; checked when the corpus holds them.
KNOWN = {
    "samplefiles-libreoffice-writer-password.pdf":
        "the PDF is protected by a password; ask its author for an unprotected copy",
    "pikepdf-graph-encrypted.pdf":
        "the PDF is protected by a password; ask its author for an unprotected copy",
    "samplefiles-unreadablemetadata.pdf": "the PDF is damaged or cut short and cannot be read",
    "qpdf-empty.pdf": "the PDF has no pages",
    "qpdf-bad1.pdf": "not a PDF file",
    "samplefiles-habibi-rotated.pdf": None,  # merged: None
    "samplefiles-libreoffice-form.pdf": None,
}
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []


def one_attachment(folder: MeetingFolder, name: str, data: bytes) -> tuple[Path, Path]:
    (folder.folder / name).write_bytes(data)
    path = folder.write(basic_meeting([{"title": "Document", "attachments": [name]}]))
    return path, folder.root / "pack.pdf"


def outline_size(entries: list[object]) -> int:
    return sum(outline_size(e) if isinstance(e, list) else 1 for e in entries)


@pytest.mark.qpdf_judged_by_test
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_is_merged_or_refused_in_one_line(folder: MeetingFolder, name: str) -> None:
    """Any PDF in the corpus, now or later: merged and sound, or refused in one known line."""
    path, out = one_attachment(folder, name, (CORPUS / name).read_bytes())
    try:
        build_pack(path, out)
    except PackgenError as caught:
        [problem] = caught.problems
        assert (problem.position.line, problem.position.column) == (9, 5)
        assert problem.message.startswith(f'"{name}": ')
        reason = problem.message[len(name) + 4:]
        assert REFUSALS.match(reason), f"not a known refusal: {reason}"
        assert KNOWN.get(name) is None or reason.startswith(str(KNOWN[name]))
        assert name not in KNOWN or KNOWN[name] is not None, f"{name} should merge: {reason}"
        assert not out.exists()
        return
    assert KNOWN.get(name) is None, f"{name} should be refused: {KNOWN.get(name)}"
    source = PdfReader(CORPUS / name)
    pack = PdfReader(out)
    assert len(pack.pages) == 2 + len(source.pages)  # front sheet, filler, the document
    words = page_words(out)
    for index in range(2, len(pack.pages)):
        width, height, _ = words[index]
        if width >= 100 and height >= 100:  # room for a footer
            assert footer_number(*words[index]) == index + 1, f"page {index + 1}"
    # Its own bookmarks are kept beneath its entry: Agenda, item, document, then its own.
    assert outline_size(pack.outline) == 3 + outline_size(source.outline)
    assert_no_worse_than_source(out, CORPUS / name)


def assert_no_worse_than_source(pack: Path, source: Path) -> None:
    """qpdf finds nothing in the pack, except streams the source itself cannot decode.

    A damaged stream (an image whose compressed data does not inflate) is carried into
    the pack as it is, and packgen warns that the file was repaired; what the pack must
    never do is damage a stream of its own making, or one the source held sound.
    """
    in_source = set(undecodable_streams(source, judged=False).values())
    for obj, data in undecodable_streams(pack).items():
        assert data in in_source, (f"qpdf --check {pack}: object {obj} cannot be decoded, "
                                   "and no stream of the source is so damaged")


def undecodable_streams(pdf: Path, judged: bool = True) -> dict[int, bytes]:
    """The raw data (as pypdf reads it) of each stream qpdf cannot decode.

    ``judged``: anything else qpdf finds fails the test.
    """
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    found: dict[int, bytes] = {}
    reader = PdfReader(pdf)
    for line in (check.stderr + check.stdout).splitlines():
        decoding = re.search(r"error decoding stream data for object (\d+) 0", line)
        if decoding:
            stream = reader.get_object(int(decoding[1]))
            assert isinstance(stream, StreamObject)
            found[int(decoding[1])] = stored_data(stream)
        elif judged and line.startswith("WARNING"):
            assert "stream will be re-processed without filtering" in line, line
    assert check.returncode in (0, 3) or not judged, check.stdout
    return found


def _sound(folder: MeetingFolder) -> bytes:
    folder.pdf("sound.pdf", 3)
    return (folder.folder / "sound.pdf").read_bytes()


def test_repaired_pdfs_merge_with_a_warning(folder: MeetingFolder) -> None:
    data = _sound(folder)
    damaged = {
        "offset.pdf": data[:data.rindex(b"startxref")] + b"startxref\n999999\n%%EOF\n",
        "junk.pdf": b"junk from the mail system\n" + data,
        "no-eof.pdf": data[:data.rindex(b"%%EOF")],
    }
    for name, content in damaged.items():
        (folder.folder / name).write_bytes(content)
    path = folder.write(basic_meeting([{"title": n, "attachments": [n]} for n in damaged]))
    result = build_pack(path, folder.root / "pack.pdf")
    said = {p.message.split('"')[1]: p.message for p in result.warnings}
    assert all(p.severity == "warning" for p in result.warnings)
    assert "cross-reference table was out of place and was rebuilt" in said["offset.pdf"]
    assert "junk before the PDF header" in said["junk.pdf"]
    assert "end-of-file marker was missing and was added" in said["no-eof.pdf"]
    assert len(PdfReader(folder.root / "pack.pdf").pages) == 1 + 1 + 3 * 4 - 1


def test_a_cut_short_pdf_is_refused(folder: MeetingFolder) -> None:
    data = _sound(folder)
    path, out = one_attachment(folder, "cut.pdf", data[:int(len(data) * 0.7)])
    with pytest.raises(PackgenError) as caught:
        build_pack(path, out)
    assert "damaged or cut short and cannot be read" in caught.value.problems[0].message
    assert "export or download it again" in caught.value.problems[0].message


def test_warnings_print_and_exit_0(run_cli: object, folder: MeetingFolder) -> None:
    data = _sound(folder)
    (folder.folder / "offset.pdf").write_bytes(
        data[:data.rindex(b"startxref")] + b"startxref\n999999\n%%EOF\n")
    folder.write(basic_meeting([{"title": "A", "attachments": ["offset.pdf"]}]))
    result = run_cli("build", "meeting/meeting.yaml", cwd=folder.root)  # type: ignore[operator]
    assert result.returncode == 0
    assert result.stderr.startswith('meeting/meeting.yaml:9:5: warning: "offset.pdf": the PDF '
                                    "was damaged and has been repaired")
    assert "nothing was written" not in result.stderr


def test_forms_print_filled_in_and_do_not_merge(folder: MeetingFolder, corpus: Path) -> None:
    form = (corpus / "samplefiles-libreoffice-form.pdf").read_bytes()
    for name in ("first.pdf", "second.pdf"):
        (folder.folder / name).write_bytes(form)
    path = folder.write(basic_meeting([{"title": "Forms", "attachments": ["first.pdf",
                                                                          "second.pdf"]}]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    pack = PdfReader(out)
    assert "/AcroForm" not in pack.root_object
    assert not any(a.get_object().get("/Subtype") == "/Widget"
                   for page in pack.pages for a in page.get("/Annots", []))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text.count("Alice") == 2 and text.count("Bob") == 2


def test_a_table_entry_pointing_astray_is_repaired_not_trusted(folder: MeetingFolder) -> None:
    """Read quickly, a file is read strictly first; an entry pointing at the wrong object
    must send it back to pypdf's tolerant reading, which finds the object and says so."""
    data = bytearray(_sound(folder))
    table = data.index(b"\nxref\n")
    entries = [m.start() for m in re.finditer(rb"\d{10} 00000 n ", data[table:])]
    assert len(entries) > 3
    # Point the last object's entry at the start of the one before it.
    last, before = (table + e for e in entries[-2:][::-1])
    data[last:last + 10] = data[before:before + 10]
    path, out = one_attachment(folder, "astray.pdf", bytes(data))
    result = build_pack(path, out)
    assert [w.message.split(": ", 1)[1][:40] for w in result.warnings] == [
        "the PDF was damaged and has been repaire"]
    texts = page_texts(out)
    assert [n for n in (1, 2, 3) if f"sound-p{n}" in texts[1 + n]] == [1, 2, 3]
