"""The pack's structure tree and what PDF/UA asks of its catalog, pages, links and stamps.

Our own pages are tagged by hand here (:mod:`tests.structure_helpers`), as the typesetter
records them in :class:`packgen.rendered.Typeset`; the packs are read back with pypdf
and poppler (``pdfinfo -struct-text``), and with veraPDF where it is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

from packgen.build import build_pack
from packgen.pdf.bridge import add_object
from packgen.pdf.graft import Adopted, Grafts
from packgen.pdf.openstate import _scan
from tests.conftest import ROOT, MeetingFolder, basic_meeting, page_texts
from tests.security.readback import every_byte
from tests.structure_helpers import (
    hand_tagging,
    mcids,
    outline_tree,
    parent_tree,
    struct_text,
)

VERAPDF = ROOT.parent / "shared" / "tools" / "verapdf"
HOURS = "# Library hours\n\nSee [the council's site](https://example.org/libraries) for the " \
        "new hours.\n"
SECRET = "# Secret contract terms\n\nThe bid from CANARY-ZX9 was the lowest.\n"
LATE = "# Late news\n\nA late report.\n"


def meeting(folder: MeetingFolder, untagged_pdf: bool = True) -> Path:
    documents: list[object] = ["hours.md"]
    if untagged_pdf:
        documents.append({"file": folder.pdf("data.pdf", 2), "title": "Appendix: data"})
    for name, text in (("hours.md", HOURS), ("secret.md", SECRET), ("late.md", LATE)):
        (folder.folder / name).write_text(text)
    return folder.write(basic_meeting([
        {"title": "Apologies"},
        {"title": "Library hours", "attachments": documents},
        {"title": "Contract award", "exempt": 3, "attachments": ["secret.md"]},
        {"title": "Late report", "supplement": 1, "attachments": ["late.md"]},
    ]))


def contents(page: object) -> bytes:
    return page.get_contents().get_data()  # type: ignore[attr-defined,no-any-return]


def xmp(reader: PdfReader) -> str:
    return reader.root_object["/Metadata"].get_object().get_data().decode()


def test_tree_follows_the_outline(folder: MeetingFolder, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    hand_tagging(monkeypatch)
    out = build_pack(meeting(folder), tmp_path / "pack.pdf").output
    reader = PdfReader(out)
    assert outline_tree(reader) == [
        (0, "Document", ""), (1, "Sect", "Agenda"), (1, "Part", "2. Library hours"),
        (2, "Sect", "Library hours"), (2, "Sect", "Appendix: data")]
    document = reader.root_object["/StructTreeRoot"]["/K"][0].get_object()
    assert document["/Lang"] == "en-GB"
    text = struct_text(out)
    assert re.search(r'Sect "Library hours"\n\s+H1 \(block\)\n\s+"Library hours "\n'
                     r'\s+P \(block\)\n\s+"See "\n\s+Link \(inline\)\n'
                     r'\s+"the council\'s site"', text), text
    # The untagged attachment's Sect holds nothing: it brings no tree to adopt.
    sects = [k.get_object() for k in
             document["/K"][1].get_object()["/K"]]
    assert "/K" not in sects[1]


@pytest.mark.parametrize("per_node", [None, 2])
def test_every_mcid_and_link_is_in_the_parent_tree(folder: MeetingFolder, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   per_node: int | None) -> None:
    """And so in a large pack's tree of nodes (``per_node`` entries a node, as though the
    pack were large), each node's /Limits its first and last key."""
    hand_tagging(monkeypatch)
    if per_node is not None:
        monkeypatch.setattr("packgen.pdf.structure.NUMS_PER_NODE", per_node)
    reader = PdfReader(build_pack(meeting(folder), tmp_path / "pack.pdf").output)
    tree = parent_tree(reader)
    top = reader.root_object["/StructTreeRoot"]["/ParentTree"]
    assert ("/Kids" in top) == (per_node is not None)
    for kid in top.get("/Kids", []):
        nums = kid.get_object()["/Nums"]
        assert list(kid.get_object()["/Limits"]) == [nums[0], nums[-2]]
    next_key = reader.root_object["/StructTreeRoot"]["/ParentTreeNextKey"]
    assert tree and max(tree) < next_key
    links = 0
    for page in reader.pages:
        marked = mcids(contents(page))
        if marked:
            owners = tree[page["/StructParents"]]
            for mcid in marked:
                owner = owners[mcid].get_object()
                kids = owner["/K"]
                here = page.indirect_reference.idnum
                assert any(kid == mcid and owner.raw_get("/Pg").idnum == here
                           or isinstance(kid, DictionaryObject) and kid.get("/MCID") == mcid
                           and kid.raw_get("/Pg").idnum == here for kid in kids)
        annots = page.get("/Annots")
        if annots:
            assert page["/Tabs"] == "/S"
        for ref in annots or []:
            annot = ref.get_object()
            link = tree[annot["/StructParent"]]
            assert link["/S"] == "/Link"
            assert any(isinstance(k, DictionaryObject) and k.get("/Type") == "/OBJR"
                       and k.raw_get("/Obj").idnum == ref.idnum for k in link["/K"])
            assert annot["/Contents"].strip()  # the link's own words
            links += 1
    assert links >= 2  # the agenda's rows and the document's own link


def test_link_finds_its_annotation_when_scrubbing_drops_one_before_it(
        folder: MeetingFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hand_tagging(monkeypatch, hidden_first=True)
    reader = PdfReader(build_pack(meeting(folder, untagged_pdf=False),
                                  tmp_path / "pack.pdf").output)
    tree = parent_tree(reader)
    page = next(p for p in reader.pages if b"council" in contents(p) and b"site" in
                contents(p) and "/Annots" in p)
    [ref] = page["/Annots"]  # the hidden one went
    annot = ref.get_object()
    assert annot["/Contents"] == "the council's site"
    [objr] = [k for k in tree[annot["/StructParent"]]["/K"] if isinstance(k, DictionaryObject)]
    assert objr.raw_get("/Obj").idnum == ref.idnum


def test_catalog_says_what_pdf_ua_asks(folder: MeetingFolder, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    hand_tagging(monkeypatch)
    reader = PdfReader(build_pack(meeting(folder), tmp_path / "pack.pdf").output)
    root = reader.root_object
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    title = "Test Committee, 8 July 2026 — public document pack"
    assert reader.metadata is not None and reader.metadata.title == title
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp(reader)


@pytest.mark.parametrize(("untagged_pdf", "tagged", "claimed"), [
    (False, True, True), (True, True, False), (False, False, False)])
def test_pdf_ua_is_claimed_only_when_every_page_is_tagged(
        folder: MeetingFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        untagged_pdf: bool, tagged: bool, claimed: bool) -> None:
    hand_tagging(monkeypatch, tagged=tagged)
    reader = PdfReader(build_pack(meeting(folder, untagged_pdf), tmp_path / "pack.pdf").output)
    assert ("<pdfuaid:part>1</pdfuaid:part>" in xmp(reader)) == claimed
    assert "/StructTreeRoot" in reader.root_object  # tagged as far as it goes, either way


@pytest.mark.skipif(not VERAPDF.exists() or not shutil.which("java"),
                    reason="veraPDF is not beside this checkout")
def test_a_pack_of_tagged_pages_passes_pdf_ua(folder: MeetingFolder, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    hand_tagging(monkeypatch)
    out = build_pack(meeting(folder, untagged_pdf=False), tmp_path / "pack.pdf",
                     draft=True).output
    done = subprocess.run([str(VERAPDF), str(out)], capture_output=True, text=True,
                          timeout=300)
    if done.returncode == 2:
        pytest.skip(f"veraPDF could not check: {done.stdout}{done.stderr}")
    assert done.returncode == 0, done.stdout


def _artifact_of(content: bytes, shown: bytes) -> bytes:
    """The artifact BDC whose sequence draws ``shown``, checking it is open there and
    that nothing else was open when it began."""
    at = content.index(shown)
    start = content.rindex(b"/Artifact", 0, at)
    assert b"EMC" not in content[start:at]
    assert _scan(content[:start]).marked == 0
    return content[start:content.index(b"BDC", start)]


def test_stamps_are_pagination_artifacts(folder: MeetingFolder, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    hand_tagging(monkeypatch)
    reader = PdfReader(build_pack(meeting(folder), tmp_path / "pack.pdf", draft=True).output)
    page = contents(reader.pages[2])  # the document's first page
    assert _artifact_of(page, b"(Page 3) Tj") == \
        b"/Artifact <</Type /Pagination /Subtype /Footer>> "
    assert _artifact_of(page, b"(Agenda Item 2) Tj") == \
        b"/Artifact <</Type /Pagination /Subtype /Header>> "
    assert _artifact_of(page, b"(DRAFT) Tj") == \
        b"/Artifact <</Type /Pagination /Subtype /Watermark>> "


def test_stamps_close_what_a_tagged_attachment_leaves_open(folder: MeetingFolder,
                                                           tmp_path: Path) -> None:
    """A tagged attachment whose page ends inside a paragraph's marked content (and a
    saved graphics state): the stamps must not join the paragraph."""
    name = folder.pdf("open.pdf", 1)
    writer = PdfWriter(clone_from=PdfReader(folder.folder / name))
    page = writer.pages[0]
    stream = DecodedStreamObject()
    stream.set_data(b"q /P <</MCID 0>> BDC\n" + contents(page) + b"\n(EMC) Tj\n")
    page[NameObject("/Contents")] = add_object(writer, stream)
    # Tagged and well formed but for the open ends: the paragraph owns MCID 0 through
    # the ParentTree, so the pack adopts it and the page joins the pack's tree.
    root = add_object(writer, DictionaryObject(
        {NameObject("/Type"): NameObject("/StructTreeRoot")}))
    paragraph = add_object(writer, DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/P"),
        NameObject("/P"): root, NameObject("/Pg"): page.indirect_reference,
        NameObject("/K"): NumberObject(0)}))
    root.get_object().update({
        NameObject("/K"): paragraph,
        NameObject("/ParentTree"): DictionaryObject({NameObject("/Nums"): ArrayObject(
            [NumberObject(0), ArrayObject([paragraph])])}),
        NameObject("/ParentTreeNextKey"): NumberObject(1)})
    page[NameObject("/StructParents")] = NumberObject(0)
    writer.root_object[NameObject("/StructTreeRoot")] = root
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)})
    writer.write(folder.folder / name)
    out = build_pack(folder.write(basic_meeting([{"title": "Open", "attachments": [name]}])),
                     tmp_path / "pack.pdf").output
    assert "/StructParents" in PdfReader(out).pages[2]  # adopted, not left untagged
    content = contents(PdfReader(out).pages[2])
    _artifact_of(content, b"(Page 3) Tj")
    _artifact_of(content, b"(Agenda Item 1) Tj")


def test_private_pack_and_supplement_have_their_documents(folder: MeetingFolder,
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    hand_tagging(monkeypatch)
    file = meeting(folder)
    public = build_pack(file, tmp_path / "public.pdf").output
    private = build_pack(file, tmp_path / "private.pdf", private=True).output
    late = build_pack(file, tmp_path / "late.pdf", supplement=1).output
    assert (1, "Part", "4. Contract award") in outline_tree(PdfReader(private))
    assert (2, "Sect", "Secret contract terms") in outline_tree(PdfReader(private))
    assert "CANARY-ZX9" in struct_text(private)
    assert outline_tree(PdfReader(late))[1:] == [
        (1, "Sect", "Agenda"), (1, "Part", "5. Late report"), (2, "Sect", "Late news")]
    # Exempt material never reaches the public pack, nor its tree.
    for found in (struct_text(public), every_byte(public, tmp_path).decode("latin-1")):
        assert "CANARY" not in found and "Secret contract" not in found


def test_same_inputs_same_bytes(folder: MeetingFolder, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    hand_tagging(monkeypatch)
    file = meeting(folder)
    first = build_pack(file, tmp_path / "one.pdf").output.read_bytes()
    second = build_pack(file, tmp_path / "two.pdf").output.read_bytes()
    assert b"/StructTreeRoot" in first and first == second


def test_document_built_alone_is_a_sect_under_the_document(
        folder: MeetingFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hand_tagging(monkeypatch)
    meeting(folder)
    out = build_pack(folder.folder / "hours.md", tmp_path / "alone.pdf").output
    reader = PdfReader(out)
    assert outline_tree(reader) == [(0, "Document", ""), (1, "Sect", "Library hours")]
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp(reader)


def test_welsh_edition_is_in_welsh(tmp_path: Path) -> None:
    out = build_pack(ROOT / "examples" / "wales" / "cabinet" / "meeting.yaml",
                     tmp_path / "cy.pdf", language="cy").output
    reader = PdfReader(out)
    tree = outline_tree(reader)
    document = reader.root_object["/StructTreeRoot"]["/K"][0].get_object()
    assert document["/Lang"] == "cy" and reader.root_object["/Lang"] == "cy"
    assert tree[1] == (1, "Sect", reader.outline[0].title)  # type: ignore[union-attr]
    assert all(isinstance(k, IndirectObject) for k in document["/K"])
    assert isinstance(document["/K"], ArrayObject)


def test_adopted_elements_land_on_the_copies_and_bring_no_old_tree(
        folder: MeetingFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What grafting hands over is written with its pages redirected to the pack's copies;
    a reference back to the attachment's own tree root (a hostile or careless file) is
    not followed."""
    name = folder.pdf("tagged.pdf", 2)
    writer = PdfWriter(clone_from=PdfReader(folder.folder / name))
    root = add_object(writer, DictionaryObject(
        {NameObject("/Type"): NameObject("/StructTreeRoot")}))
    second = writer.pages[1].indirect_reference
    marked = DecodedStreamObject()  # the span's MCID 0 is there: the tree is well formed
    marked.set_data(b"/Span <</MCID 0>> BDC\n" + contents(writer.pages[1]) + b"\nEMC\n")
    writer.pages[1][NameObject("/Contents")] = add_object(writer, marked)
    span = add_object(writer, DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Span"),
        NameObject("/P"): root, NameObject("/Pg"): second, NameObject("/K"): NumberObject(0)}))
    paragraph = add_object(writer, DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/P"),
        NameObject("/P"): root, NameObject("/K"): ArrayObject([span])}))
    root.get_object()[NameObject("/K")] = paragraph
    writer.root_object[NameObject("/StructTreeRoot")] = root
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)})
    writer.write(folder.folder / name)

    def adopt(self: Grafts, reader: PdfReader, copies: list[DictionaryObject],
              first_key: int) -> Adopted:
        top = reader.root_object["/StructTreeRoot"].raw_get("/K")
        # As grafting keys the copy's marked content: the span owns MCID 0 on page 2.
        copies[1][NameObject("/StructParents")] = NumberObject(first_key)
        owners = ArrayObject([top.get_object()["/K"][0]])
        return Adopted([top], {first_key: owners}, first_key + 1, "cy", None)

    monkeypatch.setattr(Grafts, "adopt", adopt)
    out = build_pack(folder.write(basic_meeting([{"title": "Tagged", "attachments": [name]}])),
                     tmp_path / "pack.pdf").output
    data = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(out), "-"],
                          capture_output=True, check=True).stdout
    assert len(re.findall(rb"/Type /StructTreeRoot\b", data)) == 1
    reader = PdfReader(out)
    sect = outline_tree(reader)[-1]
    assert sect == (2, "Sect", "Tagged")
    document = reader.root_object["/StructTreeRoot"]["/K"][0].get_object()
    sect_elem = document["/K"][1].get_object()["/K"][0].get_object()
    assert sect_elem["/Lang"] == "cy"
    adopted = sect_elem["/K"][0].get_object()
    assert adopted["/S"] == "/P" and adopted.raw_get("/P").idnum == \
        document["/K"][1].get_object()["/K"][0].idnum
    kid = adopted["/K"][0].get_object()
    assert kid.raw_get("/Pg").idnum == reader.pages[3].indirect_reference.idnum  # a copy
    assert isinstance(kid.get("/P"), NullObject | type(None))


def test_the_tree_is_packed_in_object_streams(folder: MeetingFolder, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Every element, the root and the ParentTree are in compressed object streams; the
    pages and their annotations are not."""
    hand_tagging(monkeypatch)
    out = build_pack(meeting(folder), tmp_path / "pack.pdf").output
    assert out.read_bytes().startswith(b"%PDF-1.5\n")  # what object streams need
    xref = subprocess.run(["qpdf", "--show-xref", str(out)], capture_output=True, text=True,
                          check=True).stdout
    compressed = {int(n) for n in re.findall(r"^(\d+)/0: compressed", xref, re.M)}
    reader = PdfReader(out)
    root = reader.root_object.raw_get("/StructTreeRoot")
    elements = [root.idnum]

    def walk(ref: IndirectObject) -> None:
        elements.append(ref.idnum)
        for kid in ref.get_object().get("/K", []):
            if isinstance(kid, IndirectObject):
                walk(kid)

    for top in root.get_object()["/K"]:
        walk(top)
    tree = reader.root_object["/StructTreeRoot"]
    elements.append(tree.raw_get("/ParentTree").idnum)
    assert len(elements) > 8 and set(elements) <= compressed
    shown = {p.indirect_reference.idnum for p in reader.pages}
    shown |= {a.idnum for p in reader.pages for a in p.get("/Annots", [])}
    assert not shown & compressed


def _annotated(folder: MeetingFolder, name: str) -> str:
    """A two-page untagged PDF whose first page holds links of every kind scrubbing keeps
    (none with words of its own but the last), a note without words and one with, and a
    hidden link."""
    folder.pdf(name, 2)
    writer = PdfWriter(clone_from=PdfReader(folder.folder / name))
    first, second = writer.pages

    def annotation(subtype: str, **entries: object) -> IndirectObject:
        made = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                 NameObject("/Subtype"): NameObject(subtype),
                                 NameObject("/Rect"): RectangleObject((50, 50, 150, 70))})
        made.update({NameObject("/" + k): v for k, v in entries.items()})
        return add_object(writer, made)

    def action(kind: str, **entries: object) -> DictionaryObject:
        made = DictionaryObject({NameObject("/S"): NameObject(kind)})
        made.update({NameObject("/" + k): v for k, v in entries.items()})
        return made

    first[NameObject("/Annots")] = ArrayObject([
        annotation("/Link", A=action("/URI", URI=TextStringObject("https://example.org/x"))),
        annotation("/Link", Dest=ArrayObject([second.indirect_reference, NameObject("/Fit")])),
        annotation("/Link", A=action("/Named", N=NameObject("/NextPage"))),
        annotation("/Link", A=action("/URI", URI=TextStringObject("javascript:alert(1)"))),
        annotation("/Link", Contents=TextStringObject("The budget"),
                   A=action("/URI", URI=TextStringObject("https://example.org/budget"))),
        annotation("/Text"),
        annotation("/Text", Contents=TextStringObject("Check this figure")),
        annotation("/Link", F=NumberObject(2),
                   A=action("/URI", URI=TextStringObject("https://example.org/hidden")))])
    writer.write(folder.folder / name)
    return name


def test_an_untagged_attachments_annotations_each_get_an_element(
        folder: MeetingFolder, tmp_path: Path) -> None:
    """Tagged where it can be: an untagged attachment's links become Link elements in its
    Sect saying where they go, its notes Annot elements; a tagged LibreOffice export's
    pages, whose /Tabs is the string (S), get the name readers want."""
    name = _annotated(folder, "annotated.pdf")
    shutil.copy(ROOT / "tests" / "fixtures" / "tagged" / "library-hours-report.pdf",
                folder.folder / "report.pdf")
    out = build_pack(folder.write(basic_meeting([
        {"title": "Annotated", "attachments": [name, "report.pdf"]}])),
        tmp_path / "pack.pdf").output
    reader = PdfReader(out)
    tree = parent_tree(reader)
    part = reader.root_object["/StructTreeRoot"]["/K"][0]["/K"][1].get_object()
    sect = part["/K"][0].get_object()
    assert sect["/T"] == "Annotated"
    start = next(i for i, p in enumerate(reader.pages) if b"annotated-p1" in contents(p))
    target = page_texts(out)[start + 1]  # the page the link to page 2 opens, as stamped
    stamp = re.search(r"Page (\d+)", target)
    assert stamp is not None and "annotated-p2" in target
    page = reader.pages[start]
    assert page["/Tabs"] == "/S"
    found = []
    for ref in page["/Annots"]:
        annot = ref.get_object()
        owner = tree[annot["/StructParent"]]
        assert owner.raw_get("/P").idnum == part.raw_get("/K")[0].idnum  # in its Sect
        assert [k.raw_get("/Obj").idnum for k in owner["/K"]] == [ref.idnum]
        assert owner.raw_get("/Pg").idnum == page.indirect_reference.idnum
        found.append((str(owner["/S"]), str(annot.get("/Contents")), str(owner.get("/Alt"))))
    assert found == [
        ("/Link", "https://example.org/x", "None"),
        ("/Link", f"Go to page {stamp.group(1)}", "None"),
        ("/Link", "Next page", "None"),
        ("/Link", "A link that goes nowhere", "None"),  # its unsafe action went
        ("/Link", "The budget", "None"),
        ("/Annot", "None", "Annotation"),
        ("/Annot", "Check this figure", "None")]  # and the hidden link is not in the pack
    assert [k.idnum for k in sect["/K"]] == [tree[r.get_object()["/StructParent"]]
                                            .indirect_reference.idnum for r in page["/Annots"]]
    report = next(p for p in reader.pages[start + 2:] if "/Annots" in p)
    assert "/StructParents" in report  # the LibreOffice export, adopted
    assert isinstance(report["/Tabs"], NameObject) and report["/Tabs"] == "/S"


def test_an_adopted_link_without_words_says_where_it_goes(folder: MeetingFolder,
                                                          tmp_path: Path) -> None:
    """A tagged export whose Link elements hold links with no /Contents: the links keep
    their elements, and get words saying where they go."""
    fixture = ROOT / "tests" / "fixtures" / "tagged" / "library-hours-report.pdf"
    writer = PdfWriter(clone_from=PdfReader(fixture))
    addresses: list[str | None] = []
    for ref in writer.pages[0]["/Annots"]:
        annot = ref.get_object()
        del annot["/Contents"]
        action = annot.get("/A")
        addresses.append(str(action["/URI"]) if action is not None and "/URI" in action
                         else None)
    writer.write(folder.folder / "report.pdf")
    out = build_pack(folder.write(basic_meeting([
        {"title": "Report", "attachments": ["report.pdf"]}])), tmp_path / "pack.pdf").output
    reader = PdfReader(out)
    tree = parent_tree(reader)
    page = reader.pages[2]
    said = [str(ref.get_object()["/Contents"]) for ref in page["/Annots"]]
    assert [tree[ref.get_object()["/StructParent"]]["/S"] for ref in page["/Annots"]] == \
        ["/Link"] * len(addresses)
    stamped = re.findall(r"Page (\d+)", page_texts(out)[2])
    assert stamped and addresses[0] is None  # a link within the report, to its own page
    assert said == [f"Go to page {stamped[-1]}", addresses[1]]
