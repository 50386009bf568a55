"""A hostile tagged attachment's structure tree, built into a pack: nothing it lists among
its elements that is not one (a file's or a script's stream, an annotation, a font, an
image) is written into the pack or changed where a page draws it; what scrubbing removed
does not come back through attributes or class maps; an element typed with an action's
name keeps its content; a tree that would take minutes or gigabytes to read is refused,
and one that cannot be read is named at the attachment's line."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from packgen import build_pack
from packgen.check import validate
from packgen.errors import AttachmentError
from packgen.pdf.bridge import add_object
from tests.conftest import BuildFn, MeetingFolder, basic_meeting

TAGGED = Path(__file__).parent / "fixtures" / "tagged"
REPORT = TAGGED / "library-hours-report.pdf"
Change = Callable[[PdfWriter, DictionaryObject, DictionaryObject], None]


def _name(value: str) -> NameObject:
    return NameObject(value)


def _document(writer: PdfWriter) -> tuple[DictionaryObject, DictionaryObject]:
    """The structure tree root and its Document element."""
    tree = writer.root_object["/StructTreeRoot"].get_object()
    top = tree["/K"]
    top = top[0] if isinstance(top, ArrayObject) else top
    return tree, top.get_object()


def _list(document: DictionaryObject, value: PdfObject) -> None:
    kids = document["/K"]
    if not isinstance(kids, ArrayObject):
        kids = ArrayObject([kids])
        document[NameObject("/K")] = kids
    kids.append(value)


def _hidden_note(writer: PdfWriter, text: str) -> PdfObject:
    """A hidden text annotation on page 1 (scrubbing drops it) saying ``text``."""
    note = DictionaryObject({
        _name("/Type"): _name("/Annot"), _name("/Subtype"): _name("/Text"),
        _name("/Rect"): ArrayObject(FloatObject(v) for v in (10, 10, 30, 30)),
        _name("/F"): NumberObject(2), _name("/Contents"): TextStringObject(text),
        _name("/T"): TextStringObject(text)})
    ref = add_object(writer, note)
    writer.pages[0][NameObject("/Annots")].append(ref)
    return ref


def _attachment(folder: MeetingFolder, change: Change | None, source: Path = REPORT,
                **more: object) -> Path:
    """A meeting whose one attachment is ``source`` changed by ``change``."""
    writer = PdfWriter(clone_from=source)
    if change is not None:
        tree, document = _document(writer)
        change(writer, tree, document)
    with (folder.folder / "hostile.pdf").open("wb") as stream:
        writer.write(stream)
    return folder.write(yaml.safe_dump(basic_meeting(
        [{"title": "Report", "attachments": ["hostile.pdf"]}], **more), sort_keys=False))


def _uncompressed(pdf: Path) -> bytes:
    """The pack with every object spelled out, as a curious reader would look."""
    return subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), "-"],
                          capture_output=True, check=False).stdout


def _stream(writer: PdfWriter, data: bytes) -> PdfObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return add_object(writer, stream)


def _embedded_file(writer: PdfWriter, tree: DictionaryObject, document: DictionaryObject
                   ) -> None:
    data = _stream(writer, b"SECRET payroll figures")
    spec = DictionaryObject({_name("/Type"): _name("/Filespec"),
                             _name("/F"): TextStringObject("x.txt"),
                             _name("/EF"): DictionaryObject({_name("/F"): data})})
    writer.root_object[NameObject("/Names")] = DictionaryObject({
        _name("/EmbeddedFiles"): DictionaryObject({_name("/Names"): ArrayObject([
            TextStringObject("x.txt"), add_object(writer, spec)])})})
    _list(document, data)


def _script(writer: PdfWriter, tree: DictionaryObject, document: DictionaryObject) -> None:
    script = _stream(writer, b'app.alert("SECRET")')
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
        _name("/S"): _name("/JavaScript"), _name("/JS"): script})
    _list(document, script)


def _annotation_as_element(writer: PdfWriter, tree: DictionaryObject,
                           document: DictionaryObject) -> None:
    _list(document, _hidden_note(writer, "SECRET comment"))


def _annotation_as_attributes(writer: PdfWriter, tree: DictionaryObject,
                              document: DictionaryObject) -> None:
    note = _hidden_note(writer, "SECRET comment")
    first, second = (document["/K"][n].get_object() for n in (0, 1))
    first[NameObject("/A")] = note
    second[NameObject("/A")] = ArrayObject([note])
    second[NameObject("/C")] = _name("/Leak")
    tree[NameObject("/ClassMap")] = DictionaryObject({_name("/Leak"): note})


@pytest.mark.parametrize("change", [_embedded_file, _script, _annotation_as_element,
                                    _annotation_as_attributes])
def test_what_an_element_lists_that_is_no_element_is_not_written(
        folder: MeetingFolder, change: Change) -> None:
    meeting = _attachment(folder, change)
    build_pack(meeting, folder.root / "pack.pdf")
    written = _uncompressed(folder.root / "pack.pdf")
    assert b"/StructTreeRoot" in written  # the rest of the tree is adopted ...
    assert b"Library" in subprocess.run(["pdfinfo", "-struct-text",
                                         str(folder.root / "pack.pdf")],
                                        capture_output=True, check=True).stdout
    assert b"SECRET" not in written  # ... and nothing of what it should not hold


def _image(writer: PdfWriter, tree: DictionaryObject, document: DictionaryObject) -> None:
    _list(document, writer.pages[0]["/Resources"]["/XObject"].raw_get("/Im8"))


def _font(writer: PdfWriter, tree: DictionaryObject, document: DictionaryObject) -> None:
    fonts = writer.pages[0]["/Resources"]["/Font"].get_object()
    for name in list(fonts):
        _list(document, fonts.raw_get(name))


def _png(pdf: Path, stem: Path) -> list[bytes]:
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(stem)], check=True)
    return [path.read_bytes() for path in sorted(stem.parent.glob(stem.name + "*.png"))]


@pytest.mark.parametrize("change", [_image, _font])
def test_a_drawn_image_or_font_listed_as_an_element_draws_as_before(
        folder: MeetingFolder, tmp_path: Path, change: Change) -> None:
    build_pack(_attachment(folder, None), tmp_path / "plain.pdf")
    build_pack(_attachment(folder, change), tmp_path / "hostile.pdf")
    assert _png(tmp_path / "hostile.pdf", tmp_path / "h") == _png(tmp_path / "plain.pdf",
                                                                  tmp_path / "p")


@pytest.mark.parametrize("action", ["/Hide", "/JavaScript", "/Sound"])
def test_an_element_typed_with_an_action_s_name_keeps_its_content(
        folder: MeetingFolder, action: str) -> None:
    def retype(writer: PdfWriter, tree: DictionaryObject, document: DictionaryObject) -> None:
        tree["/RoleMap"].get_object()[NameObject(action)] = _name("/P")
        for kid in document["/K"]:
            element = kid.get_object()
            if element.get("/S") in ("/P", "/Standard"):
                element[NameObject("/S")] = _name(action)
                break

    plain = folder.root / "plain.pdf"
    build_pack(_attachment(folder, None), plain)
    build_pack(_attachment(folder, retype), folder.root / "pack.pdf")

    def said(pdf: Path) -> str:
        return subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True,
                              text=True, check=True).stdout
    text = said(folder.root / "pack.pdf")
    assert len(text.splitlines()) == len(said(plain).splitlines())
    root = PdfReader(folder.root / "pack.pdf").trailer["/Root"]["/StructTreeRoot"]
    assert root["/RoleMap"][action + "_2"] == "/P" and action not in root["/RoleMap"]


def test_many_keys_sharing_one_long_parent_tree_array_build_at_once(
        folder: MeetingFolder) -> None:
    def widen(writer: PdfWriter, tree: DictionaryObject, document: DictionaryObject) -> None:
        shared = add_object(writer, ArrayObject([document.indirect_reference] * 2000))
        numbers = tree["/ParentTree"].get_object()["/Nums"]  # the page's and links' keys ...
        for key in range(1000, 21000):
            numbers += [NumberObject(key), shared]  # ... and 20,000 more sharing one array

    meeting = _attachment(folder, widen)
    started = time.monotonic()
    build_pack(meeting, folder.root / "pack.pdf")
    assert time.monotonic() - started < 10  # 2 minutes when each key read the array again


UNREADABLE = ('"hostile.pdf" has a structure tree that cannot be read (a ParentTree, RoleMap, '
              "ClassMap or IDTree that is not a dictionary); the pack cannot claim PDF/UA "
              "accessibility (export it from Word or LibreOffice with tags)")


def _wrong_types(writer: PdfWriter, tree: DictionaryObject, document: DictionaryObject
                 ) -> None:
    tree[NameObject("/ParentTree")] = NumberObject(5)


# The attachment's tree is broken on purpose, so it is not adopted: its pages keep their
# marked content (MCIDs) with no /StructParents, which the structure check rightly flags.
@pytest.mark.unchecked_structure
def test_an_unreadable_tree_is_named_at_the_attachment_s_line(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    meeting = _attachment(folder, _wrong_types)
    line = next(n for n, text in enumerate(meeting.read_text().splitlines(), 1)
                if "hostile.pdf" in text)
    for problems in (build_pack(meeting, folder.root / "pack.pdf").warnings,
                     validate(meeting).warnings):
        assert [(p.position.line, p.severity, p.message) for p in problems
                if "tag" in p.message] == [(line, "warning", UNREADABLE)]
    refused = run_cli("build", "--require-tagged", "meeting/meeting.yaml", "-o", "x.pdf",
                      cwd=folder.root)
    assert refused.returncode == 1
    assert f"meeting.yaml:{line}:" in refused.stderr and "error: " + UNREADABLE \
        in refused.stderr



def _links(pdf: Path) -> tuple[dict[int, int], dict[int, int]]:
    """Each annotation an element holds by OBJR, by object number, with the element's; and
    each page annotation with the element its /StructParent names in the ParentTree."""
    reader = PdfReader(pdf)
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    held: dict[int, int] = {}
    seen: set[int] = set()
    stack = list(tree["/K"]) if isinstance(tree["/K"], ArrayObject) else [tree.raw_get("/K")]
    while stack:
        ref = stack.pop()
        element = ref.get_object()
        if not isinstance(element, DictionaryObject) or ref.idnum in seen:
            continue
        seen.add(ref.idnum)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            value = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(value, DictionaryObject) and value.get("/Type") == "/OBJR":
                assert value.raw_get("/Obj").idnum not in held, "an annotation held twice"
                held[value.raw_get("/Obj").idnum] = ref.idnum
            elif isinstance(value, DictionaryObject) and hasattr(kid, "idnum"):
                stack.append(kid)
    nums = tree["/ParentTree"].get_object()["/Nums"]
    keyed = {int(key): value for key, value in zip(nums[::2], nums[1::2], strict=True)}
    named = {ref.idnum: keyed[ref.get_object()["/StructParent"]].idnum
             for page in reader.pages for ref in page.get("/Annots", [])}
    return held, named


def test_with_make_room_an_adopted_link_holds_the_annotation_on_its_page(
        folder: MeetingFolder) -> None:
    """make_room moves a page's annotations as copies, after the graft has pointed the
    report's Link elements at the scrubbed ones: they must follow to the copies on the
    page, and no second Link element be made for a copy."""
    meeting = _attachment(folder, None, page_numbers={"make_room": True})
    build_pack(meeting, folder.root / "pack.pdf")
    held, named = _links(folder.root / "pack.pdf")
    assert len(named) == 4  # the front sheet's two links and the report's two
    assert held == named


@pytest.mark.unchecked_structure  # refused whole, the file's MCIDs stay without a tree
def test_a_tree_the_graft_refuses_is_named_and_refused_under_require_tagged(
        folder: MeetingFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tree too large to read is found only while it is grafted; it is still named, as
    an untagged file is, and --require-tagged still refuses it."""
    monkeypatch.setattr("packgen.pdf.graftread.MAX_ENTRIES", 3)
    meeting = _attachment(folder, None)
    result = build_pack(meeting, folder.root / "pack.pdf")
    [said] = [w for w in result.warnings if "structure tree" in w.message]
    assert said.message.startswith('"hostile.pdf" has a structure tree packgen could not '
                                   "adopt")
    assert said.position.line == next(n for n, line in enumerate(
        meeting.read_text().splitlines(), 1) if "hostile.pdf" in line)
    xmp = PdfReader(folder.root / "pack.pdf").root_object["/Metadata"].get_object()
    assert b"pdfuaid" not in xmp.get_data()
    (folder.root / "pack.pdf").unlink()
    with pytest.raises(AttachmentError) as refused:
        build_pack(meeting, folder.root / "pack.pdf", require_tagged=True)
    assert [p.severity for p in refused.value.problems] == ["error"]
    assert not (folder.root / "pack.pdf").exists()
