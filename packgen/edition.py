"""An edition in another language, beside the pack it translates.

``packgen build --language cy`` builds the Welsh edition of a meeting whose own pack is
English: the same items, the Welsh words, and each document's Welsh version where the
meeting names one (``file_cy:``). Its page numbers are the English pack's whenever its
front sheet and documents take as many pages; where one does not, every agenda row whose
pages moved is a warning that says why, so an officer can tell a reader that "page 17"
differs between the two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from packgen.errors import Problem
from packgen.layout import Pack, agenda_items, pack_documents
from packgen.model import Attachment, Item, Meeting
from packgen.typesetting import RowData


@dataclass(frozen=True)
class PageRanges:
    """What a pack's agenda says of its pages: enough to compare two editions."""

    language: str
    front_pages: int
    ranges: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """(item number, printed page ranges) for each agenda row, in order."""
    pages: tuple[tuple[str, int], ...]
    """(item number, pages of its documents in this pack, fillers left out)."""


def page_ranges(meeting: Meeting, pack: Pack, front_pages: int, rows: Sequence[RowData],
                counts: Mapping[Attachment, int]) -> PageRanges:
    """The page ranges of a laid-out pack; ``counts``: each document's pages."""
    items = agenda_items(meeting, pack)
    pages = {item.number: 0 for item in items}
    for item, attachment, _ in pack_documents(meeting, pack):
        if item.number in pages:
            pages[item.number] += counts.get(attachment, 0)
    return PageRanges(meeting.language, front_pages,
                      tuple((item.number, ranges) for item, (ranges, _) in
                            zip(items, rows, strict=True)),
                      tuple(pages.items()))


def moved_pages(original: PageRanges, edition: PageRanges, items: Sequence[Item]
                ) -> list[Problem]:
    """A warning for each agenda row of ``edition`` whose pages are not ``original``'s,
    naming the first cause: its front sheet, the row's own documents, or an earlier
    item's."""
    before = dict(original.ranges)
    theirs, ours = dict(original.pages), dict(edition.pages)
    where = {item.number: item.pos for item in items}
    problems = []
    for number, ranges in edition.ranges:
        if before.get(number, ranges) == ranges:
            continue
        if edition.front_pages != original.front_pages:
            why = (f"the {edition.language} front sheet has {edition.front_pages} pages, the "
                   f"{original.language} {original.front_pages}")
        elif ours.get(number) != theirs.get(number):
            why = (f"its {edition.language} documents have {ours.get(number)} pages, the "
                   f"{original.language} {theirs.get(number)}")
        else:
            earlier = next((n for n, _ in edition.ranges if ours.get(n) != theirs.get(n)), None)
            why = (f"item {earlier}'s {edition.language} documents have {ours.get(earlier)} "
                   f"pages, the {original.language} {theirs.get(earlier)}") \
                if earlier is not None else "the documents before it take other pages"
        problems.append(Problem(where[number], f"item {number}'s pages are {_shown(ranges)} "
                                f"in the {edition.language} edition but {_shown(before[number])} "
                                f"in the {original.language} pack: {why}", "warning"))
    return problems


def _shown(ranges: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(a if a == b else f"{a} - {b}" for a, b in ranges) or "none"
