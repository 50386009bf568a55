"""The Welsh edition says which documents are in English: a document with no Welsh
version (no ``file_cy``) keeps the files' language on its Sect, so a screen reader does
not read English with a Welsh voice; one with a Welsh version inherits the pack's."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import IndirectObject

from packgen import build_pack
from tests.conftest import MeetingFolder, basic_meeting


def sect_langs(pdf: Path) -> dict[str, str | None]:
    """Each document's Sect title -> its /Lang (None: inherited)."""
    found: dict[str, str | None] = {}
    pending = list(PdfReader(pdf).root_object["/StructTreeRoot"]["/K"])
    while pending:
        elem = pending.pop().get_object()
        if elem["/S"] == "/Sect" and "/T" in elem:
            lang = elem.get("/Lang")
            found[str(elem["/T"])] = str(lang) if lang is not None else None
        elif elem["/S"] in ("/Document", "/Part"):
            pending += [k for k in elem.get("/K", []) if isinstance(k, IndirectObject)]
    return found


def meeting(folder: MeetingFolder) -> Path:
    (folder.folder / "notes.md").write_text("# Notes for members\n\nThe room has moved.\n")
    (folder.folder / "nodiadau.md").write_text("# Nodiadau i aelodau\n\nMae'r ystafell wedi "
                                               "symud.\n")
    (folder.folder / "fees.yaml").write_text(
        "kind: report\ntitle: Fees\nsummary: The fees rise.\n"
        "appendices: [{file: table.md, title: Fee table}]\n")
    (folder.folder / "table.md").write_text("# Fee table\n\nAdults: 2 pounds.\n")
    return folder.write(basic_meeting([
        {"title": "Notes", "title_cy": "Nodiadau",
         "attachments": [{"file": "notes.md", "file_cy": "nodiadau.md"}]},
        {"title": "Fees", "title_cy": "Ffioedd", "attachments": [
            "fees.yaml", {"file": folder.pdf("plan.pdf", 1), "title": "Plan"}]}]))


def test_english_documents_in_the_welsh_edition_say_so(folder: MeetingFolder) -> None:
    path = meeting(folder)
    welsh = build_pack(path, folder.root / "cy.pdf", language="cy").output
    assert str(PdfReader(welsh).root_object["/Lang"]) == "cy"
    assert sect_langs(welsh) == {
        "Agenda": None,
        "Nodiadau i aelodau": None,  # its Welsh version: the pack's language
        "Fees": "en-GB", "Fee table": "en-GB",  # a report, and its appendix with it
        "Plan": "en-GB",  # an untagged PDF with no Welsh version
    }


def test_the_english_pack_names_no_language_on_its_documents(folder: MeetingFolder) -> None:
    english = build_pack(meeting(folder), folder.root / "en.pdf").output
    assert set(sect_langs(english).values()) == {None}
