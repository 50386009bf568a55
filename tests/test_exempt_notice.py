"""The private pack tells a screen-reader user that an exempt document is exempt: its
NOT FOR PUBLICATION marking is the document's first words in the structure tree, once,
and running furniture (a pagination artifact) on its later pages."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import IndirectObject

from packgen import build_pack
from tests.conftest import MeetingFolder, basic_meeting, page_texts
from tests.structure_helpers import struct_text

HEADING = "NOT FOR PUBLICATION"
WHY = "Exempt under paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972"


def exempt_meeting(folder: MeetingFolder) -> Path:
    """An exempt item with an untagged PDF (3 pages) and a rendered report (tagged)."""
    (folder.folder / "terms.yaml").write_text(
        "kind: report\ntitle: Terms of the sale\nsections:\n"
        "  - heading: Terms\n    body: The price is agreed.\n")
    return folder.write(basic_meeting([
        {"title": "Budget", "attachments": [folder.pdf("budget.pdf", 1)]},
        {"title": "Property disposal", "exempt": 3,
         "attachments": [folder.pdf("valuation.pdf", 3), "terms.yaml"]},
    ]))


def sect_openings(reader: PdfReader) -> dict[str, list[tuple[str, int | None, int | None]]]:
    """Each document's Sect title -> (role, page, MCID) of its first three kids."""
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)
             if p.indirect_reference is not None}
    found = {}
    pending = list(reader.root_object["/StructTreeRoot"]["/K"])
    while pending:
        elem = pending.pop().get_object()
        kids = [k for k in elem.get("/K", []) if isinstance(k, IndirectObject)]
        if elem["/S"] == "/Sect" and "/T" in elem:
            rows = []
            for kid in kids[:3]:
                kid = kid.get_object()
                mcid = kid.get("/K")
                page = kid.get("/Pg")
                rows.append((str(kid["/S"])[1:],
                             pages.get(page.idnum) if page is not None else None,
                             int(mcid) if isinstance(mcid, int) else None))
            found[str(elem["/T"])] = rows
        else:
            pending += kids
    return found


def test_each_exempt_document_opens_with_its_marking_once(folder: MeetingFolder) -> None:
    path = exempt_meeting(folder)
    private = folder.root / "private.pdf"
    build_pack(path, private, private=True)
    texts = page_texts(private)
    exempt = [i for i, text in enumerate(texts) if HEADING in text]

    lines = [line.strip() for line in struct_text(private).splitlines()]
    assert lines.count(f'"{HEADING}"') == 2  # once per exempt document, not per page
    assert lines.count(f'"{WHY}"') == 2
    for at in (i for i, line in enumerate(lines) if line == f'"{HEADING}"'):
        assert lines[at - 1] == "P (block)" and lines[at - 2].startswith("Sect")
        assert lines[at + 1:at + 3] == ["P (block)", f'"{WHY}"']

    openings = sect_openings(PdfReader(private))
    first = next(i for i, text in enumerate(texts) if "valuation-p1" in text)
    # The PDF's 3 pages and the report's: each still shows the marking.
    assert {first, first + 1, first + 2} <= set(exempt)
    # The untagged PDF's first page: its marking is content owned through the ParentTree
    # (the structure check run on every pack follows each MCID there and back).
    assert openings["Valuation"] == [("P", first, 0), ("P", first, 1)]
    assert "/StructParents" in PdfReader(private).pages[first]
    # The report's first page had MCIDs of its own: the marking's come after them.
    report = openings["Terms of the sale"]
    start = next(i for i, text in enumerate(texts) if i > first and "The price is" in text)
    assert report[:2] == [("P", start, report[0][2]), ("P", start, report[0][2] + 1)]
    assert report[0][2] > 0 and start in exempt


def test_the_public_pack_has_no_marking(folder: MeetingFolder) -> None:
    path = exempt_meeting(folder)
    public = folder.root / "public.pdf"
    build_pack(path, public)
    assert HEADING not in struct_text(public)
    assert all(HEADING not in text for text in page_texts(public))
