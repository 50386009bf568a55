"""The catalogue files: the theme's (``templates/messages/LANGUAGE.yaml``) and a council's
(``messages/LANGUAGE.yaml`` beside ``packgen.yaml``), and the checks of a council's.

A council's file is checked against the theme's English catalogue, in every build and
every ``validate`` whichever language is built, so that a mistake in the Welsh words is
found the day it is made, not the day the Welsh edition is: unknown keys, a word that
loses a ``{placeholder}`` packgen fills or adds one packgen does not, lists of the wrong
length, column widths that are not percentages or add up to more than the page.
Languages differing only in case ("CY", "cy") are one language, spelt as the theme
spells it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from packgen.builtin import theme_dir, theme_yaml
from packgen.errors import Position, Problem, ValidationError
from packgen.shapes import (
    INVALID,
    Context,
    Field,
    ListOf,
    Record,
    Shape,
    Text,
    format_fields,
    found,
)
from packgen.source import Map, Node, Scalar, load_yaml

ENGLISH = "en-GB"
FOLDER = "messages"
"""The folder of a council's catalogues, beside ``packgen.yaml`` (the repository root)."""

LISTS = {"weekdays": 7, "weekdays_short": 7, "months": 12, "months_short": 12,
         "ordinals": 31}
"""The catalogue's lists of names, and how many each holds."""
GROUPS = ("report", "report_plural", "minutes")
"""The catalogue's groups of labels: a report's, and the minutes' fixed words."""
COLUMNS = ("column_item", "column_business", "column_pages")
"""The front sheet's agenda columns: percentages of the table's width."""

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def builtin(language: str) -> dict[str, Any]:
    data: dict[str, Any] = theme_yaml(f"{FOLDER}/{language}.yaml")
    return data


def builtin_languages() -> tuple[str, ...]:
    """The languages the theme ships a catalogue for."""
    return tuple(sorted(p.stem for p in (theme_dir() / FOLDER).glob("*.yaml")))


def council_files(root: Path | None) -> dict[str, list[Path]]:
    """The council's catalogue files by language, spelt as the theme spells it where the
    theme has it ("CY.yaml" is cy's); more than one file for a language is a mistake."""
    if root is None or not (root / FOLDER).is_dir():
        return {}
    theme = {name.casefold(): name for name in builtin_languages()}
    files: dict[str, list[Path]] = {}
    for path in sorted((root / FOLDER).glob("*.yaml")):
        spelt = theme.get(path.stem.casefold())
        if spelt is None:
            # A council's own language: the first spelling (sorted) names it.
            spelt = next((name for name in files if name.casefold() == path.stem.casefold()),
                         path.stem)
        files.setdefault(spelt, []).append(path)
    return files


def read_councils(root: Path | None, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    """Every council catalogue, checked, by language; the problems of each are added."""
    read = {}
    for language, paths in council_files(root).items():
        for extra in paths[1:]:
            problems.append(Problem(Position(extra, 1, 1),
                                    f'the same language as {FOLDER}/{paths[0].name} '
                                    f'("{language}"): keep one file'))
        read[language] = _read_council(paths[0], language, problems)
    return read


def _read_council(path: Path, language: str, problems: list[Problem]) -> dict[str, Any]:
    try:
        node = load_yaml(path)
    except ValidationError as exc:
        problems.extend(exc.problems)
        return {}
    if not isinstance(node, Map):
        problems.append(Problem(node.pos, "expected a mapping of keys at the top of the file"))
        return {}
    ctx = Context(path.parent, path.parent)
    value = council_shape().check(node, ctx, "")
    # The columns are judged whatever else in the file is wrong: every problem at once.
    _check_columns(node, _readable_columns(node, ctx), language, ctx)
    problems.extend(ctx.problems)
    return {} if value is INVALID else {k: v for k, v in value.items() if k != "pos"}


_BRACE = 'a brace that opens no placeholder: write "{{" or "}}" for a brace itself'


class Word(Text):
    """A word of the catalogue: text with exactly the ``{placeholders}`` packgen fills."""

    def __init__(self, english_word: str) -> None:
        self.needed = sorted(set(PLACEHOLDER.findall(english_word)))
        shown = " and ".join("{" + n + "}" for n in self.needed)
        super().__init__(expected=f"text with {shown}" if self.needed else "text")

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = super().check(node, ctx, path)
        if not isinstance(value, str):
            return value
        try:
            used = format_fields(value)
        except ValueError:
            return ctx.error(node.pos, path, f"{_BRACE}; packgen fills {_listed(self.needed)}")
        if any(n not in used for n in self.needed):
            return ctx.error(node.pos, path, f'expected {self.expected} (where packgen '
                             f'puts it), found {found(node)}')
        extra = next((n for n in used if n not in self.needed), None)
        if extra is not None:
            return ctx.error(node.pos, path, f'unknown placeholder "{{{extra}}}": packgen '
                             f"fills {_listed(self.needed)}")
        return value


class Placeholders(Text):
    """A pattern whose placeholders are any of ``allowed``, at least one of them (the
    clock's {hour}, {minute}, {half}; the minutes' date)."""

    def __init__(self, allowed: tuple[str, ...], what: str) -> None:
        super().__init__(expected=what)
        self.allowed = allowed

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = super().check(node, ctx, path)
        if not isinstance(value, str):
            return value
        try:
            used = format_fields(value)
        except ValueError:
            return ctx.error(node.pos, path, f"{_BRACE}; placeholders are "
                                             f"{_listed(self.allowed)}")
        extra = next((n for n in used if n not in self.allowed), None)
        if extra is not None or not used:
            said = f'unknown placeholder "{{{extra}}}"' if extra is not None else \
                f"{self.expected} with no placeholder would print nothing of it"
            return ctx.error(node.pos, path, f"{said}; placeholders are "
                                             f"{_listed(self.allowed)}")
        return value


def _listed(names: Any) -> str:
    return ", ".join("{" + n + "}" for n in names) if names else "no placeholder"


class _Names(ListOf):
    def __init__(self, count: int) -> None:
        super().__init__(Text())
        self.count = count
        self.expected = f"a list of {count} names"

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = super().check(node, ctx, path)
        if isinstance(value, tuple) and len(value) != self.count:
            return ctx.error(node.pos, path, f"expected {self.count} names, found "
                                             f"{len(value)}")
        return value


_PERCENT = r"(\d{1,2}(\.\d+)?|100)%"


def _percent(text: str) -> float:
    return float(text.rstrip("%"))


def _readable_columns(node: Map, ctx: Context) -> dict[str, Any]:
    """The file's column widths that are right themselves (the others are its problems)."""
    quiet = Context(ctx.base, ctx.root)
    shape = Text(_PERCENT, "a percentage")
    given = {key: node.items[key] for key in COLUMNS if key in node.items}
    return {key: child.text for key, child in given.items()
            if isinstance(child, Scalar) and shape.check(child, quiet, key) is not INVALID}


def _check_columns(node: Map, value: dict[str, Any], language: str, ctx: Context) -> None:
    """The agenda's three columns fit the table: the council's widths with the theme's
    for the rest of that language (English's for a council's own language)."""
    theme = builtin(language) if language in builtin_languages() else builtin(ENGLISH)
    widths = {key: value.get(key, theme[key]) for key in COLUMNS}
    total = sum(_percent(str(w)) for w in widths.values())
    given = [key for key in COLUMNS if key in value]
    if given and total > 100:
        shown = " + ".join(str(widths[k]) for k in COLUMNS)
        ctx.error(node.items[given[0]].pos, given[0], f"the agenda's columns add up to "
                  f"more than the table: {shown} = {total:g}%")


def _as_dict(pos: Any, **values: Any) -> dict[str, Any]:
    return values


def council_shape() -> Record:
    """The shape of a council's ``messages/LANGUAGE.yaml``: any of the English keys."""
    # settings reads the catalogue (its dates' names), so it is imported when it is used.
    from packgen.settings import PLACEHOLDERS, DateFormat

    fields: dict[str, Field] = {}
    for key, value in builtin(ENGLISH).items():
        shape: Shape
        if key in LISTS:
            fields[key] = Field(_Names(LISTS[key]), f"The {key.replace('_', ' ')}.")
            continue
        if key in GROUPS:
            fields[key] = Field(Record({label: Field(Word(word), f'Default "{word}".')
                                        for label, word in value.items()}, build=_as_dict),
                                f"The {key.replace('_', ' ')} labels.")
            continue
        if key == "date_format":
            shape = DateFormat()
        elif key == "minutes_date":
            shape = Placeholders(("date", *PLACEHOLDERS), "a minutes date")
        elif key == "clock":
            shape = Placeholders(("hour", "minute", "half"), "a clock")
        elif key in COLUMNS:
            shape = Text(_PERCENT, "a percentage of the table's width such as 20%")
        else:
            shape = Word(str(value))
        fields[key] = Field(shape, f'Default "{value}".')
    return Record(fields, build=_as_dict)
