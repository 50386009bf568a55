"""What keeps layout bounded, and says where in the YAML content that cannot be laid out
comes from: long paragraphs laid out in pieces, pictures checked before decoding, and a
layout failure traced back to the text it holds.

Also what keeps blocks together on a page, and headings with what follows them.

Part of the typesetter (:mod:`packgen.typeset`); leans on Platypus's internals
(``blPara``, ``_get_split_blParaFunc``, ``frags``, ``_cellvalues``; a frame's ``_atTop`` and
``_aH``, a flowable's ``_frame``, KeepTogether's ``_content`` and ``_H``, a table's
``_rowHeights``, a document's ``afterFlowable``, ``handle_frameBegin``,
``_leftExtraIndent`` and ``_doSave``, a frame's ``add``) here and nowhere else;
tests/test_platypus_contract.py fails when an upgrade moves them.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    Indenter,
    KeepTogether,
    Paragraph,
    Table,
)
from reportlab.platypus.doctemplate import NullActionFlowable

from packgen.errors import Position, Problem, TemplateError
from packgen.filecheck import MAX_PIXELS
from packgen.markdown import MAX_PARAGRAPH
from packgen.render import Located
from packgen.tagged import TaggedParagraph

KEEP_WITH_NEXT = 54.0
"""Points of following content a heading insists on having below it on its page, when
what follows is neither a paragraph, a table nor a block kept together."""
LONG_PARAGRAPH = 4000
"""Characters of markup beyond which a paragraph is laid out in pieces (see _in_pieces)."""
PIECE_LINES = 30


def in_pieces(para: Paragraph, width: float) -> list[Flowable]:
    """A long paragraph as consecutive paragraphs of a few lines each, set as one.

    Platypus breaks a paragraph's remaining text into lines again on every page it
    flows onto, so one long paragraph takes time that grows with the square of its
    length (13 s for 350 KB). Broken into lines once here, and cut at line ends, it
    takes time in proportion: each piece's lines are the paragraph's own.
    """
    if len(para.text) <= LONG_PARAGRAPH:
        return [para]
    length = len(para.getPlainText())
    if length > MAX_PARAGRAPH:  # it would take minutes; no real paragraph is so long
        raise Unfit(para, length)
    para.wrap(width, 1e9)
    lines = para.blPara.lines
    if len(lines) <= PIECE_LINES:
        return [para]
    # Platypus's own way to cut a paragraph at a line (what Paragraph.split does).
    cut = para._get_split_blParaFunc()
    rest = copy.copy(para.style)
    rest.firstLineIndent = 0
    rest.spaceBefore = 0
    rest.allowOrphans = 1  # a piece's first line is not the paragraph's
    pieces: list[Flowable] = []
    for start in range(0, len(lines), PIECE_LINES):
        stop = min(start + PIECE_LINES, len(lines))
        style = copy.copy(para.style if start == 0 else rest)
        if stop < len(lines):
            style.spaceAfter = 0
        kind = type(para) if start == 0 else TaggedParagraph
        piece = kind(None, style, bulletText=para.bulletText if start == 0 else None,
                     frags=cut(para.blPara, start, stop))
        piece.node = getattr(para, "node", None)  # the pieces are one paragraph: one element
        piece._JustifyLast = stop < len(lines)  # a piece's last line is not the paragraph's
        pieces.append(piece)
    return pieces


def check_picture(path: Path, src: str, where: Position) -> None:
    """Refuse a picture that is not one, is damaged, or would take gigabytes to decode."""
    from PIL import Image as Picture

    try:
        with Picture.open(path) as picture:  # reads the header only
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise Picture.DecompressionBombError
            picture.load()  # a truncated file fails here rather than in the middle of layout
    except Picture.DecompressionBombError:  # Pillow's own limit is higher than ours
        raise TemplateError([Problem(where, f'image "{src}" is too large: more than '
                                     f"{MAX_PIXELS:,} pixels")]) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise TemplateError([Problem(where, f'image "{src}" cannot be read as a picture '
                                     f"({exc})")]) from None


class Unfit(Exception):  # noqa: N818 - not an error of ours: a paragraph too long
    def __init__(self, flowable: Flowable, length: int) -> None:
        self.flowable, self.length = flowable, length


class LayoutDocument(BaseDocTemplate):  # type: ignore[misc]
    """Notes the flowable it is placing, to say which did not fit, and whether anything
    but headings stands on the page yet (see :func:`only_headings_above`).

    Given :attr:`drawn`, it draws that many pages at most: from the page after, it only
    places flowables (wrapping and splitting them as ever, so the pages break where they
    would) and writes no PDF; :attr:`dry` then says so, and :attr:`page` is the count."""

    current: Flowable | None = None
    substance = False
    drawn: int | None = None
    dry = False

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        self.current = flowables[0] if flowables else None
        super().handle_flowable(flowables)

    def handle_frameBegin(self, resume: int = 0, pageTopFlowables: Any = None) -> None:
        self.substance = False
        if self.drawn is not None and self.page > self.drawn:
            self.dry = True
            self._doSave = 0  # the PDF is not wanted: not written out at the end
            # Every flowable a frame places, a split's first part too, goes through its add.
            self.frame.add = partial(_place_undrawn, self.frame)
        super().handle_frameBegin(resume, pageTopFlowables)

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - Platypus's name
        if not (isinstance(flowable, ActionFlowable | HeadingRoom) or _is_heading(flowable)):
            self.substance = True


def _place_undrawn(frame: Frame, flowable: Flowable, canv: Any, trySplit: int = 0  # noqa: N803
                   ) -> int:
    """Place ``flowable`` in ``frame`` as Platypus would, but draw nothing: drawing makes
    content and marks it, never moves what comes after (the dry page counts equal the
    drawn ones over every front sheet the tests typeset, see typeset.CHECK_DRY)."""
    flowable.drawOn = _undrawn  # on the instance: what the frame calls once it fits
    return int(Frame._add(frame, flowable, canv, trySplit))


def _undrawn(*args: Any, **kwargs: Any) -> None:
    """What a flowable laid out but not drawn draws."""


def only_headings_above(flowable: Flowable) -> bool:
    """Only keep-with-next material (the organisation line, a title, headings), or
    nothing, stands above ``flowable`` on its page: moving it to the next page would
    leave those alone there, so it stays and splits."""
    return getattr(flowable._doctemplateAttr("frame"), "_atTop", 1) == 1 or \
        flowable._doctemplateAttr("substance") is False


def unfit_problem(flowable: Flowable | None, located: Sequence[Located], origin: Path,
                   trouble: str, where: Position | None = None) -> TemplateError:
    """The problem at the YAML text the flowable holds, in an officer's words.

    The flowable may be what is left of a split one, holding the end of a text only.
    ``where``: the place to name when no YAML text matches (a template's own table).
    """
    pieces = [_words(p) for p in _texts(flowable)] if flowable is not None else []
    whole = " ".join(pieces)
    matches = [(len(t), pos, what) for t, pos, what in located if t and (
        _words(t) in whole or any(len(p) > 20 and p in _words(t) for p in pieces))]
    if matches:
        _, pos, what = max(matches, key=lambda m: m[0])
        return TemplateError([Problem(pos, f"{what} {trouble}")])
    if where is not None:
        return TemplateError([Problem(where, f"a table {trouble}")])
    everything = [(pos, what) for t, pos, what in located if not t]
    if everything:
        pos, what = everything[0]
        return TemplateError([Problem(pos, f"in {what}, a table row, picture or paragraph "
                                           f"{trouble.replace('is too long', 'is too big')}")])
    return TemplateError([Problem(Position(origin), f"content {trouble}")])


def _texts(flowable: Any) -> list[str]:
    """The text of each paragraph in a flowable (tables, lists, kept-together runs)."""
    if isinstance(flowable, Paragraph):
        # A split paragraph's second part holds words rather than text.
        return ["".join(getattr(f, "text", "") or " ".join(map(str, getattr(f, "words", ())))
                        for f in flowable.frags)]
    if isinstance(flowable, str):
        return [flowable]
    inner: list[Any] = list(flowable) if isinstance(flowable, list | tuple) else []
    for name in ("_cellvalues", "_content", "_flowables"):  # Table, KeepTogether, lists
        value = getattr(flowable, name, None)
        if isinstance(value, list | tuple):
            inner += value
    return [text for f in inner for text in _texts(f)]


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


class KeepIfFits(KeepTogether):  # type: ignore[misc]
    """A block kept on one page when it can be: placed where it is if it fits in the space
    left; else moved whole to the next page if it fits on an empty one; else (taller than
    a page) started here and split (a table at row boundaries, its heading rows repeated).

    Platypus's KeepTogether moves a block taller than a page to the next page and splits
    it there anyway, leaving the rest of this page empty.
    """

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        content: list[Flowable] = self._content[:]
        if self._H <= aH:
            return content
        frame = getattr(self, "_frame", None)
        moves = (frame is not None and not frame._atTop and self._H <= frame._aH
                 and not only_headings_above(self))
        # Platypus places a split's first part as it is: an action first hands the parts
        # back to be laid out one by one.
        return [FrameBreak() if moves else NullActionFlowable(), *content]

    def full_height(self, canv: Any, width: float) -> float:
        self.wrapOn(canv, width, 1e9)
        return float(self._H)

    @property
    def content(self) -> list[Flowable]:
        return list(self._content)


class HeadingRoom(CondPageBreak):  # type: ignore[misc]
    """Stands before a heading and moves it to the next page unless the heading, any
    headings straight after it, and the first part of what follows fit below: two lines
    of a paragraph, a table's heading rows and first row, a kept-together block whole
    (or, taller than a page, its own first part). A report's title is never alone.

    What follows is found once the whole page's flowables are known (:func:`link_headings`).
    """

    def __init__(self) -> None:
        super().__init__(0)
        self.followers: list[Flowable] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        frame = self._doctemplateAttr("frame")
        if frame is None or only_headings_above(self):  # moving would strand them
            return 0, 0
        self.height = min(_room(self.followers, self.canv, availWidth, frame._aH), frame._aH)
        return super().wrap(availWidth, availHeight)  # type: ignore[no-any-return]


def link_headings(flowables: Sequence[Flowable]) -> None:
    """Tell each :class:`HeadingRoom` what follows its heading, in reading order."""
    for i, flowable in enumerate(flowables):
        if isinstance(flowable, HeadingRoom):
            flowable.followers = _followers(flowables[i + 1:])
        elif isinstance(flowable, KeepIfFits):
            link_headings(flowable.content)


def _followers(rest: Sequence[Flowable]) -> list[Flowable]:
    """The heading, further headings, then the first flowable of substance."""
    out: list[Flowable] = []
    for flowable in rest:
        if isinstance(flowable, HeadingRoom | Indenter):
            continue
        out.append(flowable)
        if len(out) > 1 and not _is_heading(flowable):
            break
    return out


def _is_heading(flowable: Flowable) -> bool:
    return bool(getattr(flowable, "keeps_with_next", False))


def _room(followers: list[Flowable], canv: Any, width: float, page: float) -> float:
    """Points the headings and the first part of what follows them need."""
    room = 0.0
    for n, flowable in enumerate(followers):
        last = n == len(followers) - 1 and n > 0
        # The heading's own space before counts too: it is added after this stand-in.
        room += flowable.getSpaceBefore()
        room += (_first_part(flowable, canv, width, page) if last
                 else flowable.wrapOn(canv, width, 1e9)[1])
        if not last:
            room += flowable.getSpaceAfter()
    return room


def _first_part(flowable: Flowable, canv: Any, width: float, page: float) -> float:
    """The least of ``flowable`` that may stand under a heading."""
    if isinstance(flowable, KeepIfFits):
        whole = flowable.full_height(canv, width)
        if whole <= page:
            return whole
        inner = [f for f in flowable.content if not isinstance(f, Indenter | HeadingRoom)]
        return _first_part(inner[0], canv, width, page) if inner else 0.0
    height = float(flowable.wrapOn(canv, width, 1e9)[1])
    if isinstance(flowable, Table):
        rows = [float(h) for h in flowable._rowHeights]
        return min(height, sum(rows[:flowable.repeatRows + 1]))
    if isinstance(flowable, Paragraph):
        return min(height, 2 * float(flowable.style.leading))
    return min(height, KEEP_WITH_NEXT)


def page_is_empty(doc: Any) -> bool:
    """Nothing with height is on the page being laid out yet."""
    return bool(doc.frame._atTop)


def turn_this_page(doc: Any, template: Any) -> None:
    """Lay the page being laid out, still empty, on ``template`` (another page size)
    rather than leave it blank: Platypus would only turn the next one."""
    doc.pageTemplate = template
    template.checkPageSize(doc.canv, doc)  # the canvas's size for this page
    # Indents (a quote, text under a number) carry on to the new frame, as over a page break.
    doc._leftExtraIndent = doc.frame._leftExtraIndent
    doc._rightExtraIndent = doc.frame._rightExtraIndent
    for frame in template.frames:
        frame._reset()
    doc.frame = template.frames[0]
    doc.handle_frameBegin()
