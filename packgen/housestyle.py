"""The house style: what ``style:`` in ``packgen.yaml`` (or a meeting) sets of the look
(logo, body font, colours, page size and margins, paragraph numbering), checked as it is
read, its margins against its page.

:mod:`packgen.schema` holds it among the keys shared by every meeting;
:mod:`packgen.style_override` holds an officer's ``style.yaml`` to the same margin rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from packgen.builtin import theme_yaml
from packgen.documents import NUMBERING_DEPTH, PARAGRAPH_NUMBERS
from packgen.filecheck import picture_problem, truetype_problem
from packgen.filerefs import FileRef
from packgen.settings_model import HouseStyle
from packgen.shapes import Context, Field, Number, Record, Text
from packgen.source import Map, Node

_COLOUR = Text(r"#[0-9A-Fa-f]{6}", 'a colour like "#1f4e8c"')

# Paper sizes in millimetres (ReportLab's, which validate does not import), so that margins
# can be checked against the page here rather than fail in layout.
PAPER_MM = {"A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0),
            "Letter": (215.9, 279.4), "Legal": (215.9, 355.6)}
# The narrowest and shortest text area the theme's pages lay out in: the front sheet's
# agenda table needs about this much room for its number, title and page columns.
MIN_TEXT_MM = (90.0, 120.0)


@cache
def _theme_page() -> dict[str, Any]:
    """The built-in theme's page size and margins, as its stylesheet gives them."""
    data = theme_yaml("style.yaml")
    return dict(data["page"])


class _Style(Record):
    """The house style, with its margins checked against its page size."""

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        style = super().check(node, ctx, path)
        if not isinstance(style, HouseStyle) or not isinstance(node, Map):
            return style
        theme = _theme_page()
        problem = margin_problem(style.page_size or theme["size"],
                                 {**theme["margin_mm"], **dict(style.margins_mm)})
        if problem is not None:
            where = node.items.get("margins_mm", node.items.get("page_size", node))
            key = f"{path}.margins_mm" if path else "margins_mm"
            return ctx.error(where.pos, key, problem)
        return style


def margin_problem(size: str, margins: Mapping[str, float]) -> str | None:
    """Why ``margins`` (mm by side) leave too little of a ``size`` page for text, or None.

    The house style and an officer's ``style.yaml`` are both held to it."""
    if size not in PAPER_MM:
        return None  # not a paper name: its own check says so
    width, height = PAPER_MM[size]
    room = (width - margins.get("left", 0) - margins.get("right", 0),
            height - margins.get("top", 0) - margins.get("bottom", 0))
    for across, left, least in zip(("width", "height"), room, MIN_TEXT_MM, strict=True):
        if left < least:
            return (f"the margins leave {left:g} mm of the {size} page's {across} for text; "
                    f"leave at least {least:g} mm")
    return None


# TrueType outlines only: ReportLab cannot embed the PostScript-flavoured ("OTTO") kind.
_FONT = FileRef((".ttf",), (b"\x00\x01\x00\x00", b"true"), "a TrueType font",
               truetype_problem)

STYLE = _Style({
    "logo": Field(FileRef((".png", ".jpg", ".jpeg"), (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"),
                          "a PNG or JPEG image", picture_problem),
                  "Logo for the front sheet (PNG or JPEG)."),
    "logo_alt": Field(Text(), 'What a screen reader says of the logo (default "ORGANISATION '
                              'logo", in the words of the meeting\'s language; "" for none, '
                              "as decoration).", translatable=True),
    "fonts": Field(Record({
        variant: Field(_FONT, f"TrueType file for {variant.replace('_', ' ')} text.",
                       required=variant == "regular")
        for variant in ("regular", "bold", "italic", "bold_italic")
    }, build=lambda pos, **files: tuple(files.items())), "The body font, embedded in the pack."),
    "colours": Field(Record({
        name: Field(_COLOUR, doc) for name, doc in (
            ("text", "Body text."), ("heading", "Headings and titles."),
            ("accent", "Links and the pack kind."), ("rule", "Table rules."),
            ("shade", "Table heading backgrounds."), ("muted", "Secondary text."))
    }, build=lambda pos, **colours: tuple(colours.items())), "The theme's colours."),
    "page_size": Field(Text("|".join(PAPER_MM), "A4, A3, A5, Letter or Legal"),
                       "Paper size of the pages packgen renders."),
    "margins_mm": Field(Record({
        side: Field(Number(0, 100), f"The {side} margin in millimetres.")
        for side in ("top", "bottom", "left", "right")
    }, build=lambda pos, **sides: tuple(sides.items())), "Page margins."),
    "paragraph_numbers": Field(PARAGRAPH_NUMBERS,
                               'Report paragraphs: "section" (1.1, 1.2, 2.1), "continuous" '
                               '(1, 2, ... 26) or "none" (default section).'),
    "numbering_depth": Field(NUMBERING_DEPTH, "3: headings inside a report section's text "
                                              "become numbered sub-sections, 1.2 with "
                                              "paragraphs 1.2.1 (default 2)."),
    "document_numbers": Field(PARAGRAPH_NUMBERS, "Paragraphs of plain documents (kind: "
                                                 "document, Markdown files): default none."),
}, build=lambda pos, **values: HouseStyle(**values))
