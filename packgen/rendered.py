"""What the typesetting side hands to the PDF side: pages it typeset, and the stamp font.

Plain data, so it can cross from the typesetting process (see
:mod:`packgen.typesetting`) and so the PDF side never imports ReportLab.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Typeset:
    pdf: bytes
    pages: int
    anchors: dict[str, int]
    """Page (1-based) where each paragraph with an ``id`` was drawn."""


@dataclass(frozen=True)
class StampFonts:
    """The house font's regular and bold faces, subset for stamps: printable ASCII, and
    the characters beyond it that a pack's stamps use."""

    pdf: bytes
    """A one-page PDF using every subset: printable ASCII in each variant, one line each
    (ASCII codes mapped to themselves), then each character of ``extra`` on its own."""
    extra: dict[str, str]
    """variant -> the characters beyond ASCII drawn in its font, in the order drawn."""
    drawn_with: dict[str, str]
    """variant -> the variant whose font holds its glyphs: itself, or "regular" where the
    house style gives one file for both."""
    widths: dict[str, dict[str, float]]
    """variant -> advance width of each character it can print, in 1/1000 em."""
    files: dict[str, str]
    """variant -> the font file, to name in a problem."""

    def width(self, text: str, variant: str, size: float) -> float:
        """Width of ``text`` (every character of which it can print), as ReportLab
        measures it."""
        advances = self.widths[variant]
        return 0.001 * size * sum(advances[ch] for ch in text)

    def lacks(self, text: str, variant: str) -> list[str]:
        """The characters of ``text`` that these subsets cannot print, each once."""
        advances = self.widths[variant]
        return list(dict.fromkeys(ch for ch in text if ch not in advances))
