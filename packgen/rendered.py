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
    """A one-page PDF using every subset, with ASCII codes mapped to themselves."""
    base: dict[str, str]
    """variant ("regular", "bold") -> the font resource, in ``pdf``, holding its ASCII."""
    codes: dict[str, dict[str, tuple[str, int]]]
    """variant -> each character beyond ASCII it holds -> the font resource, in ``pdf``,
    of the subset holding it, and its code there."""
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

    def fonts(self, variant: str) -> list[str]:
        """The font resources in ``pdf`` that a variant's text may be written in: its
        ASCII one first."""
        others = (font for font, _ in self.codes[variant].values())
        return list(dict.fromkeys([self.base[variant], *sorted(others)]))

    def runs(self, text: str, variant: str) -> list[tuple[str, bytes]]:
        """``text`` (which it can print) as the strings to show, each in one font
        resource of ``pdf``."""
        runs: list[tuple[str, bytearray]] = []
        for ch in text:
            font, code = self.codes[variant].get(ch) or (self.base[variant], ord(ch))
            if not runs or runs[-1][0] != font:
                runs.append((font, bytearray()))
            runs[-1][1].append(code)
        return [(font, bytes(data)) for font, data in runs] or [(self.base[variant], b"")]
