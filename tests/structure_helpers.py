"""Tagged own pages made by hand, and a structure tree read back, for the structure tests.

Until the typesetter tags what it draws, :func:`tag_by_hand` stands in for it: each page
of a typeset document becomes one P of marked content holding a Link element per link
annotation; a filler is one artifact. That is the contract of
:class:`packgen.rendered.Typeset` (``structure``, ``tagged``) the pack's tree is built from.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from packgen.pdf.bridge import add_object
from packgen.rendered import Annotation, Marked, Tag, Typeset
from packgen.typesetting import InProcessTypesetting


def tag_by_hand(typeset: Typeset, artifact: bool = False, hidden_first: bool = False,
                tagged: bool = True) -> Typeset:
    """``typeset`` with each page's content one P (or, ``artifact``, one artifact), each
    link annotation a Link in it. ``hidden_first``: a hidden link is put before each
    page's own, for scrubbing to drop."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(typeset.pdf)))
    tags = []
    for number, page in enumerate(writer.pages):
        opening = b"/Artifact BMC\n" if artifact else b"/P <</MCID 0>> BDC\n"
        stream = DecodedStreamObject()
        stream.set_data(opening + page.get_contents().get_data() + b"\nEMC\n")  # type: ignore[union-attr]
        page[NameObject("/Contents")] = add_object(writer, stream)
        annots = page.get("/Annots")
        count = len(annots.get_object()) if annots is not None else 0
        if hidden_first and count:
            hidden = DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/F"): NumberObject(2),
                NameObject("/Rect"): RectangleObject((0, 0, 10, 10))})
            page[NameObject("/Annots")] = ArrayObject(
                [add_object(writer, hidden), *annots.get_object()])
        links = tuple(Tag("Link", (Annotation(number, index + hidden_first),),
                          text=f"link {number + 1}.{index + 1}") for index in range(count))
        if not artifact:
            tags.append(Tag("P", (Marked(number, 0), *links)))
    out = io.BytesIO()
    writer.write(out)
    return replace(typeset, pdf=out.getvalue(), structure=tuple(tags), tagged=tagged)


def hand_tagging(monkeypatch: pytest.MonkeyPatch, **options: Any) -> None:
    """Every page typeset in this process from now on is tagged by :func:`tag_by_hand`."""
    typeset = InProcessTypesetting._typeset

    def tagging(self: InProcessTypesetting, name: str, context: dict[str, Any]) -> Typeset:
        made = typeset(self, name, context)
        return tag_by_hand(made, artifact=name == "filler.html", **options)

    monkeypatch.setattr(InProcessTypesetting, "_typeset", tagging)


def struct_text(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", "-struct-text", str(pdf)], check=True,
                          capture_output=True, text=True).stdout


def parent_tree(reader: PdfReader) -> dict[int, Any]:
    """The ParentTree's entries, read through /Kids as well as /Nums."""
    found: dict[int, Any] = {}

    def walk(node: DictionaryObject) -> None:
        nums = node.get("/Nums", [])
        for at in range(0, len(nums), 2):
            found[int(nums[at])] = nums[at + 1].get_object()
        for kid in node.get("/Kids", []):
            walk(kid.get_object())

    walk(reader.root_object["/StructTreeRoot"]["/ParentTree"].get_object())
    return found


def outline_tree(reader: PdfReader) -> list[tuple[int, str, str]]:
    """(depth, role, /T) of every element down to the documents' Sects."""
    rows: list[tuple[int, str, str]] = []

    def walk(ref: IndirectObject, depth: int) -> None:
        elem = ref.get_object()
        rows.append((depth, str(elem["/S"])[1:], str(elem.get("/T", ""))))
        if str(elem["/S"]) in ("/Document", "/Part"):
            for kid in elem.get("/K", []):
                if isinstance(kid, IndirectObject):
                    walk(kid, depth + 1)

    for top in reader.root_object["/StructTreeRoot"]["/K"]:
        walk(top, 0)
    return rows


def mcids(content: bytes) -> list[int]:
    return [int(m) for m in re.findall(rb"/MCID (\d+)", content)]
