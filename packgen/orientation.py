"""Landscape pages: a table too wide for a portrait page, or what a template marks
``<div class="landscape">`` or ``<table class="landscape">``, is laid out on pages turned
on their side (the page size turned, the same margins); portrait resumes after it.

Each page is a real landscape page (its MediaBox wider than tall, no /Rotate), so
"Page N" and every stamp land at the foot of the page as it is read.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import ActionFlowable, Flowable, Frame, Indenter, PageTemplate

from packgen.fitting import page_is_empty, turn_this_page

PORTRAIT, LANDSCAPE = "portrait", "landscape"


def page_templates(size: tuple[float, float], margins: dict[str, float]
                   ) -> list[PageTemplate]:
    """A portrait template (the theme's page) and the same page turned, same margins."""
    width, height = sorted(size)
    templates = []
    for name, (w, h) in ((PORTRAIT, (width, height)), (LANDSCAPE, (height, width))):
        frame = Frame(margins["left"], margins["bottom"], w - margins["left"] - margins["right"],
                      h - margins["top"] - margins["bottom"],
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        templates.append(PageTemplate(name, [frame], pagesize=(w, h)))
    return templates


class Turn(ActionFlowable):  # type: ignore[misc]
    """Go on in ``orientation`` from a new page: this one if it is still empty."""

    def __init__(self, orientation: str) -> None:
        super().__init__(("turn", orientation))
        self.orientation = orientation

    def apply(self, doc: Any) -> None:
        template = next(t for t in doc.pageTemplates if t.id == self.orientation)
        if not page_is_empty(doc):
            doc.handle_nextPageTemplate(self.orientation)
            doc.handle_pageBreak()
        elif doc.pageTemplate is not template:
            turn_this_page(doc, template)


def turned(flowables: list[Flowable]) -> list[Flowable]:
    """``flowables`` on landscape pages of their own."""
    return [Turn(LANDSCAPE), *flowables, Turn(PORTRAIT)]


def without_closing_turn(flowables: list[Flowable]) -> list[Flowable]:
    """Nothing follows a landscape end of a document: no portrait page for nothing."""
    end = len(flowables)
    while end and isinstance(flowables[end - 1], Indenter):
        end -= 1
    if end and isinstance(flowables[end - 1], Turn) and flowables[end - 1].orientation == PORTRAIT:
        return flowables[:end - 1] + flowables[end:]
    return flowables

