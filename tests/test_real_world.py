"""PDFs nobody here wrote: the shared corpus, damaged files, forms."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from packgen import build_pack
from packgen.errors import PackgenError
from tests.conftest import (
    CORPUS,
    MeetingFolder,
    basic_meeting,
    footer_number,
    page_texts,
    page_words,
)

REFUSED = {
    "samplefiles-libreoffice-writer-password.pdf":
        "the PDF is protected by a password; ask its author for an unprotected copy",
    "samplefiles-unreadablemetadata.pdf": "the PDF is damaged or cut short and cannot be read",
}
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []


def one_attachment(folder: MeetingFolder, name: str, data: bytes) -> tuple[Path, Path]:
    (folder.folder / name).write_bytes(data)
    path = folder.write(basic_meeting([{"title": "Document", "attachments": [name]}]))
    return path, folder.root / "pack.pdf"


def outline_size(entries: list[object]) -> int:
    return sum(outline_size(e) if isinstance(e, list) else 1 for e in entries)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_is_merged_or_refused_in_one_line(folder: MeetingFolder, name: str) -> None:
    path, out = one_attachment(folder, name, (CORPUS / name).read_bytes())
    if name in REFUSED:
        with pytest.raises(PackgenError) as caught:
            build_pack(path, out)
        [problem] = caught.value.problems
        assert (problem.position.line, problem.position.column) == (9, 5)
        assert problem.message.startswith(f'"{name}": {REFUSED[name]}')
        assert not out.exists()
        return
    build_pack(path, out)
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
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_corpus_counts(tmp_path: Path) -> None:
    if not CORPUS_FILES:
        pytest.skip("the shared PDF corpus is not beside this checkout")
    merged, refused = [], []
    for name in CORPUS_FILES:
        folder = MeetingFolder(tmp_path / name)
        path, out = one_attachment(folder, name, (CORPUS / name).read_bytes())
        try:
            build_pack(path, out)
            merged.append(name)
        except PackgenError:
            refused.append(name)
    print(f"corpus: {len(merged)} merged, {len(refused)} refused, 0 crashed")
    assert sorted(refused) == sorted(REFUSED)
    assert len(merged) == len(CORPUS_FILES) - len(REFUSED)


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
