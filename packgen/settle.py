"""The front sheet typeset until its length, and so every page range, stops moving.

Shared by the build (:mod:`packgen.produce`) and by the typesetting process, which runs
the same loop ahead of the build on page counts it was sent early
(:mod:`packgen.speculate`): the same steps, so the build's requests find their answers
made. Light on purpose: the typesetting process imports it without pypdf.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from packgen.errors import Position, Problem, TemplateError
from packgen.layout import Pack, Plan, agenda_items
from packgen.rendered import Typeset

if TYPE_CHECKING:
    from packgen.model import Meeting
    from packgen.typesetting import RowData

MAX_LAYOUT_PASSES = 6

FrontSheet = Callable[[Pack, "list[RowData]", "int | None"], "Typeset | int"]
"""A front sheet's pages, or only their count when they are more than asked for (see
:meth:`~packgen.typesetting.Typesetting.front_sheet_within`)."""


def settle(meeting: Meeting, pack: Pack, make_plan: Callable[[int], Plan],
           front_sheet: FrontSheet) -> tuple[Plan, Typeset]:
    """The plan and front sheet of ``pack`` once the front sheet's length is a fixed point.

    Always from a guess of one page, so the fixed point is the same whatever any cache
    holds. Each guess's front sheet is drawn only as far as the lengths with its agenda
    rows: one that runs longer is laid out to its end without drawing, for its length
    alone (the next guess), so in the end only the length it settles on is drawn. A
    guess whose agenda rows are those of a guess before (with duplex, one and two pages
    both start the reports on page 3) is not laid out again, and one whose front sheet,
    or its length, is in the cache is not laid out at all (:mod:`packgen.cache`)."""
    front_pages = 1
    made: dict[tuple[RowData, ...], Typeset | int] = {}
    for _ in range(MAX_LAYOUT_PASSES):
        layout = make_plan(front_pages)
        rows = row_data(meeting, pack, layout)
        front = made.get(tuple(rows))
        if front is None or front == front_pages:  # counted only: drawn now
            drawn: int | None
            if not any(ranges or link is not None for ranges, link in rows):
                drawn = None  # no row gives a page: every length has these rows
            else:  # printed duplex, an odd length is padded to the next: the same rows
                drawn = front_pages + (meeting.duplex and front_pages % 2)
            front = made[tuple(rows)] = front_sheet(pack, rows, drawn)
        if isinstance(front, Typeset) and front.pages == front_pages:
            return layout, front
        front_pages = front if isinstance(front, int) else front.pages
    raise TemplateError([Problem(Position(Path("frontsheet.html")), "the front sheet's "
                                 "length does not settle; simplify the agenda template")])


def row_data(meeting: Meeting, pack: Pack, layout: Plan) -> list[RowData]:
    """Each agenda item's printed page ranges and link target, for its row of the agenda."""
    rows: list[RowData] = []
    for item in agenda_items(meeting, pack):
        spans = layout.item_spans(item)
        ranges = tuple((str(layout.labels[a]), str(layout.labels[b])) for a, b in spans)
        rows.append((ranges, spans[0][0] + 1 if spans else None))
    return rows
