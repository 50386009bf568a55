"""Lay out the HTML subset with ReportLab's Platypus: an element tree becomes PDF bytes.

This is the only module that knows ReportLab's layout API. Styles come from the
theme's stylesheet by tag and class; fonts are the theme's TrueType files,
embedded, so £, €, accents and ticks print in every pack.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from reportlab.lib import colors, pagesizes
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    Indenter,
    KeepTogether,
    LayoutError,
    ListFlowable,
    ListItem,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from packgen.errors import Position, Problem, TemplateError
from packgen.htmltree import Element
from packgen.shapes import inside
from packgen.theme import INLINE_TAGS, Stylesheet

PAGE_LINK_SCHEME = "packgen-page:"
"""URI scheme for links to pack pages; :mod:`packgen.number` turns them into GoTo links."""

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
MM: float = mm
KEEP_WITH_NEXT = 54.0
"""Points of following content a heading insists on having below it on its page."""
_VARIANTS = ("regular", "bold", "italic", "bold_italic")


@dataclass(frozen=True)
class Typeset:
    pdf: bytes
    pages: int
    anchors: dict[str, int]
    """Page (1-based) where each paragraph with an ``id`` was drawn."""


def page_size(sheet: Stylesheet) -> tuple[float, float]:
    size = sheet.page.get("size", "A4")
    if isinstance(size, str):
        width, height = getattr(pagesizes, size.upper())
        return float(width), float(height)
    return (size[0] * mm, size[1] * mm)


@cache
def _register_family(family: str, files: tuple[Path, ...]) -> str:
    """Register a TrueType family once per process; return its ReportLab name.

    The name carries a digest of the files, because ReportLab's registry is global:
    a house font must not replace the theme's under the same name.
    """
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:10]
    base = f"packgen-{family}-{digest}"
    names = [f"{base}-{v}" for v in _VARIANTS]
    for name, file in zip(names, files, strict=True):
        pdfmetrics.registerFont(TTFont(name, str(file)))
    pdfmetrics.registerFontFamily(names[0], normal=names[0], bold=names[1], italic=names[2],
                                  boldItalic=names[3])
    return base


class Typesetter:
    """Turns element trees into PDFs in one theme's style."""

    def __init__(self, sheet: Stylesheet, asset_dir: Path) -> None:
        self.sheet = sheet
        self.asset_dir = asset_dir
        self.families = {
            family: _register_family(family, tuple(sheet.font_file(family, v) for v in _VARIANTS))
            for family in sheet.fonts
        }
        self.size = page_size(sheet)
        margins = sheet.page.get("margin_mm", {})
        self.margins = {side: margins.get(side, 20) * mm
                        for side in ("top", "bottom", "left", "right")}
        self.frame_width = self.size[0] - self.margins["left"] - self.margins["right"]
        self._styles: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
        self._anchors: dict[str, int] = {}

    # -- styles ----------------------------------------------------------------------------

    def props(self, tag: str, classes: tuple[str, ...] = ()) -> dict[str, Any]:
        """Style properties of a tag with classes: base ``p``, then tag, then each class."""
        key = (tag, classes)
        if key not in self._styles:
            styles = self.sheet.styles
            merged = {"font": next(iter(self.sheet.fonts)), "size": 10}
            merged.update(styles.get("p", {}))
            merged.update(styles.get(tag, {}))
            for cls in classes:
                merged.update(styles.get(f".{cls}", {}))
                merged.update(styles.get(f"{tag}.{cls}", {}))
            self._styles[key] = merged
        return self._styles[key]

    def colour(self, name: str) -> Any:
        """A colour by palette name ("heading") or as "#rrggbb"."""
        return colors.HexColor(self.sheet.colours.get(name, name))

    def hex(self, name: str) -> str:
        return "#" + str(self.colour(name).hexval())[2:]

    def font_name(self, props: dict[str, Any]) -> str:
        variant = ("bold_" if props.get("bold") else "") + ("italic" if props.get("italic") else "")
        return f"{self.families[props['font']]}-{variant.rstrip('_') or 'regular'}"

    def paragraph_style(self, props: dict[str, Any]) -> ParagraphStyle:
        size = float(props["size"])
        return ParagraphStyle(
            name="s", fontName=self.font_name(props), fontSize=size,
            leading=float(props.get("leading", size * 1.3)),
            textColor=self.colour(props.get("color", "text")),
            alignment=_ALIGN[props.get("align", "left")],
            spaceBefore=float(props.get("space_before", 0)),
            spaceAfter=float(props.get("space_after", 0)),
            leftIndent=float(props.get("indent", 0)),
            bulletFontName=self.font_name(props), wordWrap=None,
        )

    # -- blocks ----------------------------------------------------------------------------

    def blocks(self, element: Element, origin: Path, width: float) -> list[Flowable]:
        """Flowables for an element's children; runs of inline content become paragraphs."""
        out: list[Flowable] = []
        run: list[Element | str] = []

        def flush() -> None:
            markup = self.inline(run, origin).strip()
            if markup:
                style = self.paragraph_style(self.props(element.tag, element.classes))
                out.append(Paragraph(markup, style))
            run.clear()

        for child in element.children:
            if isinstance(child, str) or child.tag in INLINE_TAGS:
                run.append(child)
                continue
            flush()
            out.extend(self.block(child, origin, width))
        flush()
        return out

    def block(self, el: Element, origin: Path, width: float) -> list[Flowable]:
        if el.tag in ("p", "h1", "h2", "h3", "h4"):
            number, children = _hanging_number(el)
            markup = self.inline(children, origin).strip()
            props = self.props(el.tag, el.classes)
            if not markup and not number:
                return []
            kind = self.anchored(el.attrs["id"]) if el.attrs.get("id") else Paragraph
            style = self.paragraph_style(props)
            if number is not None:
                # The number hangs in the margin; the text, and its wrapped lines, align.
                style.leftIndent = float(props.get("hanging", 36))
                style.bulletIndent = 0
            para = kind(markup, style, bulletText=number)
            if props.get("keep_with_next"):
                # Keep a heading with a few lines of what follows. Platypus's keepWithNext
                # would move a whole following table to the next page instead.
                room = float(props.get("leading", props["size"] * 1.3)) * 2 + KEEP_WITH_NEXT
                return [CondPageBreak(room), para]
            return [para]
        if el.tag in ("ul", "ol"):
            return [self.listing(el, origin, width)]
        if el.tag == "table":
            return [self.table(el, origin, width)]
        if el.tag == "img":
            return [self.image(el, origin, width)]
        if el.tag == "div":
            if "page-break" in el.classes:
                return [PageBreak()]
            indent = float(self.props("div", el.classes).get("indent", 0))
            inner = self.blocks(el, origin, width - indent)
            if indent:
                inner = [Indenter(left=indent), *inner, Indenter(left=-indent)]
            return [KeepTogether(inner)] if "keep-together" in el.classes else inner
        raise self.misplaced(el, origin)

    def misplaced(self, el: Element, origin: Path) -> TemplateError:
        return TemplateError([Problem(Position(origin, el.line, 1),
                                      f"<{el.tag}> cannot stand here")])

    def listing(self, el: Element, origin: Path, width: float) -> Flowable:
        props = self.props(el.tag, el.classes)
        indent = float(props.get("list_indent", 16))
        entries = []
        for li in el.children:
            if isinstance(li, str):
                if li.strip():
                    raise self.misplaced(Element("text", {}, el.line), origin)
                continue
            if li.tag != "li":
                raise self.misplaced(li, origin)
            entries.append(ListItem(self.blocks(li, origin, width - indent)))
        numbered = el.tag == "ol"
        first = el.attrs.get("start", "1")
        return ListFlowable(
            entries, bulletType="1" if numbered else "bullet",
            start=int(first) if numbered and first.isdigit() else None if numbered else "•",
            leftIndent=indent, bulletFontName=self.font_name(props),
            bulletFontSize=float(props["size"]), bulletFormat="%s." if numbered else None,
            spaceAfter=float(props.get("space_after", 6)),
        )

    def image(self, el: Element, origin: Path, width: float) -> Flowable:
        src = el.attrs.get("src", "")
        path = (self.asset_dir / src).resolve() if src else None
        where = Position(origin, el.line, 1)
        if path is None or not inside(path, self.asset_dir.resolve()):
            raise TemplateError([Problem(where, f'image "{src}" is outside the repository')])
        if not path.is_file():
            raise TemplateError([Problem(where, f'no such image "{src}"')])
        image = Image(str(path))
        ratio = image.imageHeight / image.imageWidth
        w = length(el.attrs.get("width", ""), width) or min(image.imageWidth, width)
        image.drawWidth, image.drawHeight = w, w * ratio
        image.hAlign = "LEFT"
        return image

    # -- tables ----------------------------------------------------------------------------

    def table(self, el: Element, origin: Path, width: float) -> Flowable:
        rows: list[tuple[Element, bool]] = []  # (tr, is header row)
        widths: list[str] = []
        for child in el.children:
            if isinstance(child, str):
                continue
            if child.tag in ("thead", "tbody"):
                rows += [(tr, child.tag == "thead") for tr in child.children
                         if isinstance(tr, Element)]
            elif child.tag == "tr":
                rows.append((child, False))
            elif child.tag == "colgroup":
                widths += [c.attrs.get("width", "") for c in child.children
                           if isinstance(c, Element)]
            elif child.tag == "col":
                widths.append(child.attrs.get("width", ""))
            else:
                raise self.misplaced(child, origin)
        grid, spans, header_rows = self._grid(rows, origin)
        ncols = max((len(r) for r in grid), default=1)
        col_widths = column_widths(widths, ncols, width)
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = []
        for r, row in enumerate(grid):
            cells: list[Any] = []
            for c in range(ncols):
                cell = row[c] if c < len(row) else None
                if cell is None:
                    cells.append("")
                    continue
                span = spans.get((r, c), (1, 1))
                cell_width = sum(col_widths[c:c + span[1]]) - 2 * self._padding(el)
                cells.append(self.blocks(cell, origin, cell_width))
                background = self.props(cell.tag, cell.classes).get("background")
                if background:
                    commands.append(("BACKGROUND", (c, r), (c + span[1] - 1, r + span[0] - 1),
                                     self.colour(background)))
            data.append(cells)
        for (r, c), (rs, cs) in spans.items():
            if rs > 1 or cs > 1:
                commands.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
        commands += self._table_look(el, header_rows)
        table = Table(data, colWidths=col_widths, repeatRows=header_rows, hAlign="LEFT",
                      style=TableStyle(commands))
        table.spaceAfter = float(self.props("table", el.classes).get("space_after", 0))
        return table

    def _padding(self, el: Element) -> float:
        return float(self.props("table", el.classes).get("padding", 4))

    def _grid(self, rows: list[tuple[Element, bool]], origin: Path
              ) -> tuple[list[list[Element | None]], dict[tuple[int, int], tuple[int, int]], int]:
        """Place cells on a grid, honouring rowspan and colspan."""
        grid: list[list[Element | None]] = [[] for _ in rows]
        taken: set[tuple[int, int]] = set()
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        header_rows = 0
        for r, (tr, header) in enumerate(rows):
            if header and r == header_rows:  # header rows repeat only from the top
                header_rows += 1
            if tr.tag != "tr":
                raise self.misplaced(tr, origin)
            c = 0
            for cell in tr.children:
                if isinstance(cell, str):
                    continue
                if cell.tag not in ("td", "th"):
                    raise self.misplaced(cell, origin)
                while (r, c) in taken:
                    c += 1
                rs = max(1, _int(cell.attrs.get("rowspan", "1")))
                cs = max(1, _int(cell.attrs.get("colspan", "1")))
                rs = min(rs, len(rows) - r)
                spans[(r, c)] = (rs, cs)
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, c + dc))
                        row = grid[r + dr]
                        row.extend([None] * (c + dc + 1 - len(row)))
                        row[c + dc] = cell if (dr, dc) == (0, 0) else None
                c += cs
        return grid, spans, header_rows

    def _table_look(self, el: Element, header_rows: int) -> list[tuple[Any, ...]]:
        props = self.props("table", el.classes)
        pad = float(props.get("padding", 4))
        look: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ]
        if props.get("grid"):
            look.append(("GRID", (0, 0), (-1, -1), 0.5, self.colour(props["grid"])))
        if props.get("rule_below"):
            look.append(("LINEBELOW", (0, 0), (-1, -1), 0.5, self.colour(props["rule_below"])))
        if props.get("header_background") and header_rows:
            look.append(("BACKGROUND", (0, 0), (-1, header_rows - 1),
                         self.colour(props["header_background"])))
        return look

    # -- inline ----------------------------------------------------------------------------

    def inline(self, nodes: list[Element | str], origin: Path) -> str:
        """ReportLab paragraph markup for inline content, with every text escaped."""
        parts = []
        for node in nodes:
            if isinstance(node, str):
                parts.append(escape(re.sub(r"\s+", " ", node)))
                continue
            inner = self.inline(node.children, origin)
            if node.tag in ("b", "strong"):
                parts.append(f"<b>{inner}</b>")
            elif node.tag in ("i", "em"):
                parts.append(f"<i>{inner}</i>")
            elif node.tag == "u":
                parts.append(f"<u>{inner}</u>")
            elif node.tag == "br":
                parts.append("<br/>")
            elif node.tag == "a":
                href = self.link_target(node, origin)
                colour = self.hex(self.props("a", node.classes).get("color", "text"))
                parts.append(f"<a href={quoteattr(href)} color={quoteattr(colour)}>{inner}</a>")
            elif node.tag == "span":
                parts.append(self.span(node, inner))
            else:
                raise self.misplaced(node, origin)
        return "".join(parts)

    def span(self, node: Element, inner: str) -> str:
        props = self.props("span", node.classes)
        attrs = f" name={quoteattr(self.font_name(props))} size=\"{float(props['size'])}\""
        if "color" in props:
            attrs += f" color={quoteattr(self.hex(props['color']))}"
        return f"<font{attrs}>{inner}</font>"

    @staticmethod
    def link_target(node: Element, origin: Path) -> str:
        href = node.attrs.get("href", "")
        page = re.fullmatch(r"#page=(\d+)", href)
        if page:
            return PAGE_LINK_SCHEME + page[1]
        if re.match(r"(https?|mailto|tel):", href):
            return href
        raise TemplateError([Problem(Position(origin, node.line, 1), f'link "{href}": '
                                     "use a web address, mailto:, tel: or #page=N")])

    def anchored(self, anchor: str) -> type[Paragraph]:
        """A Paragraph class that notes the page it is drawn on under ``anchor``.

        A class rather than an attribute, because Platypus builds the parts of a
        split paragraph with ``self.__class__``; the first part drawn wins.
        """
        registry = self._anchors

        class Anchored(Paragraph):  # type: ignore[misc]
            def drawOn(self, canv: Any, x: float, y: float, _sW: float = 0) -> None:
                registry.setdefault(anchor, canv.getPageNumber())
                super().drawOn(canv, x, y, _sW)

        return Anchored

    # -- the document ----------------------------------------------------------------------

    def typeset(self, root: Element, origin: Path) -> Typeset:
        """Lay out the element tree on as many pages as it needs."""
        self._anchors = {}
        flowables = self.blocks(root, origin, self.frame_width)
        buf = io.BytesIO()
        m = self.margins
        frame = Frame(m["left"], m["bottom"], self.frame_width,
                      self.size[1] - m["top"] - m["bottom"],
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        # The initial font is declared on every page; make it ours, not unembedded Helvetica.
        doc = BaseDocTemplate(buf, pagesize=self.size, invariant=1, pageCompression=1,
                              initialFontName=self.font_name(self.props("p")),
                              pageTemplates=[PageTemplate("page", [frame])], creator="packgen")
        try:
            doc.build(flowables or [Paragraph("", self.paragraph_style(self.props("p")))])
        except LayoutError as exc:
            raise TemplateError([Problem(Position(origin, 1, 1), "content does not fit on a "
                                         f"page: {str(exc).splitlines()[0][:120]}")]) from None
        return Typeset(buf.getvalue(), doc.page, dict(self._anchors))


def _hanging_number(el: Element) -> tuple[str | None, list[Element | str]]:
    """Split off a leading ``<span class="number">`` to hang in the margin."""
    children = [c for c in el.children if not (isinstance(c, str) and not c.strip())]
    first = children[0] if children else None
    if isinstance(first, Element) and first.tag == "span" and "number" in first.classes:
        text = "".join(c for c in first.children if isinstance(c, str)).strip()
        rest = el.children[el.children.index(first) + 1:]
        return escape(text), rest
    return None, el.children


def _int(text: str) -> int:
    return int(text) if text.strip().isdigit() else 1


def length(text: str, available: float) -> float | None:
    """A width from HTML: "30%", "40mm" or points; None when absent."""
    text = text.strip()
    if not text:
        return None
    if text.endswith("%"):
        return available * float(text[:-1]) / 100
    if text.endswith("mm"):
        return float(text[:-2]) * MM
    return float(text.removesuffix("pt"))


def column_widths(given: list[str], ncols: int, available: float) -> list[float]:
    """Column widths: those given, the rest of the width shared equally among the others."""
    widths = [length(w, available) for w in given[:ncols]] + [None] * (ncols - len(given))
    fixed = sum(w for w in widths if w is not None)
    free = [i for i, w in enumerate(widths) if w is None]
    share = max(available - fixed, 0) / len(free) if free else 0
    return [w if w is not None else share for w in widths]
