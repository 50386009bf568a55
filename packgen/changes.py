"""What changed between two manifests of a meeting, in lines an officer can read out.

A late correction that moves every later page is a known source of confusion: "page 31"
of a councillor's printed copy is no longer page 31 of the pack on the website. So the
note says, in agenda order: items added, removed or retitled (items are matched by
title, then by number); documents added, removed, or whose source changed; page ranges
that moved, a run of consecutive items all moved by the same number of pages said once;
and each pack's page count. Item numbers are the new pack's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


def changes(old: Json, new: Json) -> list[str]:
    """The lines of the change note from manifest ``old`` to manifest ``new``; none if
    nothing a reader would see changed."""
    lines = _meeting_lines(old["meeting"], new["meeting"])
    old_packs = {pack["supplement"]: n for n, pack in enumerate(old["packs"])}
    new_packs = {pack["supplement"]: n for n, pack in enumerate(new["packs"])}
    counts: list[str] = []
    for n, pack in enumerate(new["packs"]):
        name = _pack_name(pack["supplement"])
        before = old_packs.get(pack["supplement"])
        if before is None:
            counts.append(f"{name} added ({_count(pack['pages'])})")
            continue
        prefix = "" if pack["supplement"] is None else f"{name}: "
        lines += [prefix + line for line in _pack_lines(_part(old, before), _part(new, n))]
        was = old["packs"][before]["pages"]
        if was != pack["pages"]:
            counts.append(f"{name} now has {_count(pack['pages'])} (was {was})")
    counts += [f"{_pack_name(pack['supplement'])} removed" for pack in old["packs"]
               if pack["supplement"] not in new_packs]
    return lines + counts


def only_packs(manifest: Json, supplements: set[int | None]) -> Json:
    """``manifest`` with only the packs of ``supplements`` (None: the main pack): what a
    build of one pack is compared with, when the old manifest covers a whole meeting."""
    keep = [n for n, pack in enumerate(manifest["packs"]) if pack["supplement"] in supplements]
    place = {old: new for new, old in enumerate(keep)}
    return {**manifest, "packs": [manifest["packs"][n] for n in keep],
            "items": [{**i, "pack": place[i["pack"]]} for i in manifest["items"]
                      if i["pack"] in place],
            "documents": [{**d, "pack": place[d["pack"]]} for d in manifest["documents"]
                          if d["pack"] in place]}


def _pack_name(supplement: int | None) -> str:
    return "The pack" if supplement is None else f"Supplement {supplement}"


def _count(pages: int) -> str:
    return f"{pages} page" if pages == 1 else f"{pages} pages"


def _meeting_lines(old: Json, new: Json) -> list[str]:
    return [f'The {key} changed: "{old[key]}" → "{new[key]}"'
            for key in ("date", "time", "venue") if old[key] != new[key]]


@dataclass
class _Part:
    """One pack's items and documents."""

    items: list[Json]
    documents: list[Json]

    def documents_of(self, number: str) -> list[Json]:
        return [d for d in self.documents if d["item"] == number]


def _part(manifest: Json, pack: int) -> _Part:
    return _Part([i for i in manifest["items"] if i["pack"] == pack],
                 [d for d in manifest["documents"] if d["pack"] == pack])


def _pair(old: list[Json], new: list[Json], *keys: str) -> dict[int, int]:
    """new index -> old index, matching on each key in turn, first unmatched first."""
    pairs: dict[int, int] = {}
    for key in keys:
        for j, one in enumerate(new):
            if j in pairs:
                continue
            taken = set(pairs.values())
            match = next((i for i, was in enumerate(old) if i not in taken
                          and was[key] == one[key]), None)
            if match is not None:
                pairs[j] = match
    return pairs


def _pack_lines(old: _Part, new: _Part) -> list[str]:
    pairs = _pair(old.items, new.items, "title", "number")
    # Removed items are said where they stood: before the first new item that follows them.
    slots: list[list[str]] = [[] for _ in range(len(new.items) + 1)]
    for i, was in enumerate(old.items):
        if i not in pairs.values():
            at = next((j for j in range(len(new.items)) if pairs.get(j, -1) > i),
                      len(new.items))
            slots[at].append(f'Item {was["number"]} removed: "{was["title"]}"')
    moves = _moves(old, new, pairs)
    for j, item in enumerate(new.items):
        number = item["number"]
        if j not in pairs:
            slots[j].append(f'Item {number} added: "{item["title"]}"')
            continue
        was = old.items[pairs[j]]
        if was["title"] != item["title"]:
            slots[j].append(f'Item {number} retitled: "{was["title"]}" → "{item["title"]}"')
        slots[j] += _document_lines(number, old.documents_of(was["number"]),
                                    new.documents_of(number))
        slots[j] += moves.get(j, [])
    return [line for slot in slots for line in slot]


def _document_lines(number: str, old: list[Json], new: list[Json]) -> list[str]:
    pairs = _pair(old, new, "source", "title")
    lines: list[str] = []
    for j, document in enumerate(new):
        what = _what(document)
        if j not in pairs:
            lines.append(f'Item {number}: {what} "{document["title"]}" added')
            continue
        was = old[pairs[j]]
        if was["title"] != document["title"]:
            lines.append(f'Item {number}: {_what(was)} "{was["title"]}" is now '
                         f'"{document["title"]}"')
        if _changed(was, document):
            lines.append(f'Item {number}: {what} "{document["title"]}" changed')
    lines += [f'Item {number}: {_what(was)} "{was["title"]}" removed'
              for i, was in enumerate(old) if i not in pairs.values()]
    return lines


def _changed(old: Json, new: Json) -> bool:
    """Whether a document's content changed: its pages as merged, before the page numbers
    are stamped on them, differ, so that a report typeset anew (paragraph numbers turned
    off in packgen.yaml, a template edited) reads as changed and one only moved does not.
    Against a manifest of a packgen before that, its source file's bytes."""
    if "content_sha256" in old and "content_sha256" in new:
        return bool(old["content_sha256"] != new["content_sha256"])
    return bool(old["source_sha256"] != new["source_sha256"])


def _what(document: Json) -> str:
    if document["appendix_of"] is not None:
        return "the appendix"
    return {"report": "the report", "minutes": "the minutes"}.get(document["kind"],
                                                                  "the document")


def _moves(old: _Part, new: _Part, pairs: dict[int, int]) -> dict[int, list[str]]:
    """The page-range lines, by the new item they are said at: a run of consecutive items
    all moved by the same number of pages is one line, at its first item; an item with
    no pages in either pack does not break a run."""
    said: dict[int, list[str]] = {}
    run: list[tuple[int, int]] = []  # (new index, shift) of the run being gathered

    def close() -> None:
        if len(run) > 1:
            first, last = new.items[run[0][0]], new.items[run[-1][0]]
            shift = run[0][1]
            how = "moved" if shift > 0 else "moved back"
            said.setdefault(run[0][0], []).append(
                f"Items {_numbers([i['number'] for i in new.items[run[0][0]:run[-1][0] + 1]])}"
                f" {how} by "
                f"{_count(abs(shift))} (now pages {first['pages'][0]['first']}-"
                f"{last['pages'][-1]['last']})")
        elif run:
            j = run[0][0]
            said.setdefault(j, []).append(_range_line(old.items[pairs[j]], new.items[j]))
        run.clear()

    for j, item in enumerate(new.items):
        was = old.items[pairs[j]] if j in pairs else None
        if was is not None and was["pages"] == item["pages"]:
            if item["pages"] or was["pages"]:
                close()
            continue  # pageless in both: a run goes on over it
        shift = _shift(was["pages"], item["pages"]) if was is not None else None
        if shift is None:
            close()
            if was is not None:
                said.setdefault(j, []).append(_range_line(was, item))
            continue
        if run and run[0][1] != shift:
            close()
        run.append((j, shift))
    close()
    return said


def _numbers(numbers: list[str]) -> str:
    """The items of a run (with the pageless ones it goes over): "8-12" for items that
    follow one another on the agenda; else the stretches that do, "2 and 4", "2, 4-6 and
    9": a supplement holds only some of the items, and "Items 2-4" would name item 3,
    which it lacks."""
    stretches: list[list[str]] = []
    for number in numbers:
        last = stretches[-1][-1] if stretches else ""
        if last.isdigit() and number.isdigit() and int(number) == int(last) + 1:
            stretches[-1].append(number)
        else:
            stretches.append([number])
    said = [one[0] if len(one) == 1 else f"{one[0]}-{one[-1]}" for one in stretches]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + f" and {said[-1]}"


def _shift(old: list[Json], new: list[Json]) -> int | None:
    """How many pages every range moved by, if all moved by the same number and kept
    their lengths; else None."""
    if len(old) != len(new) or not old:
        return None
    shifts = set()
    for was, now in zip(old, new, strict=True):
        numbers = [was["first"], was["last"], now["first"], now["last"]]
        if not all(n.isdigit() for n in numbers):
            return None
        shifts |= {int(now["first"]) - int(was["first"]), int(now["last"]) - int(was["last"])}
    return shifts.pop() if len(shifts) == 1 and 0 not in shifts else None


def _range_line(old: Json, new: Json) -> str:
    return f"Item {new['number']}: {_pages(old['pages'], new['pages'])}"


def _pages(old: list[Json], new: list[Json]) -> str:
    """"pages 17-20 → 17-22", "page 27 → 29", "page 13 → pages 19-25", "pages 3-5 →
    page 3", "pages 4-6 → 4-5, 8-9", "no pages → pages 3-5": one word for both sides
    when both are one page or both several; else each side says its own."""
    if old and new and _single(old) == _single(new):
        return f"{'page' if _single(old) else 'pages'} {_bare(old)} → {_bare(new)}"
    return f"{_said(old)} → {_said(new)}"


def _single(ranges: list[Json]) -> bool:
    return len(ranges) == 1 and ranges[0]["first"] == ranges[0]["last"]


def _said(ranges: list[Json]) -> str:
    if not ranges:
        return "no pages"
    return f"{'page' if _single(ranges) else 'pages'} {_bare(ranges)}"


def _bare(ranges: list[Json]) -> str:
    return ", ".join(r["first"] if r["first"] == r["last"] else f"{r['first']}-{r['last']}"
                     for r in ranges)
