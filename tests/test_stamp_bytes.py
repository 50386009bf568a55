"""What stamping adds to a page, byte for byte: only what the page draws with.

A stamp is a compressed content stream drawn in the page's own resources; a page names
the stamp fonts its text uses, the DRAFT watermark's graphics state only on a draft, and
no box the page it copies did not have. What many pages draw alike (the watermark, NOT
FOR PUBLICATION) is one stream they share.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ContentStream, FloatObject, NameObject, StreamObject

from packgen import build_pack
from packgen.pdf.bridge import stored_data
from tests.conftest import MeetingFolder, PageSpec, basic_meeting, page_texts


def appended(page: object) -> list[StreamObject]:
    """The streams packgen appended to a pack's page: those after its own content, which
    the pack's shared ``q`` opens (the first) and its own content follows."""
    contents = page["/Contents"]  # type: ignore[index]
    assert isinstance(contents, ArrayObject)
    streams = [ref.get_object() for ref in contents]
    first_own = 1
    while first_own < len(streams) and not streams[first_own].get_data().startswith(b"Q\n"):
        first_own += 1
    return streams[first_own:]


def operators(stream: StreamObject) -> list[bytes]:
    return [op for _, op in ContentStream(stream, None).operations]


def meeting(folder: MeetingFolder, pages: int = 3, **attachment: object) -> Path:
    pdf = folder.pdf("report.pdf", pages)
    return folder.write(basic_meeting([{"title": "Report",
                                        "attachments": [{"file": pdf, **attachment}]}]))


def test_stamps_are_compressed_streams_drawing_the_stamp(folder: MeetingFolder) -> None:
    """Each page's stamp is Flate-compressed, and decodes to the stamp: the page's own
    content closed, a plate and "Page N" as a footer artifact, the state restored."""
    pack = folder.root / "pack.pdf"
    build_pack(meeting(folder), pack)
    pages = PdfReader(pack).pages
    for number in (4, 5):  # the attachment's pages after its first ("Agenda Item 1")
        (stamp,) = appended(pages[number - 1])
        assert stamp["/Filter"] == "/FlateDecode"
        assert len(stored_data(stamp)) < len(stamp.get_data())  # stored smaller than drawn
        data = stamp.get_data()
        assert b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in data
        assert f"(Page {number}) Tj".encode() in data
        assert operators(stamp) == [b"Q", b"q", b"m", b"n", b"Q", b"q", b"BDC",
                                    b"g", b"G", b"j", b"w", b"re", b"B", b"g",
                                    b"BT", b"Tf", b"Td", b"Tj", b"ET", b"EMC", b"Q"]
    assert [f"Page {n}" in text for n, text in enumerate(page_texts(pack)[2:5], 3)] == \
        [True] * 3


def test_no_draft_state_unless_a_draft(folder: MeetingFolder) -> None:
    """/PackgenDraft, the watermark's translucency, is named on a draft's pages only; the
    stamp fonts only where a stamp's text uses them (the bold one for "Agenda Item N")."""
    path = meeting(folder)
    pack, draft = folder.root / "pack.pdf", folder.root / "draft.pdf"
    build_pack(path, pack)
    build_pack(path, draft, draft=True)
    for number, page in enumerate(PdfReader(pack).pages, 1):
        resources = page["/Resources"]
        assert "/PackgenDraft" not in resources.get("/ExtGState", {}), number
        fonts = set(resources.get("/Font", {}))
        assert ("/PackgenStampBold" in fonts) == (number == 3), number  # "Agenda Item 1"
        assert ("/PackgenStamp" in fonts) == (number >= 2), number  # "Page N" from page 2
    watermarks = []
    for number, page in enumerate(PdfReader(draft).pages, 1):
        assert "/PackgenDraft" in page["/Resources"]["/ExtGState"], number
        watermarks += [ref for ref in page["/Contents"]
                       if b"/Subtype /Watermark" in ref.get_object().get_data()]
    assert len(watermarks) == 5  # on every page
    assert len({ref.idnum for ref in watermarks}) == 1  # one stream (all are A4)
    assert b"/PackgenDraft gs" in watermarks[0].get_object().get_data()
    assert b"(DRAFT) Tj" in watermarks[0].get_object().get_data()


def test_not_for_publication_is_one_stream_on_every_exempt_page(folder: MeetingFolder
                                                                  ) -> None:
    private = folder.root / "private.pdf"
    build_pack(meeting(folder, pages=4, exempt=3), private, private=True)
    pages = PdfReader(private).pages
    heads = [[ref.idnum for ref in page["/Contents"]
              if b"NOT FOR PUBLICATION" in ref.get_object().get_data()] for page in pages[3:6]]
    assert all(len(found) == 1 for found in heads) and len({h[0] for h in heads}) == 1
    texts = page_texts(private)
    assert all("NOT FOR PUBLICATION" in texts[i] and f"Page E{i - 1}" in texts[i]
               for i in range(3, 6)), texts[3:6]


def test_no_crop_box_where_the_source_page_had_none(folder: MeetingFolder) -> None:
    """Stamping reads the boxes and writes none: a page gets a /CropBox in the pack only
    when the page it copies had one (of its own, or from its page tree); rotated, moved
    and cropped pages from generated files and the corpus alike."""
    specs = [PageSpec("plain"), PageSpec("turned", rotate=90),
             PageSpec("moved", origin=(100, -50)), PageSpec("cropped", crop_inset=30)]
    folder.pdf("made.pdf", specs)
    inherited = folder.folder / "inherited.pdf"
    writer = PdfWriter(clone_from=PdfReader(folder.folder / folder.pdf("tree.pdf", 2)))
    writer.root_object["/Pages"][NameObject("/CropBox")] = ArrayObject(
        FloatObject(v) for v in (20, 20, 500, 700))
    with inherited.open("wb") as out:
        writer.write(out)
    names = ["made.pdf", "inherited.pdf"]
    corpus = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdfs"
    for name in ("qpdf-boxes.pdf", "pdfium-cropped_text.pdf", "samplefiles-habibi-rotated.pdf"):
        if (corpus / name).is_file():
            shutil.copy(corpus / name, folder.folder / name)
            names.append(name)
    path = folder.write(basic_meeting([{"title": f"Item {i}", "attachments": [name]}
                                       for i, name in enumerate(names, 1)]))
    pack = folder.root / "pack.pdf"
    build_pack(path, pack)
    reader = PdfReader(pack)
    starts = {entry.title: reader.get_destination_page_number(entry)
              for entry in reader.outline if not isinstance(entry, list)}
    checked = []
    for number, name in enumerate(names, 1):
        start = starts[f"{number}. Item {number}"]
        for offset, source in enumerate(PdfReader(folder.folder / name).pages):
            copy = reader.pages[start + offset]
            had = "/CropBox" in source  # pypdf puts an inherited box on the page
            assert had or "/CropBox" not in copy, (name, offset)
            checked.append(had)
    assert checked[:6] == [False, False, False, True, True, True]
