"""PDFs nobody here wrote: the shared corpus, damaged files, forms.

Every PDF in the shared corpus, now or added later, is built on its own with the command
line and must end in a sound pack with its footers, or in one line refusing it; what is
known of each file is in ``tests/corpus.yaml``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from packgen import build_pack
from packgen.errors import PackgenError
from packgen.pdf.bridge import stored_data
from packgen.pdf.stamps import FOOTER_BASELINE
from tests.conftest import (
    CORPUS,
    MeetingFolder,
    basic_meeting,
    besides_untagged,
    footer_number,
    page_texts,
    page_words,
)
from tests.structure_baseline import inherits

MANIFEST = Path(__file__).with_name("corpus.yaml")
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(MANIFEST.read_text())["files"]
KEYS = {"merged", "refused", "merge_damaged", "warning", "note"}
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []
BUILD_TIMEOUT = 120
"""Seconds one corpus file may take to build (the largest, 117 pages, takes 3)."""

# Every way packgen refuses a PDF, as the reason after the file's name begins.
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
    r"page \d+ has (content|an image|a font|data) (encoded with a filter PDF viewers do not "
    r"know|that cannot be decoded) \(.*\), so .*; export the PDF again, or add "
    r'"merge_damaged: true" to the attachment to merge it as it is$',
]))
_WHERE = r"meeting/meeting\.yaml:\d+:\d+"


@dataclass(frozen=True)
class Built:
    """How ``packgen build`` ended for one attachment."""

    returncode: int
    stderr: str
    pack: Path


def build_one(folder: MeetingFolder, name: str, data: bytes, merge_damaged: bool = False
              ) -> Built:
    """Attach ``data`` as ``name`` to a meeting of one item and build it, as a user would."""
    (folder.folder / name).write_bytes(data)
    attachment: str | dict[str, Any] = (
        {"file": name, "merge_damaged": True} if merge_damaged else name)
    folder.write(basic_meeting([{"title": "Document", "attachments": [attachment]}]))
    pack = folder.root / "pack.pdf"
    pack.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-m", "packgen", "build", "meeting/meeting.yaml",
                             "-o", pack.name], cwd=folder.root, capture_output=True, text=True,
                            timeout=BUILD_TIMEOUT)
    return Built(result.returncode, result.stderr, pack)


def check_outcome(folder: MeetingFolder, name: str, data: bytes,
                  expected: dict[str, Any] | None = None) -> None:
    """The file builds into a sound pack, or is refused in one line; and as ``expected``
    says, when the manifest names it."""
    expected = expected or {}
    opt_in = bool(expected.get("merge_damaged"))
    built = build_one(folder, name, data)
    assert "Traceback" not in built.stderr, built.stderr
    if opt_in:  # refused alone, merged as it is when asked
        reason = refusal(built, name)
        assert "merge_damaged: true" in reason, reason
        built = build_one(folder, name, data, merge_damaged=True)
        assert "Traceback" not in built.stderr, built.stderr
    if built.returncode == 1:
        reason = refusal(built, name)
        assert "refused" in expected or not expected, f"{name} should merge: {reason}"
        assert reason.startswith(expected.get("refused", "")), reason
        return
    assert built.returncode == 0, built.stderr
    assert "refused" not in expected, f"{name} should be refused: {expected['refused']}"
    said = built.stderr.splitlines()
    # What was repaired ("NAME": ...), and whether it is tagged ("NAME" is not ...), at most
    # once.
    assert all(re.match(_WHERE + f': warning: "{re.escape(name)}"[: ]', line)
               for line in said), said
    assert len([line for line in said if f'"{name}": ' not in line]) <= 1, said
    if "warning" in expected:
        assert any(expected["warning"] in line for line in said), said
    assert_footers(built.pack)
    # After the front sheet and the filler: held to what the file's own structure had.
    inherits(built.pack, 2, folder.folder / name)
    assert_sound(built.pack, folder.folder / name, carried=opt_in)
    assert_pages_and_outline(built.pack, folder.folder / name)


def refusal(built: Built, name: str) -> str:
    """The reason of the one line refusing the file; nothing written, a known reason."""
    lines = built.stderr.splitlines()
    assert built.returncode == 1, built.stderr
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == 1 and lines[-1] == "1 problem; nothing was written.", lines
    assert all(": warning: " in line for line in lines[:-1] if line not in errors), lines
    match = re.fullmatch(_WHERE + f': error: "{re.escape(name)}": (.*)', errors[0])
    assert match, errors[0]
    assert REFUSALS.match(match[1]), f"not a known refusal: {match[1]}"
    assert not built.pack.exists()
    return match[1]


def assert_footers(pack: Path) -> None:
    """"Page N" on every page after the front sheet and filler: at the foot of the page as
    displayed, upright and centred, where the page has room for it (a 4 x 4 pt page has
    not: its footer is drawn all the same); the page's boxes written plainly."""
    reader = PdfReader(pack)
    for index, (width, height, words) in enumerate(page_words(pack)):
        if index < 2:
            continue
        # Boxes every reader reads alike: corners in order, a CropBox inside the MediaBox.
        page = reader.pages[index]
        media = [float(v) for v in page["/MediaBox"]]
        crop = [float(v) for v in page["/CropBox"]] if "/CropBox" in page else media
        assert media[0] <= crop[0] < crop[2] <= media[2], (index + 1, media, crop)
        assert media[1] <= crop[1] < crop[3] <= media[3], (index + 1, media, crop)
        if width < 100 or height < 100:
            assert f"Page {index + 1}" in reader.pages[index].extract_text(), index + 1
            continue
        assert footer_number(width, height, words) == index + 1, f"page {index + 1}"
        [footer] = [w for w in words if w.text == "Page" and any(
            n.text == str(index + 1) and abs(n.y0 - w.y0) < 0.5 and 0 < n.x0 - w.x1 < 5
            for n in words)]
        assert 0 < footer.x0 and footer.y0 > 0 and footer.x1 < width and footer.y1 < height
        assert abs(height - footer.y1 - FOOTER_BASELINE) < 3, f"page {index + 1}"


def assert_sound(pack: Path, source: Path, carried: bool) -> None:
    """``qpdf --check`` accepts the pack; with ``carried``, the file was merged damaged as
    it is, and qpdf may find in the pack only streams the file itself holds."""
    check = subprocess.run(["qpdf", "--check", str(pack)], capture_output=True, text=True)
    said = (check.stdout + check.stderr).splitlines()
    if not carried:
        assert check.returncode == 0, "\n".join(said)
        return
    own = {stored_data(s) for s in streams(PdfReader(source))}
    reader = PdfReader(pack)
    for line in said:
        if line.startswith(("WARNING", "ERROR")) and not line.endswith(
                "stream will be re-processed without filtering to avoid data loss"):
            found = re.search(r"(?:object|stream) (\d+) 0", line)
            assert found, line
            damaged = reader.get_object(int(found[1]))
            assert isinstance(damaged, StreamObject) and stored_data(damaged) in own, line


def assert_pages_and_outline(pack: Path, source: Path) -> None:
    """The front sheet, a filler, then every page of the file; its own bookmarks beneath
    its entry (Agenda, the item, the document, then its own). Checked where pypdf reads the
    file without packgen's repairs."""
    try:
        reader = PdfReader(source)
        if reader.is_encrypted:
            reader.decrypt("")
        pages, outline = len(reader.pages), outline_size(reader.outline)
    except Exception:  # a file only packgen's repairs read
        return
    merged = PdfReader(pack)
    assert len(merged.pages) == 2 + pages
    assert outline_size(merged.outline) == 3 + outline


def outline_size(entries: list[object]) -> int:
    return sum(outline_size(e) if isinstance(e, list) else 1 for e in entries)


def streams(reader: PdfReader) -> Iterator[StreamObject]:
    """Every stream the pages of ``reader`` reach."""
    seen: set[int] = set()
    pending: list[object] = list(reader.pages)
    while pending:
        value = pending.pop()
        if isinstance(value, IndirectObject):
            value = value.get_object()
        if id(value) in seen or not isinstance(value, (DictionaryObject, ArrayObject)):
            continue
        seen.add(id(value))
        if isinstance(value, StreamObject):
            yield value
        pending.extend(value.values() if isinstance(value, DictionaryObject) else value)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_is_merged_or_refused_in_one_line(folder: MeetingFolder, name: str) -> None:
    """Any PDF in the corpus, now or later: merged and sound, or refused in one line."""
    check_outcome(folder, name, (CORPUS / name).read_bytes(), EXPECTED.get(name))


def test_a_file_added_later_needs_no_manifest_entry(folder: MeetingFolder, corpus: Path
                                                    ) -> None:
    """Copies of known files under names the manifest does not know: one that merges, one
    refused, one merged only when asked; each is held to the two outcomes alone."""
    for kind in ("merged", "refused", "merge_damaged"):
        known = [n for n in CORPUS_FILES if kind in EXPECTED.get(n, {})]
        if known:
            data = (corpus / known[0]).read_bytes()
            for stale in folder.folder.glob("*.pdf"):
                stale.unlink()
            check_outcome(folder, f"added-later-{kind}.pdf", data)


def test_the_manifest_names_corpus_files_in_its_own_words(corpus: Path) -> None:
    for name, expected in EXPECTED.items():
        assert (corpus / name).is_file(), f"tests/corpus.yaml names no corpus file: {name}"
        assert set(expected) <= KEYS, f"{name}: unknown keys {set(expected) - KEYS}"
        assert len({"merged", "refused", "merge_damaged"} & set(expected)) <= 1, name


def test_the_corpus_checks_fail_a_damaged_pack(folder: MeetingFolder) -> None:
    """What the corpus test asks of a pack fails a pack cut short, and pages without
    footers."""
    sound = CORPUS / "samplefiles-pdflatex-4-pages.pdf"
    if not sound.is_file():
        pytest.skip("the corpus file this test uses is not there")
    built = build_one(folder, "sound.pdf", sound.read_bytes())
    cut = folder.root / "cut.pdf"
    cut.write_bytes(built.pack.read_bytes()[:-300])
    with pytest.raises(AssertionError):
        assert_sound(cut, sound, carried=False)
    with pytest.raises(AssertionError):
        assert_footers(sound)


def one_attachment(folder: MeetingFolder, name: str, data: bytes) -> tuple[Path, Path]:
    (folder.folder / name).write_bytes(data)
    path = folder.write(basic_meeting([{"title": "Document", "attachments": [name]}]))
    return path, folder.root / "pack.pdf"


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
    said = {p.message.split('"')[1]: p.message for p in besides_untagged(result.warnings)}
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
    assert [w.message.split(": ", 1)[1][:40] for w in besides_untagged(result.warnings)] == [
        "the PDF was damaged and has been repaire"]
    texts = page_texts(out)
    assert [n for n in (1, 2, 3) if f"sound-p{n}" in texts[1 + n]] == [1, 2, 3]
