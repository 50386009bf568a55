"""Declarative shapes for YAML values: each checks a node and builds a value.

A shape never stops at the first problem: it records every problem in the
:class:`Context` and returns :data:`INVALID` for a value it could not build, so
one run reports everything wrong with a file. The same declarations will give
the JSON Schema (``packgen schema``), so there is one description of the input.
"""

from __future__ import annotations

import datetime
import difflib
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packgen.errors import Position, Problem
from packgen.source import Map, Node, Scalar, Seq
from packgen.suggest import suggestion


def format_fields(text: str) -> list[str]:
    """Each ``{...}`` of a wording as written, its conversion and format spec included
    ("date.year", "hour!r", "day:02"), so that only a bare name matches a placeholder
    packgen fills; ValueError for a brace that opens or closes nothing ("{{" is a brace)."""
    return [name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            for _, name, spec, conversion in string.Formatter().parse(text) if name is not None]


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()
"""The value of anything that failed its check (its problem is already recorded)."""


@dataclass
class Context:
    """What a check needs beyond the node: where relative paths start, and the problems."""

    base: Path
    root: Path
    problems: list[Problem] = field(default_factory=list)
    language: str = ""
    """The language being built: a translatable key's ``KEY_LANGUAGE`` value stands in
    for ``KEY`` (``title_cy`` for ``title`` in the Welsh edition)."""
    languages: tuple[str, ...] = ()
    """The languages with a message catalogue; none: no ``KEY_LANGUAGE`` keys at all."""
    own_language: str = ""
    """The language the files are written in: where it is not ``language``, a value with
    no ``KEY_LANGUAGE`` beside it is in this one (:class:`Record`'s ``written_in``)."""

    def error(self, pos: Position, path: str, message: str) -> Any:
        self.problems.append(Problem(pos, f"{path}: {message}" if path else message))
        return INVALID


def found(node: Node) -> str:
    """Describe a node in YAML words for "expected X, found Y"."""
    if isinstance(node, Seq):
        return "a list"
    if isinstance(node, Map):
        return "a mapping"
    if node.value is None:
        return "nothing"
    text = node.text if len(node.text) <= 40 else node.text[:37] + "..."
    return f'"{text}"'


class Shape:
    """A kind of YAML value."""

    expected = "a value"

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        """This shape as JSON Schema, for editors (``packgen schema``)."""
        return {}

    def wrong(self, node: Node, ctx: Context, path: str) -> Any:
        return ctx.error(node.pos, path, f"expected {self.expected}, found {found(node)}")


MAX_FIELD = 10_000
"""Characters in one plain field (a title, a recommendation, a background paper): about
three pages; each is laid out as one paragraph, often in a table cell."""


class Text(Shape):
    """Text; a number or date in the file is kept exactly as written."""

    def __init__(self, pattern: str | None = None, expected: str = "text") -> None:
        self.pattern = re.compile(pattern) if pattern else None
        self.expected = expected
        words = pattern.split("|") if pattern and re.fullmatch(r"[\w-]+(\|[\w-]+)+",
                                                                  pattern) else []
        self.choices = {word.casefold(): word for word in words}
        """A choice of words ("present|apologies|..."): taken in any case, as officers
        write them ("Present", "a4"), and kept as declared."""

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Scalar) or node.value is None:
            return self.wrong(node, ctx, path)
        if len(node.text) > MAX_FIELD:
            return ctx.error(node.pos, path, f"text of {len(node.text):,} characters: at most "
                                             f"{MAX_FIELD:,} fit in one field; long text "
                                             "belongs in a Markdown body")
        if self.choices:
            given = node.text.strip().casefold()
            if given in self.choices:
                return self.choices[given]
            close = difflib.get_close_matches(given, list(self.choices), n=1, cutoff=0.6)
            hint = f' (did you mean "{self.choices[close[0]]}"?)' if close else ""
            return ctx.error(node.pos, path, f"expected {self.expected}, found "
                                             f"{found(node)}{hint}")
        if self.pattern:
            # A choice is compared, and kept, without the spaces around it ("A4 ").
            if not self.pattern.fullmatch(node.text.strip()):
                return self.wrong(node, ctx, path)
            return node.text.strip()
        return node.text

    def json_schema(self) -> dict[str, Any]:
        # A number written where text is expected is kept as written, so both are valid.
        schema: dict[str, Any] = {"type": ["string", "number"], "maxLength": MAX_FIELD}
        if self.pattern:
            schema["pattern"] = f"^({self.pattern.pattern})$"
        return schema


class Integer(Shape):
    def __init__(self, low: int | None = None, high: int | None = None,
                 expected: str = "a whole number") -> None:
        self.low, self.high, self.expected = low, high, expected

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Scalar) or type(node.value) is not int:
            return self.wrong(node, ctx, path)
        value = node.value
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            return self.wrong(node, ctx, path)
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        if self.low is not None:
            schema["minimum"] = self.low
        if self.high is not None:
            schema["maximum"] = self.high
        return schema


class Number(Shape):
    def __init__(self, low: float = 0, high: float = 1000) -> None:
        self.low, self.high = low, high
        self.expected = f"a number from {low:g} to {high:g}"

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = node.value if isinstance(node, Scalar) else None
        if type(value) not in (int, float) or not self.low <= value <= self.high:  # type: ignore[operator]
            return self.wrong(node, ctx, path)
        return float(value)  # type: ignore[arg-type]

    def json_schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": self.low, "maximum": self.high}


class Boolean(Shape):
    expected = "true or false"

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Scalar) or not isinstance(node.value, bool):
            return self.wrong(node, ctx, path)
        return node.value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Date(Shape):
    expected = "a date like 2026-07-08"

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Scalar) or type(node.value) is not datetime.date:
            if isinstance(node, Scalar) and isinstance(node.value, str) and _is_iso(node.text):
                # '2026-07-22' in quotes is text to YAML, and text is not a date.
                return ctx.error(node.pos, path, f"expected a date like 2026-07-08, found "
                                                 f'"{node.text}" in quotes; leave the quotes '
                                                 "out")
            return self.wrong(node, ctx, path)
        return node.value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


def _is_iso(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) is not None


_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")


class Time(Shape):
    """A 24-hour clock time. Unquoted 16:00 is a number to YAML 1.1, so read the text."""

    expected = 'a 24-hour time like "16:00"'

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        match = _TIME.fullmatch(node.text.strip()) if isinstance(node, Scalar) else None
        if match is None:
            return self.wrong(node, ctx, path)
        return datetime.time(int(match[1]), int(match[2]))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{_TIME.pattern}$"}


class ListOf(Shape):
    def __init__(self, item: Shape, min_items: int = 0, empty_message: str = "") -> None:
        self.item, self.min_items, self.empty_message = item, min_items, empty_message
        self.expected = "a list"

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Seq):
            return self.wrong(node, ctx, path)
        if len(node.items) < self.min_items:
            return ctx.error(node.pos, path, self.empty_message or
                             f"expected at least {self.min_items} entries")
        values = [self.item.check(child, ctx, f"{path}[{i}]") for i, child in enumerate(node.items)]
        return INVALID if any(v is INVALID for v in values) else tuple(values)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        return schema


@dataclass(frozen=True)
class Field:
    shape: Shape
    doc: str
    required: bool = False
    translatable: bool = False
    """Whether ``KEY_LANGUAGE`` may give its words in another language (``title_cy``)."""


_SHIPPED_TRANSLATIONS = ("cy",)
"""The languages other than English the theme ships a catalogue for: editors are told of
their ``KEY_LANGUAGE`` keys (a council's own language is checked, not suggested)."""


class Record(Shape):
    """A mapping with known keys; unknown keys are problems with a "did you mean" hint.

    ``build`` turns the checked values (present keys only, plus ``pos``) into the
    model object; without it, :meth:`check` returns the dict itself. ``shorthand``
    names the key a bare scalar stands for (``- report.pdf`` means ``- file: report.pdf``).
    """

    expected = "a mapping"

    def __init__(self, fields: Mapping[str, Field], build: Callable[..., Any] | None = None,
                 shorthand: str | None = None, written_in: str | None = None) -> None:
        self.fields, self.build, self.shorthand = dict(fields), build, shorthand
        self.written_in = written_in
        """A translatable key whose value, untranslated in an edition in another language
        than the files', makes the record's ``lang`` the files' language: an attachment
        whose ``file`` has no ``file_cy`` is an English document in the Welsh edition."""
        if shorthand:
            self.expected = f"a mapping or {fields[shorthand].shape.expected}"

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        short = self.shorthand and isinstance(node, Scalar) and node.value is not None
        if short:
            assert self.shorthand and isinstance(node, Scalar)
            node = Map({self.shorthand: node}, {self.shorthand: node.pos}, node.pos)
        if not isinstance(node, Map):
            return self.wrong(node, ctx, path)
        values: dict[str, Any] = {}
        meant: set[str] = set()
        chosen: dict[str, Any] = {}  # the language being built's words, by key
        for key, child in node.items.items():
            spec = self.fields.get(key)
            # "- report.pdf" is reported as the list entry, as the user wrote it.
            child_path = path if short else f"{path}.{key}" if path else key
            translated = self._translation(key, ctx.languages)
            if spec is None and translated is not None:
                # Checked in every edition, so the Welsh words are right before they print.
                value = self.fields[translated[0]].shape.check(child, ctx, child_path)
                if translated[1] == ctx.language or value is INVALID:
                    chosen[translated[0]] = value
                continue
            if spec is None:
                close = suggestion(key, [*self.fields, *self._translations(key, ctx.languages)],
                                   node.items)
                hint = f' (did you mean "{close}"?)' if close else ""
                meant.add(close or "")
                ctx.error(node.keys[key], path, f'unknown key "{key}"{hint}')
                values[key] = INVALID
                continue
            values[key] = spec.shape.check(child, ctx, child_path)
        for key, spec in self.fields.items():
            if spec.required and key not in node.items:
                if key in meant:  # the unknown key's hint says it, at the right line
                    values[key] = INVALID
                    continue
                values[key] = ctx.error(node.pos, path, f'missing required key "{key}"')
        for key, value in chosen.items():  # a required key's own absence is said already
            if value is INVALID or values.get(key) is not INVALID:
                values[key] = value
        if any(v is INVALID for v in values.values()):
            return INVALID
        if self.written_in is not None and self.written_in not in chosen \
                and ctx.own_language and ctx.own_language != ctx.language:
            values["lang"] = ctx.own_language
        values["pos"] = node.pos
        return self.build(**values) if self.build else values

    def _translation(self, key: str, languages: tuple[str, ...]) -> tuple[str, str] | None:
        """(KEY, LANGUAGE) when ``key`` is a translatable KEY's ``KEY_LANGUAGE``."""
        for language in languages:
            base = key.removesuffix("_" + language)
            if base != key and base in self.fields and self.fields[base].translatable:
                return base, language
        return None

    def _translations(self, key: str, languages: tuple[str, ...]) -> list[str]:
        """The ``KEY_LANGUAGE`` keys a misspelt ``key`` may mean: only for a key written
        with a language's suffix ("titel_cy"), so "venu" is never told "venue_cy"."""
        return [f"{name}_{language}" for name, spec in self.fields.items() if spec.translatable
                for language in languages if key.endswith("_" + language)]

    def json_schema(self) -> dict[str, Any]:
        properties = {key: {**spec.shape.json_schema(), "description": spec.doc}
                      for key, spec in self.fields.items()}
        for key, spec in self.fields.items():
            for language in _SHIPPED_TRANSLATIONS:
                if spec.translatable:
                    properties[f"{key}_{language}"] = {
                        **spec.shape.json_schema(),
                        "description": f"{spec.doc} In the {language} edition: "
                                       f"packgen build --language {language}."}
        schema: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        required = [key for key, spec in self.fields.items() if spec.required]
        if required:
            schema["required"] = required
        if self.shorthand:
            return {"anyOf": [self.fields[self.shorthand].shape.json_schema(), schema]}
        return schema
