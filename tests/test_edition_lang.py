"""The Welsh edition says which documents are in English: a document with no Welsh
version (no ``file_cy``) keeps the files' language on its Sect, so a screen reader does
not read English with a Welsh voice; one with a Welsh version inherits the pack's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import IndirectObject

from packgen import build_pack
from tests.conftest import MeetingFolder, basic_meeting
from tests.marked import read_page


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
        {"title": "Fees", "attachments": [  # no Welsh title
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


def agenda_langs(pdf: Path) -> dict[str, str]:
    """The text of each element of the front sheet with a /Lang of its own -> that /Lang."""
    reader = PdfReader(pdf)
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)
             if p.indirect_reference is not None}

    def kids(elem: Any) -> list[Any]:
        found = elem.get("/K", [])
        return list(found) if isinstance(found, list) else [found]

    def text(elem: Any, page: int) -> str:
        if "/Pg" in elem:
            page = pages[elem.raw_get("/Pg").idnum]
        drawn = read_page(reader, page).text
        return "".join(drawn[k] if isinstance(k, int) else text(k.get_object(), page)
                       for k in kids(elem))

    agenda = next(k.get_object() for k in reader.root_object["/StructTreeRoot"]["/K"][0]["/K"]
                  if k.get_object().get("/T") == "Agenda")
    found = {}
    pending = [agenda]
    while pending:
        elem = pending.pop()
        if "/Lang" in elem:
            found[" ".join(text(elem, 0).split())] = str(elem["/Lang"])
        pending += [k.get_object() for k in kids(elem) if isinstance(k, IndirectObject)]
    return found


def test_an_item_title_with_no_welsh_is_english_on_the_welsh_front_sheet(
        folder: MeetingFolder) -> None:
    path = meeting(folder)
    welsh = build_pack(path, folder.root / "cy.pdf", language="cy").output
    # "Nodiadau" is Welsh (title_cy), "Fees" has no Welsh: it is read as English.
    assert agenda_langs(welsh) == {"FEES": "en-GB"}
    english = build_pack(path, folder.root / "en.pdf").output
    assert agenda_langs(english) == {}
