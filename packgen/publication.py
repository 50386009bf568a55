"""When must the agenda be published? Clear days by the jurisdiction's notice rule.

A :class:`~packgen.notice.NoticeRule` says how many clear days the law asks and which
days do not count: weekday names, and "holidays" for its calendar's holidays
(:mod:`packgen.calendars`) and the organisation's ``extra_days``. "Clear" days leave out
the day of publication and the day of the meeting. England's rule (the default) is
section 100B(3) of the Local Government Act 1972: five clear days, not counting weekends
or bank holidays.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packgen.calendars import NO_CALENDAR, Calendar, holidays, load_calendar
from packgen.errors import Position, Problem, ValidationError
from packgen.model import Meeting
from packgen.notice import NoticeRule

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SKIP_WORDS = (*WEEKDAYS, "holidays")
"""What a rule's ``skip`` may hold."""
DEFAULT_RULE = NoticeRule()
"""England's principal councils: section 100B(3) of the Local Government Act 1972."""


@dataclass
class _Days:
    """Which days count under a rule; each year's holidays computed once."""

    rule: NoticeRule
    calendar: Calendar | None
    _years: dict[int, set[datetime.date]] = field(default_factory=dict)

    def counts(self, day: datetime.date) -> bool:
        if WEEKDAYS[day.weekday()] in self.rule.skip:
            return False
        if "holidays" not in self.rule.skip:
            return True
        if day in self.rule.extra_days:
            return False
        if self.calendar is None:
            return True
        if day.year not in self._years:
            self._years[day.year] = holidays(self.calendar, day.year)
        return day not in self._years[day.year]

    def clear(self, published: datetime.date, meeting: datetime.date) -> int:
        day, count = published + datetime.timedelta(days=1), 0
        while day < meeting:
            count += self.counts(day)
            day += datetime.timedelta(days=1)
        return count

    def latest(self, meeting: datetime.date) -> datetime.date:
        if all(w in self.rule.skip for w in WEEKDAYS):
            raise ValueError("the notice rule skips every day of the week")
        day = meeting - datetime.timedelta(days=1)
        while self.clear(day, meeting) < self.rule.clear_days:
            day -= datetime.timedelta(days=1)
        return day


def rule_calendar(rule: NoticeRule, template_dirs: Sequence[Path] = (),
                  root: Path | None = None, where: Position | None = None) -> Calendar | None:
    """The rule's calendar (None for "none"); raises
    :class:`~packgen.errors.ValidationError` for a name there is no calendar of, at
    ``where``, or for a calendar file that is wrong, at its line."""
    if rule.calendar == NO_CALENDAR:
        return None
    return load_calendar(rule.calendar, template_dirs, root, where)


def clear_days(published: datetime.date, meeting: datetime.date,
               rule: NoticeRule = DEFAULT_RULE, template_dirs: Sequence[Path] = ()) -> int:
    """Days strictly between publication and the meeting that count under ``rule``
    (its calendar looked up in ``template_dirs``' ``calendars/``, then the theme's)."""
    return _Days(rule, rule_calendar(rule, template_dirs)).clear(published, meeting)


def latest_publication(meeting: datetime.date, rule: NoticeRule = DEFAULT_RULE,
                       template_dirs: Sequence[Path] = ()) -> datetime.date:
    """The last day an agenda may be published for a meeting on ``meeting``."""
    return _Days(rule, rule_calendar(rule, template_dirs)).latest(meeting)


def publication_warnings(meeting: Meeting, published: datetime.date,
                         rule: NoticeRule = DEFAULT_RULE,
                         template_dirs: Sequence[Path] | None = None) -> list[Problem]:
    """A warning, naming the rule and its source, when the agenda would be published too
    late. ``template_dirs`` (``meeting.template_dirs(--templates)``) hold the council's
    own calendars; by default the meeting's ``templates/``."""
    dirs = meeting.template_dirs(None) if template_dirs is None else template_dirs
    calendar = rule_calendar(rule, dirs, meeting.root, meeting.pos)
    days = _Days(rule, calendar)
    clear = days.clear(published, meeting.date)
    if clear >= rule.clear_days:
        return []
    latest = days.latest(meeting.date)
    return [Problem(meeting.pos, f"published on {_day(published)}, the agenda would be open "
                                 f"for {_clear(clear)} before the meeting; the law asks for "
                                 f"{_clear(rule.clear_days)} ({rule.source}), "
                                 f"{_skipped(rule, calendar)} "
                                 f"(publish by {_day(latest)})", severity="warning")]


def _day(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _clear(count: int) -> str:
    return f"{count} clear day{'' if count == 1 else 's'}"


def _skipped(rule: NoticeRule, calendar: Calendar | None) -> str:
    """The days a rule leaves out, in words: "not counting Saturdays, Sundays or bank
    holidays in Scotland"."""
    words = [f"{w.title()}s" for w in WEEKDAYS if w in rule.skip]
    if "holidays" in rule.skip:
        if calendar is not None:
            words.append(calendar.title)
        if rule.extra_days:
            many = len(rule.extra_days) != 1
            words.append(f"the {len(rule.extra_days)} day{'s' if many else ''} in "
                         "notice.extra_days")
    if not words:
        return "counting every day"
    listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
    return f"not counting {listed}"


def notice_problems(meeting: Meeting, template_dirs: Sequence[Path]) -> list[Problem]:
    """The notice rule's holiday calendar must exist and read, though only
    ``validate --publish-date`` counts with it: a CI run that checks or builds meetings
    finds a misspelt or broken calendar before the day it is needed."""
    rule = meeting.jurisdiction.notice
    try:
        rule_calendar(rule, template_dirs, meeting.root, rule.calendar_at or meeting.pos)
    except ValidationError as exc:
        return list(exc.problems)
    return []
