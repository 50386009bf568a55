"""Turn Markdown bodies into the HTML subset the typesetter lays out.

CommonMark with pipe tables, through markdown-it-py. Raw HTML is not passed
through (it prints as the text it is), and only web, mail and phone links
survive. A fenced block marked ``table`` holds rows in YAML, or CSV with
``table csv``, for the tables reports really contain, with spans and column
widths that Markdown tables cannot express (:mod:`packgen.mdtables`). Conversion
happens while the meeting is validated, so a bad table is reported with the file and
line. Short fields' inline Markdown is :mod:`packgen.inline`'s, on the same converter.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

from packgen.accessibility import DEEPEST, heading_note, link_note, skips, tagged_level, vague_link
from packgen.errors import Position, Problem
from packgen.labels import labelled_list
from packgen.mdtables import TableConversion
from packgen.model import Block, RichText
from packgen.pdf.links import is_safe_uri
from packgen.scalar_lines import LineOf, line_of
from packgen.shapes import INVALID, Context, Shape
from packgen.source import Node, Scalar

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

# Budgets on layout work, checked here so that validate finds them (a table's are
# packgen.mdtables'). Each is far beyond real papers (a long report's longest paragraph is
# about 3,000 characters) and keeps the worst allowed text to seconds of typesetting.
MAX_PARAGRAPH = 100_000
"""Characters in one paragraph: about 25 pages of unbroken text."""
MAX_LINKS = 2_000
"""Links in one Markdown text."""
_PLACES = {"th": "table heading", "td": "table cell", "heading": "heading"}
MAX_NESTING = 8
"""Lists and quotes inside one another: beyond this the text would be squeezed to a few
words a line (and markdown-it drops what lies deeper than its own limit, 20 levels of
tokens, about ten lists, without a word)."""
UNNUMBERED = "{-}"
"""Opens a paragraph, or ends a heading, that takes no number."""


@cache
def parser() -> MarkdownIt:
    """markdown-it, imported on first use: a meeting of PDFs alone never needs it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def syntax_tree(tokens: Any) -> SyntaxTreeNode:
    from markdown_it.tree import SyntaxTreeNode

    return SyntaxTreeNode(tokens)


class Converter(TableConversion):
    """Markdown's syntax tree to the HTML subset, block by block, each problem at its line."""

    def __init__(self, origin: Position, heading_level: int, problems: list[Problem],
                 under: int | None = None) -> None:
        self.origin, self.heading_level, self.problems = origin, heading_level, problems
        self.under = heading_level - 1 if under is None else under
        """The level of the template's heading the text is printed under."""
        self.links = 0
        self.text = ""
        self.source: list[str] = []
        """The text's lines, for what markdown-it drops without a token (a row's extra
        cells)."""
        self.line = 0
        """The line of the block being converted, for problems in inline content."""
        self.line_of: LineOf = lambda offset: origin.line + self.text.count("\n", 0, offset)
        """The file's line of an offset in the text (a folded scalar's lines are joined)."""
        self.notes: list[Problem] = []
        """Warnings for screen-reader users (:mod:`packgen.accessibility`)."""
        self.top = 0
        """The text's highest Markdown heading level (1 for ``#``); 0: it has none."""
        self.heading_above = 0
        """The Markdown level of the last heading (0: only the template's is above)."""
        self.level_above = self.under
        """The level the last heading is tagged at (the template's heading's, first)."""

    def read(self, text: str, lines: LineOf | None) -> None:
        self.text, self.source = text, re.split(r"\r\n?|\n", text)
        self.line_of = lines or self.line_of

    def where(self, node: SyntaxTreeNode) -> Position:
        return self.at_line(node.map[0] if node.map else self.line)

    def at_line(self, line: int) -> Position:
        offset = sum(len(text) + 1 for text in self.source[:line])
        return Position(self.origin.file, self.line_of(offset), self.origin.column)

    def where_written(self, node: SyntaxTreeNode, written: str) -> Position:
        """Where inline ``node`` is: the first line from its block's holding ``written``."""
        for line in range(self.line, len(self.source)):
            if written and written in self.source[line]:
                return self.at_line(line)
        return self.where(node)

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
            text = self.inline(node)
            depth = int(node.tag[1])
            level = tagged_level(depth, self.top, self.under)
            # Printed as the level it was written at prints (a report section's "###"
            # in h4's style), whatever level the structure gives it.
            look = min(DEEPEST, self.heading_level + depth - 1)
            if skips(level, self.level_above):
                self.notes.append(heading_note(node.children[0].content if node.children
                                               else "", depth, self.heading_above, self.top,
                                               self.where(node)))
            self.heading_above, self.level_above = depth, level
            numbered = not (text.endswith(" " + UNNUMBERED) or text == UNNUMBERED)
            if not numbered:
                text = text[:-len(UNNUMBERED)].rstrip(" ")
            return Block("heading", f"<h{level}>{text}</h{level}>", numbered=numbered,
                         look=look if look != level else 0)
        if kind in ("bullet_list", "ordered_list", "blockquote") and _depth(node) > MAX_NESTING:
            what = "a quote" if kind == "blockquote" else "a list"
            self.problem(node, f"{what} nested {_depth(node)} deep in lists and quotes: at "
                               f"most {MAX_NESTING} levels print; bring it out a level or more")
            return None
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

    def inline(self, node: SyntaxTreeNode) -> str:
        return "".join(self.span(child) for child in node.children)

    def inline_text(self, text: str) -> str:
        """Text of inline Markdown (a fenced table's cell) in the subset's HTML."""
        tree = syntax_tree(parser().parseInline(text))
        return "".join(self.inline(child) for child in tree.children)

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
            if is_safe_uri(href):  # else it prints as text, and no reader lists it
                said = "".join(n.content for n in node.walk()
                               if n.type in ("text", "code_inline"))
                if vague_link(said):
                    self.notes.append(link_note(said, self.where_written(node, f"]({href}")))
                return f'<a href="{escape(href)}">{self.inline(node)}</a>'
            return self.inline(node)
        if kind == "image":
            return self.problem(node, "Markdown: images are not supported in text; attach the "
                                      "figure as a PDF appendix")
        return self.problem(node, f"Markdown: {kind.replace('_', ' ')} is not supported")


def convert(text: str, origin: Position, problems: list[Problem],
            heading_level: int = 3, lines: LineOf | None = None,
            under: int | None = None) -> RichText:
    """Markdown to blocks; ``origin`` is where the text's first line is in its file, and
    ``lines`` where each offset of the text is, when its lines are not the file's.
    ``heading_level``: the level whose style a ``#`` prints in; ``under``: the level of the
    heading the template prints the text under (default one above ``heading_level``), one
    above the level the text's highest headings are tagged at."""
    converter = Converter(origin, heading_level, problems, under)
    converter.read(text, lines)
    tokens = parser().parse(text)
    # From the flat tokens, not by walking the tree: the same headings, in a tenth the time.
    converter.top = min((int(token.tag[1]) for token in tokens
                         if token.type == "heading_open"), default=0)
    tree = syntax_tree(tokens)
    blocks = tuple(converter.blocks(tree))
    return RichText(blocks, tuple(converter.notes))


class Markdown(Shape):
    """Markdown text in a YAML file, converted to blocks as it is checked."""

    expected = "text (Markdown)"

    def __init__(self, heading_level: int = 3, under: int | None = None) -> None:
        """``heading_level``: the level whose style a ``#`` prints in; ``under``: the level
        of the heading the template prints the text under (default one above it)."""
        self.heading_level, self.under = heading_level, under

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Scalar) or node.value is None:
            return self.wrong(node, ctx, path)
        start = Position(node.pos.file, node.pos.line + (1 if node.block else 0), node.indent + 1)
        before = len(ctx.problems)
        converted = convert(node.text, start, ctx.problems, self.heading_level,
                            line_of(node), self.under)
        return INVALID if len(ctx.problems) > before else converted

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "contentMediaType": "text/markdown"}


def _depth(node: SyntaxTreeNode) -> int:
    """How many lists and quotes hold ``node``, itself counted."""
    depth = 0
    at: SyntaxTreeNode | None = node
    while at is not None:
        depth += at.type in ("bullet_list", "ordered_list", "blockquote")
        at = at.parent
    return depth
