"""Figures in tables: a column whose body cells are all numbers ("1,204", "£41.2m", "-14",
"(3.5)", "12%") or nil markers ("–", "n/a") is set flush right when its alignment is not
given, so that figures line up by their last digit as officers expect of a table of
numbers. The decision is the column's, never a cell's: one figure among names (a reference
number in a key/value table) leaves its column as it is, so columns never come out ragged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NUMBER = re.compile(r"""
    [-−–]?\s*[£€$]?\s*[-−–]?               # a sign, a currency, either order
    (?:\d{1,3}(?:,\d{3})+                  # 1,204,000
      |\d{1,3}(?:[ \u00a0]\d{3})+          # 1 204 000 (groups of three only)
      |\d+)
    (?:\.\d+)?                             # one decimal point at most: 3.4.1 is no figure
    (?:\s?(?:%|k|m|bn))?                   # a unit
    """, re.VERBOSE)

NIL = frozenset(("–", "—", "-", "n/a", "nil", "0"))
"""What a table of figures writes for none: it does not stop a column being figures."""


def is_figure(text: str) -> bool:
    """A number as tables print them: not a date (12.03.2026), a section (3.4.1), a phone
    number (0115 876 0311, +44 …), a range (2014-15) or an unclosed bracket ("(12")."""
    text = text.strip().removesuffix("*")
    if text.startswith("(") != text.endswith(")"):
        return False
    if text.startswith("("):
        text = text[1:-1]
    return _NUMBER.fullmatch(text.strip()) is not None


def is_nil(text: str) -> bool:
    return text.strip().lower() in NIL


def figure_columns(cells: Iterable[tuple[int, str]]) -> set[int]:
    """The columns to set flush right, from the body cells whose alignment is not given,
    each as (its column, its text): those whose every non-empty cell is a figure or a nil
    marker, with one figure at least (a column of years, "2025", "2026", is one)."""
    figures: set[int] = set()
    words: set[int] = set()
    for column, text in cells:
        if is_figure(text):
            figures.add(column)
        elif text.strip() and not is_nil(text):
            words.add(column)
    return figures - words
