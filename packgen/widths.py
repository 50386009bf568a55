"""Column widths for a table, as a browser's automatic table layout sets them: each column
at least as wide as its longest word, the width left over shared by how much text each
column holds; widths a template gives kept where they leave every column its longest word.

Words are measured here once, at the table's own size; a table set smaller (see
:mod:`packgen.tables`) needs the same measures times its scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from packgen.htmltree import Element

Font = tuple[str, float]
"""A ReportLab font name and a size in points."""
FontOf = Callable[[str, tuple[str, ...], bool], Font]
"""The font text is set in: by the tag and classes of the element holding it, and
whether it is in bold (``<b>``, ``<strong>``)."""

_BLOCKS = frozenset(("td", "th", "p", "li", "h1", "h2", "h3", "h4", "span"))
"""Elements whose own style sets the size of the text inside them."""


@dataclass(frozen=True)
class Extent:
    """What one cell's text needs across, in points at the table's own size, padding not
    counted: its longest word (the least it can be), and all its text on one line (what
    it would take to never wrap)."""

    column: int
    span: int
    longest: float
    whole: float
    row: int = 0


class Measures:
    """Words' widths, each measured once in each font: a table's cells repeat their words
    (an agenda's "Report of the Director of Place" in every other row)."""

    def __init__(self, font_of: FontOf) -> None:
        self._font_of = font_of
        self._fonts: dict[tuple[str, tuple[str, ...], bool], tuple[Font, float]] = {}
        self._widths: dict[tuple[str, str, float], float] = {}

    def font(self, tag: str, classes: tuple[str, ...], bold: bool) -> tuple[Font, float]:
        """The font text is set in and the width of its space."""
        key = (tag, classes, bold)
        known = self._fonts.get(key)
        if known is None:
            name, size = font = self._font_of(tag, classes, bold)
            known = self._fonts[key] = (font, stringWidth(" ", name, size))
        return known

    def width(self, word: str, font: Font) -> float:
        key = (word, *font)
        known = self._widths.get(key)
        if known is None:
            known = self._widths[key] = stringWidth(word, *font)
        return known


def extent(cell: Element, column: int, span: int, measures: Measures, row: int = 0) -> Extent:
    """Measure a cell's words in the fonts they are set in."""
    longest = 0.0
    lines: list[float] = [0.0]

    def walk(el: Element, tag: str, classes: tuple[str, ...], bold: bool) -> None:
        nonlocal longest
        for child in el.children:
            if isinstance(child, str):
                font, space = measures.font(tag, classes, bold)
                for word in child.split():
                    width = measures.width(word, font)
                    longest = max(longest, width)
                    lines[-1] += width + space
                continue
            if child.tag in _BLOCKS and child.tag != "span" or child.tag in ("tr", "br"):
                lines.append(0.0)  # a new line: its text does not add to this one's
            inner_bold = bold or child.tag in ("b", "strong")
            if child.tag in _BLOCKS:
                walk(child, child.tag, child.classes, inner_bold)
            else:
                walk(child, tag, classes, inner_bold)

    walk(cell, cell.tag, cell.classes, False)
    return Extent(column, span, longest, max(lines), row)


def fit(extents: Sequence[Extent], given: Sequence[float | None], columns: int,
        available: float, padding: float, scale: float) -> list[float] | None:
    """Column widths at ``scale`` (1 for the table's own size) filling ``available``
    points, or None when the columns' longest words alone need more.

    ``given`` is a width a template or a fenced table gives a column (None: none given),
    and ``padding`` the points each cell's content keeps from its left and right edges.
    """
    pad = 2 * padding
    least = [pad] * columns
    most = [pad] * columns
    for e in sorted(extents, key=lambda e: e.span):
        cols = range(e.column, min(e.column + e.span, columns))
        for bound, need in ((least, e.longest * scale + pad), (most, e.whole * scale + pad)):
            short = need - sum(bound[c] for c in cols) - pad * (len(cols) - 1)
            if short > 0:  # a spanning cell widens the columns it spans alike
                for c in cols:
                    bound[c] += short / len(cols)
    most = [max(m, n) for m, n in zip(most, least, strict=True)]
    widths: list[float | None] = [None] * columns
    for c, width in enumerate(given[:columns]):
        if width is not None:
            widths[c] = max(width, least[c])  # the longest word wins over a given width
    free = [c for c in range(columns) if widths[c] is None]
    rest = available - sum(w for w in widths if w is not None)
    low = sum(least[c] for c in free)
    if rest < low - 1e-6 and not _narrow_given(widths, least, low - rest):
        return None
    rest = available - sum(w for w in widths if w is not None)
    high = sum(most[c] for c in free)
    if high < rest:  # room beyond every column's whole text: shared by what each holds
        for c in free:
            widths[c] = most[c] + (rest - high) * most[c] / high
    else:
        _between(widths, free, least, most, rest - low, _height(extents, scale, pad))
    # Whole hundredths of a point, rounded down: the same bytes every time, never wider.
    return [math.floor((w or 0.0) * 100) / 100 for w in widths]


def _between(widths: list[float | None], free: list[int], least: list[float],
             most: list[float], spare: float, height: Callable[[list[float]], float]) -> None:
    """Each free column at least its longest word, the ``spare`` points shared out.

    A browser shares them in proportion to how much more each column would take to
    never wrap, so a long heading ("Average days lost per FTE") takes the room a short
    name ("Development Services") needed to stay on one line. Here the columns that
    need least to reach their whole text may get it first, so that short names stay on
    one line; what is left is shared as a browser shares it among the rest. How many
    columns get their whole text is the number that makes the table shortest (fewest
    lines, all rows counted; the most on a tie): giving six short columns their whole
    text must not starve a long description down to one word a line.
    """
    order = sorted(free, key=lambda c: (most[c] - least[c], c))
    prefix = 0
    left = spare
    while prefix < len(order) and most[order[prefix]] - least[order[prefix]] <= left:
        left -= most[order[prefix]] - least[order[prefix]]
        prefix += 1
    best: tuple[float, list[float | None]] | None = None
    for k in range(prefix + 1):
        trial = list(widths)
        _share(trial, free, set(order[:k]), least, most, spare)
        lines = height([w or 0.0 for w in trial])
        if best is None or lines <= best[0]:
            best = (lines, trial)
    assert best is not None
    widths[:] = best[1]


def _share(widths: list[float | None], free: list[int], whole: set[int], least: list[float],
           most: list[float], spare: float) -> None:
    """The ``whole`` columns their whole text; the spare left shared by what the others
    would take to never wrap."""
    spare -= sum(most[c] - least[c] for c in whole)
    need = sum(most[c] - least[c] for c in free if c not in whole)
    for c in free:
        if c in whole:
            widths[c] = most[c]
        else:
            widths[c] = least[c] + (most[c] - least[c]) * (spare / need if need else 0.0)


def _height(extents: Sequence[Extent], scale: float, pad: float
            ) -> Callable[[list[float]], float]:
    """The table's height in lines at given column widths, near enough to compare two
    ways of sharing: each row as tall as its cell of most lines, a cell's lines its
    whole text over its width."""
    def lines(widths: list[float]) -> float:
        rows: dict[int, int] = {}
        for e in extents:
            across = sum(widths[e.column:e.column + e.span]) - pad
            n = max(1, math.ceil(e.whole * scale / across - 1e-6)) if across > 0 else 1
            rows[e.row] = max(rows.get(e.row, 1), n)
        return float(sum(rows.values()))
    return lines


def _narrow_given(widths: list[float | None], least: list[float], short: float) -> bool:
    """Take ``short`` points from given widths beyond their columns' least, in proportion
    to what each can give; False when they cannot give so much."""
    slack = {c: w - least[c] for c, w in enumerate(widths) if w is not None and w > least[c]}
    total = sum(slack.values())
    if total < short:
        return False
    for c, spare in slack.items():
        width = widths[c]
        assert width is not None
        widths[c] = width - short * spare / total
    return True


def needed(extents: Sequence[Extent], columns: int, padding: float, scale: float) -> float:
    """The least width, in points, that holds every column's longest word at ``scale``."""
    pad = 2 * padding
    least = [pad] * columns
    for e in extents:
        if e.span == 1 and e.column < columns:
            least[e.column] = max(least[e.column], e.longest * scale + pad)
    return sum(least)
