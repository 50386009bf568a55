"""Decide which documents a pack holds, where every page goes, and what number it prints.

Printed numbers belong to the public pack. The private pack holds every public
page under the same number, with the exempt documents inserted in agenda order,
each on a right-hand page, numbered E1, E2, ... so that no exempt page can be
mistaken for a public one; every run of exempt pages has an even length, so the
public pages after it keep their sides of the sheet. A supplementary pack's
numbers continue after the main pack's last page. Pure logic: no PDF here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from packgen.model import Attachment, Item, Meeting, Report
from packgen.withheld import stamp_lines

_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
          ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


@dataclass(frozen=True)
class Pack:
    """Which pack to build."""

    private: bool = False
    supplement: int | None = None
    alone: bool = False
    """A document built alone (``packgen build report.yaml``): no front sheet and no
    agenda, only the document and its appendices (see :mod:`packgen.alone`)."""


PUBLIC = Pack()
"""The main public pack: the default, and the one that owns the page numbers."""


@dataclass(frozen=True)
class Label:
    """A page's number as printed: "17", "E3", or "ii" for an uncounted front sheet."""

    number: int
    prefix: str = ""
    roman: bool = False

    def __str__(self) -> str:
        if self.roman:
            value, out = self.number, ""
            for letters, size in _ROMAN:
                while value >= size:
                    out, value = out + letters, value - size
            return out
        return f"{self.prefix}{self.number}"


@dataclass(frozen=True)
class Placement:
    """One document's run of pages in the pack (0-based physical page indexes)."""

    start: int
    pages: int
    kind: str  # "front", "filler" or "attachment"
    item: Item | None = None
    attachment: Attachment | None = None
    parent: Attachment | None = None
    """For an appendix, the report it belongs to."""
    exempt: tuple[str, str] | None = None
    """The stamp of a withheld page run (private pack only): NOT FOR PUBLICATION, and why,
    in the jurisdiction's words."""

    @property
    def last(self) -> int:
        return self.start + self.pages - 1


@dataclass(frozen=True)
class Plan:
    placements: tuple[Placement, ...]
    front_pages: int
    """Pages of the front sheet; every later page prints its number."""
    body_start: int
    """Index of the first page after the front sheet and its filler."""
    labels: tuple[Label, ...]
    total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", len(self.labels))

    @property
    def has_agenda(self) -> bool:
        """Whether the pack opens with a front sheet: only then do "Agenda Item" stamps and
        agenda bookmarks point anywhere."""
        return self.front_pages > 0

    def item_spans(self, item: Item) -> list[tuple[int, int]]:
        """First and last page of an item's documents, one span for its public pages and
        one for its exempt pages; a trailing filler is not counted."""
        spans = []
        for exempt in (False, True):
            mine = [p for p in self.placements if p.kind == "attachment" and p.item is item
                    and (p.exempt is not None) == exempt]
            if mine:
                spans.append((mine[0].start, mine[-1].last))
        return spans

    def exempt_pages(self) -> dict[int, tuple[str, str]]:
        """Page index -> its NOT FOR PUBLICATION stamp's lines, for every withheld page."""
        return {index: p.exempt for p in self.placements if p.exempt is not None
                for index in range(p.start, p.last + 1)}


def pack_documents(meeting: Meeting, pack: Pack
                   ) -> Iterator[tuple[Item, Attachment, Attachment | None]]:
    """(item, document, the report it belongs to) for every document of a pack, in agenda
    order: each attachment, and a report's appendices straight after it."""
    for item in meeting.items:
        for attachment in item.attachments:
            if item.supplement_of(attachment) != pack.supplement:
                continue
            if not pack.private and not item.is_public(attachment):
                continue
            yield item, attachment, None
            if isinstance(attachment.document, Report):
                for appendix in attachment.document.appendices:
                    yield item, appendix, attachment


@dataclass(frozen=True)
class DocumentKey:
    """Names a document packgen renders (report, minutes, Markdown) by where the meeting
    attaches it, not by its place in some pack: the same in every pack, and in both
    typesetting processes."""

    item: str
    """The item's printed number; a valid meeting's numbers are unique."""
    place: int
    """The attachment's place in the item's list (for an appendix, its report's)."""
    appendix: int | None = None
    """For a report's appendix, its place in the report's ``appendices``."""


def document_key(item: Item, attachment: Attachment, parent: Attachment | None = None
                 ) -> DocumentKey:
    """The key of one of ``item``'s own attachments, or of an appendix of ``parent``."""
    owner = attachment if parent is None else parent
    place = next(n for n, a in enumerate(item.attachments) if a is owner)
    if parent is None:
        return DocumentKey(item.number, place)
    assert isinstance(parent.document, Report)
    appendix = next(n for n, a in enumerate(parent.document.appendices) if a is attachment)
    return DocumentKey(item.number, place, appendix)


def rendered_documents(meeting: Meeting) -> dict[DocumentKey, tuple[Item, Attachment]]:
    """Every document of the meeting that packgen renders itself, by its key: attachments,
    and reports' appendices written as YAML or Markdown."""
    found: dict[DocumentKey, tuple[Item, Attachment]] = {}
    for item in meeting.items:
        for place, attachment in enumerate(item.attachments):
            if attachment.document is not None:
                found[DocumentKey(item.number, place)] = (item, attachment)
            if isinstance(attachment.document, Report):
                for n, appendix in enumerate(attachment.document.appendices):
                    if appendix.document is not None:
                        found[DocumentKey(item.number, place, n)] = (item, appendix)
    return found


def owner(item: Item, key: DocumentKey) -> Attachment:
    """The attachment whose exemption and supplement a keyed document shares: itself, or
    the report an appendix belongs to."""
    return item.attachments[key.place]


def agenda_items(meeting: Meeting, pack: Pack) -> list[Item]:
    """The items a pack's agenda lists: the main agenda leaves out late items, a
    supplementary agenda lists only the items with material in that supplement."""
    if pack.supplement is None:
        return [item for item in meeting.items if item.supplement is None]
    return [item for item in meeting.items
            if item.supplement == pack.supplement
            or any(item.supplement_of(a) == pack.supplement for a in item.attachments)]


def _placeholder() -> Label:
    return Label(0)  # replaced once the plan knows where the body starts


class _Cursor:
    def __init__(self, duplex: bool) -> None:
        self.duplex = duplex
        self.at = 0
        self.placements: list[Placement] = []
        self.labels: list[Label] = []

    def put(self, placement: Placement, labels: list[Label]) -> None:
        self.placements.append(placement)
        self.labels += labels
        self.at += placement.pages

    def pad(self, label: Callable[[], Label], exempt: tuple[str, str] | None = None) -> None:
        """A filler, so that what comes next starts on a right-hand page (index 0 is one)."""
        if self.duplex and self.at % 2 == 1:
            self.put(Placement(self.at, 1, "filler", exempt=exempt), [label()])


def plan_public(meeting: Meeting, pack: Pack, front_pages: int, counts: dict[Attachment, int],
                first_number: int = 1) -> Plan:
    """The public pack (main or supplementary): front sheet, then each document on a
    right-hand page. Pages count from ``first_number`` (a supplement's follow the main
    pack's); with ``count_front_sheet: false`` the front sheet reads i, ii."""
    cursor = _Cursor(meeting.duplex)
    counted = meeting.page_numbers.count_front_sheet

    def label(index: int, body_start: int) -> Label:
        if counted:
            return Label(first_number + index)
        if index < body_start:
            return Label(index + 1, roman=True)
        return Label(first_number + index - body_start)

    cursor.put(Placement(0, front_pages, "front"), [])
    cursor.pad(_placeholder)
    body_start = cursor.at
    for item, attachment, parent in pack_documents(meeting, Pack(False, pack.supplement)):
        cursor.pad(_placeholder)
        cursor.put(Placement(cursor.at, counts[attachment], "attachment", item, attachment,
                             parent), [Label(0)] * counts[attachment])
    labels = tuple(label(i, body_start) for i in range(cursor.at))
    return Plan(tuple(cursor.placements), front_pages, body_start, labels)


def plan_alone(meeting: Meeting, pack: Pack, counts: dict[Attachment, int]) -> Plan:
    """A document built alone: no front sheet, each document (the document, then its
    appendices) on a right-hand page when duplex, pages numbered from 1."""
    cursor = _Cursor(meeting.duplex)
    for item, attachment, parent in pack_documents(meeting, pack):
        cursor.pad(_placeholder)
        cursor.put(Placement(cursor.at, counts[attachment], "attachment", item, attachment,
                             parent), [Label(0)] * counts[attachment])
    return Plan(tuple(cursor.placements), 0, 0, tuple(Label(i + 1) for i in range(cursor.at)))


def plan_private(meeting: Meeting, public: Plan, front_pages: int,
                 counts: dict[Attachment, int], pack: Pack, first_exempt: int = 1) -> Plan:
    """The private pack: the public pack's pages under their public numbers, with exempt
    documents inserted in agenda order and numbered E1, E2, ..."""
    cursor = _Cursor(meeting.duplex)
    order = {a: n for n, (_, a, _) in enumerate(pack_documents(meeting, pack))}
    pending = [(item, a, parent) for item, a, parent in pack_documents(meeting, pack)
               if item.withholding(a if parent is None else parent) is not None]
    exempt_number = first_exempt

    def exempt_label() -> Label:
        nonlocal exempt_number
        exempt_number += 1
        return Label(exempt_number - 1, "E")

    def flush(before: int | None) -> None:
        while pending and (before is None or order[pending[0][1]] < before):
            item, attachment, parent = pending.pop(0)
            why = item.withholding(attachment if parent is None else parent)
            assert why is not None
            paragraph = stamp_lines(meeting.jurisdiction, why)
            cursor.pad(exempt_label, paragraph)
            pages = counts[attachment]
            cursor.put(Placement(cursor.at, pages, "attachment", item, attachment, parent,
                                 paragraph), [exempt_label() for _ in range(pages)])
            if not pending or before is None or order[pending[0][1]] >= before:
                cursor.pad(exempt_label, paragraph)  # keep later public pages' sides

    # Our own front sheet may differ in length from the public one: its pages keep the
    # public labels when it does not, and read i, ii ... when it does.
    public_front = public.body_start
    cursor.put(Placement(0, front_pages, "front"), [])
    cursor.pad(_placeholder)
    same = cursor.at == public_front
    cursor.labels = list(public.labels[:public_front]) if same else [
        Label(i + 1, roman=True) for i in range(cursor.at)]
    body_start = cursor.at
    for placement in public.placements:
        if placement.kind == "front" or placement.start < public_front:
            continue
        if placement.kind == "attachment":
            assert placement.attachment is not None
            flush(order[placement.attachment])
        labels = list(public.labels[placement.start:placement.last + 1])
        cursor.put(Placement(cursor.at, placement.pages, placement.kind, placement.item,
                             placement.attachment, placement.parent), labels)
    flush(None)
    return Plan(tuple(cursor.placements), front_pages, body_start, tuple(cursor.labels))


def last_number(plan: Plan) -> int:
    """The highest public page number a plan prints (where a supplement carries on)."""
    numbers = [label.number for label in plan.labels if not label.prefix and not label.roman]
    return max(numbers, default=0)


def last_exempt(plan: Plan) -> int:
    numbers = [label.number for label in plan.labels if label.prefix == "E"]
    return max(numbers, default=0)


def pdf_attachments(meeting: Meeting, packs: Sequence[Pack]) -> list[Attachment]:
    """The PDF files the packs hold, each once, in pack order.

    Only what a pack holds is read: a public build never opens an exempt document.
    """
    found: dict[Attachment, None] = {}
    for pack in packs:
        for _, attachment, _ in pack_documents(meeting, pack):
            if attachment.document is None:
                found.setdefault(attachment)
    return list(found)
