"""Tagged content from ReportLab: the bridge between our typesetter and ReportLab's
internals, for marking what it draws as the structure elements it belongs to.

This module and :mod:`packgen.tagged` (the tagged flowables) are the only ones that touch
ReportLab's private names for tagging: a text object's ``_code``, ``_textOut`` and
``_linkRecord`` (the hook ``_putFragLine`` calls with 'start' *after* a link fragment's
text and 'end' *before* the text following it); the canvas's ``_code``, ``beginText``,
``drawText``, ``linkURL``/``linkRect`` and ``showPage``. tests/test_reportlab_contract.py
fails when an upgrade moves them.

Elements are made while the flowables are made (reading order is flowable order) as
mutable :class:`Node`; marked-content ids are given out as content is drawn; anything
painted while no element is being drawn becomes an artifact when its page is finished.
At the end the nodes become the frozen :class:`packgen.rendered.Tag` record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from packgen.rendered import Annotation, Marked, Tag

Attribute = tuple[str, str, str | int | float | tuple[float, ...]]

KEPT_EMPTY = frozenset(("Table", "THead", "TBody", "TR", "TH", "TD", "L", "LI", "Lbl", "LBody"))
"""Roles kept without content: a table's grid and a list's items stay regular even
where a cell or an item is empty. Other empty elements (a paragraph drawn as nothing)
are left out."""


@dataclass(eq=False)
class Node:
    """A structure element being laid out: its role and its kids in reading order."""

    role: str
    kids: list[Node | Marked | Annotation] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    alt: str | None = None
    text: str = ""
    """A Link's text, gathered as it is drawn."""
    lang: str | None = None
    """A language other than the page's (the HTML subset's ``lang``)."""

    def add(self, role: str, *attributes: Attribute, alt: str | None = None,
            lang: str | None = None) -> Node:
        node = Node(role, attributes=list(attributes), alt=alt, lang=lang)
        self.kids.append(node)
        return node

    def frozen(self) -> Tag | None:
        kids: tuple[Tag | Marked | Annotation, ...]
        if any(isinstance(kid, Node) for kid in self.kids):
            made = [kid.frozen() if isinstance(kid, Node) else kid for kid in self.kids]
            kids = tuple(kid for kid in made if kid is not None)
        else:  # marked content only (a paragraph, a cell's row of text): as it is
            kids = tuple(self.kids)  # type: ignore[arg-type]
        if not kids and self.role not in KEPT_EMPTY:
            return None
        text = " ".join(self.text.split()) if self.role == "Link" else None
        return Tag(self.role, kids, self.alt, text, tuple(self.attributes), self.lang)


class Tagger:
    """One typeset document's elements and, per page, which element owns each MCID."""

    def __init__(self) -> None:
        self.root = Node("Document")
        self.current: Node | None = None
        """The element whose content is being drawn; None: what is drawn is an artifact."""
        self.artifact = 0
        """Above 0: everything drawn is an artifact (a repeated heading row, a filler)."""
        self.page = 0
        self.mcids: dict[int, int] = {}
        """page -> MCIDs given out on it."""
        self.annotations: dict[int, int] = {}
        """page -> link annotations made on it."""
        self.links: list[tuple[str, Node]] = []
        """Links whose text was drawn, waiting for the annotations ReportLab makes after
        each line: (target as the annotation names it, its Link element)."""

    def mcid(self, node: Node) -> int:
        mcid = self.mcids.get(self.page, 0)
        self.mcids[self.page] = mcid + 1
        node.kids.append(Marked(self.page, mcid))
        return mcid

    def structure(self) -> tuple[Tag, ...]:
        frozen = self.root.frozen()
        return frozen.kids if frozen is not None else ()  # type: ignore[return-value]

    def annotated(self, page: int, target: str) -> None:
        """An annotation was made on ``page``: the Link element drawn for ``target`` owns it."""
        index = self.annotations.get(page, 0)
        self.annotations[page] = index + 1
        at = next((i for i, (t, _) in enumerate(self.links) if t == target), None)
        if at is not None:
            self.links.pop(at)[1].kids.append(Annotation(page, index))
        elif self.current is not None and self.current.role == "Link":
            # A paragraph that is one link throughout is drawn by ReportLab's simple
            # path, which records no link fragments: its element is the Link itself.
            self.current.kids.append(Annotation(page, index))


def annotation_target(href: str) -> str:
    """The name an annotation for ``href`` is made under (what ``linkRect`` or
    ``linkURL`` is given): ``#name`` and ``document:name`` go to a named destination."""
    if href.startswith("#"):
        return "#" + href[1:]
    if href.lower().startswith("document:"):
        return "#" + href.split(":", 1)[1]
    return href


class Tagged(str):
    """Code that is marked content already: the catch-all leaves it as it is."""


class TaggedText(PDFTextObject):  # type: ignore[misc]
    """A text object whose content is marked as its element's, BDC/EMC inside BT/ET.

    A line's end gets a real space, so a line break never glues two words together in
    the structure's text (``T*`` moves from the line's start: the space is invisible).
    A link's fragments get marked content of their own under a Link element.
    """

    def __init__(self, canvas: TaggedCanvas, x: float, y: float, node: Node,
                 direction: Any = None) -> None:
        super().__init__(canvas, x, y, direction=direction)
        self.tagger, self.node = canvas.tagger, node
        self._open: tuple[Node, int, int] | None = None  # element, MCID, index of its BDC
        self._links: dict[Any, Node] = {}
        self._last = ""
        self._open_mc(node)

    def _open_mc(self, node: Node) -> None:
        mcid = self.tagger.mcid(node)
        self._code.append(f"/{node.role} <</MCID {mcid}>> BDC")
        self._open = (node, mcid, len(self._code) - 1)

    def _close_mc(self) -> None:
        if self._open is not None:
            self._code.append("EMC")
            self._open = None

    def _textOut(self, text: str, TStar: int = 0) -> None:  # noqa: N802,N803 - ReportLab's
        if self._open is None:
            self._open_mc(self.node)
        if TStar and not (text or self._last).endswith(" "):
            text += " "  # a line's end; after a <br/> ReportLab ends the line with no text
        self._last = text
        if self._open is not None and self._open[0].role == "Link":
            self._open[0].text += text
        super()._textOut(text, TStar)

    def textOut(self, text: str) -> None:  # noqa: N802 - ReportLab's name
        self._last = text  # a hanging number: it gets its space at the end
        super().textOut(text)

    def textLine(self, text: str = "") -> None:  # noqa: N802 - ReportLab's name
        self._last = text  # a list's bullet or number (drawString): likewise
        super().textLine(text)

    def _linkRecord(self, key: Any, what: str) -> None:  # noqa: N802 - ReportLab's name
        """'start': the link's text on this line was just written (the last entry of
        ``_code``); 'end': what follows is not the link's. ``key`` is (n, href)."""
        if what == "start":
            text = self._code.pop()
            assert self._open is not None
            node, mcid, at = self._open
            # The paragraph's marked content, reopened for this text, holds nothing else:
            # it becomes the link's. Removed first, so that a link running on from the line
            # above finds its Link element last among the paragraph's kids.
            empty = at == len(self._code) - 1 and node is self.node
            if empty:
                self._code.pop()
                node.kids.remove(Marked(self.tagger.page, mcid))
            link = self._links.get(key)
            if link is None or self.node.kids[-1] is not link:
                link = self.node.add("Link")
                self._links[key] = link
            if empty:
                link.kids.append(Marked(self.tagger.page, mcid))
                self._code.append(f"/Link <</MCID {mcid}>> BDC")
                self._open = (link, mcid, len(self._code) - 1)
            else:
                self._close_mc()
                self._open_mc(link)
            self._code.append(text)
            link.text += self._last
        elif what == "end":
            self._close_mc()  # the paragraph's marked content reopens with its next text
            if key in self._links:
                self.tagger.links.append((annotation_target(str(key[1])), self._links[key]))

    def getCode(self) -> str:  # noqa: N802 - ReportLab's name
        if self._open is not None and self._last and not self._last.endswith(" "):
            # An invisible space after the last text drawn, so that a hanging number
            # ("2.3") reads apart from the paragraph that follows it.
            self._code.append(self._formatText(" "))
        self._close_mc()
        return str(super().getCode())


_PAINTS = re.compile(r"(?<!\S)(?:S|s|f\*?|F|B\*?|b\*?|n|Do|sh|ET|EI)(?!\S)")
"""Operators that paint (or end a text object or an inline image): an entry of the
page's code holding one is content, to be tagged or marked as an artifact."""


class TaggedCanvas(Canvas):  # type: ignore[misc]
    """A canvas whose text is marked as the element being drawn, and whose untagged
    painting is marked as artifacts when its page is finished."""

    tagger: Tagger
    _code: list[str]

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> Any:  # noqa: N802
        node = self.tagger.current
        if node is None or self.tagger.artifact:
            return super().beginText(x, y, direction=direction)
        self.tagger.page = self.getPageNumber() - 1
        return TaggedText(self, x, y, node, direction=direction)

    def drawText(self, aTextObject: Any) -> None:  # noqa: N802,N803 - ReportLab's names
        if isinstance(aTextObject, TaggedText):
            self._code.append(Tagged(aTextObject.getCode()))
        else:
            super().drawText(aTextObject)

    def linkURL(self, url: str, rect: Any, *args: Any, **kw: Any) -> None:  # noqa: N802
        self.tagger.annotated(self.getPageNumber() - 1, url)
        super().linkURL(url, rect, *args, **kw)

    def linkRect(self, contents: str, destinationname: str, *args: Any,  # noqa: N802
                 **kw: Any) -> None:
        self.tagger.annotated(self.getPageNumber() - 1, "#" + destinationname)
        super().linkRect(contents, destinationname, *args, **kw)

    def mark(self, start: int, node: Node) -> None:
        """Mark what was painted since ``_code`` held ``start`` entries as ``node``'s
        content (a picture: its whole q ... Q, so marked content never straddles them)."""
        self.tagger.page = self.getPageNumber() - 1
        mcid = self.tagger.mcid(node)
        self._code[start:] = [Tagged(f"/{node.role} <</MCID {mcid}>> BDC"),
                              *map(Tagged, self._code[start:]), Tagged("EMC")]

    def code_length(self) -> int:
        return len(self._code)

    def transformed(self, x: float, y: float) -> tuple[float, float]:
        """Where the point (x, y) of the current user space lies on the page."""
        a, b, c, d, e, f = self._currentMatrix
        return a * x + c * y + e, b * x + d * y + f

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        # The catch-all: whatever paints and is not marked content is an artifact. An
        # entry is one operation (a path, a text object, a picture's q ... Q), and
        # state-only entries (q, Q, cm, colours) stay outside, so q/Q never straddles.
        self._code = [c if isinstance(c, Tagged) or not _PAINTS.search(c)
                      else f"/Artifact BMC {c} EMC" for c in self._code]
        super().showPage()


def canvas_maker(tagger: Tagger) -> type[TaggedCanvas]:
    """A canvas class whose instances tag for ``tagger`` (Platypus makes the canvas)."""
    return type("DocumentCanvas", (TaggedCanvas,), {"tagger": tagger})


def tagger_of(canvas: Any) -> Tagger | None:
    """The tagger a canvas draws for, None on a canvas that does not tag (a measurement)."""
    return getattr(canvas, "tagger", None)
