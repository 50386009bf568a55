"""Minute numbers as councils write them: which run of digits counts on from one minute to
the next.

Text with one run of digits counts that run ("C1850", "Min 12a"); text with several, such
as a municipal year ("C068/23", "1-25/26", "15/53/Plan"), must say which one counts with
braces ("C{068}/23"), since guessing the last would count the year on, a false record.
"""

from __future__ import annotations

import re
from typing import Any

from packgen.shapes import Context, Text
from packgen.source import Node

_DIGITS = re.compile(r"\d+")
_BRACED = re.compile(r"\{(\d+)\}")
_EXAMPLE = '"C{068}/23"'


def counting_part(text: str) -> tuple[str, str, str] | str:
    """``text`` as (before, the digits that count, after), braces dropped; or, when it
    cannot number minutes, what is wrong with it."""
    text = text.strip()
    if "{" in text or "}" in text:
        braced = _BRACED.search(text)
        if braced is None or text.count("{") != 1 or text.count("}") != 1:
            return f'braces go around the one number that counts, and only it, such as {_EXAMPLE}'
        return text[:braced.start()], braced[1], text[braced.end():]
    runs = list(_DIGITS.finditer(text))
    if not runs:
        return ""  # no number at all: the shape's "expected ..." says what is wanted
    if len(runs) > 1:
        first = runs[0]
        example = f"{text[:first.start()]}{{{first[0]}}}{text[first.end():]}"
        return (f'"{text}" has more than one number; put braces around the one that counts, '
                f'such as "{example}"')
    return text[:runs[0].start()], runs[0][0], text[runs[0].end():]


def minute_number(first: str, index: int) -> str:
    """The number of the minute ``index`` places after the one numbered ``first``: the
    counting digits counted on with the same zero padding, the rest kept ("C{068}/23",
    "C069/23")."""
    parts = counting_part(first)
    if isinstance(parts, str):  # the schema admits only numbers it can count
        raise ValueError(f"not a minute number: {first!r}")
    before, digits, after = parts
    return before + str(int(digits) + index).zfill(len(digits)) + after


class MinuteNumber(Text):
    """``first_minute``: a number, or text with one number, or with the counting one in
    braces."""

    def __init__(self) -> None:
        super().__init__(expected='a number, or text with one ("C1850")')

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = super().check(node, ctx, path)
        if not isinstance(value, str):
            return value
        parts = counting_part(value)
        if parts == "":
            return self.wrong(node, ctx, path)
        if isinstance(parts, str):
            return ctx.error(node.pos, path, parts)
        return value.strip()

    def json_schema(self) -> dict[str, Any]:
        schema = super().json_schema()
        # Editors can check that there is a number and the braces are whole; which number
        # counts, when there are several, packgen says.
        schema["pattern"] = r"^([^{}]*[0-9][^{}]*|[^{}]*\{[0-9]+\}[^{}]*)$"
        return schema
