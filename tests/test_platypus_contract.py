"""The contract between packgen and the installed ReportLab: the Platypus internals
:mod:`packgen.fitting` relies on (and only it). Each test fails when an upgrade moves one,
so a new ReportLab is judged by running this file."""

from __future__ import annotations

import io

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
)
from reportlab.platypus.doctemplate import NullActionFlowable

STYLE = ParagraphStyle("s", fontSize=10, leading=12)


def PageBreakBefore(text: str) -> Paragraph:  # noqa: N802 - reads as a flowable
    return Paragraph(text, ParagraphStyle("b", parent=STYLE, pageBreakBefore=1))


class _Probe(Flowable):  # type: ignore[misc]
    """Records what the frame and document look like when it is laid out."""

    seen: list[tuple[object, ...]] = []

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        doc = self.canv._doctemplate
        frame = getattr(self, "_frame", None)  # the flowable's own note of its frame
        self.seen.append((frame is doc.frame and frame._atTop, doc.frame._atTop, doc.frame._aH,
                          doc.pageTemplate.id))
        return aW, 10

    def draw(self) -> None:
        pass


def _doc() -> BaseDocTemplate:
    frames = [Frame(0, 0, 200, 300, id=name, leftPadding=0, rightPadding=0, topPadding=0,
                    bottomPadding=0) for name in ("a", "b")]
    return BaseDocTemplate(io.BytesIO(), pagesize=(200, 300), pageTemplates=[
        PageTemplate("portrait", [frames[0]], pagesize=(200, 300)),
        PageTemplate("landscape", [frames[1]], pagesize=(300, 200))])


def test_frames_say_whether_they_are_at_top_and_their_full_height() -> None:
    _Probe.seen = []
    _doc().build([_Probe(), Paragraph("x", STYLE), _Probe()])
    (own, top, height, template), (own_later, later, _, _) = _Probe.seen[:2]
    assert top == 1 and later == 0 and height == 300 and template == "portrait"
    assert own == 1 and own_later == 0

class _Tall(Flowable):  # type: ignore[misc]
    """Taller than the space left: split into an action and two short paragraphs, as
    fitting.KeepIfFits splits, noting the frame it finds on itself each time."""

    frames: list[object] = []

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self.frames.append(getattr(self, "_frame", None))
        return aW, 1000

    def split(self, aW: float, aH: float) -> list[Flowable]:
        self.frames.append(getattr(self, "_frame", None))
        return [NullActionFlowable(), Paragraph("first part", STYLE),
                Paragraph("second part", STYLE)]

    def draw(self) -> None:
        pass


def test_a_flowable_knows_its_frame_while_wrapped_and_split() -> None:
    """KeepIfFits reads ``_frame`` (``_atTop``, ``_aH``) in split: without it, blocks
    would silently never move."""
    _Tall.frames = []
    _doc().build([Paragraph("above", STYLE), _Tall()])
    assert len(_Tall.frames) >= 2
    for frame in _Tall.frames:
        assert isinstance(frame, Frame)
        assert frame._atTop == 0 and 0 < frame._aH <= 300


def test_a_split_led_by_an_action_is_laid_out_part_by_part() -> None:
    """A split whose first part is an action hands every part back to be placed one by
    one: both parts land on the page the split happened on. Platypus would otherwise
    place the first part as it is."""
    pages: dict[str, int] = {}

    class Noted(Paragraph):  # type: ignore[misc]
        def drawOn(self, canv: object, x: float, y: float, _sW: float = 0) -> None:
            pages[self.getPlainText()] = self.canv.getPageNumber()
            super().drawOn(canv, x, y, _sW)

    class Splits(_Tall):
        def split(self, aW: float, aH: float) -> list[Flowable]:
            return [NullActionFlowable(), Noted("first part", STYLE),
                    Noted("second part", STYLE)]

    _doc().build([Paragraph("above", STYLE), Splits()])
    assert pages == {"first part": 1, "second part": 1}


def test_the_document_hears_of_each_flowable_placed_and_each_frame_begun() -> None:
    """What fitting.LayoutDocument overrides to know whether only headings stand above."""
    heard: list[str] = []

    class Listening(BaseDocTemplate):  # type: ignore[misc]
        def handle_frameBegin(self, resume: int = 0, pageTopFlowables: object = None
                              ) -> None:
            heard.append("frame")
            super().handle_frameBegin(resume, pageTopFlowables)

        def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
            if isinstance(flowable, Paragraph):
                heard.append(flowable.getPlainText())

    doc = _doc()
    listening = Listening(io.BytesIO(), pagesize=(200, 300), pageTemplates=doc.pageTemplates)
    listening.build([Paragraph("one", STYLE), PageBreakBefore("two")])
    assert heard == ["frame", "one", "frame", "two"]


def test_keep_together_holds_its_content_and_height() -> None:
    kept = KeepTogether([Paragraph("a", STYLE), Paragraph("b", STYLE)])
    kept.canv = None
    kept.wrap(100, 1000)
    assert len(kept._content) == 2 and kept._H == 24


def test_a_table_keeps_its_row_heights() -> None:
    table = Table([["a"], ["b"]], rowHeights=[11, 13])
    table.wrap(100, 100)
    assert list(table._rowHeights) == [11, 13] and table.repeatRows == 0


def test_a_page_can_be_turned_while_empty() -> None:
    """What fitting.turn_this_page does: swap the template of a page nothing is on yet."""
    from packgen.fitting import page_is_empty, turn_this_page

    doc = _doc()
    sizes: list[tuple[float, float]] = []

    class Turner(Flowable):  # type: ignore[misc]
        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            doc = self.canv._doctemplate
            if page_is_empty(doc) and doc.pageTemplate.id == "portrait":
                turn_this_page(doc, doc.pageTemplates[1])
            return 0, 0

        def draw(self) -> None:
            sizes.append(tuple(self.canv._pagesize))

    doc.build([Turner(), Paragraph("x", STYLE)])
    assert sizes == [(300, 200)]


def test_frames_place_through_add_and_an_unsaved_document_writes_nothing() -> None:
    """What fitting.LayoutDocument does past the pages it draws: every flowable a frame
    places, a split's first part too, goes through the frame's ``add`` (replaced on the
    instance at each frame's beginning), which draws it through ``drawOn`` (shadowed on
    the instance: not drawn); ``_doSave = 0`` leaves the file unwritten. The page count is
    the drawn document's."""
    drawn: list[str] = []
    placed: list[Flowable] = []

    class Noted(Paragraph):  # type: ignore[misc]
        def draw(self) -> None:
            drawn.append(self.getPlainText()[:5])
            super().draw()

    def flowables() -> list[Flowable]:
        return [Noted(f"para{n} " + "words " * 40 * (1 + n % 3), STYLE) for n in range(12)]

    class Undrawn(BaseDocTemplate):  # type: ignore[misc]
        def handle_frameBegin(self, resume: int = 0, pageTopFlowables: object = None
                              ) -> None:
            frame = self.frame

            def add(flowable: Flowable, canv: object, trySplit: int = 0) -> int:
                placed.append(flowable)
                flowable.drawOn = lambda *args, **kwargs: None
                return int(Frame._add(frame, flowable, canv, trySplit))

            frame.add = add
            self._doSave = 0
            super().handle_frameBegin(resume, pageTopFlowables)

    whole = _doc()
    whole.build(flowables())
    assert drawn and whole.page > 2
    drawn.clear()
    out = io.BytesIO()
    undrawn = Undrawn(out, pagesize=(200, 300), pageTemplates=_doc().pageTemplates)
    undrawn.build(flowables())
    assert drawn == [] and out.getvalue() == b""
    assert undrawn.page == whole.page and len(placed) > 12  # split parts placed too
