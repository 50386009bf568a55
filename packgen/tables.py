"""Tables of the HTML subset: rows and cells on a grid (colspan, rowspan), column widths,
heading rows repeated on each page, and the look a stylesheet gives them.

A mixin of :class:`packgen.typeset.Typesetter`, which lays out each cell's content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from packgen.errors import Position, Problem, TemplateError
from packgen.htmltree import Element
from packgen.markdown import MAX_TABLE_ROWS

MM: float = mm
MIN_COLUMN = 12.0
"""Points of text a column needs besides its padding: about two characters."""


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
        shared = [w for i, w in enumerate(col_widths) if i >= len(widths) or not widths[i]]
        self._check_size(el, origin, len(grid), len(col_widths), shared, width)
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

    def _check_size(self, el: Element, origin: Path, rows: int, columns: int,
                    shared: list[float], width: float) -> None:
        """Refuse what Platypus cannot lay out in reasonable time, or at all: columns
        too narrow for a character (widths the template gave are its business)."""
        where = Position(origin, el.line, 1)
        if rows > MAX_TABLE_ROWS:
            raise TemplateError([Problem(where, f"a table of {rows:,} rows: at most "
                                         f"{MAX_TABLE_ROWS:,} can be laid out in one table")])
        need = MIN_COLUMN + 2 * self._padding(el)
        if min(shared, default=need) < need:
            fit = max(int(width // need), 1)
            raise TemplateError([Problem(where, f"the table has {columns} columns: at "
                                         f"most {fit} fit across the page")])

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
