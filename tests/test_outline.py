"""The pack's outline is built without pypdf's ``add_outline_item``, and must be what that
method builds: the same objects, entries and order, so the same bytes. This holds our
builder to pypdf's on outlines of every shape a pack has (a contract: it fails if a pypdf
upgrade changes what its method makes), and reads a pack's outline back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, IndirectObject, TextStringObject

from packgen import build_pack
from packgen.pdf.links import Copies
from packgen.pdf.outline import Outline
from packgen.pdf.write import write_pdf
from tests.conftest import MeetingFolder, basic_meeting

Mark = tuple[str, int, int | None]
"""A bookmark: its title, its page (0-based) and the index of the bookmark it is beneath."""

SHAPES: dict[str, list[Mark]] = {
    "flat": [("Agenda", 0, None), ("1. Apologies", 0, None), ("2. Minutes", 3, None)],
    "nested": [("Agenda", 0, None), ("1. Report", 2, None), ("Report", 2, 1),
               ("Appendix 1", 5, 2), ("Appendix 2", 7, 2), ("2. Next", 9, None),
               ("Own bookmark", 9, 5), ("Deeper", 9, 6), ("Deepest", 9, 7),
               ("Back up", 9, 5)],
    "beyond the last page": [("Agenda", 0, None), ("Lost", 40, None), ("Child", 41, 1)],
    "words": [("Agenda", 0, None), ("4. Café (Ŵ) \\ ) (", 1, None), ("", 1, 1)],
}


def _written(marks: list[Mark], ours: bool) -> bytes:
    writer = PdfWriter()
    for _ in range(10):
        writer.add_blank_page(595, 842)
    outline = Outline(writer)
    made: list[IndirectObject] = []
    for title, page, parent in marks:
        above = made[parent] if parent is not None else None
        made.append(outline.add(title, page, above) if ours else
                    writer.add_outline_item(title=title, page_number=page, parent=above))
    out = io.BytesIO()
    write_pdf(writer, out, ArrayObject([TextStringObject("a"), TextStringObject("a")]),
              Copies())
    return out.getvalue()


@pytest.mark.parametrize("shape", SHAPES)
def test_our_outline_is_the_bytes_pypdf_makes(shape: str) -> None:
    ours, theirs = _written(SHAPES[shape], True), _written(SHAPES[shape], False)
    assert b"/Outlines" in ours
    assert ours == theirs


def test_a_pack_of_three_hundred_items_has_each_bookmarked_in_order(
        folder: MeetingFolder, tmp_path: Path) -> None:
    items = [{"title": f"Item {n}"} for n in range(1, 301)]
    meeting = folder.write(basic_meeting(items))
    out = tmp_path / "pack.pdf"
    build_pack(meeting, out)
    reader = PdfReader(out)
    outline = reader.outline
    titles = [str(entry.title) for entry in outline if not isinstance(entry, list)]
    assert titles == ["Agenda", *(f"{n}. Item {n}" for n in range(1, 301))]
    root = reader.trailer["/Root"]["/Outlines"]
    assert root["/Count"] == 301
    last_page = reader.get_destination_page_number(outline[-1])
    assert 0 < last_page < len(reader.pages)
