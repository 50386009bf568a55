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
    """The house font's regular and bold faces, subset to printable ASCII, for stamps."""

    pdf: bytes
    """A one-page PDF using both subsets, with ASCII codes mapped to themselves."""
    faces: dict[str, str]
    """variant ("regular", "bold") -> the face's PostScript name, to find it in ``pdf``."""
    widths: dict[str, tuple[float, ...]]
    """variant -> advance width of each character from " " to "~", in 1/1000 em."""

    def width(self, text: str, variant: str, size: float) -> float:
        """Width of ASCII ``text``, as ReportLab measures it."""
        advances = self.widths[variant]
        return 0.001 * size * sum(advances[ord(ch) - 32] for ch in text)
