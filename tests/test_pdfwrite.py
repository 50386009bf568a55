"""Pages are copied shallowly and written by our serializer: links must still land, and
nothing of an attachment beyond its pages may come along."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

from packgen import build_pack
from packgen.errors import PackgenError
from packgen.pdf.bridge import add_object
from tests.conftest import MeetingFolder, basic_meeting


def linked(path: Path) -> None:
    """Rewrite a 3-page PDF: a link on page 1 to page 3, a canary in its information."""
    writer = PdfWriter(clone_from=PdfReader(path))
    first, _, third = writer.pages
    annot = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 50, 200, 70)]),
        NameObject("/P"): first.indirect_reference,
        NameObject("/Dest"): ArrayObject([third.indirect_reference, NameObject("/Fit")])})
    first[NameObject("/Annots")] = ArrayObject([add_object(writer, annot)])
    writer.add_metadata({"/Title": "CANARY-ATTACHMENT-INFO"})
    with path.open("wb") as stream:
        writer.write(stream)


def test_links_land_on_the_copied_pages_and_nothing_else_comes(folder: MeetingFolder,
                                                               tmp_path: Path) -> None:
    name = folder.pdf("linked.pdf", 3)
    linked(folder.folder / name)
    other = folder.pdf("other.pdf", 2)
    path = folder.write(basic_meeting([{"title": "Linked", "attachments": [name]},
                                       {"title": "Other", "attachments": [other]}]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    reader = PdfReader(out)
    start = next(i for i, p in enumerate(reader.pages) if "linked-p1" in p.extract_text())
    annot = reader.pages[start]["/Annots"][0].get_object()
    assert reader.get_page_number(annot["/Dest"][0].get_object()) == start + 2
    assert reader.get_page_number(annot["/P"].get_object()) == start
    assert "linked-p3" in reader.pages[start + 2].extract_text()
    # One page object per page of the pack: no attachment's page tree came along.
    qdf = tmp_path / "qdf.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(out), str(qdf)],
                   check=True)
    data = qdf.read_bytes()
    assert len(re.findall(rb"/Type /Page\b(?!s)", data)) == len(reader.pages)
    assert len(re.findall(rb"/Type /Catalog\b", data)) == 1
    assert b"CANARY-ATTACHMENT-INFO" not in data


def test_the_pack_states_the_highest_pdf_version_it_holds(folder: MeetingFolder) -> None:
    name = folder.pdf("new.pdf", 1)
    raw = (folder.folder / name).read_bytes()
    (folder.folder / name).write_bytes(re.sub(rb"^%PDF-1\.\d", b"%PDF-1.7", raw))
    path = folder.write(basic_meeting([{"title": "New", "attachments": [name]}]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    assert out.read_bytes().startswith(b"%PDF-1.7\n")


def test_an_object_unreadable_while_writing_is_reported_and_nothing_written(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    name = folder.pdf("a.pdf", 2)
    path = folder.write(basic_meeting([{"title": "A", "attachments": [name]}]))
    out = folder.root / "out" / "pack.pdf"
    original = PdfReader.get_object

    def damaged_fonts(self: PdfReader, ref: Any) -> Any:
        obj = original(self, ref)
        if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Font" \
                and Path(str(getattr(self.stream, "name", ""))).name == name:
            raise PdfReadError("object damaged")
        return obj

    monkeypatch.setattr(PdfReader, "get_object", damaged_fonts)
    with pytest.raises(PackgenError) as caught:
        build_pack(path, out)
    assert [str(p).split(": ", 1)[1] for p in caught.value.problems] == [
        'error: "a.pdf": the PDF is damaged and cannot be merged (object damaged)']
    assert caught.value.problems[0].position.line == 9  # the line that attached a.pdf
    assert not out.parent.exists() or list(out.parent.iterdir()) == []

