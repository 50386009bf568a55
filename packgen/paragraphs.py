"""How the typesetter sets text: a paragraph's style and its markup.

Styles come from the theme's stylesheet by tag and class (base ``p``, then the tag, then
each class), in the theme's fonts and colours, as ReportLab ``ParagraphStyle``; inline
elements (``b``, ``i``, ``u``, ``br``, ``a``, ``span``) become ReportLab's paragraph markup,
every text escaped and every link checked; a paragraph can note the page it is drawn on.

A mixin of :class:`packgen.typeset.Typesetter`, which lays out the blocks these are set
in (and sets up the fonts, the style cache and the anchors).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from packgen.errors import Position, Problem, TemplateError
from packgen.fonts import register_italics
from packgen.htmltree import Element
from packgen.pdf.links import href_problem, href_target
from packgen.theme import Stylesheet


def escape(text: str) -> str:
    """Text as XML character data: ``&``, ``<`` and ``>`` escaped.

    As ``xml.sax.saxutils`` does; that module imports ``urllib.request`` (and with it
    ``http.client``, ``ssl`` and ``email``), which nothing else in the typesetting process
    needs: an eighth of its imports.
    """
    return html.escape(text, quote=False)


def quoteattr(text: str) -> str:
    """Text as a quoted XML attribute value, as ``xml.sax.saxutils.quoteattr`` gives it:
    escaped, line breaks and tabs as character references, in double quotes unless it
    holds only double quotes."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_HEADINGS = frozenset(("h1", "h2", "h3", "h4"))
_LOOK = re.compile(r"as-h[1-4]")
_SPACES = re.compile(r"\s+")


class ParagraphSetting:
    """What the typesetter sets text with; its other methods come from the typesetter."""

    sheet: Stylesheet
    families: dict[str, str]
    """ReportLab's name of each of the stylesheet's font families."""
    _files: dict[str, tuple[Path, ...]]
    _styles: dict[tuple[str, tuple[str, ...]], dict[str, Any]]
    _anchors: dict[str, int]
    _paragraph_styles: dict[tuple[int, float, bool], tuple[dict[str, Any], ParagraphStyle]]
    scale: float
    in_table: int

    def misplaced(self, el: Element, origin: Path) -> TemplateError:
        raise NotImplementedError

    # -- styles ----------------------------------------------------------------------------

    def props(self, tag: str, classes: tuple[str, ...] = ()) -> dict[str, Any]:
        """Style properties of a tag with classes: base ``p``, then tag, then each class."""
        key = (tag, classes)
        if key not in self._styles:
            styles = self.sheet.styles
            merged = {"font": next(iter(self.sheet.fonts)), "size": 10}
            merged.update(styles.get("p", {}))
            # A heading of class "as-h4" is styled as h4 (its tag gives its level in the
            # structure): an officer's "###" prints as written wherever the text's
            # structure places it, and follows the house style's h4.
            look = next((c[3:] for c in classes if _LOOK.fullmatch(c)), tag)
            merged.update(styles.get(look if tag in _HEADINGS else tag, {}))
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
        if props.get("italic"):
            self.italics(props["font"])
        return f"{self.families[props['font']]}-{variant.rstrip('_') or 'regular'}"

    def italics(self, family: str) -> None:
        """Make the family's italic faces ready, before any text is set in them."""
        register_italics(self.families[family], self._files[family])

    def paragraph_style(self, props: dict[str, Any]) -> ParagraphStyle:
        """The style of text with these properties, at the current scale and place; one
        style serves every paragraph alike (an agenda's rows), so it must not be changed:
        copy it first."""
        key = (id(props), self.scale, bool(self.in_table))
        known = self._paragraph_styles.get(key)
        if known is not None and known[0] is props:
            return known[1]
        style = self._new_style(props)
        self._paragraph_styles[key] = (props, style)
        return style

    def _new_style(self, props: dict[str, Any]) -> ParagraphStyle:
        scale = self.scale  # a table set smaller to fit across its page
        size = float(props["size"])
        return ParagraphStyle(
            name="s", fontName=self.font_name(props), fontSize=size * scale,
            leading=float(props.get("leading", size * 1.3)) * scale,
            textColor=self.colour(props.get("color", "text")),
            alignment=_ALIGN[props.get("align", "left")],
            spaceBefore=float(props.get("space_before", 0)) * scale,
            spaceAfter=float(props.get("space_after", 0)) * scale,
            leftIndent=float(props.get("indent", 0)) * scale,
            bulletFontName=self.font_name(props), wordWrap=None,
            # Columns hold their longest word (packgen.widths): a word is never cut.
            splitLongWords=0 if self.in_table else 1,
        )

    # -- inline ----------------------------------------------------------------------------

    def inline(self, nodes: list[Element | str], origin: Path) -> str:
        """ReportLab paragraph markup for inline content, with every text escaped."""
        parts = []
        for node in nodes:
            if isinstance(node, str):
                parts.append(escape(_SPACES.sub(" ", node)))
                continue
            inner = self.inline(node.children, origin)
            if node.tag in ("b", "strong"):
                parts.append(f"<b>{inner}</b>")
            elif node.tag in ("i", "em"):
                for family in self.families:  # whichever family the paragraph is set in
                    self.italics(family)
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
        size = float(props["size"]) * self.scale
        attrs = f" name={quoteattr(self.font_name(props))} size=\"{size:g}\""
        if "color" in props:
            attrs += f" color={quoteattr(self.hex(props['color']))}"
        return f"<font{attrs}>{inner}</font>"

    @staticmethod
    def link_target(node: Element, origin: Path) -> str:
        """What the link's paragraph markup points at (:func:`packgen.pdf.links.href_target`)."""
        href = node.attrs.get("href", "")
        target = href_target(href)
        if target is None:
            raise TemplateError([Problem(Position(origin, node.line, 1),
                                         str(href_problem(href)))])
        return target
