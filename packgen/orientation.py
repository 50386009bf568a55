"""Landscape pages: a table too wide for a portrait page, or what a template marks
``<div class="landscape">`` or ``<table class="landscape">``, is laid out on pages turned
on their side (the page size turned, the same margins); portrait resumes after it.

Each page is a real landscape page (its MediaBox wider than tall, no /Rotate), so
"Page N" and every stamp land at the foot of the page as it is read.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import ActionFlowable, Flowable, Frame, Indenter, PageTemplate

from packgen.fitting import HeadingRoom, page_is_empty, turn_this_page

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


def gathered(flowables: list[Flowable]) -> list[Flowable]:
    """Turned runs with what belongs to them: the headings straight before a run start
    its landscape page with it, the notes straight after it (class ``table-note``,
    "Source: ...") end it; runs with nothing between them share their pages."""
    out = list(flowables)
    i = 0
    while i < len(out):
        turn = out[i]
        if isinstance(turn, Turn) and turn.orientation == LANDSCAPE:
            start = _headings_before(out, i)
            out[start:i + 1] = [turn, *out[start:i]]
        elif isinstance(turn, Turn):
            end = _notes_after(out, i)
            after = next((f for f in out[end + 1:] if not isinstance(f, Indenter)), None)
            if isinstance(after, Turn) and after.orientation == LANDSCAPE:
                del out[i]  # the next run goes on from here: no portrait page between
                continue
            out[i:end + 1] = [*out[i + 1:end + 1], turn]
            i = end
        i += 1
    return out


def _headings_before(flowables: list[Flowable], at: int) -> int:
    """Where the headings (and their indents) straight before ``at`` begin; ``at`` when
    none stands there."""
    start = at
    for j in range(at - 1, -1, -1):
        if _keeps_with_next(flowables[j]):
            start = j
        elif not isinstance(flowables[j], Indenter):
            break
    return start


def _notes_after(flowables: list[Flowable], at: int) -> int:
    """The index of the last table note straight after ``at``; ``at`` when none."""
    end = at
    for j in range(at + 1, len(flowables)):
        if getattr(flowables[j], "table_note", False):
            end = j
        elif not isinstance(flowables[j], Indenter):
            break
    return end


def _keeps_with_next(flowable: Flowable) -> bool:
    return isinstance(flowable, HeadingRoom) or bool(getattr(flowable, "keeps_with_next", False))


def without_closing_turn(flowables: list[Flowable]) -> list[Flowable]:
    """Nothing follows a landscape end of a document: no portrait page for nothing."""
    end = len(flowables)
    while end and isinstance(flowables[end - 1], Indenter):
        end -= 1
    if end and isinstance(flowables[end - 1], Turn) and flowables[end - 1].orientation == PORTRAIT:
        return flowables[:end - 1] + flowables[end:]
    return flowables

