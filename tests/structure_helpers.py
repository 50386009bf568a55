"""Tagged own pages made by hand, and a structure tree read back, for the structure tests.

:func:`tag_by_hand` changes what the typesetter hands over, within the contract of
:class:`packgen.rendered.Typeset` (``structure``, ``tagged``): a typeset document that
does not claim to be tagged, or a link annotation scrubbing will drop before each page's
own.
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
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from packgen.pdf.bridge import add_object
from packgen.rendered import Annotation, Tag, Typeset
from packgen.typesetting import InProcessTypesetting

UNSCRUBBED = ("frontsheet.html", "filler.html")
"""Our pages that go into the pack as they were typeset: only a rendered document's
annotations are rebuilt by scrubbing (:mod:`packgen.pdf.scrub`)."""


def tag_by_hand(typeset: Typeset, hidden_first: bool = False, tagged: bool = True
                ) -> Typeset:
    """``typeset`` as the typesetter tagged it, but claiming ``tagged``; with
    ``hidden_first``, a hidden link put before each page's own (for scrubbing to drop: a
rendered document's pages only, :func:`hand_tagging` sees to it),
    the structure's annotation indexes moved past it."""
    if not hidden_first:
        return replace(typeset, tagged=tagged)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(typeset.pdf)))
    moved: set[int] = set()
    for number, page in enumerate(writer.pages):
        annots = page.get("/Annots")
        if annots is None or not annots.get_object():
            continue
        hidden = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/F"): NumberObject(2),
            NameObject("/Rect"): RectangleObject((0, 0, 10, 10))})
        page[NameObject("/Annots")] = ArrayObject(
            [add_object(writer, hidden), *annots.get_object()])
        moved.add(number)

    def shifted(tag: Tag) -> Tag:
        return replace(tag, kids=tuple(
            shifted(k) if isinstance(k, Tag)
            else Annotation(k.page, k.index + 1) if isinstance(k, Annotation)
            and k.page in moved else k for k in tag.kids))

    out = io.BytesIO()
    writer.write(out)
    return replace(typeset, pdf=out.getvalue(), tagged=tagged,
                   structure=tuple(shifted(t) for t in typeset.structure))


def hand_tagging(monkeypatch: pytest.MonkeyPatch, **options: Any) -> None:
    """Every page typeset in this process from now on goes through :func:`tag_by_hand`."""
    typeset = InProcessTypesetting._typeset

    def tagging(self: InProcessTypesetting, name: str, context: dict[str, Any],
                *rest: Any, **named: Any) -> Typeset:
        chosen = dict(options)
        if name in UNSCRUBBED:  # a hidden link there would stay, and never be dropped
            chosen.pop("hidden_first", None)
        return tag_by_hand(typeset(self, name, context, *rest, **named), **chosen)

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
