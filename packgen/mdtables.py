"""Tables in Markdown bodies: pipe tables, and fenced ``table`` blocks whose rows are
YAML (``TABLE``) or CSV, with spans and column widths that pipe tables cannot express;
figures set flush right where the alignment is not given, and the table limits checked.

A mixin of :class:`packgen.markdown.Converter`, which converts each cell's inline content.
"""

from __future__ import annotations

import csv
import io
import re
from html import escape
from typing import TYPE_CHECKING, Any

from packgen.errors import Position, Problem, ValidationError
from packgen.figures import figure_columns
from packgen.shapes import INVALID, Context, Field, Integer, ListOf, Record, Text
from packgen.source import Map, Seq, parse_yaml

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

# Budgets on layout work, as packgen.markdown's: far beyond real papers' tables (a few
# hundred rows), checked here so that validate finds them.
MAX_TABLE_ROWS = 2_000
"""Rows in one table (Platypus lays out the rows left on every page again)."""
MAX_TABLE_COLUMNS = 30
"""Columns in one table: on A4 beyond this a column is narrower than two characters."""


class TableConversion:
    """What the converter does with a table; its other methods come from the converter."""

    origin: Position
    problems: list[Problem]
    source: list[str]

    def where(self, node: SyntaxTreeNode) -> Position:
        raise NotImplementedError

    def problem(self, node: SyntaxTreeNode, message: str) -> str:
        raise NotImplementedError

    def inline(self, node: SyntaxTreeNode) -> str:
        raise NotImplementedError

    def inline_text(self, text: str) -> str:
        raise NotImplementedError

    def table(self, node: SyntaxTreeNode) -> str:
        columns = len(node.children[0].children[0].children)
        sections: list[tuple[str, list[list[tuple[str, str, str]]]]] = []
        for section in node.children:
            rows = []
            for tr in section.children:
                cells = []
                for cell in tr.children:
                    align = str(cell.attrs.get("style", "")).removeprefix("text-align:")
                    cells.append((cell.tag, align, self.inline(cell)))
                rows.append(cells)
                self.check_row(tr, columns)
            sections.append((section.type, rows))
        right = figure_columns((c, text) for kind, rows in sections if kind == "tbody"
                               for row in rows for c, (_, align, text) in enumerate(row)
                               if not align)
        html = []
        for kind, rows in sections:
            out = []
            for row in rows:
                tds = []
                for c, (tag, align, text) in enumerate(row):
                    if tag == "td" and not align and c in right:
                        align = "right"
                    cls = f' class="align-{align}"' if align in ("right", "center") else ""
                    tds.append(f"<{tag}{cls}>{text}</{tag}>")
                out.append("<tr>" + "".join(tds) + "</tr>")
            html.append("<thead>" + "".join(out) + "</thead>" if kind == "thead"
                        else "".join(out))
        self.check_table(node, sum(len(rows) for _, rows in sections), columns)
        return '<table class="data">' + "".join(html) + "</table>"

    def check_row(self, tr: SyntaxTreeNode, columns: int) -> None:
        """markdown-it keeps a row's cells up to the heading row's count and drops the rest
        without a word: those are text that would silently not print. (A row with fewer
        is filled with empty cells, as Markdown says.)"""
        line = tr.map[0] if tr.map else -1
        if not 0 <= line < len(self.source):
            return
        written = _cells_written(self.source[line])
        if written > columns:
            self.problem(tr, f"Markdown: the table row has {written} cells; the heading row "
                             f"has {columns}, so the rest would not print")

    def check_table(self, node: SyntaxTreeNode, rows: int, columns: int) -> None:
        if rows > MAX_TABLE_ROWS:
            self.problem(node, f"a table of {rows:,} rows: at most {MAX_TABLE_ROWS:,} can be "
                               "laid out in one table; split it, or attach it as a PDF appendix")
        if columns > MAX_TABLE_COLUMNS:
            self.problem(node, f"the table has {columns} columns: at most {MAX_TABLE_COLUMNS} "
                               "fit across a page; split it, or attach it as a PDF appendix")

    def fenced_table(self, node: SyntaxTreeNode) -> str:
        fence = self.where(node)
        if node.info.split()[1:2] == ["csv"]:
            reader = csv.reader(io.StringIO(node.content))
            rows, lines, read = [], [], 0
            for row in reader:
                rows.append(row)
                lines.append(Position(fence.file, fence.line + read + 1, fence.column))
                read = reader.line_num
            if not rows:
                return self.problem(node, "a table needs at least a heading row")
            return self.spec_table({"header": 1, "rows": rows}, node, lines)
        try:
            parsed = parse_yaml(node.content, self.origin.file, fence.line + 1,
                                self.origin.column - 1)
        except ValidationError as exc:
            self.problems.extend(exc.problems)
            return ""
        ctx = Context(self.origin.file.parent, self.origin.file.parent)
        spec = TABLE.check(parsed, ctx, "table")
        self.problems.extend(ctx.problems)
        if spec is INVALID:
            return ""
        given = parsed.items.get("rows") if isinstance(parsed, Map) else None
        lines = [row.pos for row in given.items] if isinstance(given, Seq) else []
        return self.spec_table(spec, node, lines)

    def spec_table(self, spec: dict[str, Any], node: SyntaxTreeNode,
                   lines: list[Position]) -> str:
        widths = "".join(f'<col width="{escape(w)}">' for w in spec.get("widths", ()))
        header = spec.get("header", 1)
        cells = [[c if isinstance(c, dict) else {"text": c} for c in row]
                 for row in spec["rows"]]
        placed = _place(cells)
        self._check_spans(placed, lines)
        right = figure_columns((c, str(cell["text"]))
                               for row, where in zip(cells[header:], placed[header:], strict=True)
                               for cell, (c, span) in zip(row, where, strict=True)
                               if span == 1 and "align" not in cell)
        rows = []
        for index, (row, where) in enumerate(zip(cells, placed, strict=True)):
            tag = "th" if index < header else "td"
            html = []
            for cell, (c, span) in zip(row, where, strict=True):
                attrs = "".join(f' {k}="{cell[k]}"' for k in ("colspan", "rowspan") if k in cell)
                align = cell.get("align") or (
                    "right" if tag == "td" and span == 1 and c in right else "")
                if align in ("right", "center"):
                    attrs += f' class="align-{align}"'
                content = self.inline_text(str(cell["text"]))
                html.append(f"<{tag}{attrs}>{content}</{tag}>")
            rows.append("<tr>" + "".join(html) + "</tr>")
        columns = max(c + span for where in placed for c, span in where) if placed else 0
        self.check_table(node, len(rows), columns)
        head = "<thead>" + "".join(rows[:header]) + "</thead>" if header else ""
        # The typesetter lays a landscape table on a landscape page of its own.
        kind = "data landscape" if spec.get("orientation") == "landscape" else "data"
        return f'<table class="{kind}">' + widths + head + "".join(rows[header:]) + "</table>"

    def _check_spans(self, placed: list[list[tuple[int, int]]], lines: list[Position]) -> None:
        """A row reaching past the first row's columns would print an unheaded column: the
        same problem a pipe table's row gets. (A row with fewer is filled, as Markdown's.)"""
        if not placed:
            return
        columns = max((c + span for c, span in placed[0]), default=0)
        for index, where in enumerate(placed[1:], 1):
            written = max((c + span for c, span in where), default=0)
            if written > columns and index < len(lines):
                self.problems.append(Problem(lines[index], (
                    f"the table row has {written} cells; the heading row has {columns}, so "
                    "the rest would print under no heading: give the heading row a cell for "
                    "each column, or join the extra cells")))


def _place(rows: list[list[dict[str, Any]]]) -> list[list[tuple[int, int]]]:
    """Each cell's (first column, columns spanned), cells spanning rows from above
    counted as a browser counts them."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c, where = 0, []
        for cell in row:
            while (r, c) in taken:
                c += 1
            span, down = int(cell.get("colspan", 1)), int(cell.get("rowspan", 1))
            taken.update((r + i, c + j) for i in range(down) for j in range(span))
            where.append((c, span))
            c += span
        placed.append(where)
    return placed


CELL = Record({
    "text": Field(Text(), "The cell's text (inline Markdown).", required=True),
    "colspan": Field(Integer(1, 50), "Columns the cell spans."),
    "rowspan": Field(Integer(1, 500), "Rows the cell spans."),
    "align": Field(Text(r"left|right|center", "left, right or center"), "Alignment."),
}, shorthand="text")

TABLE = Record({
    "widths": Field(ListOf(Text(r"\d+(\.\d+)?(%|mm|pt)?", 'a width like "30%" or "40mm"')),
                    "Column widths; columns without one share the rest."),
    "header": Field(Integer(0, 20), "How many rows at the top are headings (default 1)."),
    "rows": Field(ListOf(ListOf(CELL), 1), "The rows: lists of cells.", required=True),
    "orientation": Field(Text(r"portrait|landscape", "portrait or landscape"),
                         "landscape: the table is laid out on a landscape page."),
})


_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)*")


def _cells_written(line: str) -> int:
    """The cells of a pipe-table row as markdown-it splits them: at each pipe not after a
    backslash, with a pipe opening or closing the row not counted."""
    cells = re.split(r"(?<!\\)\|", _QUOTE_MARKS.sub("", line).strip())
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return len(cells)
