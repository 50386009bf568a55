"""Tables of the HTML subset: rows and cells on a grid (colspan, rowspan), column widths,
heading rows repeated on each page, and the look a stylesheet gives them.

A mixin of :class:`packgen.typeset.Typesetter`, which lays out each cell's content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, TableStyle

from packgen.errors import Position, Problem, TemplateError
from packgen.htmltree import Element
from packgen.mdtables import MAX_TABLE_ROWS
from packgen.orientation import turned
from packgen.tagged import TaggedTable
from packgen.tagging import Attribute, Node
from packgen.widths import Extent, Measures, extent, fit, needed

MM: float = mm
SIZE_STEP = 0.5
"""Points a table too wide for its page is set smaller by, step by step, to the floor."""


class TooWide(Exception):  # noqa: N818 - not an error of ours: a table too wide to print
    def __init__(self, el: Element, trouble: str) -> None:
        self.element, self.trouble = el, trouble

    def text(self) -> str:
        """The table's plain text, to find where in the YAML it is written."""
        return " ".join(_strings(self.element))


def _strings(el: Element) -> list[str]:
    return [s for c in el.children for s in ([c] if isinstance(c, str) else _strings(c))]


class TableLayout:
    """What the typesetter does with ``<table>``; its other methods come from the typesetter."""

    def props(self, tag: str, classes: tuple[str, ...] = ()) -> dict[str, Any]:
        raise NotImplementedError

    def colour(self, name: str) -> Any:
        raise NotImplementedError

    def blocks(self, element: Element, origin: Path, width: float) -> list[Flowable]:
        raise NotImplementedError

    def misplaced(self, el: Element, origin: Path) -> TemplateError:
        raise NotImplementedError

    scale: float = 1.0
    """What the table being laid out is set at, against the theme's sizes (1: as is)."""
    in_table: int = 0
    in_list: int = 0
    """Tables and list items being laid out round the content: pages cannot turn there."""
    frame_width: float = 0.0
    landscape_width: float = 0.0
    landscape: bool = False
    """Laying out content that is on landscape pages already."""

    def font_name(self, props: dict[str, Any]) -> str:
        raise NotImplementedError

    parent: Node

    def table(self, el: Element, origin: Path, width: float) -> list[Flowable]:
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
        if not any(grid):  # a cover whose rows are all left out: nothing to print
            return []
        if len(grid) > MAX_TABLE_ROWS:
            raise TemplateError([Problem(Position(origin, el.line, 1),
                                         f"a table of {len(grid):,} rows: at most "
                                         f"{MAX_TABLE_ROWS:,} can be laid out in one table")])
        ncols = max((len(r) for r in grid), default=1)
        measures = Measures(self._font_of)
        extents = [extent(cell, c, spans[(r, c)][1], measures, r)
                   for r, row in enumerate(grid) for c, cell in enumerate(row)
                   if cell is not None and (r, c) in spans]
        scale, col_widths, turn = self._layout(el, extents, widths, ncols, width)
        outer = self.scale
        self.scale, self.in_table = outer * scale, self.in_table + 1
        try:
            table = self._build(el, origin, grid, spans, header_rows, col_widths)
        finally:
            self.scale, self.in_table = outer, self.in_table - 1
        if turn:
            return turned([table])
        return [table]

    def _build(self, el: Element, origin: Path, grid: list[list[Element | None]],
               spans: dict[tuple[int, int], tuple[int, int]], header_rows: int,
               col_widths: list[float]) -> Flowable:
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = []
        pad = self._padding(el) * self.scale
        element = self.parent.add("Table")
        head = element.add("THead") if header_rows else element
        body = element.add("TBody") if len(grid) > header_rows else element
        for r, row in enumerate(grid):
            cells: list[Any] = []
            tr = (head if r < header_rows else body).add("TR")
            for c in range(len(col_widths)):
                cell = row[c] if c < len(row) else None
                if cell is None:  # a slot a spanning cell covers: no element of its own
                    cells.append("")
                    continue
                span = spans.get((r, c), (1, 1))
                cell_width = sum(col_widths[c:c + span[1]]) - 2 * pad
                role, attributes = _cell_tag(cell, r < header_rows, c, span)
                outer, self.parent = self.parent, tr.add(role, *attributes,
                                                         lang=cell.attrs.get("lang") or None)
                try:  # what the cell holds belongs to its element
                    cells.append(self.blocks(cell, origin, cell_width))
                finally:
                    self.parent = outer
                background = self.props(cell.tag, cell.classes).get("background")
                if background:
                    commands.append(("BACKGROUND", (c, r), (c + span[1] - 1, r + span[0] - 1),
                                     self.colour(background)))
            data.append(cells)
        for (r, c), (rs, cs) in spans.items():
            if rs > 1 or cs > 1:
                commands.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
        commands += self._table_look(el, header_rows, len(grid), pad)
        # A group's heading row (one heading cell across the table, in the body, as the
        # minutes' attendance groups have) never ends a page: it goes with the row after.
        for r in range(header_rows, len(grid) - 1):
            cells = [cell for cell in grid[r] if cell is not None]
            if len(cells) == 1 and cells[0].tag == "th" \
                    and spans.get((r, grid[r].index(cells[0])), (1, 1))[1] == len(col_widths):
                commands.append(("NOSPLIT", (0, r), (-1, r + 1)))
        table = TaggedTable(data, colWidths=col_widths, repeatRows=header_rows, hAlign="LEFT",
                      style=TableStyle(commands))
        table.spaceAfter = float(self.props("table", el.classes).get("space_after", 0))
        return table

    def _font_of(self, tag: str, classes: tuple[str, ...], bold: bool) -> tuple[str, float]:
        props = self.props(tag, classes)
        if bold and not props.get("bold"):
            props = {**props, "bold": True}
        return self.font_name(props), float(props["size"]) * self.scale

    def _layout(self, el: Element, extents: list[Extent], given: list[str], columns: int,
                width: float) -> tuple[float, list[float], bool]:
        """(scale, column widths, whether on landscape pages): the table at its own size
        if its words fit across; else smaller, down to the theme's ``min_size``; else on
        landscape pages, as large as fits there; else a problem."""
        props = self.props("table", el.classes)
        # A nested table is set at its outer table's scale already: never below min_size.
        size = float(self.props("td")["size"]) * self.scale
        floor = min(float(props.get("min_size", size)), size)
        steps = int((size - floor) / SIZE_STEP + 1e-6)
        scales = [(size - n * SIZE_STEP) / size for n in range(steps + 1)]
        if floor < size - steps * SIZE_STEP:
            scales.append(floor / size)
        pad = self._padding(el) * self.scale
        can_turn = not (self.in_table or self.in_list or self.landscape)
        turned_width = width + self.landscape_width - self.frame_width
        tries = [] if "landscape" in el.classes and can_turn else [(width, False)]
        if can_turn:
            tries.append((turned_width, True))
        for available, turn in tries:
            for scale in scales:
                sizes = [length(w, available) for w in given]
                fitted = fit(extents, sizes, columns, available, pad * scale, scale)
                if fitted is not None:
                    return scale, fitted, turn
        need = needed(extents, columns, pad * scales[-1], scales[-1])
        widest = max(available for available, _ in tries)
        page = "a landscape page" if can_turn or self.landscape else "the space"
        raise TooWide(el, f"is too wide to print: {columns} columns need {need / MM:,.0f} mm "
                          f"at {floor:g} pt, and {page} holds {widest / MM:,.0f} mm; split "
                          "it, shorten its longest words, or attach it as a PDF appendix")

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

    def _table_look(self, el: Element, header_rows: int, rows: int, pad: float
                    ) -> list[tuple[Any, ...]]:
        props = self.props("table", el.classes)
        look: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            # Table selects its font (Helvetica unless told) for every cell, even one it
            # draws nothing in: unused and unembedded, it would still be listed.
            ("FONTNAME", (0, 0), (-1, -1), self.font_name(self.props("td"))),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ]
        if props.get("grid"):
            look.append(("GRID", (0, 0), (-1, -1), 0.5, self.colour(props["grid"])))
        if props.get("rule_below"):
            look.append(("LINEBELOW", (0, 0), (-1, -1), 0.5, self.colour(props["rule_below"])))
        if props.get("rule_between") and rows > 1:  # none under the last row: a nested
            # table's last rule would double the border of the cell holding it
            look.append(("LINEBELOW", (0, 0), (-1, rows - 2), 0.5,
                         self.colour(props["rule_between"])))
        if props.get("header_background") and header_rows:
            look.append(("BACKGROUND", (0, 0), (-1, header_rows - 1),
                         self.colour(props["header_background"])))
        return look


def _cell_tag(cell: Element, heading_row: bool, column: int, span: tuple[int, int]
              ) -> tuple[str, list[Attribute]]:
    """The structure element of a cell: TH (heading a column, or a body row when it
    leads it) or TD, with its spans."""
    attributes: list[Attribute] = []
    role = "TH" if cell.tag == "th" else "TD"
    if role == "TH":
        scope = "Column" if heading_row or column else "Row"
        attributes.append(("Table", "Scope", scope))
    if span[0] > 1:
        attributes.append(("Table", "RowSpan", span[0]))
    if span[1] > 1:
        attributes.append(("Table", "ColSpan", span[1]))
    return role, attributes


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
