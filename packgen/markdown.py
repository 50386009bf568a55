"""Turn Markdown bodies into the HTML subset the typesetter lays out.

CommonMark with pipe tables, through markdown-it-py. Raw HTML is not passed
through (it prints as the text it is), and only web, mail and phone links
survive. A fenced block marked ``table`` holds rows in YAML, or CSV with
``table csv``, for the tables reports really contain, with spans and column
widths that Markdown tables cannot express. Conversion happens while the
meeting is validated, so a bad table is reported with the file and line.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from packgen.errors import Position, Problem, ValidationError
from packgen.figures import figure_class
from packgen.labels import labelled_list
from packgen.model import Block, RichText
from packgen.pdf.links import is_safe_uri
from packgen.scalar_lines import LineOf, line_of
from packgen.shapes import INVALID, Context, Field, Integer, ListOf, Record, Shape, Text
from packgen.source import Node, Scalar, parse_yaml

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

# Budgets on layout work, checked here so that validate finds them. Each is far beyond
# real papers (a long report's longest paragraph is about 3,000 characters, its longest
# table a few hundred rows) and keeps the worst allowed text to seconds of typesetting.
MAX_PARAGRAPH = 100_000
"""Characters in one paragraph: about 25 pages of unbroken text."""
MAX_TABLE_ROWS = 2_000
"""Rows in one table (Platypus lays out the rows left on every page again)."""
MAX_TABLE_COLUMNS = 30
"""Columns in one table: on A4 beyond this a column is narrower than two characters."""
MAX_LINKS = 2_000
"""Links in one Markdown text."""
_PLACES = {"th": "table heading", "td": "table cell", "heading": "heading"}
UNNUMBERED = "{-}"
"""Opens a paragraph, or ends a heading, that takes no number."""


@cache
def parser() -> MarkdownIt:
    """markdown-it, imported on first use: a meeting of PDFs alone never needs it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _tree(tokens: Any) -> SyntaxTreeNode:
    from markdown_it.tree import SyntaxTreeNode

    return SyntaxTreeNode(tokens)


class _Converter:
    def __init__(self, origin: Position, heading_level: int, problems: list[Problem]) -> None:
        self.origin, self.heading_level, self.problems = origin, heading_level, problems
        self.links = 0
        self.text = ""
        self.source: list[str] = []
        """The text's lines, for what markdown-it drops without a token (a row's extra
        cells)."""
        self.line = 0
        """The line of the block being converted, for problems in inline content."""
        self.line_of: LineOf = lambda offset: origin.line + self.text.count("\n", 0, offset)
        """The file's line of an offset in the text (a folded scalar's lines are joined)."""

    def read(self, text: str, lines: LineOf | None) -> None:
        self.text, self.source = text, re.split(r"\r\n?|\n", text)
        self.line_of = lines or self.line_of

    def where(self, node: SyntaxTreeNode) -> Position:
        line = node.map[0] if node.map else self.line
        offset = sum(len(text) + 1 for text in self.source[:line])
        return Position(self.origin.file, self.line_of(offset), self.origin.column)

    def table_within(self, node: SyntaxTreeNode) -> Position | None:
        """Where the first table in a list or quote starts, to name one too wide."""
        tables = [n for n in node.walk() if n.type == "table" or n.type == "fence"
                  and n.info.split()[:1] == ["table"]]
        return self.where(tables[0]) if tables else None

    def problem(self, node: SyntaxTreeNode, message: str) -> str:
        self.problems.append(Problem(self.where(node), message))
        return ""

    def blocks(self, node: SyntaxTreeNode) -> list[Block]:
        out = []
        for child in node.children:
            block = self.block(child)
            if block is not None:
                out.append(block)
        return out

    def block(self, node: SyntaxTreeNode) -> Block | None:
        kind = node.type
        if node.map:
            self.line = node.map[0]
        if kind == "paragraph":
            labelled = labelled_list(node, self.span)  # "a. ...", "(i) ..." on their lines
            if labelled is not None:
                return Block("list", labelled)
            text = self.inline(node)
            # "{-} " opens a paragraph that takes no number (Pandoc marks unnumbered
            # headings with {-}); nobody starts a sentence so by accident.
            if text.startswith(UNNUMBERED + " ") or text == UNNUMBERED:
                return Block("p", text[len(UNNUMBERED):].lstrip(" "), numbered=False)
            return Block("p", text)
        if kind == "heading":
            level = min(4, self.heading_level + int(node.tag[1]) - 1)
            text = self.inline(node)
            numbered = not (text.endswith(" " + UNNUMBERED) or text == UNNUMBERED)
            if not numbered:
                text = text[:-len(UNNUMBERED)].rstrip(" ")
            return Block("heading", f"<h{level}>{text}</h{level}>", numbered=numbered)
        if kind in ("bullet_list", "ordered_list"):
            return Block("list", self.listing(node), pos=self.table_within(node))
        if kind == "table":
            return Block("table", self.table(node), pos=self.where(node))
        if kind == "blockquote":
            # A table or list in a quote is indented as its paragraphs are.
            inner = "".join(f'<p class="quote">{b.html}</p>' if b.kind == "p"
                            else f'<div class="quote">{b.__html__()}</div>'
                            for b in self.blocks(node))
            return Block("quote", inner, pos=self.table_within(node))
        if kind == "fence" and node.info.split()[:1] == ["table"]:
            return Block("table", self.fenced_table(node), pos=self.where(node))
        if kind in ("fence", "code_block"):
            lines = node.content.rstrip("\n").split("\n")
            return Block("code", '<p class="code">' + "<br>".join(escape(x) for x in lines)
                         + "</p>")
        if kind == "hr":
            self.problem(node, "Markdown: horizontal rules (---) are not supported; "
                               "use a heading to divide the text")
            return None
        self.problem(node, f"Markdown: {kind.replace('_', ' ')} is not supported")
        return None

    def listing(self, node: SyntaxTreeNode) -> str:
        tag = "ol" if node.type == "ordered_list" else "ul"
        start = node.attrs.get("start")
        opening = f'<ol start="{int(start)}">' if tag == "ol" and start else f"<{tag}>"
        items = []
        for item in node.children:
            parts = []
            for child in item.children:
                if child.type == "paragraph" and child.hidden:  # tight list: no <p>
                    parts.append(self.inline(child))
                else:
                    block = self.block(child)
                    parts.append(block.__html__() if block else "")
            items.append("<li>" + "".join(parts) + "</li>")
        return opening + "".join(items) + f"</{tag}>"

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
                tree = _tree(parser().parseInline(str(cell["text"])))
                content = "".join(self.inline(child) for child in tree.children)
                cells.append(f"<{tag}{attrs}>{content}</{tag}>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        columns = max(sum(c.get("colspan", 1) if isinstance(c, dict) else 1 for c in row)
                      for row in spec["rows"])
        self.check_table(node, len(rows), columns)
        head = "<thead>" + "".join(rows[:header]) + "</thead>" if header else ""
        # The typesetter lays a landscape table on a landscape page of its own.
        kind = "data landscape" if spec.get("orientation") == "landscape" else "data"
        return f'<table class="{kind}">' + widths + head + "".join(rows[header:]) + "</table>"

    def inline(self, node: SyntaxTreeNode) -> str:
        return "".join(self.span(child) for child in node.children)

    def span(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind == "inline":
            # Wherever it stands (a paragraph, also inside a list or a quote; a table
            # cell; a heading), one run of text is laid out as one paragraph.
            parent = node.parent.type if node.parent is not None else ""
            if len(node.content) > MAX_PARAGRAPH:
                self.problem(node, f"a {_PLACES.get(parent, 'paragraph')} of "
                                   f"{len(node.content):,} characters: at most "
                                   f"{MAX_PARAGRAPH:,} can be laid out; break it into "
                                   "paragraphs")
            return self.inline(node)
        if kind == "text":
            return escape(node.content, quote=False)
        if kind == "softbreak":
            return " "
        if kind == "hardbreak":
            return "<br>"
        if kind == "em":
            return f"<i>{self.inline(node)}</i>"
        if kind == "strong":
            return f"<b>{self.inline(node)}</b>"
        if kind == "code_inline":
            return f'<span class="code">{escape(node.content, quote=False)}</span>'
        if kind == "link":
            self.links += 1
            if self.links == MAX_LINKS + 1:
                self.problem(node, f"more than {MAX_LINKS:,} links in one text")
            href = str(node.attrs.get("href", ""))
            if is_safe_uri(href):
                return f'<a href="{escape(href)}">{self.inline(node)}</a>'
            return self.inline(node)
        if kind == "image":
            return self.problem(node, "Markdown: images are not supported in text; attach the "
                                      "figure as a PDF appendix")
        return self.problem(node, f"Markdown: {kind.replace('_', ' ')} is not supported")


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


def convert(text: str, origin: Position, problems: list[Problem],
            heading_level: int = 3, lines: LineOf | None = None) -> RichText:
    """Markdown to blocks; ``origin`` is where the text's first line is in its file, and
    ``lines`` where each offset of the text is, when its lines are not the file's."""
    converter = _Converter(origin, heading_level, problems)
    converter.read(text, lines)
    return RichText(tuple(converter.blocks(_tree(parser().parse(text)))))


class Markdown(Shape):
    """Markdown text in a YAML file, converted to blocks as it is checked."""

    expected = "text (Markdown)"

    def __init__(self, heading_level: int = 3) -> None:
        self.heading_level = heading_level

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Scalar) or node.value is None:
            return self.wrong(node, ctx, path)
        start = Position(node.pos.file, node.pos.line + (1 if node.block else 0), node.indent + 1)
        before = len(ctx.problems)
        converted = convert(node.text, start, ctx.problems, self.heading_level,
                            line_of(node))
        return INVALID if len(ctx.problems) > before else converted

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "contentMediaType": "text/markdown"}


class _InlineConverter(_Converter):
    """A short field's inline Markdown: a description's lines kept as line breaks, bare
    addresses in a notice linked."""

    def __init__(self, origin: Position, problems: list[Problem], breaks: bool,
                 autolink: bool) -> None:
        super().__init__(origin, 3, problems)
        self.breaks, self.autolink = breaks, autolink
        self.offset = 0
        """How far into the text conversion has come: inline nodes have no line of their
        own, and problems need one."""

    def where(self, node: SyntaxTreeNode) -> Position:
        return Position(self.origin.file, self.line_of(self.offset), self.origin.column)

    def passed(self, written: str, over: bool = True) -> None:
        found = self.text.find(written, self.offset) if written else -1
        if found >= 0:
            self.offset = found + (len(written) if over else 0)

    def span(self, node: SyntaxTreeNode) -> str:
        if node.type in ("text", "code_inline"):
            self.passed(node.content)
        elif node.type in ("softbreak", "hardbreak"):
            self.passed("\n")
        elif node.type == "image":
            self.passed("![", over=False)
        if node.type == "softbreak" and self.breaks:
            return "<br>"
        if node.type == "text" and self.autolink and not _in_link(node):
            from packgen.autolink import addresses

            return "".join(f'<a href="{escape(href)}">{escape(text, quote=False)}</a>' if href
                           else escape(text, quote=False)
                           for text, href in addresses(node.content))
        return super().span(node)


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


def _in_link(node: SyntaxTreeNode) -> bool:
    parent = node.parent
    while parent is not None and parent.type != "link":
        parent = parent.parent
    return parent is not None


@cache
def _inline_parser(autolink: bool = False) -> MarkdownIt:
    """Bodies' Markdown without entities: a short field was plain text before it was
    Markdown, and "&amp;" in one still prints as written. With ``autolink``, bare web
    addresses are read as links before emphasis (:mod:`packgen.autolink`)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).disable("entity")
    if autolink:
        from packgen.autolink import web_addresses

        md.inline.ruler.before("text", "web_addresses", web_addresses)
    return md


def inline(text: str, origin: Position, problems: list[Problem], breaks: bool = False,
           autolink: bool = False, lines: LineOf | None = None) -> Markup:
    """Inline Markdown (bold, italics, code, links) to the subset's inline HTML;
    ``lines`` places an offset of ``text`` in its file (by default ``origin`` is its first
    line and each line break one more)."""
    converter = _InlineConverter(origin, problems, breaks, autolink)
    lead = len(text) - len(text.lstrip())
    converter.read(text.strip(), (lambda offset: lines(offset + lead)) if lines else None)
    tree = _tree(_inline_parser(autolink).parseInline(text.strip()))
    return Markup("".join(converter.inline(child) for child in tree.children))


class InlineMarkdown(Shape):
    """A short field (a description, a recommendation, a notice) in inline Markdown,
    converted as it is checked to Markup: templates print it with ``{{ x }}``, and text
    stays data (``<``, ``&`` and ``{{`` print as themselves)."""

    expected = "text"

    def __init__(self, breaks: bool = False, autolink: bool = False) -> None:
        self.breaks, self.autolink = breaks, autolink

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        text = Text().check(node, ctx, path)
        if text is INVALID or not isinstance(node, Scalar):
            return INVALID
        start = (Position(node.pos.file, node.pos.line + 1, node.indent + 1) if node.block
                 else node.pos)
        before = len(ctx.problems)
        html = inline(text, start, ctx.problems, self.breaks, self.autolink, line_of(node))
        return INVALID if len(ctx.problems) > before else html

    def json_schema(self) -> dict[str, Any]:
        return {**Text().json_schema(), "contentMediaType": "text/markdown"}
