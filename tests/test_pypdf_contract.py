"""The contract between packgen and the installed pypdf: what :mod:`packgen.pdf.bridge`
relies on beyond pypdf's documented API, and the pypdf behaviour the PDF half assumes.

Each test fails when an upgrade of pypdf moves something the bridge uses, so a new
pypdf is judged by running this file (``pytest tests/test_pypdf_contract.py``) before
the pin in pyproject.toml is raised; the README says which versions pass.
"""

from __future__ import annotations

import io
import logging
import mmap
import re
import zlib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import cast

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from packgen.pdf import bridge
from packgen.pdf.mapped import MapClosedError, Window
from packgen.pdf.pagetree import check_page_tree
from packgen.pdf.repairs import repair_summary
from tests.conftest import make_pdf
from tests.security.test_hostile_pdfs import raw_pdf


def _pin() -> str:
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'"pypdf\[crypto\]([^"]*)"', text)
    assert found, "pyproject.toml names pypdf[crypto] with a version range"
    return found[1]


def test_the_pin_is_the_tested_range() -> None:
    assert _pin() == bridge.TESTED_PYPDF


def test_installed_pypdf_is_in_the_tested_range() -> None:
    installed = tuple(int(part) for part in version("pypdf").split(".")[:2])
    low, high = re.fullmatch(r">=(\d+\.\d+),<(\d+)", bridge.TESTED_PYPDF).groups()  # type: ignore[union-attr]
    assert tuple(int(p) for p in low.split(".")) <= installed < (int(high), 0)


def _reader(tmp_path: Path, pages: int = 2) -> PdfReader:
    path = tmp_path / "in.pdf"
    make_pdf(path, [f"page {n}" for n in range(1, pages + 1)])
    return PdfReader(path)


def test_add_object_keeps_the_object_itself() -> None:
    writer = PdfWriter()
    obj = DictionaryObject({NameObject("/Kind"): NameObject("/Mine")})
    ref = bridge.add_object(writer, obj)
    assert isinstance(ref, IndirectObject) and ref.pdf is writer
    assert ref.get_object() is obj  # not a clone
    assert bridge.add_object(writer, DictionaryObject()).idnum != ref.idnum


def test_appended_pages_are_the_writers_pages(tmp_path: Path) -> None:
    reader = _reader(tmp_path, 3)
    writer = PdfWriter()
    refs = []
    for page in reader.pages:
        copy = PageObject(writer)
        copy[NameObject("/Type")] = NameObject("/Page")
        copy[NameObject("/MediaBox")] = page["/MediaBox"]
        refs.append(bridge.append_page(writer, copy))
    assert len(writer.pages) == 3
    for index, ref in enumerate(refs):
        assert writer.pages[index].indirect_reference == ref
        assert writer.get_page_number(writer.pages[index]) == index
        assert cast(DictionaryObject, ref.get_object())["/Parent"].indirect_reference == \
            writer.root_object.raw_get("/Pages")
    writer.add_outline_item(title="Third", page_number=2)  # pypdf's own API sees the pages too
    written = io.BytesIO()
    writer.write(written)
    back = PdfReader(written)
    assert len(back.pages) == 3
    assert back.get_destination_page_number(back.outline[0]) == 2  # type: ignore[arg-type]


def test_page_list_is_the_pages_pypdf_serves(tmp_path: Path) -> None:
    reader = _reader(tmp_path, 3)
    listed = bridge.page_list(reader)
    assert len(listed) == 3
    assert all(listed[i] is reader.pages[i] for i in range(3))  # the same objects
    writer = PdfWriter()
    for page in listed:
        copy = PageObject(writer)
        copy[NameObject("/Type")] = NameObject("/Page")
        copy[NameObject("/MediaBox")] = page["/MediaBox"]
        bridge.append_page(writer, copy)
    assert [p.indirect_reference for p in bridge.page_list(writer)] == \
        [p.indirect_reference for p in writer.pages]


def test_referenced_is_what_get_object_gives(tmp_path: Path) -> None:
    reader = _reader(tmp_path, 2)
    refs = [IndirectObject(n, 0, reader) for n in range(1, 8)]
    first = [bridge.referenced(ref) for ref in refs[:3]]  # not read yet: pypdf reads them
    assert [bridge.referenced(ref) for ref in refs] == [ref.get_object() for ref in refs]
    assert all(bridge.referenced(ref) is ref.get_object() for ref in refs)  # from its cache
    assert all(found is ref.get_object() for found, ref in zip(first, refs, strict=False))
    writer = PdfWriter()
    mine = bridge.add_object(writer, DictionaryObject())
    assert bridge.referenced(mine) is mine.get_object()


@pytest.mark.parametrize("value", [0, 1, -7, 595, 2**40])
def test_a_number_made_without_pypdfs_new_is_pypdfs(value: int) -> None:
    made, theirs = bridge.number_object(value), NumberObject(value)
    assert type(made) is type(theirs) and made == theirs and vars(made) == vars(theirs)


@pytest.mark.parametrize("value", [0.0, 595.2756, -0.5, 1e-5])
def test_a_real_made_without_pypdfs_new_is_pypdfs(value: float) -> None:
    made, theirs = bridge.float_object(value), FloatObject(value)
    assert type(made) is type(theirs) and made == theirs and vars(made) == vars(theirs)
    assert made.myrepr() == theirs.myrepr()


def test_pdf_version_is_read_and_written(tmp_path: Path) -> None:
    path = tmp_path / "v20.pdf"
    make_pdf(path, ["x"])
    path.write_bytes(path.read_bytes().replace(b"%PDF-1.", b"%PDF-2.", 1)[:8]
                     + path.read_bytes()[8:])
    assert bridge.pdf_version(PdfReader(path)) == "2." + path.read_bytes()[7:8].decode()
    writer = PdfWriter()
    bridge.set_pdf_version(writer, "2.0")
    assert bridge.pdf_version(writer) == "2.0"
    written = io.BytesIO()
    writer.add_blank_page(100, 100)
    writer.write(written)
    assert written.getvalue().startswith(b"%PDF-2.0")


def _page_file(page: bytes) -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page])


_TWICE = _page_file(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Rotate 90 "
                    b"/Rotate 90 >>")
"""A sound file whose page names a key twice: a strict reader refuses that page."""


def test_a_strict_reader_refuses_what_a_tolerated_one_repairs() -> None:
    strict = PdfReader(io.BytesIO(_TWICE), strict=True)  # the table is sound
    with pytest.raises(PdfReadError):
        len(strict.pages)
    tolerated = PdfReader(io.BytesIO(_TWICE), strict=True)
    bridge.tolerate(tolerated)
    assert len(tolerated.pages) == 1 and tolerated.pages[0].rotation == 90


def test_unparsed_objects_are_where_the_table_says(tmp_path: Path) -> None:
    reader = _reader(tmp_path)
    data = (tmp_path / "in.pdf").read_bytes()
    listed = list(bridge.unparsed_objects(reader))
    assert listed
    for generation, idnum, offset in listed:
        assert re.match(rb"\s*%d %d obj" % (idnum, generation), data[offset:])
        ref = IndirectObject(idnum, generation, reader)
        assert bridge.offset_of(reader, ref) == offset
        assert bridge.cached(reader, ref) is None
    first = IndirectObject(listed[0][1], listed[0][0], reader)
    obj = first.get_object()
    assert bridge.cached(reader, first) is obj
    assert (listed[0][0], listed[0][1]) not in {(g, i) for g, i, _ in
                                                bridge.unparsed_objects(reader)}


def test_objects_in_object_streams_are_not_listed(tmp_path: Path) -> None:
    qpdf = pytest.importorskip("shutil").which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf is not installed")
    import subprocess

    make_pdf(tmp_path / "plain.pdf", ["a", "b"])
    subprocess.run([qpdf, "--object-streams=generate", str(tmp_path / "plain.pdf"),
                    str(tmp_path / "packed.pdf")], check=True)
    reader = PdfReader(tmp_path / "packed.pdf")
    data = (tmp_path / "packed.pdf").read_bytes()
    listed = list(bridge.unparsed_objects(reader))
    for generation, idnum, offset in listed:
        assert re.match(rb"\s*%d %d obj" % (idnum, generation), data[offset:])
    page = reader.pages[0].indirect_reference
    assert page is not None
    assert page.idnum not in {idnum for _, idnum, _ in listed}  # it lives in a stream


def test_a_cached_object_is_what_the_reader_returns(tmp_path: Path) -> None:
    reader = _reader(tmp_path)
    generation, idnum, _ = next(iter(bridge.unparsed_objects(reader)))
    mine = DictionaryObject({NameObject("/Mine"): NumberObject(1)})
    assert bridge.cache(reader, generation, idnum, mine)
    assert reader.get_object(IndirectObject(idnum, generation, reader)) is mine
    assert not bridge.cache(reader, generation, idnum, DictionaryObject())
    assert reader.get_object(IndirectObject(idnum, generation, reader)) is mine


def _updated(base: bytes, objects: dict[tuple[int, int], bytes | None],
             prev: int | None = None) -> bytes:
    """``base`` with an incremental update appended: each (object, generation) given a new
    body, or freed (None); the update's table names base's as its /Prev unless ``prev``
    says otherwise."""
    out = bytearray(base)
    entries = {0: b"0000000000 65535 f \n"}
    for (idnum, generation), body in objects.items():
        if body is None:
            entries[idnum] = b"0000000000 %05d f \n" % generation
        else:
            entries[idnum] = b"%010d %05d n \n" % (len(out), generation)
            out += b"%d %d obj\n%s\nendobj\n" % (idnum, generation, body)
    table = len(out)
    out += b"xref\n" + b"".join(b"%d 1\n%s" % item for item in sorted(entries.items()))
    size = int(re.findall(rb"/Size (\d+)", base)[-1])
    before = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        max(size, *(i + 1 for i in entries)), before if prev is None else prev, table)
    return bytes(out)


_BASE = raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                 b"<< /Deleted (by the update) >>"])
_REGENERATED = _updated(_BASE, {
    (2, 0): b"<< /Type /Pages /Kids [3 1 R] /Count 1 >>",
    (3, 1): b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Rotate 90 >>"})
"""An update that replaces the page, object 3, by object 3 of generation 1; the table still
places generation 0 in the file too."""


def test_each_generation_of_an_object_is_its_own() -> None:
    reader = PdfReader(io.BytesIO(_REGENERATED), strict=True)
    new, old = IndirectObject(3, 1, reader), IndirectObject(3, 0, reader)
    listed = {(g, i): offset for g, i, offset in bridge.unparsed_objects(reader)}
    assert _REGENERATED[listed[1, 3]:].startswith(b"3 1 obj")
    assert _REGENERATED[listed[0, 3]:].startswith(b"3 0 obj")
    assert (bridge.offset_of(reader, new), bridge.offset_of(reader, old)) == (
        listed[1, 3], listed[0, 3])
    assert reader.pages[0].rotation == 90  # pypdf reads the page as generation 1
    assert bridge.cached(reader, new) is reader.get_object(new)
    assert bridge.cached(reader, old) is None
    still = {(g, i) for g, i, _ in bridge.unparsed_objects(reader)}
    assert (0, 3) in still and (1, 3) not in still


def test_an_object_is_cached_under_its_own_generation() -> None:
    reader = PdfReader(io.BytesIO(_REGENERATED), strict=True)
    new, old = IndirectObject(3, 1, reader), IndirectObject(3, 0, reader)
    first = reader.get_object(old)  # generation 0 is parsed and cached by pypdf
    mine = DictionaryObject({NameObject("/Mine"): NumberObject(1)})
    assert bridge.cache(reader, 1, 3, mine)
    assert reader.get_object(new) is mine and bridge.cached(reader, new) is mine
    assert reader.get_object(old) is first and bridge.cached(reader, old) is first
    assert not bridge.cache(reader, 1, 3, DictionaryObject())


@pytest.mark.parametrize(("prev", "listed"), [
    # pypdf keeps the in-use entry of the table before: the object is read as it was
    (None, True),
    # the update's /Prev points past the end, so pypdf rebuilds its table from the
    # bodies in the file: the object is there, but the entry that freed it stands
    (10**6, False),
], ids=["older-entry-stands", "table-rebuilt"])
def test_an_object_an_update_frees_is_listed_only_if_pypdf_reads_it(
        prev: int | None, listed: bool) -> None:
    """What the fast reader primes is what pypdf would read where the table says; an
    object whose entry is free pypdf reads as null, whatever is in the file."""
    data = _updated(_BASE, {(4, 0): None}, prev=prev)
    reader = PdfReader(io.BytesIO(data), strict=False)
    freed = IndirectObject(4, 0, reader)
    assert data[bridge.offset_of(reader, freed) or 0:].startswith(b"4 0 obj")
    assert ((0, 4) in {(g, i) for g, i, _ in bridge.unparsed_objects(reader)}) is listed
    assert isinstance(reader.get_object(freed), NullObject) is not listed
    assert {(0, 1), (0, 2), (0, 3)} <= {(g, i) for g, i, _ in bridge.unparsed_objects(reader)}


def test_streams_keep_their_stored_bytes() -> None:
    text = b"BT /F1 12 Tf (hello) Tj ET"
    packed = zlib.compress(text)
    encoded = bridge.stream_object(
        DictionaryObject({NameObject("/Filter"): NameObject("/FlateDecode"),
                          NameObject("/Length"): NumberObject(len(packed))}), packed)
    assert isinstance(encoded, EncodedStreamObject)
    assert encoded.get_data() == text
    assert bridge.stored_data(encoded) == packed  # written as stored, never re-encoded
    plain = bridge.stream_object(DictionaryObject(), text)
    assert not isinstance(plain, EncodedStreamObject)
    assert bridge.stored_data(plain) == text
    decoded = DecodedStreamObject()
    decoded.set_data(b"q Q")
    assert bridge.stored_data(decoded) == b"q Q"


def _in_map(data: bytes, entries: dict[str, PdfObject]) -> tuple[StreamObject, mmap.mmap]:
    """A stream whose stored bytes lie between other bytes of a map, as fastread makes it."""
    held = mmap.mmap(-1, len(data) + 10)
    held[:] = b"junk " + data + b" junk"
    stream = bridge.mapped_stream(
        DictionaryObject({NameObject(k): v for k, v in entries.items()}),
        Window(held, 5, len(data)))
    return stream, held


def test_pypdf_reads_a_mapped_streams_bytes_through_its_data() -> None:
    """pypdf's decoders, ``get_data``, ContentStream and ``write_to_stream`` all read the
    stored bytes as ``_data``, which a mapped stream reads from its map."""
    text = b"BT /F1 12 Tf (hello) Tj ET"
    packed = zlib.compress(text)
    encoded, held = _in_map(packed, {"/Filter": NameObject("/FlateDecode"),
                                     "/Length": NumberObject(len(packed))})
    assert isinstance(encoded, EncodedStreamObject) and "/Length" not in encoded
    assert bridge.stored_window(encoded) is not None
    assert bridge.stored_data(encoded) == packed and bridge.stored_length(encoded) == len(packed)
    assert encoded.get_data() == text
    assert encoded.decoded_self is None  # not kept: pypdf's own stream keeps it
    plain = bridge.stream_object(DictionaryObject({NameObject("/Filter"): NameObject(
        "/FlateDecode")}), packed)
    plain.get_data()
    assert plain.decoded_self is not None  # why get_data is overridden
    assert ContentStream(encoded, None).operations[2] == ([TextStringObject("hello")], b"Tj")
    written = io.BytesIO()
    encoded.write_to_stream(written)
    assert b"\nstream\n" + packed + b"\nendstream" in written.getvalue()
    decoded, _ = _in_map(text, {})
    assert isinstance(decoded, DecodedStreamObject) and not isinstance(decoded, EncodedStreamObject)
    assert decoded.get_data() == text and bridge.stored_data(decoded) == text
    held.close()


def test_a_mapped_stream_set_or_cloned_holds_its_own_bytes() -> None:
    """What pypdf sets (``set_data``) or copies (``clone``, as PdfWriter(clone_from=...)
    does) is bytes of its own: it outlives the map."""
    text = b"0 0 m 10 10 l S"
    encoded, held = _in_map(zlib.compress(text), {"/Filter": NameObject("/FlateDecode")})
    clone = encoded.clone(PdfWriter())
    assert isinstance(clone, StreamObject) and bridge.stored_window(clone) is None
    decoded, _ = _in_map(text, {})
    decoded_clone = decoded.clone(PdfWriter())
    encoded.set_data(b"q Q")
    decoded.set_data(b"q Q")
    assert bridge.stored_window(encoded) is None and bridge.stored_window(decoded) is None
    held.close()
    assert encoded.get_data() == b"q Q" and zlib.decompress(bridge.stored_data(encoded)) == b"q Q"
    assert decoded.get_data() == b"q Q"
    assert clone.get_data() == text and decoded_clone.get_data() == text
    untouched, other = _in_map(text, {})
    other.close()
    with pytest.raises(MapClosedError):  # what still points into its map says so
        untouched.get_data()


@pytest.mark.parametrize("nodes", [
    # a branch without /Type (it has /Kids), a page without /Type (no /Kids either)
    ["<< /Kids [4 0 R 5 0 R] >>", "<< /MediaBox [0 0 10 10] >>",
     "<< /Type /Page /MediaBox [0 0 10 10] >>"],
    # a branch of pages and of nothing at all, beside a plain page
    ["<< /Type /Pages /Kids [] >>", "<< /Type /Page /MediaBox [0 0 10 10] >>"],
    # a kid that is not a dictionary, an empty one, and one of an unknown type
    ["[1 2 3]", "<< >>", "<< /Type /Annot >>"],
])
def test_pypdf_walks_the_page_tree_as_pagetree_assumes(nodes: list[str]) -> None:
    data = _pages_file(nodes)
    reader = PdfReader(io.BytesIO(data))
    assert check_page_tree(reader) == len(reader.pages)


def _pages_file(nodes: list[str]) -> bytes:
    """Catalog 1, page tree root 2 whose kids are the nodes (objects 3 on) that no other
    node names."""
    named = {int(n) for node in nodes for n in re.findall(r"(\d+) 0 R", node)}
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(len(nodes)) if 3 + i not in named)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count 9 >>" % kids]
    return raw_pdf([*objects, *(n.encode() for n in nodes)])


def test_pages_inherit_boxes_rotation_and_resources() -> None:
    """pypdf copies what a page inherits onto the page (PDF 2.0, 7.7.3.4), which
    :func:`packgen.pdf.boxes.displayed_box` and the copying rely on."""
    data = _pages_file(["<< /Type /Pages /Kids [4 0 R] /MediaBox [0 0 300 400] "
                        "/CropBox [10 10 290 390] /Rotate 90 /Resources << /Mine 1 >> >>",
                        "<< /Type /Page >>"])
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert [float(v) for v in cast(ArrayObject, page["/MediaBox"])] == [0, 0, 300, 400]
    assert [float(v) for v in cast(ArrayObject, page["/CropBox"])] == [10, 10, 290, 390]
    assert cast(int, page["/Rotate"]) == 90
    assert "/Mine" in cast(DictionaryObject, page["/Resources"])


@pytest.fixture
def pypdf_log() -> Iterator[list[str]]:
    said: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    handler = Collect()
    logger = logging.getLogger("pypdf")
    logger.addHandler(handler)
    try:
        yield said
    finally:
        logger.removeHandler(handler)


def test_pypdf_says_what_it_repairs_on_its_logger(pypdf_log: list[str]) -> None:
    """:mod:`packgen.pdf.sources` tells the officer what was repaired from what pypdf logs
    to the "pypdf" logger; the words it looks for must still be there."""
    data = _page_file(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")
    broken = data[:data.rindex(b"startxref")] + b"startxref\n9999\n%%EOF\n"
    with pytest.raises(PdfReadError):
        PdfReader(io.BytesIO(broken), strict=True)
    reader = PdfReader(io.BytesIO(broken), strict=False)
    assert len(reader.pages) == 1
    assert repair_summary(pypdf_log).startswith(
        "its cross-reference table was out of place"), pypdf_log
    pypdf_log.clear()
    assert len(PdfReader(io.BytesIO(b"junk\n" + data), strict=False).pages) == 1
    assert "there was junk before the PDF header" in repair_summary(pypdf_log), pypdf_log


def test_null_is_its_own_object() -> None:
    """Boxes and entries are judged by class (``NullObject``, ``ArrayObject``)."""
    assert isinstance(ArrayObject([NullObject()])[0], NullObject)
