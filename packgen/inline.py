"""Short fields' inline Markdown (a description, a recommendation, a notice): bold,
italics, code and links to the HTML subset's inline markup, as Markup a template prints.

The converter is :mod:`packgen.markdown`'s, placing problems by how far into the text it
has come; a description's lines are kept as line breaks, and a notice's bare web and
e-mail addresses are linked (:mod:`packgen.autolink`).
"""

from __future__ import annotations

from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from packgen.errors import Position, Problem
from packgen.markdown import Converter, syntax_tree
from packgen.scalar_lines import LineOf, line_of
from packgen.shapes import INVALID, Context, Shape, Text
from packgen.source import Node, Scalar

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode


class _InlineConverter(Converter):
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
    tree = syntax_tree(_inline_parser(autolink).parseInline(text.strip()))
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
