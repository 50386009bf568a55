"""Figures in tables: a cell whose text is a number ("1,204", "£41.2m", "-14", "(3.5)",
"12%") is set flush right when its column's alignment is not given, so that figures line
up by their last digit as officers expect of a table of numbers."""

from __future__ import annotations

import re

FIGURE = re.compile(r"[(\-−–+]?\s*[£€$]?\s*[(\-−–]?\d[\d,. ]*(?:%|k|m|bn)?\)?\*?")
"""An optional sign or bracket, currency, digits with separators, a unit (%, k, m, bn),
a closing bracket and a footnote star; a range such as "2014-15" is not a figure."""


def is_figure(text: str) -> bool:
    return FIGURE.fullmatch(text.strip()) is not None


def figure_class(text: str, tag: str) -> str:
    """` class="align-right"` for a body cell holding a figure; "" otherwise."""
    return ' class="align-right"' if tag == "td" and is_figure(text) else ""
