"""Active content in attachments never reaches the pack; links inside attachments still work."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from packgen import build_pack
from packgen.pdf.bridge import add_object
from tests.conftest import MeetingFolder, basic_meeting

FORBIDDEN = [re.compile(rb"/" + name + rb"(?![A-Za-z0-9+#])") for name in (
    b"JavaScript", b"JS", b"Launch", b"SubmitForm", b"FileAttachment", b"EmbeddedFile",
    b"EmbeddedFiles", b"OpenAction", b"AA")] + [re.compile(b"alert\\("), re.compile(b"calc.exe")]


def leaks(data: bytes) -> list[str]:
    """Every forbidden PDF name (a whole token, not a prefix of a font name) or payload."""
    return [pattern.pattern.decode() for pattern in FORBIDDEN if pattern.search(data)]


def decompressed(pdf: Path, tmp: Path) -> bytes:
    """The pack's bytes with every stream decompressed and no object streams (qpdf QDF)."""
    out = tmp / "qdf.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(out)],
                   check=True)
    return out.read_bytes()


def action(kind: str, **entries: object) -> DictionaryObject:
    act = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        act[NameObject(f"/{key}")] = value  # type: ignore[assignment]
    return act


def hostile(path: Path) -> None:
    """A two-page PDF carrying every kind of active content, and one named-destination link."""
    writer = PdfWriter(clone_from=PdfReader(path))
    js = action("/JavaScript", JS=TextStringObject("app.alert('alert(1)')"))
    first, second = writer.pages
    first[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js})
    writer.add_attachment("payload.txt", b"secret payload")

    def link(act: DictionaryObject, y: float, subtype: str = "/Link") -> DictionaryObject:
        return DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, y, 200, y + 20)]),
            NameObject("/A"): act})

    annots = [
        link(action("/Launch", F=TextStringObject("calc.exe")), 100),
        link(action("/URI", URI=TextStringObject("javascript:alert(3)")), 130),
        link(action("/GoTo", D=TextStringObject("later"), Next=js), 160),
        link(action("/SubmitForm", F=TextStringObject("https://example.invalid")), 190),
        link(action("/URI", URI=TextStringObject("https://www.example.org/")), 220),
        link(action("/GoTo", D=TextStringObject("later")), 250),
        link(action("/URI", URI=TextStringObject("https://x.example/")), 280, "/FileAttachment"),
    ]
    first[NameObject("/Annots")] = ArrayObject(add_object(writer, a) for a in annots)
    writer.add_named_destination("later", 1)
    writer.root_object[NameObject("/OpenAction")] = js
    del second  # only the first page carries content
    with open(path, "wb") as stream:
        writer.write(stream)


def test_active_content_never_reaches_the_pack(folder: MeetingFolder, tmp_path: Path) -> None:
    name = folder.pdf("hostile.pdf", 2)
    hostile(folder.folder / name)
    raw = (folder.folder / name).read_bytes()
    assert b"/Launch" in raw and b"/JavaScript" in raw  # the fixture really is hostile
    path = folder.write(basic_meeting([{"title": "Hostile", "attachments": [name]}]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    data = decompressed(out, tmp_path)
    assert leaks(data) == []
    reader = PdfReader(out)
    annots = [a.get_object() for a in reader.pages[2]["/Annots"]]
    assert [a["/A"]["/URI"] for a in annots if "/A" in a] == ["https://www.example.org/"]
    # The named-destination link now points straight at the attachment's second page.
    targets = [reader.get_page_number(a["/Dest"][0].get_object()) for a in annots
               if "/Dest" in a]
    assert targets == [3]


def test_corpus_links_keep_working_and_nothing_leaks(folder: MeetingFolder, tmp_path: Path,
                                                     corpus: Path) -> None:
    names = ["samplefiles-pdflatex-outline.pdf", "samplefiles-with-attachment.pdf",
             "samplefiles-pdflatex-forms.pdf", "samplefiles-002-trivial-libre-office-writer.pdf"]
    for name in names:
        (folder.folder / name).write_bytes((corpus / name).read_bytes())
    path = folder.write(basic_meeting([{"title": n, "attachments": [n]} for n in names]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    data = decompressed(out, tmp_path)
    assert leaks(data) == []
    reader = PdfReader(out)
    # pdflatex-outline.pdf is 4 pages from page 3: its 9 section links land inside it.
    targets = [reader.get_page_number(a.get_object()["/Dest"][0].get_object())
               for page in reader.pages[2:6] for a in page.get("/Annots", [])]
    assert len(targets) == 9 and all(2 <= t <= 5 for t in targets)
