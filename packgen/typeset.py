"""Lay out the HTML subset with ReportLab's Platypus: an element tree becomes PDF bytes.

This is the only module that knows ReportLab's layout API, with the mixins that are
its parts: how text is set, its style and inline markup (:mod:`packgen.paragraphs`), and
tables (:mod:`packgen.tables`). Here blocks become flowables and the document is built.
Styles come from the theme's stylesheet by tag and class; fonts are the theme's TrueType
files, embedded, so £, €, accents and ticks print in every pack.

The pages come out tagged: each block's structure element (H1-H4, P, L/LI/Lbl/LBody,
Table/THead/TBody/TR/TH/TD, Figure) is made with its flowable, under :attr:`parent`, and
the flowables of :mod:`packgen.tagged` draw their content as its marked content; the
rest (rules, backgrounds, decoration) is drawn as artifacts (:mod:`packgen.tagging`).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, overload

from reportlab.lib import pagesizes
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    Indenter,
    LayoutError,
    ListItem,
    PageBreak,
    Spacer,
)

from packgen.bullets import own_bullet
from packgen.errors import Position, Problem, TemplateError
from packgen.filerefs import inside
from packgen.fitting import (
    HeadingRoom,
    KeepIfFits,
    LayoutDocument,
    Unfit,
    check_picture,
    in_pieces,
    link_headings,
    unfit_problem,
)
from packgen.fonts import VARIANTS, register_family
from packgen.htmltree import Element
from packgen.labels import own_labels
from packgen.markdown import MAX_PARAGRAPH
from packgen.orientation import gathered, page_templates, turned, without_closing_turn
from packgen.paragraphs import ParagraphSetting
from packgen.render import Located
from packgen.rendered import Typeset
from packgen.rlspeed import install as install_faster_reportlab
from packgen.subset import INLINE_TAGS
from packgen.tables import TableLayout, TooWide, length
from packgen.tagged import TaggedImage, TaggedList, TaggedParagraph, tagged_paragraph
from packgen.tagging import Node, Tagger, canvas_maker
from packgen.theme import Stylesheet

ROLES = {"p": "P", "h1": "H1", "h2": "H2", "h3": "H3", "h4": "H4"}
"""The structure element of each text block of the subset."""
CHECK_DRY = False
"""Check every page count found without drawing against a full typeset of the same pages
(the test suite turns it on: a count the fixed point rests on must be the drawn one's)."""


def page_size(sheet: Stylesheet) -> tuple[float, float]:
    size = sheet.page.get("size", "A4")
    if isinstance(size, str):
        width, height = getattr(pagesizes, size.upper())
        return float(width), float(height)
    return (size[0] * mm, size[1] * mm)


class Typesetter(ParagraphSetting, TableLayout):
    """Turns element trees into PDFs in one theme's style."""

    def __init__(self, sheet: Stylesheet, asset_dir: Path) -> None:
        install_faster_reportlab()
        self.sheet = sheet
        self.asset_dir = asset_dir
        self._files = {family: tuple(sheet.font_file(family, v) for v in VARIANTS)
                       for family in sheet.fonts}
        self.families = {family: register_family(family, files)
                         for family, files in self._files.items()}
        self.size = page_size(sheet)
        margins = sheet.page.get("margin_mm", {})
        self.margins = {side: margins.get(side, 20) * mm
                        for side in ("top", "bottom", "left", "right")}
        self.frame_width = self.size[0] - self.margins["left"] - self.margins["right"]
        self.landscape_width = self.size[1] - self.margins["left"] - self.margins["right"]
        self._styles: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
        self._anchors: dict[str, int] = {}
        self._paragraph_styles: dict[tuple[int, float, bool],
                                     tuple[dict[str, Any], ParagraphStyle]] = {}
        self.parent = Node("Document")
        """The element what is being laid out belongs to."""

    @contextmanager
    def within(self, node: Node) -> Iterator[None]:
        """What is laid out inside belongs to ``node``."""
        outer, self.parent = self.parent, node
        try:
            yield
        finally:
            self.parent = outer

    # -- blocks ----------------------------------------------------------------------------

    def blocks(self, element: Element, origin: Path, width: float) -> list[Flowable]:
        """Flowables for an element's children; runs of inline content become paragraphs."""
        out: list[Flowable] = []
        run: list[Element | str] = []

        def flush() -> None:
            markup = self.inline(run, origin).strip()
            if markup:
                style = self.paragraph_style(self.props(element.tag, element.classes))
                out.extend(in_pieces(tagged_paragraph(markup, style, self.parent.add("P")),
                                     width))
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
            style = self.paragraph_style(props)
            if number is not None:
                # The number hangs in the margin; the text, and its wrapped lines, align.
                style = copy.copy(style)  # the style is shared with other paragraphs
                style.leftIndent = float(props.get("hanging", 36)) * self.scale
                style.bulletIndent = 0
            para = TaggedParagraph(markup, style, bulletText=number)
            if el.attrs.get("id"):  # notes the page it is drawn on, for links to it
                para.anchor = (self._anchors, el.attrs["id"])
            # A hanging number is drawn with its text, inside the heading's element.
            para.node = self.parent.add(ROLES[el.tag], lang=el.attrs.get("lang") or None)
            if "table-note" in el.classes:  # goes where its table goes (orientation.gathered)
                para.table_note = True
            if props.get("keep_with_next"):
                # Keep a heading with the first lines of what follows (HeadingRoom).
                # Platypus's keepWithNext would move a whole following table instead.
                para.keeps_with_next = True
                return [HeadingRoom(), para]
            pieces = in_pieces(para, width)
            pieces[0].anchor = para.anchor  # a long paragraph's first piece notes its page
            return pieces
        if el.tag in ("ul", "ol"):
            return self.listing(el, origin, width)
        if el.tag == "table":
            return self.table(el, origin, width)
        if el.tag == "img":
            return [self.image(el, origin, width)]
        if el.tag == "div":
            if "page-break" in el.classes:
                return [PageBreak()]
            # Pages cannot turn inside a table cell or a list item: laid out in place.
            if "landscape" in el.classes and not (self.landscape or self.in_table
                                                  or self.in_list):
                return self.on_landscape(el, origin, width)
            indent = self._indent(float(self.props("div", el.classes).get("indent", 0)), width)
            inner = self.blocks(el, origin, width - indent)
            if indent:
                inner = [Indenter(left=indent), *inner, Indenter(left=-indent)]
            return [KeepIfFits(inner)] if "keep-together" in el.classes else inner
        raise self.misplaced(el, origin)

    def on_landscape(self, el: Element, origin: Path, width: float) -> list[Flowable]:
        """A ``<div class="landscape">``'s content on landscape pages of its own."""
        self.landscape = True
        try:
            turned_width = width + self.landscape_width - self.frame_width
            inner = self.block(Element("div", {**el.attrs, "class": " ".join(
                c for c in el.classes if c != "landscape")}, el.line, el.children),
                origin, turned_width)
        finally:
            self.landscape = False
        return turned(inner)

    def misplaced(self, el: Element, origin: Path) -> TemplateError:
        return TemplateError([Problem(Position(origin, el.line, 1),
                                      f"<{el.tag}> cannot stand here")])

    def _indent(self, points: float, width: float) -> float:
        """An indent at the current scale, never taking the width left below half the
        page's: quotes and lists inside one another must not squeeze text to a word a
        line."""
        return max(0.0, min(points * self.scale, width - self.frame_width / 2))

    def listing(self, el: Element, origin: Path, width: float) -> list[Flowable]:
        props = self.props(el.tag, el.classes)
        indent = self._indent(float(props.get("list_indent", 16)), width)
        items = []
        for li in el.children:
            if isinstance(li, str):
                if li.strip():
                    raise self.misplaced(Element("text", {}, el.line), origin)
                continue
            if li.tag != "li":
                raise self.misplaced(li, origin)
            items.append(li)
        labelled = own_labels(items) if el.tag == "ul" else None
        if labelled:  # "(a)", "(ii)" as typed: the bullet, with room for the widest
            font, size = self.font_name(props), float(props["size"]) * self.scale
            indent = max(indent, max(stringWidth(label, font, size) for label, _ in labelled)
                         + size * 0.6)
        entries = []
        listed = self.parent.add("L")
        labels = []
        for n, li in enumerate(items):
            symbol: str | None
            if labelled:
                symbol, li = labelled[n]
            else:
                symbol, li = own_bullet(li) if el.tag == "ul" else (None, li)
            entry = listed.add("LI")
            labels.append(entry.add("Lbl"))
            self.in_list += 1
            try:
                with self.within(entry.add("LBody")):
                    item = self.blocks(li, origin, width - indent)
            finally:
                self.in_list -= 1
            if not item:  # an empty item keeps its number: ReportLab fails on nothing
                item = [Spacer(0, 0)]
            # A bullet given to one item would carry on to the next: each names its own.
            entries.append(ListItem(item, value=symbol or "•") if el.tag == "ul"
                           else ListItem(item))
        if not entries:
            self.parent.kids.remove(listed)
            return []
        numbered = el.tag == "ol"
        first = el.attrs.get("start", "1")
        return [TaggedList(
            entries, labels, bulletType="1" if numbered else "bullet",
            start=int(first) if numbered and first.isdigit() else None if numbered else "•",
            leftIndent=indent, bulletFontName=self.font_name(props),
            bulletFontSize=float(props["size"]) * self.scale,
            bulletFormat="%s." if numbered else None,
            spaceAfter=float(props.get("space_after", 6)),
        )]

    def image(self, el: Element, origin: Path, width: float) -> Flowable:
        src = el.attrs.get("src", "")
        path = (self.asset_dir / src).resolve() if src else None
        where = Position(origin, el.line, 1)
        if path is None or not inside(path, self.asset_dir.resolve()):
            raise TemplateError([Problem(where, f'image "{src}" is outside the repository')])
        if not path.is_file():
            raise TemplateError([Problem(where, f'no such image "{src}"')])
        check_picture(path, src, where)
        image = TaggedImage(str(path))
        alt = el.attrs.get("alt")
        if alt != "":  # alt="": decorative, an artifact
            image.node = self.parent.add("Figure", alt=alt)
        ratio = image.imageHeight / image.imageWidth
        w = length(el.attrs.get("width", ""), width) or min(image.imageWidth, width)
        image.drawWidth, image.drawHeight = w, w * ratio
        image.hAlign = "LEFT"
        return image

    # -- the document ----------------------------------------------------------------------

    @overload
    def typeset(self, root: Element, origin: Path, located: Sequence[Located] = (),
                decorative: bool = False) -> Typeset: ...

    @overload
    def typeset(self, root: Element, origin: Path, located: Sequence[Located] = (),
                decorative: bool = False, *, drawn: int) -> Typeset | int: ...

    def typeset(self, root: Element, origin: Path, located: Sequence[Located] = (),
                decorative: bool = False, *, drawn: int | None = None) -> Typeset | int:
        """Lay out the element tree on as many pages as it needs, tagged: each piece of
        content marked as its structure element's, or as an artifact.

        ``located`` says where the text in it came from, so that text which cannot be
        laid out is reported at its line in the YAML. ``decorative``: every page is an
        artifact (a filler page, which says nothing of the document's). ``drawn``: the
        pages wanted at most; a tree that needs more is laid out to the end without
        drawing the rest, and only its page count returned (a front sheet whose length
        is not yet the one it settles on).
        """
        made = self._typeset(root, origin, located, decorative, drawn)
        if CHECK_DRY and drawn is not None:
            dry = made if isinstance(made, int) else self._typeset(root, origin, located,
                                                                  decorative, 0)
            full = made if isinstance(made, Typeset) else self._typeset(root, origin, located,
                                                                       decorative, None)
            assert isinstance(dry, int) and isinstance(full, Typeset)
            if dry != full.pages:
                raise AssertionError(f"{origin}: {dry} pages laid out without drawing, "
                                     f"{full.pages} drawn")
        return made

    def _typeset(self, root: Element, origin: Path, located: Sequence[Located],
                 decorative: bool, drawn: int | None) -> Typeset | int:
        self._anchors = {}
        tagger = Tagger()
        tagger.artifact = int(decorative)
        self.parent = tagger.root
        try:
            flowables = self.blocks(root, origin, self.frame_width)
        except Unfit as exc:
            raise unfit_problem(exc.flowable, located, origin,
                                 f"is too long ({exc.length:,} characters in one paragraph; "
                                 f"at most {MAX_PARAGRAPH:,})") from None
        except TooWide as exc:
            raise unfit_problem(exc.text(), located, origin, exc.trouble,
                                Position(origin, exc.element.line, 1)) from None
        flowables = without_closing_turn(gathered(flowables))
        link_headings(flowables)
        buf = io.BytesIO()
        # The initial font is declared on every page; make it ours, not unembedded Helvetica.
        doc = LayoutDocument(buf, pagesize=self.size, invariant=1, pageCompression=1,
                        initialFontName=self.font_name(self.props("p")),
                        pageTemplates=page_templates(self.size, self.margins),
                        creator="packgen")
        doc.drawn = drawn
        try:
            doc.build(flowables or [TaggedParagraph("", self.paragraph_style(self.props("p")))],
                      canvasmaker=canvas_maker(tagger))
        except LayoutError:
            raise unfit_problem(doc.current, located, origin, "is too long to fit on a page"
                                 ) from None
        if doc.dry:
            return int(doc.page)
        return Typeset(buf.getvalue(), doc.page, dict(self._anchors),
                       structure=tagger.structure(), tagged=True)


def _hanging_number(el: Element) -> tuple[str | None, list[Element | str]]:
    """Split off a leading ``<span class="number">`` to hang in the margin."""
    first = next((c for c in el.children if not (isinstance(c, str) and not c.strip())), None)
    if isinstance(first, Element) and first.tag == "span" and "number" in first.classes:
        text = "".join(c for c in first.children if isinstance(c, str)).strip()
        rest = el.children[el.children.index(first) + 1:]
        # Platypus draws bulletText as it is, not as markup: escaping it printed "&amp;".
        return text, rest
    return None, el.children

