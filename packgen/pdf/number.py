"""Number the pages: stamps, page labels and the agenda's links.

A stamp is a few bytes of content appended to the page, between a ``q`` prepended and a
``Q`` appended to its own content so nothing the page leaves in the graphics state moves
it, drawn with one shared embedded font, named in the page's own resources under names
its content does not use (:mod:`packgen.pdf.pages`). The page's own content is never
decoded, which keeps stamping cheap. Positions are measured on the page *as displayed*:
against the CropBox, turned by /Rotate, as :func:`packgen.pdf.boxes.displayed_box`
reads them.

On an attachment's pages each stamp sits on a plate (by default white, with rounded
corners) so it reads on any background: a slide deck's dark foot, a photograph, text
running to the edge. Its colours, padding and corners are the theme's (``stamps:`` in
``templates/style.yaml``). The pages packgen typesets have none: they are white, and
their margins keep clear of the stamps.

With ``page_numbers: {make_room: true}`` an attachment page's own content is scaled down,
uniformly, just enough that the stamp bands stay clear: the footer band at the foot of
the page as displayed and the item band at its head (:func:`bands`, applied by
:func:`packgen.pdf.pages.room_matrix`); the page keeps its size, and its annotations move
with its content.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from packgen.builtin import theme_dir
from packgen.layout import Plan
from packgen.model import Attachment, Item
from packgen.pdf.boxes import displayed_box
from packgen.pdf.bridge import add_object
from packgen.pdf.links import resolve_page_links
from packgen.pdf.pages import Pages, displayed_matrix, room_matrix
from packgen.rendered import StampFonts
from packgen.statute import exempt_under

mm = 72 / 25.4
FOOTER_BASELINE = 7 * mm
"""Distance of the "Page N" baseline above the foot of the displayed page."""
FOOTER_SIZE = 9.0
ITEM_SIZE = 11.0
ITEM_INSET = 12 * mm
EXEMPT_SIZE = 7.5
EXEMPT_INSET = ITEM_INSET + 10
"""Baseline of the exempt paragraph's line, under NOT FOR PUBLICATION."""
ASCENT, DESCENT = 0.8, 0.25
"""How far a stamp's plate reaches above and below its baseline, in ems, before padding."""
CLEARANCE = 1 * mm
"""Room left between a plate's edge and the content make_room moves out of its way."""
_FONTS = {"regular": "/PackgenStamp", "bold": "/PackgenStampBold"}
_DRAFT = "/PackgenDraft"

RGB = tuple[float, float, float]


@dataclass(frozen=True)
class StampStyle:
    """How stamps look: the theme's ``stamps:`` (``templates/style.yaml``)."""

    text: RGB = (0.0, 0.0, 0.0)
    plate: RGB | None = (1.0, 1.0, 1.0)
    """The plate behind each stamp on an attachment's page; None: no plate."""
    padding: float = 2.0
    """Points of plate around the text."""
    radius: float = 1.5
    """Radius of the plate's corners in points; 0 for square corners."""


def _rgb(value: object, key: str) -> RGB:
    text = str(value)
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", text):
        raise ValueError(f'stamps.{key}: expected a colour like "#ffffff", found {text!r}')
    red, green, blue = (round(int(text[i:i + 2], 16) / 255, 4) for i in (1, 3, 5))
    return red, green, blue


def stamp_style(data: Mapping[str, Any] | None) -> StampStyle:
    """The style a stylesheet's ``stamps:`` mapping gives; defaults for what it leaves out."""
    data = data or {}
    unknown = sorted(set(data) - {"text", "plate", "padding", "radius"})
    if unknown:
        raise ValueError(f"stamps: unknown key {unknown[0]!r}")
    default = StampStyle()
    plate = data.get("plate", "#ffffff")
    return StampStyle(
        text=_rgb(data["text"], "text") if "text" in data else default.text,
        plate=None if plate in (None, "none") else _rgb(plate, "plate"),
        padding=float(data.get("padding", default.padding)),
        radius=float(data.get("radius", default.radius)))


@cache
def theme_stamp_style() -> StampStyle:
    """The built-in theme's stamp style, read once (without loading the template engine)."""
    data = yaml.safe_load((theme_dir() / "style.yaml").read_text(encoding="utf-8"))
    return stamp_style(data.get("stamps"))


def _ascii(text: str) -> str:
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _colour(rgb: RGB) -> str:
    """The operator setting the fill colour: grey when the three are equal."""
    red, green, blue = rgb
    return f"{red:g} g" if red == green == blue else f"{red:g} {green:g} {blue:g} rg"


@dataclass(frozen=True)
class Stamp:
    text: str
    variant: str = "regular"
    size: float = FOOTER_SIZE
    align: str = "centre"  # or "right"
    y: float = FOOTER_BASELINE
    """Baseline above the foot of the page; negative: below the top."""


def footer(label: str) -> Stamp:
    return Stamp(f"Page {label}")


def item_stamp(number: str) -> Stamp:
    return Stamp(f"Agenda Item {number}", "bold", ITEM_SIZE, "right", -ITEM_INSET)


def exempt_stamps(paragraph: int | str) -> list[Stamp]:
    return [Stamp("NOT FOR PUBLICATION", "bold", ITEM_SIZE, "centre", -ITEM_INSET),
            Stamp(exempt_under(paragraph), "regular", EXEMPT_SIZE, "centre", -EXEMPT_INSET)]


def bands(style: StampStyle, exempt: bool) -> tuple[float, float]:
    """The heights (points) kept clear at the foot and the head of a page that makes room:
    each reaches past the plates of the stamps that sit there, by :data:`CLEARANCE`. Every
    page keeps room for "Page N" and "Agenda Item N", an exempt page for its two lines, so
    the pages of one document shrink alike, and alike in both packs."""
    reserved = [footer("0"), item_stamp("0"), *(exempt_stamps(0) if exempt else [])]
    bottom = max(s.y + ASCENT * s.size for s in reserved if s.y >= 0)
    top = max(-s.y + DESCENT * s.size for s in reserved if s.y < 0)
    return bottom + style.padding + CLEARANCE, top + style.padding + CLEARANCE


def _plates(style: StampStyle, boxes: list[tuple[float, float, float, float]]) -> list[str]:
    """Filled rectangles (x, y, width, height) in the plate's colour, their corners rounded
    by the style's radius: each drawn inset by the radius and stroked twice as wide with
    round joins, which costs a few bytes where curves would cost hundreds."""
    assert style.plate is not None
    radius = max(0.0, min([style.radius] + [min(w, h) / 2 for _, _, w, h in boxes]))
    fill = _colour(style.plate)
    if not radius:
        return [fill] + [f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re f" for x, y, w, h in boxes]
    ops = [f"{fill} {fill.upper()} 1 j {2 * radius:g} w"]
    return ops + [f"{x + radius:.2f} {y + radius:.2f} {w - 2 * radius:.2f} "
                  f"{h - 2 * radius:.2f} re B" for x, y, w, h in boxes]


class Stamper:
    """Adds stamps to pages of one writer."""

    def __init__(self, writer: PdfWriter, fonts: StampFonts, style: StampStyle) -> None:
        self.writer = writer
        self.fonts = fonts
        self.style = style
        self.pages = Pages(writer)
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
        self.draft_state = add_object(writer, DictionaryObject({
            NameObject("/Type"): NameObject("/ExtGState"),
            NameObject("/ca"): FloatObject(0.18)}))

    def stamp(self, page: PageObject, stamps: list[Stamp], draft: bool = False,
              plate: bool = False, room: tuple[float, float] | None = None) -> None:
        """Draw the stamps (and a DRAFT watermark) upright on the page as displayed; each on
        a plate when ``plate``; the page's own content shrunk to leave ``room`` (the
        heights of the bands at its foot and head) clear when given."""
        box = displayed_box(page)  # checked when the attachment was opened
        editor = self.pages.edit(page)
        fonts = {variant: editor.add_resource("/Font", name, self.font_refs[variant])
                 for variant, name in _FONTS.items()}
        state = editor.add_resource("/ExtGState", _DRAFT, self.draft_state)
        prefix = None
        if room is not None:
            moved = room_matrix(box, *room)
            prefix = self.pages.prefix(moved, box)
            editor.move_annotations(moved)
        width, height = box.width, box.height
        ops = ["Q", "q", " ".join(f"{v:g}" for v in displayed_matrix(box)) + " cm"]
        if draft:
            ops += self._watermark(width, height, fonts["bold"], state)
        placed = []
        for stamp in stamps:
            text = _ascii(stamp.text)
            text_width = self.fonts.width(text, stamp.variant, stamp.size)
            x = {"centre": (width - text_width) / 2,
                 "right": width - ITEM_INSET - text_width}[stamp.align]
            y = stamp.y if stamp.y >= 0 else height + stamp.y
            placed.append((stamp, text, text_width, x, y))
        if plate and self.style.plate is not None and placed:
            pad = self.style.padding
            ops += _plates(self.style, [
                (x - pad, y - DESCENT * s.size - pad, text_width + 2 * pad,
                 (ASCENT + DESCENT) * s.size + 2 * pad) for s, _, text_width, x, y in placed])
        ops.append(_colour(self.style.text))
        ops += [f"BT {fonts[s.variant]} {s.size:g} Tf {x:.2f} {y:.2f} Td {_pdf_string(text)} Tj ET"
                for s, text, _, x, y in placed]
        ops.append("Q")
        editor.append(("\n".join(ops) + "\n").encode("ascii"), isolated=True, prefix=prefix)

    def _watermark(self, width: float, height: float, font: str, state: str) -> list[str]:
        """A large, translucent DRAFT across the middle of the page, drawn first."""
        size = min(width, height) / 4.5
        text_width = self.fonts.width("DRAFT", "bold", size)
        cos = sin = 0.7071
        # Start so the word's middle sits on the page's middle, at 45 degrees.
        x = width / 2 - cos * text_width / 2 + sin * size * 0.35
        y = height / 2 - sin * text_width / 2 - cos * size * 0.35
        return [f"q {state} gs 0.75 0 0 rg",
                f"BT {font} {size:.1f} Tf {cos} {sin} {-sin} {cos} {x:.2f} {y:.2f} Tm "
                "(DRAFT) Tj ET Q"]


def number_pages(writer: PdfWriter, layout: Plan, fonts: StampFonts, draft: bool = False,
                 style: StampStyle | None = None) -> None:
    """Stamp "Page N", "Agenda Item N" and NOT FOR PUBLICATION; watermark a draft; set
    page labels and resolve the agenda's links. An attached PDF's pages get plates, and
    make room for the stamps when it asks to (:attr:`packgen.model.Attachment.make_room`).
    ``style``: the theme's unless given."""
    style = style or theme_stamp_style()
    stamper = Stamper(writer, fonts, style)
    item_starts: dict[int, Item] = {}
    attached: dict[int, Attachment] = {}  # pages of PDFs attached, not typeset by packgen
    for placement in layout.placements:
        if placement.kind == "attachment" and placement.item is not None \
                and all(item is not placement.item for item in item_starts.values()):
            item_starts[placement.start] = placement.item
        if placement.attachment is not None and placement.attachment.document is None:
            attached.update(dict.fromkeys(range(placement.start, placement.last + 1),
                                          placement.attachment))
    exempt = layout.exempt_pages()
    for index in range(layout.total):
        stamps = []
        label = layout.labels[index]
        if index >= layout.front_pages and not label.roman:
            stamps.append(footer(str(label)))
        if index in item_starts:
            stamps.append(item_stamp(item_starts[index].number))
        if index in exempt:
            stamps += exempt_stamps(exempt[index])
        attachment = attached.get(index)
        room = bands(style, index in exempt) if attachment and attachment.make_room else None
        if stamps or draft or room:
            stamper.stamp(writer.pages[index], stamps, draft, plate=attachment is not None,
                          room=room)
    _labels(writer, layout)
    resolve_page_links(writer, layout)


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
