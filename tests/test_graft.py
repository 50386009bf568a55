"""Grafting a tagged attachment's structure tree into the pack's (packgen.pdf.graft).

Attachments are copied and scrubbed as assembling does (``Assembled.add``, then
``scrub_pages``), adopted, hung under a minimal Document/Sect tree as the pack's structure
does, written with the pack's writer and read back."""

from __future__ import annotations

import io
import re
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from packgen.pdf.assemble import Assembled
from packgen.pdf.bridge import add_object
from packgen.pdf.graft import Adopted, Grafts
from packgen.pdf.scrub import scrub_pages
from packgen.pdf.tagstatus import tag_status
from packgen.pdf.unreadable import UNREADABLE
from packgen.pdf.write import write_pdf
from tests.structure_check import check_structure

FIXTURES = Path(__file__).parent / "fixtures" / "graft"
REPORT, FORM = FIXTURES / "report.pdf", FIXTURES / "form.pdf"
TAGGED_IN_CORPUS = ("pdf20examples-pdf20-utf8-test.pdf", "pikepdf-form_210966.pdf",
                    "pikepdf-form_dd0293.pdf")


def _name(value: str) -> NameObject:
    return NameObject(value)


def _dict(**entries: PdfObject) -> DictionaryObject:
    return DictionaryObject({NameObject("/" + k): v for k, v in entries.items()})


def _element(writer: PdfWriter, kind: str, kids: list[PdfObject], **more: PdfObject
             ) -> IndirectObject:
    return add_object(writer, _dict(Type=_name("/StructElem"), S=_name(kind),
                                    K=ArrayObject(kids), **more))


def _made(role: str = "/P", hidden_link: bool = True) -> PdfReader:
    """A one-page tagged PDF put together by hand: a paragraph (/Para, role-mapped to
    ``role``, class /Body, ID "intro"), a visible link (marked content and its annotation),
    a hidden link (scrubbing drops it) and a printing text field whose widget a Form
    element holds; and a second field no element holds."""
    w = PdfWriter()
    page = w.add_blank_page(300, 300)
    font = add_object(w, _dict(Type=_name("/Font"), Subtype=_name("/Type1"),
                               BaseFont=_name("/Helvetica")))
    content = DecodedStreamObject()
    content.set_data(b"/P <</MCID 0>> BDC BT /F1 12 Tf 20 250 Td (Intro text) Tj ET EMC\n"
                     b"/Link <</MCID 1>> BDC BT /F1 12 Tf 20 200 Td (A link) Tj ET EMC\n"
                     b"/Artifact <</MCID 7 >>BDC EMC\n")  # an MCID no element names
    page[NameObject("/Contents")] = add_object(w, content)
    page[NameObject("/Resources")] = _dict(Font=_dict(F1=font))
    page[NameObject("/StructParents")] = NumberObject(0)
    page_ref = page.indirect_reference
    assert page_ref is not None

    def appearance(text: bytes) -> IndirectObject:
        face = DecodedStreamObject()
        face.set_data(b"BT /F1 10 Tf 2 5 Td (" + text + b") Tj ET")
        face.update({NameObject("/Type"): _name("/XObject"), NameObject("/Subtype"):
                     _name("/Form"), NameObject("/BBox"): ArrayObject(
                         FloatObject(v) for v in (0, 0, 100, 20)),
                     NameObject("/Resources"): _dict(Font=_dict(F1=font))})
        return add_object(w, face)

    def rect(y: int) -> ArrayObject:
        return ArrayObject(FloatObject(v) for v in (20, y, 120, y + 20))

    link = add_object(w, _dict(Type=_name("/Annot"), Subtype=_name("/Link"), Rect=rect(195),
                               Contents=TextStringObject("A link"), StructParent=NumberObject(1),
                               A=_dict(S=_name("/URI"),
                                       URI=TextStringObject("https://example.org/"))))
    gone = add_object(w, _dict(Type=_name("/Annot"), Subtype=_name("/Link"), Rect=rect(150),
                               F=NumberObject(2 if hidden_link else 4),
                               StructParent=NumberObject(2),
                               A=_dict(S=_name("/URI"),
                                       URI=TextStringObject("https://example.org/x"))))
    widget = add_object(w, _dict(Type=_name("/Annot"), Subtype=_name("/Widget"),
                                 FT=_name("/Tx"), T=TextStringObject("name"),
                                 V=TextStringObject("Jo Bloggs"), F=NumberObject(4),
                                 Rect=rect(100), StructParent=NumberObject(3),
                                 AP=_dict(N=appearance(b"Jo Bloggs"))))
    loose = add_object(w, _dict(Type=_name("/Annot"), Subtype=_name("/Widget"),
                                FT=_name("/Tx"), T=TextStringObject("loose"), F=NumberObject(4),
                                Rect=rect(50), AP=_dict(N=appearance(b"Loose"))))
    page[NameObject("/Annots")] = ArrayObject([link, gone, widget, loose])
    root = add_object(w, _dict(Type=_name("/StructTreeRoot")))
    para = _element(w, "/Para", [NumberObject(0)], Pg=page_ref, C=_name("/Body"),
                    ID=ByteStringObject(b"intro"))
    link_el = _element(w, "/Link", [
        _dict(Type=_name("/MCR"), Pg=page_ref, MCID=NumberObject(1)),
        _dict(Type=_name("/OBJR"), Pg=page_ref, Obj=link)])
    gone_el = _element(w, "/Link", [_dict(Type=_name("/OBJR"), Pg=page_ref, Obj=gone)])
    form_el = _element(w, "/Form", [_dict(Type=_name("/OBJR"), Pg=page_ref, Obj=widget)])
    document = _element(w, "/Document", [para, link_el, gone_el, form_el], P=root)
    for kid in (para, link_el, gone_el, form_el):
        kid.get_object()[NameObject("/P")] = document
    tree = root.get_object()
    tree.update({
        NameObject("/K"): ArrayObject([document]),
        NameObject("/ParentTree"): add_object(w, _dict(Nums=ArrayObject([
            NumberObject(0), ArrayObject([para, link_el]), NumberObject(1), link_el,
            NumberObject(2), gone_el, NumberObject(3), form_el]))),
        NameObject("/ParentTreeNextKey"): NumberObject(4),
        NameObject("/RoleMap"): _dict(Para=_name(role)),
        NameObject("/ClassMap"): _dict(Body=_dict(O=_name("/Layout"),
                                                  SpaceBefore=NumberObject(3 if role == "/P"
                                                                           else 9))),
        NameObject("/IDTree"): _dict(Names=ArrayObject([TextStringObject("intro"), para])),
    })
    w.root_object[NameObject("/StructTreeRoot")] = root
    w.root_object[NameObject("/MarkInfo")] = _dict(Marked=BooleanObject(True))
    w.root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    w.add_metadata({"/Title": "Made by hand"})
    out = io.BytesIO()
    w.write(out)
    return PdfReader(io.BytesIO(out.getvalue()))


def _drawn_by_a_form() -> PdfReader:
    """Two tagged pages that both draw one form XObject holding marked content (its own
    /StructParents key, 5), described by a Figure whose MCR names the form by /Stm."""
    w = PdfWriter()
    form = DecodedStreamObject()
    form.set_data(b"/Figure <</MCID 0>> BDC 0 0 10 10 re f EMC")
    form.update({NameObject("/Type"): _name("/XObject"), NameObject("/Subtype"): _name("/Form"),
                 NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (0, 0, 10, 10)),
                 NameObject("/StructParents"): NumberObject(5)})
    form_ref = add_object(w, form)
    root = add_object(w, _dict(Type=_name("/StructTreeRoot")))
    figures = []
    for index in range(2):
        page = w.add_blank_page(100, 100)
        content = DecodedStreamObject()
        content.set_data(b"/P <</MCID 0>> BDC q 1 0 0 1 20 20 cm /Fm0 Do Q EMC")
        page[NameObject("/Contents")] = add_object(w, content)
        page[NameObject("/Resources")] = _dict(XObject=_dict(Fm0=form_ref))
        page[NameObject("/StructParents")] = NumberObject(index)
        figures.append(_element(w, "/Figure", [
            NumberObject(0),
            _dict(Type=_name("/MCR"), Pg=page.indirect_reference, MCID=NumberObject(0),
                  Stm=form_ref)], Pg=page.indirect_reference, P=root,
            Alt=TextStringObject(f"Square {index + 1}")))
    tree = root.get_object()
    tree.update({
        NameObject("/K"): ArrayObject(figures),
        NameObject("/ParentTree"): _dict(Nums=ArrayObject([
            NumberObject(0), ArrayObject([figures[0]]), NumberObject(1),
            ArrayObject([figures[1]]), NumberObject(5), ArrayObject([figures[0]])])),
    })
    w.root_object[NameObject("/StructTreeRoot")] = root
    w.root_object[NameObject("/MarkInfo")] = _dict(Marked=BooleanObject(True))
    out = io.BytesIO()
    w.write(out)
    return PdfReader(io.BytesIO(out.getvalue()))


class Pack:
    """Attachments copied and scrubbed as assembling does, adopted one after another."""

    def __init__(self) -> None:
        self.assembled = Assembled(PdfWriter())
        self.writer = self.assembled.writer
        self.grafts = Grafts(self.writer)
        self.next_key = 0
        self.adopted: list[tuple[PdfReader, list[PageObject], Adopted | None]] = []

    def add(self, reader: PdfReader, first_key: int | None = None) -> Adopted | None:
        start = len(self.writer.pages)
        for page in reader.pages:
            self.assembled.add(page)
        scrub_pages(self.writer, reader, start, len(reader.pages))
        copies = list(self.writer.pages[start:])
        adopted = self.grafts.adopt(reader, copies, self.next_key if first_key is None
                                    else first_key)
        if adopted is not None:
            self.next_key = adopted.next_key
        self.adopted.append((reader, copies, adopted))
        return adopted

    def write(self) -> bytes:
        """The pack with a Document, a Sect per adopted document and its elements."""
        w = self.writer
        root = DictionaryObject({NameObject("/Type"): _name("/StructTreeRoot")})
        root_ref = add_object(w, root)
        document = _element(w, "/Document", [], P=root_ref)
        nums = ArrayObject()
        for _, _, adopted in self.adopted:
            if adopted is None:
                continue
            sect = _element(w, "/Sect", list(adopted.elements), P=document)
            for element in adopted.elements:
                element.get_object()[NameObject("/P")] = sect
            document.get_object()["/K"].append(sect)
            for key, value in sorted(adopted.parent_tree.items()):
                nums += [NumberObject(key), value]
        root.update({NameObject("/K"): ArrayObject([document]),
                     NameObject("/ParentTree"): _dict(Nums=nums),
                     NameObject("/ParentTreeNextKey"): NumberObject(self.next_key),
                     NameObject("/RoleMap"): self.grafts.role_map,
                     NameObject("/ClassMap"): self.grafts.class_map})
        w.root_object[NameObject("/StructTreeRoot")] = root_ref
        w.root_object[NameObject("/MarkInfo")] = _dict(Marked=BooleanObject(True))
        out = io.BytesIO()
        write_pdf(w, out, ArrayObject([ByteStringObject(b"0" * 16)] * 2),
                  self.assembled.copies)
        return out.getvalue()


def _elements(tops: list[IndirectObject]) -> Iterator[DictionaryObject]:
    stack = [t.get_object() for t in reversed(tops)]
    while stack:
        element = stack.pop()
        yield element
        kids = [k.get_object() for k in element.get("/K", []) if isinstance(k, IndirectObject)]
        stack.extend(k for k in reversed(kids) if "/S" in k)


def _kids(element: DictionaryObject, kind: str) -> list[DictionaryObject]:
    return [k.get_object() for k in element.get("/K", [])
            if isinstance(k.get_object(), DictionaryObject) and k.get_object().get("/Type") == kind]


def _struct_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                          text=True, check=True).stdout


# -- a LibreOffice export -------------------------------------------------------------------

def test_a_libreoffice_report_keeps_its_elements_under_the_pack_s_pages(tmp_path: Path
                                                                        ) -> None:
    original = PdfReader(REPORT)
    document = original.trailer["/Root"]["/StructTreeRoot"]["/K"][0].get_object()
    expected = [str(k.get_object()["/S"]) for k in document["/K"]]
    pack = Pack()
    pack.add(PdfReader(FIXTURES / "form.pdf"))  # so the report's pages are not the first
    adopted = pack.add(PdfReader(REPORT))
    assert adopted is not None
    assert [str(e.get_object()["/S"]) for e in adopted.elements] == expected
    assert (adopted.lang, adopted.title) == ("en-GB", "Budget report")
    _, copies, _ = pack.adopted[1]
    copy_refs = {c.indirect_reference.idnum for c in copies}  # type: ignore[union-attr]
    pages = [kid.raw_get("/Pg") for e in _elements(adopted.elements)
             for kid in _kids(e, "/MCR") + _kids(e, "/OBJR")]
    pages += [e.raw_get("/Pg") for e in _elements(adopted.elements) if "/Pg" in e]
    assert pages and all(p.pdf is pack.writer and p.idnum in copy_refs for p in pages)

    pdf = pack.write()
    roots = [o for o in _objects(PdfReader(io.BytesIO(pdf))) if o.get("/Type") == "/StructTreeRoot"]
    assert len(roots) == 1  # nothing leads back to an attachment's own
    text = _struct_text(pdf, tmp_path)
    for words in ("Budget report", "the budget page", "recommendations", "Libraries", "Parks",
                  "Second point", "That the committee notes the report."):
        assert f'"{words}"' in text
    assert "Document\n  Sect\n" in text and text.count("\n  Sect") == 2


def test_parent_tree_keys_are_offset_and_are_the_copies_struct_parents() -> None:
    reader = PdfReader(REPORT)
    page_key = int(reader.pages[0]["/StructParents"])
    link_keys = sorted(int(a.get_object()["/StructParent"]) for a in reader.pages[0]["/Annots"])
    pack = Pack()
    adopted = pack.add(reader, first_key=40)
    assert adopted is not None
    copy = pack.writer.pages[0]
    assert copy["/StructParents"] == page_key + 40
    annots = [a.get_object() for a in copy["/Annots"]]
    assert sorted(a["/StructParent"] for a in annots) == [k + 40 for k in link_keys]
    assert set(adopted.parent_tree) == {copy["/StructParents"], *(a["/StructParent"]
                                                                   for a in annots)}
    assert adopted.next_key == max(adopted.parent_tree) + 1
    # Each annotation's entry is the Link element that holds it, by an OBJR to the copy.
    for annot_ref in copy["/Annots"]:
        element = adopted.parent_tree[annot_ref.get_object()["/StructParent"]].get_object()
        assert element["/S"] == "/Link"
        assert [o.raw_get("/Obj") for o in _kids(element, "/OBJR")] == [annot_ref]


def test_two_documents_get_disjoint_keys() -> None:
    pack = Pack()
    first = pack.add(PdfReader(REPORT))
    second = pack.add(PdfReader(REPORT))
    assert first is not None and second is not None
    assert max(first.parent_tree) < min(second.parent_tree) == first.next_key
    keys = [p["/StructParents"] for p in pack.writer.pages]
    assert len(set(keys)) == len(keys) == 2


# -- a tree put together by hand ---------------------------------------------------------------

def test_a_role_map_clash_is_renamed_and_the_elements_follow(tmp_path: Path) -> None:
    pack = Pack()
    first = pack.add(_made(role="/P"))
    second = pack.add(_made(role="/H1"))
    assert first is not None and second is not None
    assert pack.grafts.role_map == {"/Para": "/P", "/Para_2": "/H1"}
    assert first.elements[0].get_object()["/S"] == "/Para"
    assert second.elements[0].get_object()["/S"] == "/Para_2"
    # Classes too: the second /Body differs, and is renamed where its element names it.
    assert set(pack.grafts.class_map) == {"/Body", "/Body_2"}
    assert second.elements[0].get_object()["/C"] == "/Body_2"
    assert pack.grafts.id_tree == {"intro": first.elements[0], "intro_2": second.elements[0]}
    assert second.elements[0].get_object()["/ID"] == "intro_2"
    third = pack.add(_made(role="/P"))  # the same mapping as the first: shared
    assert third is not None and third.elements[0].get_object()["/S"] == "/Para"
    assert len(pack.grafts.role_map) == 2
    text = _struct_text(pack.write(), tmp_path)  # poppler shows the standard types mapped to
    assert "    P <intro> (block)" in text and "    H1 <intro_2> (block)" in text


def test_a_clashing_id_is_renamed_where_cells_name_it_too() -> None:
    second = _made()
    link = second.trailer["/Root"]["/StructTreeRoot"]["/K"][0]["/K"][1].get_object()
    link[NameObject("/A")] = _dict(O=_name("/Table"), Headers=ArrayObject(
        [ByteStringObject(b"intro"), TextStringObject("elsewhere")]))
    pack = Pack()
    pack.add(_made())
    adopted = pack.add(second)
    assert adopted is not None
    assert adopted.elements[1].get_object()["/A"]["/Headers"] == ["intro_2", "elsewhere"]


def test_a_document_mapping_a_standard_type_does_not_remap_the_pack_s() -> None:
    reader = _made()
    reader.trailer["/Root"]["/StructTreeRoot"]["/RoleMap"][NameObject("/P")] = _name("/H1")
    pack = Pack()
    pack.add(reader)
    assert "/P" not in pack.grafts.role_map and pack.grafts.role_map["/P_2"] == "/H1"


def test_an_objr_to_a_scrubbed_annotation_is_dropped_and_one_to_a_kept_link_follows_it(
) -> None:
    reader = _made(hidden_link=True)
    original_link = reader.pages[0]["/Annots"][0]
    pack = Pack()
    adopted = pack.add(reader)
    assert adopted is not None
    copy = pack.writer.pages[0]
    link, hidden_link = (e.get_object() for e in adopted.elements[1:3])
    (objr,) = _kids(link, "/OBJR")
    assert objr.raw_get("/Obj") == copy["/Annots"][0] != original_link
    assert objr.raw_get("/Pg") == copy.indirect_reference
    assert hidden_link["/K"] == []
    assert list(adopted.parent_tree.values()).count(adopted.elements[2]) == 0
    assert len(adopted.parent_tree) == 2  # the page and the kept link; no field, no hidden link
    # The original annotations are never written: only the copy on the page is.
    pdf = pack.write()
    written = PdfReader(io.BytesIO(pdf))
    annots = [o for o in _objects(written) if o.get("/Type") == "/Annot"]
    assert len(annots) == 1 and b"PackgenOriginal" not in pdf
    assert b"example.org/x" not in pdf


def test_nothing_an_element_names_leads_to_what_scrubbing_removed() -> None:
    reader = _made(hidden_link=True)
    gone = reader.pages[0]["/Annots"][1]  # the hidden link, with its own address
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    para, link = (k.get_object() for k in tree["/K"][0]["/K"][:2])
    para[NameObject("/Alt")] = gone
    para[NameObject("/Ref")] = ArrayObject([gone])
    para[NameObject("/A")] = _dict(O=_name("/UserProperties"), P=ArrayObject(
        [_dict(N=TextStringObject("note"), V=gone)]))
    link["/K"].append(_dict(Type=_name("/MCR"), Pg=reader.pages[0].indirect_reference,
                            MCID=NumberObject(1), Stm=gone, StmOwn=gone))
    pack = Pack()
    adopted = pack.add(reader)
    assert adopted is not None
    pdf = pack.write()
    assert b"example.org/x" not in pdf
    written = PdfReader(io.BytesIO(pdf))
    assert len([o for o in _objects(written) if o.get("/Type") == "/Annot"]) == 1
    kept = adopted.elements[0].get_object()
    assert "/Alt" not in kept and "/Ref" not in kept
    assert kept["/A"] == {"/O": "/UserProperties", "/P": [{"/N": "note"}]}


def test_a_visible_link_keeps_its_element_and_key() -> None:
    pack = Pack()
    adopted = pack.add(_made(hidden_link=False))
    assert adopted is not None
    held = [_kids(e.get_object(), "/OBJR")[0].raw_get("/Obj") for e in adopted.elements[1:3]]
    assert held == list(pack.writer.pages[0]["/Annots"])
    assert len(adopted.parent_tree) == 3


def test_a_flattened_field_is_tagged_where_its_widget_was(tmp_path: Path) -> None:
    pack = Pack()
    adopted = pack.add(_made())
    assert adopted is not None
    form = adopted.elements[3].get_object()
    assert form["/S"] == "/Span"  # no longer a field: PDF/UA's Form holds one widget
    (mcr,) = _kids(form, "/MCR")
    copy = pack.writer.pages[0]
    assert mcr.raw_get("/Pg") == copy.indirect_reference
    entry = adopted.parent_tree[copy["/StructParents"]].get_object()
    assert entry[mcr["/MCID"]] == adopted.elements[3]
    assert mcr["/MCID"] > 7  # a new MCID, not one the page's content uses already
    content = b"".join(part.get_object().get_data() for part in copy["/Contents"])
    drawn = re.findall(rb"(/\w+)( <</MCID (\d+)>> BDC| BMC) q [^Q]* cm (/PackgenField\d*) Do Q",
                       content)
    assert sorted((tag, mcid) for tag, _, mcid, _ in drawn) == [
        (b"/Artifact", b""), (b"/Span", str(mcr["/MCID"]).encode())]
    pdf = pack.write()
    text = _struct_text(pdf, tmp_path)
    assert "Form" not in text and "Span" in text
    # Still drawn, both of them.
    path = tmp_path / "pack.pdf"
    shown = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Jo Bloggs" in shown and "Loose" in shown


def test_an_mcid_far_beyond_the_page_s_marked_content_is_refused() -> None:
    """A page holding a drawn field pads its ParentTree array to its highest MCID: one of
    three million (in a comment, say) is no tag, and would make three million nulls."""
    reader = _made()
    page = reader.pages[0]
    far = DecodedStreamObject()
    far.set_data(b"% /MCID 3000000\n")
    page[NameObject("/Contents")] = ArrayObject([page.raw_get("/Contents"), add_object(
        PdfWriter(), far)])
    assert Pack().add(reader) is None
    assert Pack().add(_made()) is not None


def test_an_mcid_the_content_never_writes_is_not_held(tmp_path: Path) -> None:
    """LibreOffice 7.4 gives a form's Document element an MCID its page never writes: the
    pack's element does not point at content that is not there, nor its ParentTree."""
    reader = _made()
    tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    para = tree["/K"][0].get_object()["/K"][0].get_object()
    para[NameObject("/K")] = ArrayObject([NumberObject(0), NumberObject(5)])
    entry = tree["/ParentTree"].get_object()["/Nums"][1]
    entry += [NullObject(), NullObject(), NullObject(), tree["/K"][0]["/K"][0]]
    pack = Pack()
    adopted = pack.add(reader)
    assert adopted is not None
    assert adopted.elements[0].get_object()["/K"] == [0]
    copy = pack.writer.pages[0]
    held = adopted.parent_tree[copy["/StructParents"]].get_object()
    assert [i for i, e in enumerate(held) if not isinstance(e, NullObject)][:2] == [0, 1]
    assert isinstance(held[5], NullObject)
    path = tmp_path / "pack.pdf"
    path.write_bytes(pack.write())
    assert not [p for p in check_structure(path) if "MCID 5" in p]


def test_an_mcid_split_from_its_number_across_content_streams_is_held() -> None:
    """A page's content streams are read as one: a split may fall between "/MCID" and
    its number (as in pikepdf-form_dd0293.pdf), and the element still holds that MCID."""
    writer = PdfWriter(clone_from=_made())
    page = writer.pages[0]
    data = page.get_contents().get_data()  # type: ignore[union-attr]
    cut = data.index(b"/MCID") + len(b"/MCID")
    parts = ArrayObject()
    for piece in (data[:cut], data[cut:]):
        stream = DecodedStreamObject()
        stream.set_data(piece)
        parts.append(add_object(writer, stream))
    page[NameObject("/Contents")] = parts
    out = io.BytesIO()
    writer.write(out)
    adopted = Pack().add(PdfReader(io.BytesIO(out.getvalue())))
    assert adopted is not None
    assert adopted.elements[0].get_object()["/K"] == [0]


def test_a_form_xobject_s_key_is_renumbered_once_for_every_page_drawing_it() -> None:
    pack = Pack()
    pack.add(_made())  # keys 0 and 1 are taken
    adopted = pack.add(_drawn_by_a_form())
    assert adopted is not None
    first, second = pack.writer.pages[1:3]
    form = first["/Resources"]["/XObject"]["/Fm0"]
    assert form is second["/Resources"]["/XObject"]["/Fm0"]
    # Scrubbing strips the key from what it cleans; the graft gives it back, renumbered.
    keys = sorted(adopted.parent_tree)
    assert keys == [2, 3, 4] and form["/StructParents"] == 4
    assert [first["/StructParents"], second["/StructParents"]] == [2, 3]
    assert adopted.parent_tree[4].get_object() == [adopted.elements[0]]


def test_content_on_a_page_the_pack_does_not_hold_is_dropped() -> None:
    pack = Pack()
    reader = _drawn_by_a_form()
    pack.assembled.add(reader.pages[0])
    scrub_pages(pack.writer, reader, 0, 1)
    adopted = pack.grafts.adopt(reader, list(pack.writer.pages), 0)
    assert adopted is not None
    first, second = (e.get_object() for e in adopted.elements)
    assert len(first["/K"]) == 2 and second["/K"] == [] and "/Pg" not in second
    assert sorted(adopted.parent_tree) == [0, 1]  # the first page and the form


def _objects(reader: PdfReader) -> Iterator[DictionaryObject]:
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except UNREADABLE:
            continue
        if isinstance(obj, DictionaryObject):
            yield obj


# -- untagged, doubtful and hostile ----------------------------------------------------------

def test_an_untagged_document_is_not_adopted_and_a_suspect_one_is() -> None:
    """Tags their maker doubts are still the best a screen reader has of the pages (the
    pack claims nothing for them: tests/test_accessibility_checks.py)."""
    reader = _made()
    del reader.trailer["/Root"]["/MarkInfo"]
    pack = Pack()
    assert pack.add(reader) is None
    assert "/StructParents" not in pack.writer.pages[0]
    reader = _made()
    reader.trailer["/Root"]["/MarkInfo"][NameObject("/Suspects")] = BooleanObject(True)
    pack = Pack()
    assert pack.add(reader) is not None
    assert "/StructParents" in pack.writer.pages[0]


def _hostile(change: str) -> PdfReader:
    reader = _made()
    tree = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    document = tree["/K"][0].get_object()
    if change == "cycle in /K":
        para = document["/K"][0].get_object()
        para[NameObject("/K")] = ArrayObject([NumberObject(0), tree["/K"][0], document["/K"][0]])
    elif change == "ParentTree /Kids loop":
        node = DictionaryObject()
        node[NameObject("/Kids")] = ArrayObject([node, tree["/ParentTree"]])
        tree[NameObject("/ParentTree")] = _dict(Kids=ArrayObject([node]))
    elif change == "a million Nums":
        keys = [NumberObject(i) for i in range(1000)]
        tree[NameObject("/ParentTree")] = _dict(Nums=ArrayObject(keys * 1000))
    elif change == "a deep ParentTree":
        node = DictionaryObject(tree["/ParentTree"].get_object())
        for _ in range(100_000):
            node = _dict(Kids=ArrayObject([node]))
        tree[NameObject("/ParentTree")] = node
    elif change == "a ParentTree that is a number":
        tree[NameObject("/ParentTree")] = NumberObject(7)
    return reader


@pytest.mark.parametrize("change", ["cycle in /K", "ParentTree /Kids loop", "a million Nums",
                                    "a deep ParentTree", "a ParentTree that is a number"])
def test_a_hostile_tree_neither_hangs_nor_crashes(change: str) -> None:
    reader = _hostile(change)
    pack = Pack()
    began = time.monotonic()
    adopted = pack.add(reader)
    assert time.monotonic() - began < 10
    if change == "cycle in /K":
        assert adopted is not None
        elements = list(_elements(adopted.elements))
        assert len(elements) == len({id(e) for e in elements}) == 4  # each once, no Document
    if change in ("a deep ParentTree", "a ParentTree that is a number"):
        assert adopted is None
        assert "/StructParents" not in pack.writer.pages[0]
    if adopted is not None:
        pack.write()


# -- the corpus ------------------------------------------------------------------------------

def test_the_corpus_tagged_files_are_adopted(corpus: Path) -> None:
    for name in TAGGED_IN_CORPUS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf's notes on these files' small damage
            reader = PdfReader(corpus / name)
            assert tag_status(reader) is None, name
            pack = Pack()
            adopted = pack.add(reader)
            assert adopted is not None and adopted.elements, name
            pack.write()


def test_every_corpus_file_goes_through_adopt(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.pdf")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pack = Pack()
            try:
                reader = PdfReader(path)
                start = len(pack.writer.pages)
                for page in reader.pages:
                    pack.assembled.add(page)
                scrub_pages(pack.writer, reader, start, len(reader.pages))
            except UNREADABLE:
                continue  # refused when opened or merged, never adopted
            adopted = pack.grafts.adopt(reader, list(pack.writer.pages), 0)
            assert adopted is None or tag_status(reader) is None, path.name
