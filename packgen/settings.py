"""Settings that spare an officer a template override: the report cover, dates, phone
label, the minutes' fixed words.

``packgen.yaml`` sets them for every meeting and a meeting may override them, key by
key (``report.labels`` and ``minutes.labels`` label by label). Dates are written from
placeholders, in the words of the meeting's message catalogue whatever the machine's
locale, so the same inputs give the same pack everywhere.
"""

from __future__ import annotations

import datetime
import re
import string
from collections.abc import Callable
from typing import Any

from packgen.messages import Messages, english
from packgen.model import Report
from packgen.settings_model import (
    COVER_ROWS,
    DATE_FORMAT,
    MINUTES_LABELS,
    REPORT_LABELS,
    MinutesSettings,
    ReportSettings,
)
from packgen.shapes import Context, Field, ListOf, Record, Shape, Text
from packgen.source import Map, Node, Scalar

PLACEHOLDERS: dict[str, Callable[[datetime.date, Messages], str]] = {
    "weekday": lambda d, w: w.names("weekdays")[d.weekday()],
    "weekday_short": lambda d, w: w.names("weekdays_short")[d.weekday()],
    "day": lambda d, w: str(d.day),
    "day_ordinal": lambda d, w: w.names("ordinals")[d.day - 1],
    "day2": lambda d, w: f"{d.day:02d}",
    "month": lambda d, w: w.names("months")[d.month - 1],
    "month_short": lambda d, w: w.names("months_short")[d.month - 1],
    "month2": lambda d, w: f"{d.month:02d}",
    "year": lambda d, w: str(d.year),
}
"""What a ``date_format`` may say, and what each writes for 8 July 2026: Wednesday, Wed, 8,
8th, 08, July, Jul, 07, 2026; the names are the language's message catalogue's."""


def format_date(value: datetime.date, fmt: str = DATE_FORMAT, words: Messages | None = None
                ) -> str:
    """``value`` written by ``fmt``, whose placeholders :func:`format_problem` has checked,
    in the names of ``words`` (English unless given)."""
    words = words or english()
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(fmt):
        out.append(literal)
        if name is not None:
            out.append(PLACEHOLDERS[name](value, words))
    return "".join(out)


def minutes_date(value: datetime.date, fmt: str = DATE_FORMAT, words: Messages | None = None
                 ) -> str:
    """The date in the minutes' first line: the catalogue's ``minutes_date``, whose
    ``{date}`` is the long date (``fmt``) and whose other placeholders are ``fmt``'s (Welsh
    minutes print "20 Medi, 2005", no weekday to mutate after "ar")."""
    words = words or english()
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(
            words.word("minutes_date")):
        out.append(literal)
        if name is not None:
            out.append(format_date(value, fmt, words) if name == "date"
                       else PLACEHOLDERS[name](value, words))
    return "".join(out)


def format_problem(fmt: str) -> str | None:
    """Why ``fmt`` cannot write a date, or None."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return ('a brace that opens no placeholder: write "{{" or "}}" for a brace itself; '
                "placeholders are " + _names())
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + \
                (f":{spec}" if spec else "") + "}"
            return f'unknown placeholder "{shown}"; placeholders are {_names()}'
    strftime = re.search(r"%-?[A-Za-z]", fmt)
    if strftime:
        # strftime's codes would print as themselves, in place of every date.
        meant = _STRFTIME.get(strftime[0])
        hint = f" ({strftime[0]}: use {{{meant}}})" if meant else ""
        return f'"{strftime[0]}" is strftime\'s code, not a placeholder{hint}; placeholders ' \
               f"are {_names()}"
    if not any(name for _literal, name, _spec, _conversion in fields):
        return f"a date format with no placeholder would print no date; placeholders are " \
               f"{_names()}"
    return None


_STRFTIME = {"%A": "weekday", "%a": "weekday_short", "%d": "day2", "%-d": "day", "%e": "day",
             "%B": "month", "%b": "month_short", "%m": "month2", "%Y": "year"}
"""strftime's codes an officer may know, and the placeholder that writes the same."""


def _names() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


class DateFormat(Text):
    """A ``date_format``: text whose placeholders are all known."""

    def __init__(self) -> None:
        super().__init__(expected='a date format like "{weekday}, {day} {month} {year}"')

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = super().check(node, ctx, path)
        if isinstance(value, str):
            problem = "an empty date format would print every date blank" \
                if not value.strip() else format_problem(value)
            if problem:
                return ctx.error(node.pos, path, problem)
        return value


class _Choice(Text):
    def __init__(self, choices: tuple[str, ...]) -> None:
        super().__init__("|".join(choices), ", ".join(choices[:-1]) + " or " + choices[-1])


_ROW = _Choice(COVER_ROWS)


class _Rows(ListOf):
    """The cover's rows: each at most once."""

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        rows = super().check(node, ctx, path)
        if isinstance(rows, tuple) and len(set(rows)) < len(rows):
            twice = next(r for i, r in enumerate(rows) if r in rows[:i])
            return ctx.error(node.pos, path, f'"{twice}" is listed twice')
        return rows


class _Placement(Shape):
    """``recommendations: cover`` or ``recommendations: {after: HEADING}``."""

    expected = 'cover, or a mapping like {after: "Background"}'
    AFTER = Record({"after": Field(Text(), "The heading of the section they follow.",
                                   required=True)})

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if isinstance(node, Map):
            value = self.AFTER.check(node, ctx, path)
            return value if not isinstance(value, dict) else value["after"].strip()
        if isinstance(node, Scalar) and node.value is not None and node.text.strip() == "cover":
            return ""
        return self.wrong(node, ctx, path)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"const": "cover"}, self.AFTER.json_schema()]}


REPORT_SETTINGS = Record({
    "cover": Field(_Rows(_ROW), "The cover's rows, in order (a row with nothing to show is "
                                "left out): " + ", ".join(COVER_ROWS) + "."),
    "labels": Field(Record({
        row: Field(Text(), f'Label of the {row.replace("_", " ")} '
                           f'{"row" if row in COVER_ROWS else "heading"} (default "{label}").')
        for row, label in REPORT_LABELS.items()
    }, build=lambda pos, **labels: labels), "The cover's labels, by row, and the headings "
                                            "of the background papers and appendices."),
    "recommendations": Field(_Placement(), 'Where the recommendations go: "cover" (default) '
                                           'or {after: "Background"}, after the section of '
                                           "that heading."),
    "background_papers_statement": Field(Text(), "Printed above the list of background "
                                                 'papers (default: the section 100D wording); '
                                                 '"" for none.'),
}, build=lambda pos, **values: values)
"""Kept as the keys given, so that a meeting's ``report`` overrides ``packgen.yaml``'s key
by key."""


def report_settings(config: dict[str, Any], meeting: dict[str, Any]) -> ReportSettings:
    """The organisation's ``report:`` with the meeting's laid over it, key by key."""
    merged = {**config, **meeting}
    labels = {**config.get("labels", {}), **meeting.get("labels", {})}
    settings = ReportSettings(labels=tuple(labels.items()))
    if "cover" in merged:
        settings = ReportSettings(merged["cover"], settings.labels)
    return ReportSettings(
        settings.cover, settings.labels, merged.get("recommendations", ""),
        merged.get("background_papers_statement", settings.background_papers_statement))


class _Naming(Text):
    """Words with ``{name}`` where the other person of a substitution goes."""

    def __init__(self) -> None:
        super().__init__(expected='text with "{name}" where the name goes, like '
                                  '"Substitute for {name}"')

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = super().check(node, ctx, path)
        if isinstance(value, str) and "{name}" not in value:
            return self.wrong(node, ctx, path)
        return value


MINUTES_SETTINGS = Record({
    "labels": Field(Record({
        key: Field(_Naming() if "{name}" in words else Text(),
                   f'Printed for {key.replace("_", " ")} (default "{words}").')
        for key, words in MINUTES_LABELS.items()
    }, build=lambda pos, **labels: labels), "The minutes' fixed words: headings, column "
                                            'headings, attendance words, "RESOLVED".'),
}, build=lambda pos, **values: values)
"""Kept as the keys given, so that a meeting's ``minutes`` overrides ``packgen.yaml``'s
label by label."""


def minutes_settings(config: dict[str, Any], meeting: dict[str, Any]) -> MinutesSettings:
    """The organisation's ``minutes:`` with the meeting's laid over it, label by label."""
    labels = {**config.get("labels", {}), **meeting.get("labels", {})}
    return MinutesSettings(tuple(labels.items()))


ALWAYS_SHOWN = ("report_to", "date")
"""Cover rows printed even when empty: a report built alone shows that it has no meeting."""


def cover_rows(settings: ReportSettings, report: Report, moved: bool) -> list[str]:
    """The cover rows that will print, in order: those with something to show, the
    recommendations unless ``moved`` after a section. None: the report has no cover table
    (an empty table is no table at all to the typesetter)."""
    return [row for row in settings.cover
            if (row in ALWAYS_SHOWN or getattr(report, row))
            and not (row == "recommendations" and moved)]


def dropped_content(settings: ReportSettings, report: Report) -> list[str]:
    """The report's summary or recommendations that ``settings.cover`` would leave out of
    the pack: a legal publication must not silently lose what its author wrote."""
    return [row for row in ("summary", "recommendations")
            if getattr(report, row) and row not in settings.cover
            and not (row == "recommendations" and settings.recommendations_after)]


OWN_LANGUAGE_WORDS = {"phone_label": None, "date_format": None,
                      "report": ("labels", "background_papers_statement"),
                      "minutes": ("labels",)}
"""The words ``packgen.yaml`` and a meeting may set in place of the catalogue's: written
in the files' own language, so an edition in another takes its catalogue's instead."""


def without_own_words(settings: dict[str, Any], file: Map | None, language: str
                      ) -> dict[str, Any]:
    """A file's settings without the words it gives in its own language, but for those
    it gives in ``language`` too (``phone_label_cy``)."""
    kept = dict(settings)
    for key, inner in OWN_LANGUAGE_WORDS.items():
        if file is not None and f"{key}_{language}" in file.items:
            continue
        if inner is None:
            kept.pop(key, None)
        elif isinstance(kept.get(key), dict):
            kept[key] = {k: v for k, v in kept[key].items() if k not in inner}
    return kept

