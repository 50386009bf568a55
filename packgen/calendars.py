"""Holiday calendars: theme data (``templates/calendars/NAME.yaml``) -> the holidays of a year.

A calendar states its rules (a fixed date and what happens when it falls on a weekend,
the nth or last weekday of a month, a day counted from Easter) and the one-off changes
made by proclamation (a day added, removed or moved), so a year's holidays are computed,
not listed. A council's own calendar, or its override of a built-in one, is a file of the
same form in ``calendars/`` of its templates folder (``--templates``, then the meeting's
``templates/``), found before the theme's, as templates are.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packgen.builtin import theme_dir
from packgen.errors import Position, Problem, ValidationError
from packgen.filerefs import inside
from packgen.shapes import INVALID, Context, Date, Field, Integer, ListOf, Record, Shape, Text
from packgen.source import Map, Node, Scalar, load_yaml

NO_CALENDAR = "none"
"""The calendar name of a rule that skips no holidays but ``extra_days``."""

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = ("first", "second", "third", "fourth", "last")
_MONTH = "|".join(_MONTHS)
_FIXED = re.compile(rf"(\d{{1,2}}) ({_MONTH})", re.I)
_NTH = re.compile(rf"({'|'.join(_ORDINALS)}) ({'|'.join(_WEEKDAYS)}) (?:in|of) ({_MONTH})",
                  re.I)
_WEEKEND = ("next weekday", "next Monday", "stays")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Rule:
    """A holiday every year: exactly one of ``fixed`` (month, day), ``nth`` (ordinal
    0-3 or -1, weekday 0-6, month), ``easter`` (days from Easter Sunday) or ``around``."""

    name: str
    fixed: tuple[int, int] | None = None
    nth: tuple[int, int, int] | None = None
    easter: int | None = None
    around: tuple[int, int] | None = None
    """A break around a fixed date (month, day): from the last weekday before it to the
    first weekday after it that is not a holiday (section 243 of the Local Government Act
    1972's "Christmas break")."""
    weekend: str = "stays"
    """For a fixed date on a Saturday or Sunday: "next weekday" (the first weekday not
    already a holiday), "next Monday", or "stays" (no substitute day)."""


@dataclass(frozen=True)
class Change:
    """A one-off change: ``added`` a day, ``removed`` one, or both (a day moved)."""

    name: str
    added: datetime.date | None = None
    removed: datetime.date | None = None


@dataclass(frozen=True)
class Calendar:
    name: str
    title: str
    """How the warning names these holidays: "bank holidays in Scotland"."""
    rules: tuple[Rule, ...]
    changes: tuple[Change, ...]
    file: Path


def calendar_folders(template_dirs: Sequence[Path] = ()) -> list[Path]:
    """Where calendars are looked up: each template folder's ``calendars/``, then the theme's."""
    return [d / "calendars" for d in template_dirs] + [theme_dir() / "calendars"]


def calendar_names(template_dirs: Sequence[Path] = ()) -> list[str]:
    """Every calendar a notice rule may name, "none" included, sorted."""
    names = {NO_CALENDAR}
    for folder in calendar_folders(template_dirs):
        if folder.is_dir():
            names |= {p.stem for p in folder.glob("*.yaml") if _NAME.fullmatch(p.stem)}
    return sorted(names)


def load_calendar(name: str, template_dirs: Sequence[Path] = (), root: Path | None = None,
                  where: Position | None = None) -> Calendar:
    """The calendar ``name``, its ``extends:`` chain followed. A council's file must lie in
    ``root`` (its repository) or its own folder, as its templates must.

    Raises :class:`ValidationError`: every problem of the files read, each at its line, or,
    at ``where`` (the key that named it), one naming the calendars there are when there is
    no ``name``.
    """
    folders = calendar_folders(template_dirs)
    path = _find(name, folders, 0)
    if path is None:
        raise ValidationError([Problem(where or Position(Path("packgen.yaml")),
                                       unknown_calendar(name, template_dirs))])
    return _load(path, folders, root, ())


def unknown_calendar(name: str, template_dirs: Sequence[Path] = ()) -> str:
    """The message for a calendar name there is no file for."""
    return (f'no holiday calendar "{name}"; there are: '
            f"{', '.join(calendar_names(template_dirs))}")


def holidays(calendar: Calendar, year: int) -> set[datetime.date]:
    """The calendar's holidays in ``year``, substitute days and one-off changes included."""
    days = _by_rule(calendar.rules, year - 1) | _by_rule(calendar.rules, year)
    for change in calendar.changes:
        if change.removed is not None:
            days.discard(change.removed)
        if change.added is not None:
            days.add(change.added)
    return {d for d in days if d.year == year}


def _by_rule(rules: Sequence[Rule], year: int) -> set[datetime.date]:
    days, moving = set(), []
    for rule in rules:
        if rule.around is not None:
            continue  # after every holiday, which it must see
        day = _date(rule, year)
        if day.weekday() >= 5 and rule.weekend != "stays":
            moving.append((day, rule.weekend))
        else:
            days.add(day)
    # Substitutes go after every day that keeps its date, earliest first: Christmas on a
    # Saturday takes the Monday, Boxing Day on the Sunday the Tuesday.
    for day, weekend in sorted(moving):
        day += datetime.timedelta(days=7 - day.weekday())
        while weekend == "next weekday" and (day.weekday() >= 5 or day in days):
            day += datetime.timedelta(days=1)
        days.add(day)
    for rule in rules:
        if rule.around is not None:
            days |= _break(datetime.date(year, *rule.around), days)
    return days


def _break(middle: datetime.date, holidays: set[datetime.date]) -> set[datetime.date]:
    """The last weekday before ``middle`` to the first weekday after it that is not a
    holiday, both included."""
    one = datetime.timedelta(days=1)
    start, end = middle - one, middle + one
    while start.weekday() >= 5:
        start -= one
    while end.weekday() >= 5 or end in holidays:
        end += one
    return {start + one * n for n in range((end - start).days + 1)}


def _date(rule: Rule, year: int) -> datetime.date:
    if rule.fixed is not None:
        return datetime.date(year, *rule.fixed)
    if rule.easter is not None:
        return easter(year) + datetime.timedelta(days=rule.easter)
    assert rule.nth is not None
    which, weekday, month = rule.nth
    first = datetime.date(year, month, 1)
    if which >= 0:
        return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * which)
    last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


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


def _find(name: str, folders: Sequence[Path], start: int) -> Path | None:
    if not _NAME.fullmatch(name):
        return None  # a name is never a path ("../x")
    return next((f / f"{name}.yaml" for f in folders[start:] if (f / f"{name}.yaml").is_file()),
                None)


def _load(path: Path, folders: Sequence[Path], root: Path | None,
          seen: tuple[Path, ...]) -> Calendar:
    theme = theme_dir() / "calendars"
    allowed = [theme] if path.parent == folders[-1] else [path.parent, *([root] if root else [])]
    if not any(inside(path.resolve(), a.resolve()) for a in allowed):
        raise ValidationError([Problem(Position(path), "the calendar is a link to a file "
                                       "outside the repository; like templates, it must lie "
                                       "inside it")])
    node = load_yaml(path)
    ctx = Context(path.parent, root or path.parent)
    data = _FILE.check(node, ctx, "")
    base: Calendar | None = None
    if data is not INVALID and "extends" in data:
        base = _base(data["extends"], node, path, folders, root, (*seen, path), ctx)
    if ctx.problems:
        raise ValidationError(ctx.problems)
    rules = tuple(_rule(r) for r in data.get("holidays", ()))
    changes = tuple(_change(c) for c in data.get("changes", ()))
    return Calendar(path.stem, data["title"], (base.rules if base else ()) + rules,
                    (base.changes if base else ()) + changes, path)


def _base(name: str, node: Node, path: Path, folders: Sequence[Path], root: Path | None,
          seen: tuple[Path, ...], ctx: Context) -> Calendar | None:
    assert isinstance(node, Map)
    where = node.items["extends"].pos
    here = next((i for i, f in enumerate(folders) if path.parent == f), len(folders) - 1)
    # A file extending its own name extends the one it overrides, further down the path.
    itself = name == path.stem
    base = _find(name, folders, here + 1 if itself else 0)
    if base is None and itself:
        ctx.error(where, "extends", f'no calendar "{name}" for this one to override (one '
                                    "that extends its own name extends the theme's)")
        return None
    if base is None:
        ctx.error(where, "extends", unknown_calendar(name, [f.parent for f in folders[:-1]]))
        return None
    if base in seen:
        ctx.error(where, "extends", f'"{name}" extends this calendar in turn')
        return None
    return _load(base, folders, root, seen)


class _Pattern(Shape):
    """Text matching a pattern, turned into a value."""

    def __init__(self, pattern: re.Pattern[str], expected: str, build: Any) -> None:
        self.pattern, self.expected, self.build = pattern, expected, build

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        match = self.pattern.fullmatch(node.text.strip()) if isinstance(node, Scalar) else None
        if match is None:
            return self.wrong(node, ctx, path)
        value = self.build(match)
        return value if value is not None else self.wrong(node, ctx, path)


def _day_month(match: re.Match[str]) -> tuple[int, int] | None:
    month, day = _month(match[2]), int(match[1])
    try:
        datetime.date(2023, month, day)  # not a leap year: a day in every year
    except ValueError:
        return None
    return month, day


def _weekend(match: re.Match[str]) -> str:
    return next(w for w in _WEEKEND if w.casefold() == match[0].casefold())


def _month(name: str) -> int:
    return [m.casefold() for m in _MONTHS].index(name.casefold()) + 1


def _nth(match: re.Match[str]) -> tuple[int, int, int]:
    which = [o.casefold() for o in _ORDINALS].index(match[1].casefold())
    weekday = [w.casefold() for w in _WEEKDAYS].index(match[2].casefold())
    return (-1 if which == 4 else which), weekday, _month(match[3])


_SOURCE = Record({"text": Field(Text(), "What the source is.", required=True),
                  "url": Field(Text(), "Where to read it.")})
class _Exclusive(Record):
    """A record that takes exactly one of ``kinds``, and ``pairs`` of keys given together
    or not at all (a fixed date and its weekend rule; a day moved and where to)."""

    def __init__(self, fields: dict[str, Field], kinds: tuple[str, ...],
                 pairs: tuple[tuple[str, str], ...]) -> None:
        super().__init__(fields)
        self.kinds, self.pairs = kinds, pairs

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        data = super().check(node, ctx, path)
        if data is INVALID:
            return INVALID
        assert isinstance(node, Map)
        given = [k for k in self.kinds if k in data]
        either = " or ".join(f'"{k}"' for k in self.kinds)
        if not given:
            return ctx.error(node.pos, path, f"expected one of {either}, found none")
        if len(given) > 1:
            return ctx.error(node.keys[given[1]], path, f'"{given[0]}" and "{given[1]}" '
                                                        f"together: give one of {either}")
        for key, partner in self.pairs:
            if key in data and partner not in data:
                return ctx.error(node.pos, path, f'"{key}" needs "{partner}" beside it')
            if partner in data and key not in data:
                return ctx.error(node.keys[partner], path, f'"{partner}" goes only with "{key}"')
        return data


_RULE = _Exclusive({
    "name": Field(Text(), "The holiday's name.", required=True),
    "date": Field(_Pattern(_FIXED, 'a day and month like "25 December"', _day_month),
                  'A fixed date, "25 December".'),
    "weekend": Field(_Pattern(re.compile("|".join(_WEEKEND), re.I),
                              '"next weekday", "next Monday" or "stays"', _weekend),
                     "For a fixed date on a weekend: the substitute day, or none."),
    "day": Field(_Pattern(_NTH, 'a day like "first Monday in May" or "last Monday in '
                                'August"', _nth), "The nth or last weekday of a month."),
    "easter": Field(Integer(-60, 60, "a number of days from Easter Sunday (-2: Good Friday)"),
                    "Days from Easter Sunday."),
    "around": Field(_Pattern(_FIXED, 'a day and month like "25 December"', _day_month),
                    "Every day from the last weekday before this date to the first weekday "
                    "after it that is not a holiday (section 243's Christmas break)."),
}, ("date", "day", "easter", "around"), (("date", "weekend"),))
_CHANGE = _Exclusive({
    "name": Field(Text(), "What the change was.", required=True),
    "added": Field(Date(), "A day that was a holiday that year only."),
    "removed": Field(Date(), "A day the rules give that was not a holiday."),
    "moved": Field(Date(), "A day the rules give, moved that year..."),
    "to": Field(Date(), "...to this day."),
}, ("added", "removed", "moved"), (("moved", "to"),))
_FILE = Record({
    "title": Field(Text(), 'The holidays as a warning names them: "bank holidays in '
                           'Scotland".', required=True),
    "sources": Field(ListOf(_SOURCE), "Where the rules and changes are written."),
    "extends": Field(Text(_NAME.pattern, "the name of a calendar"),
                     "A calendar whose holidays and changes this one has as well."),
    "holidays": Field(ListOf(_RULE), "The holidays every year, by rule."),
    "changes": Field(ListOf(_CHANGE), "One-off changes: days added, removed or moved."),
})


def _rule(data: dict[str, Any]) -> Rule:
    return Rule(data["name"], fixed=data.get("date"), nth=data.get("day"),
                easter=data.get("easter"), around=data.get("around"),
                weekend=data.get("weekend", "stays"))


def _change(data: dict[str, Any]) -> Change:
    return Change(data["name"], added=data.get("added", data.get("to")),
                  removed=data.get("removed", data.get("moved")))
