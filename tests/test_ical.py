"""Meeting calendars (packgen/ical.py): read back by a strict parser, as a client reads them."""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo
from typing import Any

import icalendar
import pytest

from packgen import schema
from packgen.errors import ValidationError
from packgen.ical import (
    CalendarEntry,
    calendar_entry,
    escape_text,
    meeting_calendar,
    meeting_uid,
)
from tests.conftest import MeetingFolder, basic_meeting

UTC = datetime.timezone.utc
LONDON = zoneinfo.ZoneInfo("Europe/London")
SITE = "Riverside City Council"
WELSH = ("Cyfarfod o’r Cabinet — Neuadd y Sir, Caerfyrddin: ystyried adroddiad Cyfarwyddwr "
         "Addysg a Gwasanaethau Plant ar ddŵr, tŷ, ŵyr a’r ŷd; ymgynghoriad ar gyllideb "
         "2026–27 🏛")


def entry(**changes: Any) -> CalendarEntry:
    page = changes.pop("page", "planning-committee/2026-07-08/")
    values: dict[str, Any] = {
        "uid": meeting_uid(SITE, page), "body": "Planning Committee", "organisation": SITE,
        "date": datetime.date(2026, 7, 8), "time": datetime.time(18), "venue": "Town Hall",
        "page": page, "stamp": datetime.datetime(2026, 7, 1, 9, tzinfo=UTC)}
    return CalendarEntry(**{**values, **changes})


def on(day: datetime.date) -> CalendarEntry:
    return entry(date=day, page=f"planning-committee/{day}/")


def parse(data: bytes) -> icalendar.Calendar:
    """The calendar as icalendar reads it, refusing anything it had to skip or repair."""
    calendar = icalendar.Calendar.from_ical(data)
    for component in calendar.walk():
        assert component.errors == [], (component.name, component.errors)
    return calendar


def events(data: bytes) -> list[icalendar.Event]:
    return list(parse(data).walk("VEVENT"))


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert not any(b"\n" in line or b"\r" in line for line in lines), "a bare LF or CR"
    return lines


def test_a_calendar_has_what_rfc_5545_asks() -> None:
    data = meeting_calendar([entry()], "Planning Committee")
    calendar = parse(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"].startswith("-//packgen//")
    assert calendar["CALSCALE"] == "GREGORIAN" and calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Planning Committee"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    (event,) = calendar.walk("VEVENT")
    for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION",
                 "SEQUENCE", "STATUS"):
        assert name in event, name
    assert event["UID"] == "planning-committee/2026-07-08@riverside-city-council"
    assert event["SUMMARY"] == "Planning Committee" and event["LOCATION"] == "Town Hall"
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt == datetime.datetime(2026, 7, 1, 9, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/London"


@pytest.mark.parametrize(("day", "utc_hour"), [(datetime.date(2026, 3, 29), 17),
                                               (datetime.date(2026, 1, 8), 18)],
                         ids=["first-day-of-BST", "winter"])
def test_a_meeting_at_six_is_at_six_in_london(day: datetime.date, utc_hour: int) -> None:
    data = meeting_calendar([entry(date=day, page=f"cabinet/{day}/")], "Cabinet")
    calendar = parse(data)
    (event,) = calendar.walk("VEVENT")
    expected = datetime.datetime.combine(day, datetime.time(utc_hour), UTC)
    assert event["DTSTART"].dt.astimezone(UTC) == expected
    # The time zone as written in the file, not the parser's own database.
    (written,) = calendar.walk("VTIMEZONE")
    local = event["DTSTART"].dt.replace(tzinfo=None)
    assert local.replace(tzinfo=written.to_tz(lookup_tzid=False)).astimezone(UTC) == expected


def test_the_written_time_zone_agrees_with_the_tz_database_for_decades() -> None:
    (written,) = parse(meeting_calendar([entry()], "x")).walk("VTIMEZONE")
    ours = written.to_tz(lookup_tzid=False)
    for year in range(2000, 2041):
        for month in (3, 10):  # every hour of the last week, as clocks change
            moment = datetime.datetime(year, month, 24, tzinfo=UTC)
            for _ in range(8 * 24):
                assert moment.astimezone(ours).utcoffset() == \
                    moment.astimezone(LONDON).utcoffset(), moment
                moment += datetime.timedelta(hours=1)
        for month in range(1, 13):  # and a day in every month
            local = datetime.datetime(year, month, 8, 18)
            assert local.replace(tzinfo=ours).utcoffset() == \
                local.replace(tzinfo=LONDON).utcoffset(), local


def test_a_meeting_lasts_two_hours_unless_its_end_is_given() -> None:
    (default,) = events(meeting_calendar([entry()], "x"))
    assert default["DTEND"].dt - default["DTSTART"].dt == datetime.timedelta(hours=2)
    (given,) = events(meeting_calendar([entry(end_time=datetime.time(21, 30))], "x"))
    assert given["DTEND"].dt.replace(tzinfo=None) == datetime.datetime(2026, 7, 8, 21, 30)
    (late,) = events(meeting_calendar([entry(time=datetime.time(23))], "x"))
    assert late["DTEND"].dt.replace(tzinfo=None) == datetime.datetime(2026, 7, 9, 1)


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(ValueError, match="end_time"):
        entry(end_time=datetime.time(17))


@pytest.mark.parametrize("shift", range(4))
def test_long_welsh_lines_fold_between_characters(shift: int) -> None:
    # Each shift moves the fold point across a different byte of the multi-byte letters.
    venue = "x" * shift + WELSH
    data = meeting_calendar([entry(venue=venue, description=(WELSH * 3,))], WELSH)
    lines = physical_lines(data)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")  # a line cut inside a character fails here
    (event,) = events(data)
    assert event["LOCATION"] == venue
    assert WELSH * 3 in event["DESCRIPTION"]
    # icalendar keeps NAME (RFC 7986) as written: it is escaped TEXT, whole once unfolded.
    name = b"\r\nNAME:" + escape_text(WELSH).encode() + b"\r\n"
    assert name in data.replace(b"\r\n ", b"")


def test_text_is_escaped() -> None:
    venue = "Room 1, Town Hall; Market St \\ North\nSecond line\r\nEND:VEVENT"
    data = meeting_calendar([entry(venue=venue, body="Planning, Highways; Transport")], "x")
    assert b"LOCATION:Room 1\\, Town Hall\\; Market St \\\\ North\\nSecond line\\nEND:VEVENT" \
        in data.replace(b"\r\n ", b"")
    (event,) = events(data)
    assert event["LOCATION"] == venue.replace("\r\n", "\n")
    assert event["SUMMARY"] == "Planning, Highways; Transport"
    assert data.count(b"BEGIN:VEVENT") == 1 and data.count(b"\r\nEND:VEVENT\r\n") == 1


def test_control_characters_are_dropped() -> None:
    (event,) = events(meeting_calendar([entry(venue="Town\x00 Hall\x07\tEast")], "x"))
    assert event["LOCATION"] == "Town Hall\tEast"


def test_same_entries_same_bytes_in_any_order() -> None:
    meetings = [on(datetime.date(2026, 7, day)) for day in (8, 1, 22)]
    first = meeting_calendar(meetings, "Planning Committee")
    assert first == meeting_calendar(list(reversed(meetings)), "Planning Committee")
    assert first == meeting_calendar(list(meetings), "Planning Committee")
    starts = [event["DTSTART"].dt.day for event in events(first)]
    assert starts == [1, 8, 22]


def test_the_uid_survives_a_retitled_or_republished_meeting() -> None:
    before = entry()
    after = dataclasses.replace(before, body="Planning and Highways Committee",
                                venue="Civic Centre", sequence=2,
                                stamp=datetime.datetime(2026, 7, 3, 10, tzinfo=UTC))
    (old,) = events(meeting_calendar([before], "x"))
    (new,) = events(meeting_calendar([after], "x"))
    assert old["UID"] == new["UID"]
    assert new["SEQUENCE"] == 2 and new["SUMMARY"] == "Planning and Highways Committee"
    assert meeting_uid(SITE, "planning-committee/2026-07-08/") == \
        meeting_uid(SITE, "/planning-committee/2026-07-08")
    assert meeting_uid(SITE, "planning-committee/2026-07-08-2/") != old["UID"]
    assert meeting_uid("Cyngor Sir Gâr", "cabinet/2026-03-29/") == \
        "cabinet/2026-03-29@cyngor-sir-gar"
    with pytest.raises(ValueError, match="share a UID"):
        meeting_calendar([before, after], "x")


def test_the_page_is_a_url_only_when_the_site_has_a_base_url() -> None:
    (relative,) = events(meeting_calendar([entry()], "x"))
    assert "URL" not in relative
    assert "the page planning-committee/2026-07-08/ of this meetings website" in \
        relative["DESCRIPTION"]
    url = "https://meetings.riverside.example/planning-committee/2026-07-08/"
    (absolute,) = events(meeting_calendar([entry(url=url)], "x"))
    assert absolute["URL"] == url and url in absolute["DESCRIPTION"]
    with pytest.raises(ValueError, match="absolute URL"):
        entry(url="planning-committee/2026-07-08/")
    with pytest.raises(ValueError, match="absolute URL"):
        entry(url="https://x.example/a\r\nEND:VEVENT")


def test_the_stamp_is_written_in_utc() -> None:
    summer = datetime.timezone(datetime.timedelta(hours=1))
    data = meeting_calendar([entry(stamp=datetime.datetime(2026, 7, 1, 10, tzinfo=summer))], "x")
    assert b"DTSTAMP:20260701T090000Z\r\n" in data
    with pytest.raises(ValueError, match="time zone"):
        entry(stamp=datetime.datetime(2026, 7, 1, 10))


def test_a_body_calendar_holds_every_meeting() -> None:
    meetings = [on(datetime.date(2026, month, 8)) for month in range(1, 13)]
    found = events(meeting_calendar(meetings, "Planning Committee"))
    assert len({event["UID"] for event in found}) == 12
    hours = [event["DTSTART"].dt.astimezone(UTC).hour for event in found]
    assert hours == [18, 18, 18, 17, 17, 17, 17, 17, 17, 17, 18, 18]


def test_the_meeting_yaml_may_give_an_end_time(folder: MeetingFolder) -> None:
    path = folder.write(basic_meeting([{"title": "A"}], end_time="18:30"))
    assert schema.validate(path).end_time == datetime.time(18, 30)
    assert schema.validate(folder.write(basic_meeting([{"title": "A"}]))).end_time is None


@pytest.mark.parametrize(("end", "message"), [
    ('"15:00"', 'end_time: expected a time after the start time "16:00", found "15:00"'),
    ('"16:00"', 'end_time: expected a time after the start time "16:00", found "16:00"'),
    ('"half six"', 'end_time: expected a 24-hour time like "16:00", found "half six"'),
])
def test_an_end_time_not_after_the_start_is_refused(folder: MeetingFolder, end: str,
                                                    message: str) -> None:
    path = folder.write("organisation: Test Borough Council\nbody: Test Committee\n"
                        'date: 2026-07-08\ntime: "16:00"\nend_time: ' + end +
                        "\nvenue: Town Hall\nitems: [{title: A}]\n")
    with pytest.raises(ValidationError) as caught:
        schema.validate(path)
    assert [(p.position.line, p.position.column, p.message)
            for p in caught.value.problems] == [(5, 11, message)]


MANIFEST: dict[str, Any] = {
    "manifest_version": 1, "generated": "2026-07-01T09:00:00Z",
    "meeting": {"organisation": SITE, "body": "Planning Committee", "date": "2026-07-08",
                "time": "18:00", "venue": "Town Hall, Market Street", "language": "en-GB",
                "url": "planning-committee/2026-07-08/", "source": "planning/july/meeting.yaml"},
    "republished": None}


def test_a_manifest_gives_its_meeting_s_entry() -> None:
    made = calendar_entry(MANIFEST, SITE)
    # The UID is the meeting file's: the same whatever date (and page) it moves to.
    assert made == entry(venue="Town Hall, Market Street",
                         uid="planning/july/meeting.yaml@riverside-city-council")
    republished = {**MANIFEST, "generated": "2026-07-03T16:30:00Z", "sequence": 1,
                   "republished": {"date": "2026-07-03", "reason": "A corrected report"},
                   "meeting": {**MANIFEST["meeting"], "end_time": "20:30"}}
    again = calendar_entry(republished, SITE, "https://meetings.riverside.example/papers")
    assert again.uid == made.uid and again.sequence == 1
    assert again.url == "https://meetings.riverside.example/papers/planning-committee/2026-07-08/"
    (event,) = events(meeting_calendar([again], "Planning Committee"))
    assert "Republished on 3 July 2026: A corrected report" in event["DESCRIPTION"]
    assert event["DTEND"].dt.replace(tzinfo=None) == datetime.datetime(2026, 7, 8, 20, 30)
    assert event["DTSTAMP"].dt == datetime.datetime(2026, 7, 3, 16, 30, tzinfo=UTC)
