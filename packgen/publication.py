"""When must the agenda be published? Five clear working days before the meeting.

Section 100B(3) of the Local Government Act 1972: the agenda is open to inspection
at least five clear days before the meeting. "Clear" days leave out the day of
publication and the day of the meeting; weekends and bank holidays in England do
not count.
"""

from __future__ import annotations

import datetime

from packgen.errors import Problem
from packgen.model import Meeting

REQUIRED_CLEAR_DAYS = 5

# One-off holidays, and years when a regular one moved (England and Wales).
_ADDED = {datetime.date(2011, 4, 29), datetime.date(2012, 6, 5), datetime.date(2022, 6, 3),
          datetime.date(2022, 9, 19), datetime.date(2023, 5, 8)}
_MOVED = {datetime.date(2012, 5, 28): datetime.date(2012, 6, 4),
          datetime.date(2020, 5, 4): datetime.date(2020, 5, 8),
          datetime.date(2022, 5, 30): datetime.date(2022, 6, 2)}


def easter(year: int) -> datetime.date:
    """Easter Sunday (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return datetime.date(year, month, day + 1)


def _monday(year: int, month: int, which: int) -> datetime.date:
    """The first (which=0) or last (which=-1) Monday of a month."""
    days = [datetime.date(year, month, d) for d in range(1, 32)
            if d <= (datetime.date(year + month // 12, month % 12 + 1, 1)
                     - datetime.timedelta(days=1)).day]
    return [d for d in days if d.weekday() == 0][which]


def bank_holidays(year: int) -> set[datetime.date]:
    """Bank holidays in England in ``year``, substitute days included."""
    new_year = datetime.date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += datetime.timedelta(days=1)
    holidays = {new_year, easter(year) - datetime.timedelta(days=2),
                easter(year) + datetime.timedelta(days=1), _monday(year, 5, 0),
                _monday(year, 5, -1), _monday(year, 8, -1)}
    christmas, boxing = datetime.date(year, 12, 25), datetime.date(year, 12, 26)
    for day in (christmas, boxing):  # a weekend holiday moves to the next free weekday
        while day.weekday() >= 5 or day in holidays:
            day += datetime.timedelta(days=1)
        holidays.add(day)
    holidays = {_MOVED.get(day, day) for day in holidays}
    return holidays | {day for day in _ADDED if day.year == year}


def clear_working_days(published: datetime.date, meeting: datetime.date) -> int:
    """Working days strictly between publication and the meeting."""
    count, day = 0, published + datetime.timedelta(days=1)
    holidays = bank_holidays(published.year) | bank_holidays(meeting.year)
    while day < meeting:
        if day.weekday() < 5 and day not in holidays:
            count += 1
        day += datetime.timedelta(days=1)
    return count


def publication_warnings(meeting: Meeting, published: datetime.date) -> list[Problem]:
    """A warning when the agenda would be published too late."""
    clear = clear_working_days(published, meeting.date)
    if clear >= REQUIRED_CLEAR_DAYS:
        return []
    latest = latest_publication(meeting.date)
    return [Problem(meeting.pos, f"published on {published:%A} {published.day} "
                                 f"{published:%B %Y}, the agenda would be open for {clear} clear "
                                 f"working day{'s' if clear != 1 else ''} before the meeting; "
                                 f"the law asks for {REQUIRED_CLEAR_DAYS} (publish by "
                                 f"{latest:%A} {latest.day} {latest:%B %Y})",
                    severity="warning")]


def latest_publication(meeting: datetime.date) -> datetime.date:
    day = meeting - datetime.timedelta(days=1)
    while clear_working_days(day, meeting) < REQUIRED_CLEAR_DAYS:
        day -= datetime.timedelta(days=1)
    return day
