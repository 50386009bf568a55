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
from packgen.figures import figure_class
from packgen.shapes import INVALID, Context, Field, Integer, ListOf, Record, Text
from packgen.source import parse_yaml

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
        rows = []
        for section in node.children:
            for tr in section.children:
                cells = []
                for cell in tr.children:
                    align = str(cell.attrs.get("style", "")).removeprefix("text-align:")
                    cls = f' class="align-{align}"' if align in ("right", "center") else ""
                    text = self.inline(cell)
                    cls = cls or ("" if align else figure_class(text, cell.tag))
                    cells.append(f"<{cell.tag}{cls}>{text}</{cell.tag}>")
                rows.append("<tr>" + "".join(cells) + "</tr>")
                self.check_row(tr, len(node.children[0].children[0].children))
            if section.type == "thead":
                rows = ["<thead>" + "".join(rows) + "</thead>"]
        self.check_table(node, len(rows), len(node.children[0].children[0].children))
        return '<table class="data">' + "".join(rows) + "</table>"

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
        first = self.where(node).line + 1
        if node.info.split()[1:2] == ["csv"]:
            spec = {"header": 1, "rows": list(csv.reader(io.StringIO(node.content)))}
            return self.spec_table(spec, node)
        try:
            parsed = parse_yaml(node.content, self.origin.file, first, self.origin.column - 1)
        except ValidationError as exc:
            self.problems.extend(exc.problems)
            return ""
        ctx = Context(self.origin.file.parent, self.origin.file.parent)
        spec = TABLE.check(parsed, ctx, "table")
        self.problems.extend(ctx.problems)
        return "" if spec is INVALID else self.spec_table(spec, node)

    def spec_table(self, spec: dict[str, Any], node: SyntaxTreeNode) -> str:
        widths = "".join(f'<col width="{escape(w)}">' for w in spec.get("widths", ()))
        header = spec.get("header", 1)
        rows = []
        for index, row in enumerate(spec["rows"]):
            tag = "th" if index < header else "td"
            cells = []
            for cell in row:
                cell = cell if isinstance(cell, dict) else {"text": cell}
                attrs = "".join(f' {k}="{cell[k]}"' for k in ("colspan", "rowspan") if k in cell)
                if cell.get("align") in ("right", "center"):
                    attrs += f' class="align-{cell["align"]}"'
                elif "align" not in cell:
                    attrs += figure_class(str(cell["text"]), tag)
                content = self.inline_text(str(cell["text"]))
                cells.append(f"<{tag}{attrs}>{content}</{tag}>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        columns = max(sum(c.get("colspan", 1) if isinstance(c, dict) else 1 for c in row)
                      for row in spec["rows"])
        self.check_table(node, len(rows), columns)
        head = "<thead>" + "".join(rows[:header]) + "</thead>" if header else ""
        # The typesetter lays a landscape table on a landscape page of its own.
        kind = "data landscape" if spec.get("orientation") == "landscape" else "data"
        return f'<table class="{kind}">' + widths + head + "".join(rows[header:]) + "</table>"


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
