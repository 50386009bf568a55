"""Meetings -> an iCalendar file (RFC 5545): one meeting's, or every meeting of a body.

Written by hand rather than with a library: the file is small and its every byte must
follow from its entries (same entries, same bytes), which a library's choice of property
order, folding or time zone data would not promise. The UK's time zone is written out
(GMT and BST, changing on the last Sundays of March and October at 01:00 GMT), so a
calendar reads the same on a machine without a time zone database and a client never has
to guess what ``TZID=Europe/London`` means.

A meeting's ``UID`` comes from its file's path in the repository (``meeting.source``) and
the site's name, never from its date, page, title or a random value, so a rebuilt,
republished or rescheduled meeting replaces the one a subscriber already has instead of
appearing twice; ``SEQUENCE`` (the number of republications) tells a client which copy is
newer.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from packgen import __version__
from packgen.settings import format_date

TZID = "Europe/London"
DEFAULT_LENGTH = datetime.timedelta(hours=2)
"""How long a meeting is taken to last when its YAML gives no ``end_time``."""
DAY_MONTH_YEAR = "{day} {month} {year}"
"""How a date reads in a calendar's or feed's words: "8 July 2026"."""
LINE_OCTETS = 75
"""RFC 5545 3.1: a content line longer than this is folded (CRLF, then one space)."""

_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    # 1996 is when the UK's autumn change moved to the last Sunday of October, the rule the
    # RRULEs state; both observances start then so neither claims rules it did not follow.
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19960331T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19961027T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""Characters TEXT may not hold (RFC 5545 3.3.11: no controls but HTAB); newlines are
escaped before this runs."""
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]+")
"""A URI as URL's value must be (RFC 5545 3.3.13): a scheme, and nothing a line could break on."""


@dataclass(frozen=True)
class CalendarEntry:
    """One meeting as a calendar shows it: what the meeting's manifest says of it."""

    uid: str
    """Stable across rebuilds and reschedulings: :func:`meeting_uid` of the site's name and
    the meeting's file."""
    body: str
    organisation: str
    date: datetime.date
    time: datetime.time
    venue: str
    page: str
    """The meeting page's path relative to the site's root (``planning-committee/2026-07-08/``)."""
    stamp: datetime.datetime
    """When this description of the meeting was made (``SOURCE_DATE_EPOCH``, or the
    manifest's ``generated``): must carry a time zone; written in UTC."""
    end_time: datetime.time | None = None
    """The meeting's ``end_time:``; none: it is taken to last :data:`DEFAULT_LENGTH`."""
    description: tuple[str, ...] = ()
    """Lines of the event's description (a republication's reason, say)."""
    url: str | None = None
    """The meeting page's absolute URL, known when the site is given ``--base-url``."""
    sequence: int = 0
    """How many times the meeting has been republished."""

    def __post_init__(self) -> None:
        # Programming errors, not an officer's: the YAML's times are checked on reading.
        if self.stamp.tzinfo is None or self.stamp.utcoffset() is None:
            raise ValueError("CalendarEntry.stamp needs a time zone")
        if self.end_time is not None and self.end_time <= self.time:
            raise ValueError("CalendarEntry.end_time must be after its time")
        if self.sequence < 0:
            raise ValueError("CalendarEntry.sequence cannot be negative")
        if self.url is not None and not _ABSOLUTE.fullmatch(self.url):
            raise ValueError("CalendarEntry.url must be an absolute URL without spaces")

    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, self.time)

    def end(self) -> datetime.datetime:
        if self.end_time is None:  # may run past midnight: the date follows
            return self.start() + DEFAULT_LENGTH
        return datetime.datetime.combine(self.date, self.end_time)


def calendar_entry(manifest: Mapping[str, Any], site: str,
                   base_url: str | None = None) -> CalendarEntry:
    """The entry of the meeting a ``manifest.json`` describes (its ``meeting``, and
    ``generated``, ``republished`` and ``sequence``), on the site named ``site``."""
    meeting = manifest["meeting"]
    end = meeting.get("end_time")
    said = republication(manifest)
    return CalendarEntry(
        uid=meeting_uid(site, meeting["source"]), body=meeting["body"],
        organisation=meeting["organisation"],
        date=datetime.date.fromisoformat(meeting["date"]),
        time=datetime.time.fromisoformat(meeting["time"]),
        end_time=None if end is None else datetime.time.fromisoformat(end),
        venue=meeting["venue"], page=meeting["url"],
        url=None if base_url is None else urljoin(base_url.rstrip("/") + "/", meeting["url"]),
        stamp=generated(manifest), sequence=manifest.get("sequence", 0),
        description=() if said is None else (said,))


def generated(manifest: Mapping[str, Any]) -> datetime.datetime:
    """A manifest's ``generated`` (``2026-07-01T09:00:00Z``) as a moment in UTC."""
    moment = datetime.datetime.strptime(manifest["generated"], "%Y-%m-%dT%H:%M:%SZ")
    return moment.replace(tzinfo=datetime.timezone.utc)


def republication(manifest: Mapping[str, Any]) -> str | None:
    """"Republished on 3 July 2026: the reason", or None for a first publication."""
    said = manifest.get("republished")
    if not said:
        return None
    when = format_date(datetime.date.fromisoformat(said["date"]), DAY_MONTH_YEAR)
    return f"Republished on {when}: {said['reason']}"


def meeting_uid(site: str, page: str) -> str:
    """The UID of the meeting whose file (``meeting.source``; any path naming it once) is
    ``page`` on the site named ``site``.

    ``planning/2026-07-08/meeting.yaml@riverside-city-council``: unique across sites (the
    name) and meetings (the path), and the same every time either is built, whatever
    date the meeting moves to."""
    path = "/".join(part for part in page.split("/") if part)
    return f"{path}@{site_label(site)}"


def site_label(site: str) -> str:
    """The site's name as a label for identifiers: ``Cyngor Sir Gâr`` -> ``cyngor-sir-gar``."""
    plain = unicodedata.normalize("NFKD", site.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "packgen"


def meeting_calendar(entries: Sequence[CalendarEntry], name: str) -> bytes:
    """One ``VCALENDAR`` of ``entries``, named ``name`` (the body, or the meeting).

    Events are ordered by start, then UID, whatever order they came in, so the same
    meetings always give the same bytes."""
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:-//packgen//packgen {__version__}//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        # The name a subscribing client shows: RFC 7986's, and the older one most read.
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
        # A subscriber looks again daily (RFC 7986; X-PUBLISHED-TTL for Outlook).
        "REFRESH-INTERVAL;VALUE=DURATION:P1D",
        "X-PUBLISHED-TTL:P1D",
        *_VTIMEZONE,
    ]
    uids = [entry.uid for entry in entries]
    if len(set(uids)) != len(uids):  # one UID twice reads as one meeting's recurrences
        raise ValueError("two calendar entries share a UID")
    for entry in sorted(entries, key=lambda e: (e.start(), e.uid)):
        lines += _event(entry)
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) + b"\r\n" for line in lines)


def _event(entry: CalendarEntry) -> Iterator[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{escape_text(entry.uid)}"
    yield f"DTSTAMP:{_utc(entry.stamp)}"
    yield f"DTSTART;TZID={TZID}:{_local(entry.start())}"
    yield f"DTEND;TZID={TZID}:{_local(entry.end())}"
    yield f"SEQUENCE:{entry.sequence}"
    yield f"SUMMARY:{escape_text(entry.body)}"
    yield f"LOCATION:{escape_text(entry.venue)}"
    yield f"DESCRIPTION:{escape_text(chr(10).join(_description(entry)))}"
    if entry.url is not None:
        yield f"URL:{entry.url}"
    yield "STATUS:CONFIRMED"
    yield "CLASS:PUBLIC"
    yield "END:VEVENT"


def _description(entry: CalendarEntry) -> Iterator[str]:
    yield f"{entry.organisation}: {entry.body}"
    yield from entry.description
    # Many clients show DESCRIPTION but not URL; and without a base URL there is no
    # absolute address to give (URL must be one), so say where the page is on the site.
    if entry.url is not None:
        yield f"Agenda and papers: {entry.url}"
    else:
        yield f"Agenda and papers: the page {entry.page} of this meetings website"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped,
    other control characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
             .replace("\n", "\\n"))
    return _CONTROL.sub("", value)


def fold(line: str) -> bytes:
    """``line`` in UTF-8, folded so that no physical line passes :data:`LINE_OCTETS`
    octets, each break between characters (never inside one's UTF-8 bytes)."""
    out = bytearray()
    room = LINE_OCTETS
    for char in line:
        octets = char.encode("utf-8")
        if len(octets) > room:
            out += b"\r\n "
            room = LINE_OCTETS - 1
        out += octets
        room -= len(octets)
    return bytes(out)


def _local(moment: datetime.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
