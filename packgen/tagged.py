"""Flowables that draw their content as structure elements: paragraphs (and the parts
a page break splits them into), list labels, table cells (a heading row repeated on a
later page as an artifact) and pictures.

With :mod:`packgen.tagging`, the bridge to ReportLab's internals for tagging: this module
overrides ``Paragraph.drawOn``/``split``, ``ListFlowable._makeBullet`` (called once per
item, in order, for the item's first flowable) with ``BulletDrawer.drawOn``, and
``Table.split``/``_drawCell``/``_cellvalues``/``repeatRows``. For speed alone, it also
overrides ``Paragraph.wrap`` (lines kept for a second wrap to the same width; ``blPara``)
and ``Paragraph._setup`` (plain text not parsed, its fragment the style's; other markup
parsed once per markup and style; ``frags``, their ``clone``,
``paragraph.textTransformFrags``), held by tests/test_reportlab_contract.py and
tests/test_agenda_cost.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reportlab.platypus import Image, ListFlowable, Paragraph, Table
from reportlab.platypus.flowables import BulletDrawer
from reportlab.platypus.paragraph import textTransformFrags

from packgen.tagging import Node, TaggedCanvas, tagger_of


@contextmanager
def drawing(canvas: Any, node: Node | None) -> Iterator[None]:
    """What is drawn inside is ``node``'s content."""
    tagger = tagger_of(canvas)
    if tagger is None or node is None:
        yield
        return
    outer, tagger.current = tagger.current, node
    try:
        yield
    finally:
        tagger.current = outer


MAX_PARSED = 2_500
"""Paragraphs' parsed markup kept for the next paragraph of the same markup and style:
about 2.6 KB each, enough for the rows of a 1,000-item agenda."""
SHORT_MARKUP = 400
"""Characters of markup up to which a paragraph's parse is kept: an agenda row's title,
text and page range are short; a report's long paragraphs are set once, and their
fragments would only take memory."""
_parsed: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}
_plain: dict[tuple[Any, ...], Any] = {}
"""The fragment plain text parses to, by the style's parse key (text left out)."""
_PARSER_READS = ("fontName", "fontSize", "textColor", "underlineWidth", "underlineColor",
                 "underlineOffset", "underlineGap", "strikeWidth", "strikeColor",
                 "strikeOffset", "strikeGap", "linkUnderline", "textTransform")
"""What Platypus's markup parser reads of a style (``ParaParser._initial_frag``,
``textTransformFrags``); colours compare by value."""


def _parse_key(text: Any, style: Any, case_sensitive: Any) -> tuple[Any, ...] | None:
    if not isinstance(text, str) or len(text) > SHORT_MARKUP:
        return None
    key = (text, case_sensitive, *(getattr(style, name, None) for name in _PARSER_READS))
    try:
        hash(key)
    except TypeError:  # a value no dictionary can hold: parsed as it always was
        return None
    return key


def _plain_key(text: str, style: Any, case_sensitive: Any) -> tuple[Any, ...] | None:
    """What plain markup (no tag, no entity: one run of text) parses by: the style only."""
    if "<" in text or "&" in text:
        return None
    return _parse_key("", style, case_sensitive)


def _plain_frags(text: str, style: Any, key: tuple[Any, ...]) -> list[Any]:
    """The fragments ``text`` (plain, cleaned, not empty) parses to in ``style``.

    Platypus's parser turns one run of text into one fragment: its style's first
    fragment holding the text, then cased as the style says. That fragment is taken from
    a parse of a stand-in text, once per style; each paragraph gets its own copy.
    """
    model = _plain.get(key)
    if model is None:
        if len(_plain) >= MAX_PARSED:
            _plain.clear()
        model = _plain[key] = Paragraph("x", style).frags[0]
    frag = _copied([model])
    frag[0].text = text
    textTransformFrags(frag, style)
    return frag


def _copied(frags: list[Any]) -> list[Any]:
    """Fragments no other paragraph shares: each, and the lists it holds, its own."""
    copies = []
    for frag in frags:
        copy = frag.clone()
        for name in ("link", "us_lines"):
            value = copy.__dict__.get(name)
            if isinstance(value, list):
                setattr(copy, name, list(value))
        copies.append(copy)
    return copies


class TaggedParagraph(Paragraph):  # type: ignore[misc]
    """A paragraph drawn as its element's content; the parts it splits into keep the
    element, so a paragraph over a page break is one element."""

    node: Node | None = None
    anchor: tuple[dict[str, int], str] | None = None
    """Where to note the page it is drawn on (the anchors of the document being typeset,
    and its name); the first part drawn wins."""

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any,  # noqa: N803
               cleaner: Any) -> None:
        # Platypus parses every paragraph's markup with a new HTML parser: a tenth of an
        # agenda's layout, and the front sheet is typeset more than once with the same
        # rows. The same markup in the same style parses to the same fragments: parsed
        # once, each paragraph gets its own copies (line breaking replaces them).
        if frags is None and isinstance(text, str) and len(text) <= SHORT_MARKUP:
            # Most of an agenda's paragraphs are plain text: no parser needed at all.
            plain = _plain_key(text, style, self.caseSensitive)
            cleaned = cleaner(text) if plain is not None else ""
            if plain is not None and cleaned:
                super()._setup(cleaned, style, bulletText, _plain_frags(cleaned, style, plain),
                               cleaner)
                return
        key = _parse_key(text, style, self.caseSensitive) if frags is None else None
        known = _parsed.get(key) if key is not None else None
        if known is not None:
            super()._setup(known[0], style, bulletText, _copied(known[1]), cleaner)
            return
        super()._setup(text, style, bulletText, frags, cleaner)
        # Kept only when the markup held no bullet and changed no style (<para> attributes).
        if key is not None and self.style is style and self.bulletText is bulletText:
            if len(_parsed) >= MAX_PARSED:
                _parsed.clear()
            _parsed[key] = (self.text, _copied(self.frags))
    _wrapped: tuple[float, Any, tuple[float, float]] | None = None
    """The width last wrapped to, the style then, and the size that gave."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # A table measures each cell's paragraphs again every time it is measured: for
        # every part a page break leaves and once more to draw it, so an agenda's rows
        # were broken into lines four times each. The lines depend only on the width
        # (and the style): a second wrap to the same width keeps the first's lines.
        # Platypus's split drops blPara when the paragraph must move: then wrap anew.
        last = self._wrapped
        if last is not None and last[0] == availWidth and last[1] is self.style \
                and "blPara" in self.__dict__:
            self.width, self.height = last[2]
            return last[2]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, self.style, size) if "blPara" in self.__dict__ else None
        return size

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        if self.anchor is not None:
            self.anchor[0].setdefault(self.anchor[1], canvas.getPageNumber())
        node = self.node
        if node is not None and self._is_one_link():
            # ReportLab draws a paragraph that is one link in one style by a path that
            # reports no link fragments: its text is all the Link's.
            if not (node.kids and isinstance(node.kids[-1], Node)
                    and node.kids[-1].role == "Link"):
                node.add("Link")
            node = node.kids[-1]  # type: ignore[assignment]
        # As drawing() does, written out: this runs for every paragraph drawn.
        tagger = tagger_of(canvas)
        if tagger is None or node is None:
            super().drawOn(canvas, x, y, _sW)
            return
        outer, tagger.current = tagger.current, node
        try:
            super().drawOn(canvas, x, y, _sW)
        finally:
            tagger.current = outer

    def _is_one_link(self) -> bool:
        para = getattr(self, "blPara", None)
        return para is not None and para.kind == 0 and bool(
            getattr(self.frags[0], "link", None) if self.frags else None)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        for part in parts:  # Platypus makes the parts with self.__class__
            part.node, part.anchor = self.node, self.anchor
        return list(parts)


def tagged_paragraph(text: str | None, style: Any, node: Node, **kw: Any) -> TaggedParagraph:
    para = TaggedParagraph(text, style, **kw)
    para.node = node
    return para


class TaggedBullet(BulletDrawer):  # type: ignore[misc]
    """An item's bullet or number, drawn as its Lbl."""

    node: Node | None = None

    def drawOn(self, indenter: Any, canv: Any, x: float, y: float,  # noqa: N802
               _sW: float = 0) -> None:
        with drawing(canv, self.node):
            super().drawOn(indenter, canv, x, y, _sW)


class TaggedList(ListFlowable):  # type: ignore[misc]
    """A list whose items' bullets are drawn as their Lbl elements, in item order."""

    def __init__(self, items: list[Any], labels: list[Node], **kw: Any) -> None:
        self._labels = list(labels)
        super().__init__(items, **kw)

    def _makeBullet(self, value: Any, params: Any = None) -> Any:  # noqa: N802
        drawer = super()._makeBullet(value, params)
        if self._labels:
            drawer.__class__ = TaggedBullet
            drawer.node = self._labels.pop(0)
        return drawer


class TaggedTable(Table):  # type: ignore[misc]
    """A table whose heading rows, repeated on a later page, are drawn as artifacts:
    their elements are the first page's."""

    repeated = 0
    """Rows at the top of this part that repeat the table's heading rows."""

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        for n, part in enumerate(parts):  # Platypus makes the parts with self.__class__
            part.repeated = self.repeatRows if n else self.repeated
        return list(parts)

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:  # noqa: N802
        tagger = tagger_of(self.canv)
        repeat = tagger is not None and self.repeated and any(
            cellval is c for row in self._cellvalues[:self.repeated] for c in row)
        if repeat and tagger is not None:
            tagger.artifact += 1
        try:
            super()._drawCell(cellval, cellstyle, pos, size)
        finally:
            if repeat and tagger is not None:
                tagger.artifact -= 1


class TaggedImage(Image):  # type: ignore[misc]
    """A picture drawn as its Figure, whose bounding box it notes; without an element
    (``alt=""``: decorative) it is an artifact."""

    node: Node | None = None

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        node = self.node
        if node is None or not isinstance(canvas, TaggedCanvas) or canvas.tagger.artifact:
            super().drawOn(canvas, x, y, _sW)
            return
        start = canvas.code_length()
        super().drawOn(canvas, x, y, _sW)
        canvas.mark(start, node)
        # Where Platypus drew it: hAlign moves it within the width it was given.
        shift = {"CENTER": _sW / 2, "CENTRE": _sW / 2, "RIGHT": _sW}.get(
            str(getattr(self, "hAlign", "LEFT")).upper(), 0)
        x0, y0 = canvas.transformed(x + shift, y)
        x1, y1 = canvas.transformed(x + shift + self.drawWidth, y + self.drawHeight)
        node.attributes = [a for a in node.attributes if a[1] != "BBox"]
        node.attributes.append(("Layout", "BBox", tuple(
            round(v, 2) for v in (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))))
