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


class _Probe(Flowable):  # type: ignore[misc]
    """Records what the frame and document look like when it is laid out."""

    seen: list[tuple[object, ...]] = []

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        doc = self.canv._doctemplate
        self.seen.append((getattr(self, "_frame", None), doc.frame._atTop, doc.frame._aH,
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
    (frame, top, height, template), (_, later, _, _) = _Probe.seen[:2]
    assert top == 1 and later == 0 and height == 300 and template == "portrait"
    assert frame is None or hasattr(frame, "_atTop")


def test_keep_together_holds_its_content_and_height() -> None:
    kept = KeepTogether([Paragraph("a", STYLE), Paragraph("b", STYLE)])
    kept.canv = None
    kept.wrap(100, 1000)
    assert len(kept._content) == 2 and kept._H == 24
    assert NullActionFlowable().__class__.__name__ == "NullActionFlowable"


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
