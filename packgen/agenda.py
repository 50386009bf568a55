"""The agenda's items as printed: the statutory exclusion item, and every item's number.

Late material (``supplement: N``) must never change the main agenda: the main pack
is promised to be byte-for-byte what it would be without it. So the main agenda's
exclusion item is placed by the main agenda's own exempt material, a supplement
gets an exclusion item of its own only when its exempt material is not already
covered by one, and a late item never takes a number a main item would have had:
it is lettered after the item before it ("5a"), or numbered on at the end.
"""

from __future__ import annotations

import re
from typing import Any

from packgen.errors import Position, Problem
from packgen.jurisdiction import Jurisdiction, england
from packgen.model import Attachment, Item, Withheld, withheld
from packgen.withheld import exclusion

Raw = dict[str, Any]


def _withheld_in(item: Raw, supplement: int | None) -> Withheld | None:
    """What the item keeps out of the given pack (None: the main one), if anything."""
    late = item.get("supplement")
    found = withheld(item.get("exempt"), bool(item.get("confidential"))) \
        if late == supplement else None
    attachments: tuple[Attachment, ...] = item.get("attachments", ())
    for a in attachments:
        if (a.supplement if a.supplement is not None else late) == supplement:
            theirs = withheld(a.exempt, a.confidential)
            found = theirs if found is None else found | theirs
    return found


def _exempt_in(item: Raw, supplement: int | None) -> bool:
    """Whether the item brings withheld material into the given pack (None: the main one)."""
    return _withheld_in(item, supplement) is not None


# The titles councils give the item: "Exclusion of the public", "… of the press and
# public", "… of press and public". Matched whole, so that a petition about "the
# exclusion of the public from Mill Park" cannot stand in for the resolution.
_EXCLUSION = re.compile(r"\s*exclusion\s+of\s+(the\s+)?(press\s+and\s+)?(the\s+)?public\s*",
                        re.IGNORECASE)


def _is_exclusion(item: Raw, law: Jurisdiction) -> bool:
    title = str(item["title"])
    return _EXCLUSION.fullmatch(title) is not None or law.is_exclusion_title(title)


def with_exclusion(items: tuple[Raw, ...], wanted: bool, pos: Position,
                   law: Jurisdiction | None = None) -> tuple[Raw, ...]:
    """Put the statutory "exclusion of the public" item before the first item bringing
    exempt material into each pack, unless one already comes before it there."""
    if not wanted:
        return items
    law = law or england()
    inserts: dict[int, list[Raw]] = {}
    # Where the main agenda excludes the public: the officer's own item when it comes
    # before the first exempt item, else the one added just before that item.
    first = _first_exempt(items, None)
    main_at = next((i for i, item in enumerate(items[:first] if first is not None else items)
                    if item.get("supplement") is None and _is_exclusion(item, law)), None)
    if main_at is None and first is not None:
        main_at = first
        inserts[first] = [_exclusion(pos, None, law, items[first:])]
    for supplement in sorted({s for item in items for s in _supplements(item)}):
        first = _first_exempt(items, supplement)
        if first is None or (main_at is not None and main_at <= first):
            continue  # the public is already excluded when its exempt material comes up
        if any(_is_exclusion(item, law) for item in items[:first]
               if item.get("supplement") == supplement):
            continue
        inserts.setdefault(first, []).append(_exclusion(pos, supplement, law, items[first:]))
    out: list[Raw] = []
    for index, item in enumerate(items):
        out += inserts.get(index, [])
        out.append(item)
    return tuple(out)


def _first_exempt(items: tuple[Raw, ...], supplement: int | None) -> int | None:
    return next((i for i, item in enumerate(items) if _exempt_in(item, supplement)), None)


def _exclusion(pos: Position, supplement: int | None, law: Jurisdiction,
               following: tuple[Raw, ...]) -> Raw:
    """The item, worded for what it excludes the public from: the withheld items after it
    in its pack."""
    withheld = [why for why in (_withheld_in(item, supplement) for item in following)
                if why is not None]
    title, text = exclusion(law, withheld, _special_reasons(following, supplement))
    return {"title": title, "description": text, "pos": pos, "supplement": supplement}


def _special_reasons(items: tuple[Raw, ...], supplement: int | None) -> list[str]:
    """The special reasons the items (and their documents) in one pack give for an
    ``exempt: true`` without a paragraph."""
    found = []
    for item in items:
        late = item.get("supplement")
        if late == supplement and item.get("exempt") == ():
            found.append(str(item.get("special_reasons", "")))
        attachments: tuple[Attachment, ...] = item.get("attachments", ())
        found += [a.special_reasons or str(item.get("special_reasons", ""))
                  for a in attachments if a.exempt == ()
                  and (a.supplement if a.supplement is not None else late) == supplement]
    return found


def _lettered(previous: str, count: int) -> str:
    """The ``count``-th late item after main item ``previous``: "5a", "5b" ... "5z", "5aa";
    after an item already lettered ("7a"), "7a.1", "7a.2"."""
    if not previous[-1].isdigit():
        return f"{previous}.{count}"
    letters = ""
    while count:
        count, digit = divmod(count - 1, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return previous + letters


def _supplements(item: Raw) -> set[int]:
    found = {item["supplement"]} if item.get("supplement") is not None else set()
    return found | {a.supplement for a in item.get("attachments", ()) if a.supplement is not None}


def number_items(raw: tuple[Raw, ...], start: int, problems: list[Problem]) -> tuple[Item, ...]:
    """Give each item its printed number.

    Main items count up from ``start_number``. An explicit whole number resets the
    count; any other explicit number ("7a", a late item after 7) leaves it alone, so the
    item after "7a" is 8. A late item leaves the count alone too: without a number of its
    own it is lettered after the main item before it ("5a", "5b"), or, after the last
    main item, numbered on from it; before the first main item it is lettered after the
    number the agenda would have started from less one ("0a").
    """
    items: list[Item] = []
    seen: dict[str, Position] = {}
    counter = start - 1
    previous = str(start - 1)  # the last main item's number: "0" before the first
    letters = 0
    for index, values in enumerate(raw):
        explicit = values.pop("number", None)
        late = values.get("supplement") is not None
        main_follows = any(r.get("supplement") is None for r in raw[index + 1:])
        if explicit is not None:
            number = explicit.strip()
            if number.isdigit() and not late:
                counter = int(number)
        elif not late:
            counter += 1
            number = str(counter)
        elif not main_follows:
            counter += 1  # after the whole main agenda: nothing later to renumber
            number = str(counter)
        else:
            letters += 1
            number = _lettered(previous, letters)
        if not late:
            previous, letters = number, 0
        item = Item(number=number, **values)
        if number in seen:
            problems.append(Problem(item.pos, f'items[{index}]: duplicate item number "{number}" '
                                              f"(item {number} is at line {seen[number].line})"))
        seen.setdefault(number, item.pos)
        items.append(item)
    return tuple(items)
