"""What a stamp looks like, and where on a page it sits.

A stamp is one line of text ("Page N", "Agenda Item N", NOT FOR PUBLICATION and the
exempt paragraph's line) at a set size, distance from the foot or head of the page as
displayed, and alignment; on an attachment's page it sits on a plate, by default white
with rounded corners, so it reads on any background. The plate's and the text's colours,
the padding and the corners are the theme's (``stamps:`` in ``templates/style.yaml``,
:class:`StampStyle`).

Everything here is measured in points on paper, on the page as displayed (the CropBox,
turned by /Rotate, origin at its lower left). A page whose /UserUnit is not 1 has user
space units of that many points, so the stamps are drawn through a scale of 1/UserUnit
(:attr:`Paper.to_user`): a 9-point "Page N" is 9 points tall on paper on every page.

**Small pages.** The stamps are laid out for a page at least as wide and as tall as the
two stamp bands together (:func:`bands`; 73.5 pt, or 82.3 pt on an exempt page). On a
smaller page all of it (sizes, heights above the foot, insets, padding, corners and the
margins at the sides) shrinks by one factor, the page's shorter side over that reach
(:func:`stamp_scale`), so the footer's plate stays below the heading's and both stay on
the page, however small (a 3.84 pt page of a scanned image included). Across the page, a
stamp whose plate would run past a side keeps :data:`SIDE` from it: "Agenda Item N" moves
left of its inset as far as that, and a stamp wider than the page less those margins is
set smaller until it fits. With ``make_room`` the factor is also at most the one at which
the bands take half the page's height, so the content is never scaled below
:data:`MIN_SCALE`: on a page too short to make room at full size the
stamps shrink rather than cover the content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from pypdf import PageObject

from packgen.builtin import theme_yaml
from packgen.catalogue import PLACEHOLDER
from packgen.errors import Position
from packgen.messages import Messages, english
from packgen.pdf.boxes import Box, displayed_box
from packgen.pdf.objects import number
from packgen.pdf.pages import Matrix, displayed_matrix, multiply, operand

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
SIDE = 1 * mm
"""The least room between a plate and a side of the page (at full size)."""
MIN_SCALE = 0.5
"""The least a page's content is scaled to make room: on a page too short for the stamp
bands at full size, the stamps shrink instead (:func:`stamp_scale`)."""

RGB = tuple[float, float, float]
Measure = Callable[[str, str, float], float]
"""The width of text in a variant ("regular", "bold") at a size."""
Runs = Callable[[str, str], list[tuple[str, bytes]]]
"""Text in a variant as the strings to show, each with the font (a key of the fonts
:func:`draw` is given) whose codes it is written in."""


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
    data = theme_yaml("style.yaml")
    return stamp_style(data.get("stamps"))


@dataclass(frozen=True)
class Stamp:
    text: str
    variant: str = "regular"
    size: float = FOOTER_SIZE
    align: str = "centre"  # or "right"
    y: float = FOOTER_BASELINE
    """Baseline above the foot of the page; negative: below the top."""
    origin: Position | None = None
    """Where the text came from (a catalogue's or a jurisdiction's wording, a meeting's
    item), to point at when the house font cannot print it; else the font is pointed at."""


def footer(label: str, words: Messages | None = None) -> Stamp:
    """"Page N" in the catalogue's words ("Tudalen N"), English unless given."""
    return Stamp((words or english()).fill("page_stamp", page=label))


def footers(words: Messages | None = None) -> Callable[[str], Stamp]:
    """:func:`footer` for page after page: the catalogue's word is looked up and split at
    its ``{page}`` once, not once a page (a 10,000-page pack has 10,000 footers)."""
    word = (words or english()).word("page_stamp")
    # As Messages.fill fills it, in one pass: any other {name} stays as it is written.
    pieces: list[str | None] = []
    last = 0
    for found in PLACEHOLDER.finditer(word):
        pieces += [word[last:found.start()], None if found[1] == "page" else found[0]]
        last = found.end()
    pieces.append(word[last:])
    return lambda label: Stamp("".join(label if p is None else p for p in pieces))


def item_stamp(number: str, words: Messages | None = None) -> Stamp:
    return Stamp((words or english()).fill("agenda_item_stamp", number=number), "bold",
                 ITEM_SIZE, "right", -ITEM_INSET)


def exempt_stamps(lines: tuple[str, str]) -> list[Stamp]:
    """NOT FOR PUBLICATION and why, as the jurisdiction words them (:mod:`packgen.withheld`)."""
    heading, why = lines
    return [Stamp(heading, "bold", ITEM_SIZE, "centre", -ITEM_INSET),
            Stamp(why, "regular", EXEMPT_SIZE, "centre", -EXEMPT_INSET)]


def bands(style: StampStyle, exempt: bool) -> tuple[float, float]:
    """The heights (points, at full size) kept clear at the foot and the head of a page
    that makes room: each reaches past the plates of the stamps that sit there, by
    :data:`CLEARANCE`. Every page keeps room for "Page N" and "Agenda Item N", an exempt
    page for its two lines, so the pages of one document shrink alike, and alike in both
    packs. On a small page they shrink with the stamps (:func:`stamp_scale`)."""
    reserved = [footer("0"), item_stamp("0"), *(exempt_stamps(("", "")) if exempt else [])]
    bottom = max(s.y + ASCENT * s.size for s in reserved if s.y >= 0)
    top = max(-s.y + DESCENT * s.size for s in reserved if s.y < 0)
    return bottom + style.padding + CLEARANCE, top + style.padding + CLEARANCE


class Paper(NamedTuple):
    """A page as displayed, measured in points on paper."""

    box: Box
    unit: float
    """Points in a unit of the page's user space: its /UserUnit, 1 when it has none."""

    @property
    def width(self) -> float:
        return self.box.width * self.unit

    @property
    def height(self) -> float:
        return self.box.height * self.unit

    @property
    def to_user(self) -> Matrix:
        """Maps points on the page as displayed (origin at its lower left, upright) to
        its user space."""
        shown = displayed_matrix(self.box)
        if self.unit == 1:
            return shown
        return multiply((1 / self.unit, 0.0, 0.0, 1 / self.unit, 0.0, 0.0), shown)


def paper(page: PageObject) -> Paper:
    """The page as displayed, in points (its boxes were checked when it was opened)."""
    unit = number(page.get("/UserUnit"))  # a positive number, or none, once settled
    return Paper(displayed_box(page), unit if unit is not None and unit > 0 else 1.0)


def stamp_scale(sheet: Paper, style: StampStyle, exempt: bool, make_room: bool) -> float:
    """How much the stamps of a page shrink: 1 on a page as large as the two bands each
    way, else its shorter side over their sum; with ``make_room``, at most as much as
    leaves the bands half the page's height."""
    reach = sum(bands(style, exempt))
    scale = min(1.0, min(sheet.width, sheet.height) / reach)
    if make_room:
        scale = min(scale, (1 - MIN_SCALE) * sheet.height / reach)
    return scale


@dataclass(frozen=True)
class Placed:
    """A stamp placed on a page: its text, size and baseline's start, in points."""

    text: str
    variant: str
    size: float
    x: float
    y: float
    width: float


def place(stamps: list[Stamp], sheet: Paper, style: StampStyle, scale: float,
          measure: Measure) -> list[Placed]:
    """Where each stamp goes on the page, at ``scale`` (:func:`stamp_scale`), kept
    :data:`SIDE` (scaled) clear of its sides, set smaller where it is too wide for it."""
    width, height = sheet.width, sheet.height
    margin = scale * (SIDE + style.padding)  # from a side of the page to the text
    room = width - 2 * margin
    placed = []
    for stamp in stamps:
        text = stamp.text
        size = scale * stamp.size
        text_width = measure(text, stamp.variant, size)
        if text_width > room:
            size, text_width = size * room / text_width, room
        x = {"centre": (width - text_width) / 2,
             "right": max(margin, width - scale * ITEM_INSET - text_width)}[stamp.align]
        y = scale * stamp.y if stamp.y >= 0 else height + scale * stamp.y
        placed.append(Placed(text, stamp.variant, size, x, y, text_width))
    return placed


def draw(placed: list[Placed], style: StampStyle, scale: float,
         fonts: Mapping[str, Mapping[str, str]], plate: bool, runs: Runs) -> list[str]:
    """The operators drawing placed stamps (each on a plate when ``plate``), in points on
    the page as displayed: each stamp's text is the strings ``runs`` gives, each shown in
    the page's font ``fonts[variant][font]`` (an ASCII stamp is one string, in one font)."""
    ops: list[str] = []
    if plate and style.plate is not None and placed:
        pad = scale * style.padding
        ops += _plates(style.plate, scale * style.radius, tuple(
            (s.x - pad, s.y - DESCENT * s.size - pad, s.width + 2 * pad,
             (ASCENT + DESCENT) * s.size + 2 * pad) for s in placed))
    ops.append(_colour(style.text))
    for s in placed:
        shown = [f"{fonts[s.variant][font]} {operand(s.size)} Tf" + (
                    f" {operand(s.x, 2)} {operand(s.y, 2)} Td" if not i else "")
                 + f" {_pdf_string(data)} Tj" for i, (font, data) in enumerate(runs(s.text,
                                                                                s.variant))]
        ops.append(f"BT {' '.join(shown)} ET")
    return ops


def artifact(subtype: str, ops: list[str]) -> list[str]:
    """``ops`` marked as a pagination artifact (PDF 1.7, 14.8.2.2): what a screen reader
    skips and tagged PDF requires of a page's running furniture. ``subtype``: "Header",
    "Footer" or "Watermark"."""
    if not ops:
        return []
    return [f"/Artifact <</Type /Pagination /Subtype /{subtype}>> BDC", *ops, "EMC"]


def watermark(width: float, height: float, text: str, shown: list[tuple[str, bytes]],
              state: str, measure: Measure) -> list[str]:
    """A large, translucent DRAFT (``text``, the catalogue's) across the middle of the
    page, drawn first; ``shown``: its strings, each with the page's name of its font."""
    size = min(width, height) / 4.5
    text_width = measure(text, "bold", size)
    cos = sin = 0.7071
    # Start so the word's middle sits on the page's middle, at 45 degrees.
    x = width / 2 - cos * text_width / 2 + sin * size * 0.35
    y = height / 2 - sin * text_width / 2 - cos * size * 0.35
    runs = [f"{font} {operand(size, 1)} Tf" + (
                f" {operand(cos)} {operand(sin)} {operand(-sin)} {operand(cos)} "
                f"{operand(x, 2)} {operand(y, 2)} Tm" if not i else "")
            + f" {_pdf_string(data)} Tj" for i, (font, data) in enumerate(shown)]
    return [f"q {state} gs 0.75 0 0 rg", f"BT {' '.join(runs)} ET Q"]


@lru_cache(maxsize=1024)  # "Page 17" and "Page 42" sit on one plate, as do most footers
def _plates(colour: RGB, radius: float, boxes: tuple[tuple[float, float, float, float], ...]
            ) -> tuple[str, ...]:
    """Filled rectangles (x, y, width, height) in the plate's ``colour``, their corners
    rounded by ``radius``: each drawn inset by the radius and stroked twice as wide with
    round joins, which costs a few bytes where curves would cost hundreds."""
    radius = max(0.0, min([radius] + [min(w, h) / 2 for _, _, w, h in boxes]))
    fill = _colour(colour)
    if not radius:
        return (fill, *(f"{operand(x, 2)} {operand(y, 2)} {operand(w, 2)} {operand(h, 2)} re f"
                        for x, y, w, h in boxes))
    return (f"{fill} {fill.upper()} 1 j {operand(2 * radius)} w",
            *(f"{operand(x + radius, 2)} {operand(y + radius, 2)} "
              f"{operand(w - 2 * radius, 2)} {operand(h - 2 * radius, 2)} re B"
              for x, y, w, h in boxes))


def _pdf_string(data: bytes) -> str:
    """A literal string of ``data``, printable ASCII as itself (so an ASCII stamp reads in
    the content), any other byte as an octal escape."""
    if data.isascii():
        text = data.decode("ascii")
        if text.isprintable() and "\\" not in text and "(" not in text and ")" not in text:
            return f"({text})"  # nearly every stamp: "Page 17"
    return "(" + "".join(chr(b) if 32 <= b < 127 and b not in b"\\()" else
                         "\\" + chr(b) if b in b"\\()" else f"\\{b:03o}" for b in data) + ")"


@cache
def _colour(rgb: RGB) -> str:
    """The operator setting the fill colour: grey when the three are equal."""
    red, green, blue = rgb
    if red == green == blue:
        return f"{operand(red)} g"
    return f"{operand(red)} {operand(green)} {operand(blue)} rg"
