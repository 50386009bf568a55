"""Number the pages: stamps, page labels and the agenda's links.

A stamp is a few bytes of content appended to the page, between a ``q``
prepended and a ``Q`` appended to its own content so nothing the page leaves
in the graphics state moves it, drawn with one shared embedded font. The page's
own content is never decoded, which keeps stamping cheap. Positions are
measured on the page *as displayed*: against the CropBox, turned by /Rotate, as
:func:`packgen.pdf.pagetree.displayed_box` reads them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from packgen.layout import Plan
from packgen.model import Item
from packgen.pdf.bridge import add_object
from packgen.pdf.pagetree import displayed_box
from packgen.rendered import PAGE_LINK_SCHEME, StampFonts
from packgen.statute import exempt_under

mm = 72 / 25.4
FOOTER_BASELINE = 7 * mm
"""Distance of the "Page N" baseline above the foot of the displayed page."""
FOOTER_SIZE = 9.0
ITEM_SIZE = 11.0
ITEM_INSET = 12 * mm
_FONTS = {"regular": "/PackgenStamp", "bold": "/PackgenStampBold"}


def _ascii(text: str) -> str:
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


class Stamper:
    """Adds stamps to pages of one writer."""

    def __init__(self, writer: PdfWriter, fonts: StampFonts) -> None:
        self.writer = writer
        self.fonts = fonts
        page = PdfReader(io.BytesIO(fonts.pdf)).pages[0]
        # Find each variant's subset by its face's PostScript name (ABCDEF+Name); a house
        # style may give one file for both, and then they share one font.
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts_used = resources["/Font"].get_object()
        assert isinstance(fonts_used, DictionaryObject)
        by_face: dict[str, DictionaryObject] = {}
        for key in sorted(fonts_used.keys()):
            font = fonts_used[key].get_object()
            if isinstance(font, DictionaryObject):
                by_face.setdefault(str(font.get("/BaseFont", "")).split("+")[-1], font)
        clones: dict[int, IndirectObject] = {}
        self.font_refs: dict[str, IndirectObject] = {}
        for variant, face in fonts.faces.items():
            font = by_face[face]
            if id(font) not in clones:
                clones[id(font)] = add_object(writer, font.clone(writer))
            self.font_refs[variant] = clones[id(font)]
        save = DecodedStreamObject()
        save.set_data(b"q\n")
        self.save = add_object(writer, save)
        self.draft_state = add_object(writer, DictionaryObject({
            NameObject("/Type"): NameObject("/ExtGState"),
            NameObject("/ca"): FloatObject(0.18)}))

    def stamp(self, page: PageObject, stamps: list[Stamp], draft: bool = False) -> None:
        """Draw the stamps (and a DRAFT watermark) upright on the page as displayed."""
        box = displayed_box(page)  # checked when the attachment was opened
        x0, y0, x1, y1 = box.left, box.bottom, box.right, box.top
        rotation, width, height = box.rotation, box.width, box.height
        # Maps displayed coordinates (origin at the displayed lower left) to user space.
        matrix = {
            0: (1, 0, 0, 1, x0, y0),
            90: (0, 1, -1, 0, x1, y0),
            180: (-1, 0, 0, -1, x1, y1),
            270: (0, -1, 1, 0, x0, y1),
        }[rotation]
        ops = ["Q", "q", " ".join(f"{v:g}" for v in matrix) + " cm"]
        if draft:
            ops += self._watermark(width, height)
        ops.append("0 g")
        for stamp in stamps:
            text = _ascii(stamp.text)
            text_width = self.fonts.width(text, stamp.variant, stamp.size)
            x = {"centre": (width - text_width) / 2,
                 "right": width - ITEM_INSET - text_width}[stamp.align]
            y = stamp.y if stamp.y >= 0 else height + stamp.y
            ops.append(f"BT {_FONTS[stamp.variant]} {stamp.size:g} Tf {x:.2f} {y:.2f} Td "
                       f"{_pdf_string(text)} Tj ET")
        ops.append("Q")
        stream = DecodedStreamObject()
        stream.set_data(("\n".join(ops) + "\n").encode("ascii"))
        contents = page.get("/Contents")
        existing = contents.get_object() if contents is not None else None
        if isinstance(existing, ArrayObject):
            parts = list(existing)
        elif contents is not None:
            parts = [contents]
        else:
            parts = []
        page[NameObject("/Contents")] = ArrayObject([self.save, *parts,
                                                     add_object(self.writer, stream)])
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        page[NameObject("/Resources")] = resources
        for kind, entries in (("/Font", {name: self.font_refs[v] for v, name in _FONTS.items()}),
                              ("/ExtGState", {"/PackgenDraft": self.draft_state})):
            current = resources.get(kind)
            current = current.get_object() if current is not None else DictionaryObject()
            resources[NameObject(kind)] = current
            for name, ref in entries.items():
                current[NameObject(name)] = ref

    def _watermark(self, width: float, height: float) -> list[str]:
        """A large, translucent DRAFT across the middle of the page, drawn first."""
        size = min(width, height) / 4.5
        text_width = self.fonts.width("DRAFT", "bold", size)
        cos = sin = 0.7071
        # Start so the word's middle sits on the page's middle, at 45 degrees.
        x = width / 2 - cos * text_width / 2 + sin * size * 0.35
        y = height / 2 - sin * text_width / 2 - cos * size * 0.35
        return ["q /PackgenDraft gs 0.75 0 0 rg",
                f"BT {_FONTS['bold']} {size:.1f} Tf {cos} {sin} {-sin} {cos} {x:.2f} {y:.2f} Tm "
                "(DRAFT) Tj ET Q"]


@dataclass(frozen=True)
class Stamp:
    text: str
    variant: str = "regular"
    size: float = FOOTER_SIZE
    align: str = "centre"  # or "right"
    y: float = FOOTER_BASELINE
    """Baseline above the foot of the page; negative: below the top."""


def number_pages(writer: PdfWriter, layout: Plan, fonts: StampFonts, draft: bool = False
                 ) -> None:
    """Stamp "Page N", "Agenda Item N" and NOT FOR PUBLICATION; watermark a draft; set
    page labels and resolve the agenda's links."""
    stamper = Stamper(writer, fonts)
    item_starts: dict[int, Item] = {}
    for placement in layout.placements:
        if placement.kind == "attachment" and placement.item is not None \
                and all(item is not placement.item for item in item_starts.values()):
            item_starts[placement.start] = placement.item
    exempt = layout.exempt_pages()
    for index in range(layout.total):
        stamps = []
        label = layout.labels[index]
        if index >= layout.front_pages and not label.roman:
            stamps.append(Stamp(f"Page {label}"))
        if index in item_starts:
            stamps.append(Stamp(f"Agenda Item {item_starts[index].number}", "bold", ITEM_SIZE,
                                "right", -ITEM_INSET))
        if index in exempt:
            stamps += [Stamp("NOT FOR PUBLICATION", "bold", ITEM_SIZE, "centre", -ITEM_INSET),
                       Stamp(exempt_under(exempt[index]), "regular", 7.5, "centre",
                             -ITEM_INSET - 10)]
        if stamps or draft:
            stamper.stamp(writer.pages[index], stamps, draft)
    _labels(writer, layout)
    _resolve_links(writer, layout)


def _labels(writer: PdfWriter, layout: Plan) -> None:
    """Page labels that read as the printed numbers: one range per run of numbers."""
    start = 0
    for index in range(1, layout.total + 1):
        here = layout.labels[index] if index < layout.total else None
        before = layout.labels[index - 1]
        if here is not None and here.prefix == before.prefix and here.roman == before.roman \
                and here.number == before.number + 1:
            continue
        first = layout.labels[start]
        style = PageLabelStyle.LOWERCASE_ROMAN if first.roman else PageLabelStyle.DECIMAL
        writer.set_page_label(start, index - 1, style=style, prefix=first.prefix or None,
                              start=first.number)
        start = index


def _resolve_links(writer: PdfWriter, layout: Plan) -> None:
    """Turn the front sheet's ``#page=N`` links into GoTo links to those pages."""
    for index in range(layout.front_pages):
        for ref in writer.pages[index].get("/Annots", []) or []:
            annot = ref.get_object()
            action = annot.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if not uri.startswith(PAGE_LINK_SCHEME):
                continue
            target = int(uri[len(PAGE_LINK_SCHEME):]) - 1
            del annot["/A"]
            annot[NameObject("/Dest")] = ArrayObject(
                [writer.pages[target].indirect_reference, NameObject("/Fit")])
