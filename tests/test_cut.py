"""Each document of a pack as a PDF of its own (:mod:`packgen.pdf.cut`): the pack's own
pages, with its "Page N", its links inside it, its part of the structure tree and its
bookmarks; nothing that leads outside it.

Documents are found in a built pack as the publication code knows them: each Sect of an
agenda item's Part in the structure tree is a document, its first page its bookmark's, its
last the page before the next document's or item's, less the blank filler pages."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)
from reportlab.pdfgen import canvas

from packgen import build_pack
from packgen.errors import PackgenError
from packgen.pdf.bridge import add_object
from packgen.pdf.cut import DocumentSpan, cut_documents
from tests.conftest import CORPUS, EXAMPLE, MeetingFolder, basic_meeting
from tests.structure_baseline import inherits
from tests.structure_check import check_structure
from tests.test_pdfua import fixtures_meeting, passes, verapdf
from tests.test_real_world import CORPUS_FILES, EXPECTED

EXAMPLES = EXAMPLE.parent.parent
CUT_EXAMPLES = ["health-scrutiny-committee", "childrens-partnership-board",
                "health-and-wellbeing-board"]
BLANK = "intentionally left blank"


def page_text(pdf: Path, number: int) -> str:
    """Page ``number`` (1-based) as ``pdftotext -layout -f N -l N`` reads it."""
    return subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number),
                           str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def stamp(text: str) -> str | None:
    found = re.findall(r"\bPage (\d+)\b", text)
    return found[-1] if found else None


def qpdf_check(pdf: Path) -> None:
    checked = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stderr, checked.stdout + checked.stderr
    assert "No syntax or stream encoding errors" in checked.stdout


def document_titles(reader: PdfReader) -> list[str]:
    """Each document's title, in pack order: its Sect's in its item's Part."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    document = root["/K"]
    document = (document[0] if isinstance(document, ArrayObject) else document).get_object()
    titles = []
    for part in document["/K"]:
        part = part.get_object()
        if part["/S"] == "/Part":
            kids = part["/K"] if isinstance(part["/K"], ArrayObject) else [part["/K"]]
            titles += [str(sect.get_object()["/T"]) for sect in kids]
    return titles


def spans_of(pack: Path) -> list[DocumentSpan]:
    reader = PdfReader(pack)
    titles = document_titles(reader)
    starts: dict[str, int] = {}
    items: set[int] = set()

    def walk(entries: list[object], depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
                continue
            page = reader.get_destination_page_number(entry)  # type: ignore[arg-type]
            if depth == 0:
                items.add(page)
            elif str(entry.title) in titles:  # type: ignore[attr-defined]
                starts.setdefault(str(entry.title), page)  # type: ignore[attr-defined]

    walk(reader.outline, 0)
    bounds = sorted({*starts.values(), *(p for p in items if p > 0), len(reader.pages)})
    spans = []
    for title in titles:
        first = starts[title]
        last = min(b for b in bounds if b > first) - 1
        while last > first and BLANK in page_text(pack, last + 1):
            last -= 1
        spans.append(DocumentSpan(first, last, title, "en-GB"))
    return spans


def cut_files(pack: Path, folder: Path, spans: list[DocumentSpan] | None = None
              ) -> list[tuple[DocumentSpan, Path]]:
    spans = spans_of(pack) if spans is None else spans
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i, (span, data) in enumerate(zip(spans, cut_documents(pack.read_bytes(), spans),
                                         strict=True)):
        path = folder / f"{i:02d}.pdf"
        path.write_bytes(data)
        made.append((span, path))
    return made


def claims_pdfua(reader: PdfReader) -> bool:
    return b"pdfuaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()


def outline_titles(reader: PdfReader, entries: list[object] | None = None) -> list[object]:
    found: list[object] = []
    for entry in reader.outline if entries is None else entries:
        found.append(outline_titles(reader, entry) if isinstance(entry, list)
                     else str(entry.title))  # type: ignore[attr-defined]
    return found


def assert_is_the_pack_pages(pack: Path, span: DocumentSpan, cut: Path, stamped: bool = True
                             ) -> None:
    """The cut is the span's pages of the pack, as a reader sees them, and a sound PDF;
    ``stamped``: each page says "Page N", N its number in the pack (not the front sheet)."""
    qpdf_check(cut)
    reader, whole = PdfReader(cut), PdfReader(pack)
    assert len(reader.pages) == span.last - span.first + 1
    for index in range(len(reader.pages)):
        text = page_text(cut, index + 1)
        assert text == page_text(pack, span.first + index + 1), (span, index)
        assert stamp(text) == (whole.page_labels[span.first + index] if stamped else None)
    assert reader.page_labels == whole.page_labels[span.first:span.last + 1]
    root = reader.trailer["/Root"]
    assert reader.metadata is not None and reader.metadata.title == span.title
    assert reader.metadata.creation_date == whole.metadata.creation_date  # type: ignore
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert root["/Lang"] == span.language
    assert outline_titles(reader)[0] == span.title
    assert claims_pdfua(reader) == claims_pdfua(whole)
    assert check_structure(reader) == []


@pytest.mark.parametrize("example", CUT_EXAMPLES)
def test_each_document_of_an_example_is_its_pages_of_the_pack(tmp_path: Path, example: str
                                                              ) -> None:
    pack = build_pack(EXAMPLES / example / "meeting.yaml", tmp_path / "pack.pdf").output
    made = cut_files(pack, tmp_path / "documents")
    assert made
    for span, cut in made:
        assert_is_the_pack_pages(pack, span, cut)
        tree = PdfReader(cut).trailer["/Root"]["/StructTreeRoot"]
        document = tree["/K"][0].get_object()
        assert document["/S"] == "/Document"
        # One document: the Sect of its title, not its item's Part, nor another's Sect.
        assert [(k.get_object()["/S"], k.get_object()["/T"]) for k in document["/K"]] \
            == [("/Sect", span.title)]


def test_an_appendix_is_not_in_its_reports_cut_nor_the_report_in_its(tmp_path: Path) -> None:
    pack = build_pack(EXAMPLE, tmp_path / "pack.pdf").output
    made = dict((span.title, path) for span, path in cut_files(pack, tmp_path / "documents"))
    report, appendix = "Priority families programme", "Appendix 1: performance summary"
    assert outline_titles(PdfReader(made[report])) == [report]
    assert outline_titles(PdfReader(made[appendix])) == [appendix]
    for title, other in ((report, appendix), (appendix, report)):
        text = "".join(page_text(made[title], n + 1)
                       for n in range(len(PdfReader(made[title]).pages)))
        assert other not in text or title == report  # a report may name its appendix


def linked_pdf(path: Path) -> Path:
    """Three pages; the first links to the second and to the third (named destinations,
    as ReportLab writes them)."""
    c = canvas.Canvas(str(path), invariant=1)
    for n in (1, 2, 3):
        c.bookmarkPage(f"p{n}")
        c.setFont("Helvetica", 14)
        c.drawString(72, 700, f"linked page {n}")
        if n == 1:
            c.drawString(72, 600, "to page two")
            c.linkAbsolute("two", "p2", (72, 595, 300, 615))
            c.drawString(72, 500, "to page three")
            c.linkAbsolute("three", "p3", (72, 495, 300, 515))
        c.showPage()
    c.save()
    return path


def links(page: DictionaryObject) -> list[DictionaryObject]:
    annots = page.get("/Annots")
    return [a.get_object() for a in (annots.get_object() if annots is not None else [])
            if a.get_object().get("/Subtype") == "/Link"]


def test_a_link_inside_the_cut_is_kept_and_one_outside_it_is_gone(
        folder: MeetingFolder, tmp_path: Path) -> None:
    linked_pdf(folder.folder / "linked.pdf")
    meeting = folder.write(basic_meeting([{"title": "Linked", "attachments": ["linked.pdf"]}]))
    pack = build_pack(meeting, tmp_path / "pack.pdf").output
    whole = PdfReader(pack)
    first = next(i for i, p in enumerate(whole.pages) if "linked page 1" in p.extract_text())
    assert len(links(whole.pages[first])) == 2  # both links made it into the pack
    ((_, cut),) = cut_files(pack, tmp_path / "cut", [DocumentSpan(first, first + 1, "Linked",
                                                                  "en-GB")])
    reader = PdfReader(cut)
    (kept,) = links(reader.pages[0])
    assert kept["/Dest"][0] == reader.pages[1].indirect_reference
    assert check_structure(reader) == []
    assert_is_the_pack_pages(pack, DocumentSpan(first, first + 1, "Linked", "en-GB"), cut)
    # The whole attachment keeps both.
    ((_, both),) = cut_files(pack, tmp_path / "both", [DocumentSpan(first, first + 2, "Linked",
                                                                    "en-GB")])
    assert len(links(PdfReader(both).pages[0])) == 2


def object_refs(reader: PdfReader) -> list[DictionaryObject]:
    """Every /OBJR of the structure tree."""
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        kids = node.get("/K")
        kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject):
                (found.append(kid) if kid.get("/Type") == "/OBJR" else stack.append(kid))
    return found


def front_sheet(pack: PdfReader) -> int:
    """The front sheet's last page (0-based): before the first page stamped or blank."""
    front = 0
    while "Agenda Item" not in pack.pages[front + 1].extract_text() and \
            BLANK not in pack.pages[front + 1].extract_text():
        front += 1
    return front


def test_the_agenda_cut_alone_loses_its_links_to_the_reports_and_their_tags(
        tmp_path: Path) -> None:
    pack = build_pack(EXAMPLES / "health-and-wellbeing-board" / "meeting.yaml",
                      tmp_path / "pack.pdf").output
    whole = PdfReader(pack)
    front = front_sheet(whole)
    def to_pages(pages: list[PageObject]) -> list[DictionaryObject]:
        return [a for p in pages for a in links(p) if "/A" not in a]

    def addresses(pages: list[PageObject]) -> list[str]:
        return [a["/A"]["/URI"] for p in pages for a in links(p) if "/A" in a]

    assert to_pages(whole.pages[:front + 1])  # the agenda links to its items' pages
    span = DocumentSpan(0, front, "Agenda", "en-GB")
    ((_, cut),) = cut_files(pack, tmp_path / "cut", [span])
    reader = PdfReader(cut)
    assert to_pages(reader.pages) == []
    assert addresses(reader.pages) == addresses(whole.pages[:front + 1]) != []
    # The links' tags went with them; the e-mail address's stayed.
    assert len(object_refs(reader)) == len(addresses(reader.pages))
    assert {o["/Obj"].get_object()["/A"]["/URI"] for o in object_refs(reader)} \
        == set(addresses(reader.pages))
    assert_is_the_pack_pages(pack, span, cut, stamped=False)


def test_a_cut_is_reproducible(tmp_path: Path) -> None:
    pack = build_pack(EXAMPLE, tmp_path / "pack.pdf").output
    spans = spans_of(pack)
    first = cut_documents(pack.read_bytes(), spans)
    assert first == cut_documents(pack.read_bytes(), spans)
    # Each cut is the same whatever else is cut from the same reading.
    assert [cut_documents(pack.read_bytes(), [s])[0] for s in reversed(spans)] \
        == list(reversed(first))
    assert len(set(first)) == len(first)


def test_a_shared_font_is_written_once_in_a_cut(tmp_path: Path) -> None:
    pack = build_pack(EXAMPLE, tmp_path / "pack.pdf").output
    span = max(spans_of(pack), key=lambda s: s.last - s.first)
    data = cut_documents(pack.read_bytes(), [span])[0]
    (tmp_path / "cut.pdf").write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "cut.pdf")], check=True,
                           capture_output=True, text=True).stdout.splitlines()[2:]
    objects = [line.split()[-2] for line in fonts]
    assert len(objects) == len(set(objects)) and objects
    assert len(data) < pack.stat().st_size


def test_a_span_outside_the_pack_is_refused(tmp_path: Path) -> None:
    pack = build_pack(EXAMPLE, tmp_path / "pack.pdf").output
    with pytest.raises(ValueError, match="not within the pack's 27 pages"):
        cut_documents(pack.read_bytes(), [DocumentSpan(20, 27, "Beyond", "en-GB")])


def test_tagged_attachments_keep_their_tags_languages_and_roles(folder: MeetingFolder,
                                                                tmp_path: Path) -> None:
    pack = build_pack(fixtures_meeting(folder), tmp_path / "pack.pdf").output
    made = cut_files(pack, tmp_path / "documents")
    whole_root = PdfReader(pack).trailer["/Root"]["/StructTreeRoot"]
    for span, cut in made:
        assert_is_the_pack_pages(pack, span, cut)
        root = PdfReader(cut).trailer["/Root"]["/StructTreeRoot"]
        if "/RoleMap" in root:  # only roles the cut's elements use, as the pack maps them
            for role, mapped in root["/RoleMap"].items():
                assert whole_root["/RoleMap"][role] == mapped
    welsh = next(cut for span, cut in made if span.title.startswith("Adolygiad"))
    sect = PdfReader(welsh).trailer["/Root"]["/StructTreeRoot"]["/K"][0].get_object()["/K"][0]
    assert sect.get_object().get("/Lang", "").startswith("cy")


@pytest.fixture(scope="module")
def verapdf_packs(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, list[Path]]:
    """Packs that pass veraPDF (the tagged fixtures', an accessible example's) and their
    cuts, from one run of veraPDF."""
    if not (Path(__file__).resolve().parents[2] / "shared" / "tools" / "verapdf").exists():
        verapdf()  # skips, or fails in CI, as the PDF/UA tests do
    packs: dict[Path, list[Path]] = {}
    folder = MeetingFolder(tmp_path_factory.mktemp("fixtures"))
    for name, meeting in (("fixtures", fixtures_meeting(folder)),
                          ("example", EXAMPLES / "health-and-wellbeing-board" / "meeting.yaml")):
        out = tmp_path_factory.mktemp(name)
        pack = build_pack(meeting, out / "pack.pdf").output
        spans = spans_of(pack)
        if name == "example":  # the agenda too, its links to the reports made plain text
            spans.append(DocumentSpan(0, front_sheet(PdfReader(pack)), "Agenda", "en-GB"))
        packs[pack] = [path for _, path in cut_files(pack, out / "documents", spans)]
    return packs


def test_cuts_of_a_pack_that_passes_pdfua_pass_it(verapdf_packs: dict[Path, list[Path]]
                                                  ) -> None:
    every = [pdf for pack, cuts in verapdf_packs.items() for pdf in (pack, *cuts)]
    reports = verapdf(*every)
    for pack, cuts in verapdf_packs.items():
        assert passes(reports[pack]), reports[pack]
        for cut in cuts:
            assert passes(reports[cut]), reports[cut]


MERGED = [name for name in CORPUS_FILES
          if not EXPECTED.get(name, {}).get("refused")
          and not EXPECTED.get(name, {}).get("merge_damaged")]


@pytest.mark.parametrize("name", MERGED)
def test_a_real_world_attachment_cuts_cleanly(folder: MeetingFolder, tmp_path: Path, name: str
                                              ) -> None:
    shutil.copy(CORPUS / name, folder.folder / "attached.pdf")
    folder.pdf("before.pdf", 1)
    meeting = folder.write(basic_meeting([
        {"title": "Before", "attachments": ["before.pdf"]},
        {"title": "Real world", "attachments": ["attached.pdf"]}]))
    try:
        pack = build_pack(meeting, tmp_path / "pack.pdf").output
    except PackgenError:
        pytest.skip(f"{name} is refused on its own (tests/test_real_world.py)")
    spans = spans_of(pack)
    assert [s.title for s in spans] == ["Before", "Real world"]
    made = cut_files(pack, tmp_path / "documents", spans)
    # The structure check after the test holds the file's pages, in the pack and in its
    # cut, to adding no problem its own tags did not have.
    inherits(pack, spans[1].first, folder.folder / "attached.pdf")
    inherits(made[1][1], 0, folder.folder / "attached.pdf")
    for span, cut in made:
        qpdf_check(cut)
        reader = PdfReader(cut)
        assert len(reader.pages) == span.last - span.first + 1
        for index in range(len(reader.pages)):
            assert page_text(cut, index + 1) == page_text(pack, span.first + index + 1)


def test_links_by_name_or_page_index_are_pointed_at_the_kept_page(tmp_path: Path) -> None:
    """A PDF packgen did not write: a named destination and a page given by its index
    become the cut's page; a GoTo to a page left out goes."""
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(200, 200)
    writer.add_named_destination("second", 1)

    def link(**target: PdfObject) -> DictionaryObject:
        return DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                 NameObject("/Subtype"): NameObject("/Link"),
                                 NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                                 **{NameObject(k): v for k, v in target.items()}})

    third = writer.pages[2].indirect_reference
    writer.pages[0][NameObject("/Annots")] = ArrayObject([
        add_object(writer, link(**{"/Dest": TextStringObject("second")})),
        add_object(writer, link(**{"/Dest": ArrayObject([NumberObject(1), NameObject("/Fit")])})),
        add_object(writer, link(**{"/A": DictionaryObject({
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([third, NameObject("/Fit")])})}))])
    source = io.BytesIO()
    writer.write(source)
    (cut,) = cut_documents(source.getvalue(), [DocumentSpan(0, 1, "Two pages", "en-GB")])
    reader = PdfReader(io.BytesIO(cut))
    kept = links(reader.pages[0])
    assert [a["/Dest"][0] for a in kept] == [reader.pages[1].indirect_reference] * 2
    assert "/Names" not in reader.trailer["/Root"]  # nothing left to look a name up in
