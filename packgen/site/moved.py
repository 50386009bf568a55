"""A rescheduled meeting: what its change note says, and what its old address keeps.

The meeting's address follows its date (``cabinet/2026-09-08/``), but the old one is in
emails and bookmarks: it keeps one small page saying where the meeting went, and nothing
else (no pack, no documents: those are at the new address only). The page says so for as
long as the meeting file exists, points wherever the meeting is now, and gives way to a
meeting that takes that date. ``moved.json`` beside it names the meeting file, so a later
run knows whose page it is.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packgen.ical import DAY_MONTH_YEAR
from packgen.messages import Messages
from packgen.settings import format_date
from packgen.site.pages import href
from packgen.site.write import remove_stale, withdraw, write_files

Json = Mapping[str, Any]

MARK = "moved.json"
"""Beside an old address's page: the meeting it is for (``{"source": ..., "to": ...}``)."""


def moved_lines(old: Json, new: Json) -> list[str]:
    """The change note's lines for a meeting whose date, time or venue changed (``old``,
    ``new``: the manifests' ``meeting``)."""
    lines = []
    if old["body"] != new["body"]:
        lines.append(f"{old['body']} is now called {new['body']}")
    if old["date"] != new["date"]:
        lines.append(f"The meeting moved from {_day(old['date'])} to {_day(new['date'])}")
    if old["time"] != new["time"]:
        lines.append(f"The meeting's start time changed from {old['time']} to {new['time']}")
    if old.get("end_time") != new.get("end_time") and new.get("end_time") is not None:
        lines.append(f"The meeting now ends at {new['end_time']}")
    if old["venue"] != new["venue"]:
        lines.append(f"The meeting moved from {old['venue']} to {new['venue']}")
    return lines


def same_place(old: Json, new: Json) -> dict[str, Any]:
    """``old`` (a manifest) with ``new``'s date, time and venue: what the rest of the
    change note is worked out from, its place having been said by :func:`moved_lines`."""
    keys = ("date", "time", "end_time", "venue")
    return {**old, "meeting": {**old["meeting"], **{k: new["meeting"].get(k) for k in keys}}}


def _day(iso: str, words: Messages | None = None) -> str:
    return format_date(datetime.date.fromisoformat(iso), DAY_MONTH_YEAR, words)


def moved_pages(site: Path) -> dict[str, str]:
    """The old addresses on the site: page -> the meeting file (``meeting.source``)."""
    found: dict[str, str] = {}
    if not site.is_dir():
        return found
    for file in sorted(site.glob(f"*/*/{MARK}")):
        if (file.parent / "manifest.json").exists() or file.parent.is_symlink() \
                or file.parent.parent.is_symlink() or not _dated(file.parent.name) \
                or not _only_moved_pages(file.parent):
            continue  # a meeting's page now, or not (only) what packgen makes there
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            continue
        if isinstance(data, dict) and isinstance(data.get("source"), str):
            found[file.parent.relative_to(site).as_posix() + "/"] = data["source"]
    return found


def _only_moved_pages(folder: Path) -> bool:
    """Whether ``folder`` holds only what :func:`write_moved` writes: the mark, the page,
    and an edition's page in a folder of its own."""
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink() or not (name in (MARK, "index.html") or path.is_dir()
                                     and "/" not in name
                                     or name.count("/") == 1 and name.endswith("/index.html")):
            return False
    return True


def _dated(name: str) -> bool:
    """Whether a folder's name is a meeting's (``2026-09-01``, ``2026-09-01-2``)."""
    try:
        datetime.date.fromisoformat(name[:10])
    except ValueError:
        return False
    return len(name) == 10 or (name[10] == "-" and name[11:].isdigit())


def moved_context(old_page: str, now: Json, words: Messages,
                  edition: Json | None = None) -> dict[str, Any]:
    """What ``site/moved.html`` is given (besides base.html's), in ``words``' language (an
    edition's page: its body and venue, and a link to its page): the meeting's body, its
    old date, its new date, time and venue, the link to its page, and whether only the
    address moved (a renamed body: the same day)."""
    meeting = now["meeting"] if edition is None else {**now["meeting"], **edition["meeting"]}
    url = now["meeting"]["url"] if edition is None else edition["url"]
    was = old_page.rstrip("/").split("/")[1][:10]
    return {"body": meeting["body"], "was": _day(was, words),
            "date_text": _day(now["meeting"]["date"], words), "time": now["meeting"]["time"],
            "venue": meeting["venue"], "href": href("../" * old_page.count("/")
                                                   + ("../" if edition is not None else "")
                                                   + url),
            "same_day": was == now["meeting"]["date"]}


def write_moved(site: Path, page: str, pages: Mapping[str, bytes], source: str,
                to: str) -> None:
    """Put the old address's pages in place (``index.html``, and ``cy/index.html`` for a
    meeting with a Welsh edition), then remove everything else it held."""
    folder = site / page
    mark = (json.dumps({"source": source, "to": to}, ensure_ascii=False, indent=2)
            + "\n").encode("utf-8")
    files = {**pages, MARK: mark}
    write_files(folder, files, site)
    remove_stale(folder, files, site)


def remove_moved(site: Path, page: str) -> None:
    """An old address no meeting needs now (its file is gone): removed."""
    withdraw(site / page, site)
