"""What the typesetting side hands to the PDF side: pages it typeset, and the stamp font.

Plain data, so it can cross from the typesetting process (see
:mod:`packgen.typesetting`) and so the PDF side never imports ReportLab.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marked:
    """A piece of marked content the typesetter drew: ``/MCID mcid`` on ``page``
    (0-based, within the typeset document)."""

    page: int
    mcid: int

    def __reduce__(self) -> tuple[type[Marked], tuple[int, int]]:
        return Marked, (self.page, self.mcid)  # see Tag.__reduce__


@dataclass(frozen=True)
class Annotation:
    """A link annotation the typesetter made: the ``index``-th entry of ``page``'s
    ``/Annots`` (0-based, in the order ReportLab wrote them)."""

    page: int
    index: int

    def __reduce__(self) -> tuple[type[Annotation], tuple[int, int]]:
        return Annotation, (self.page, self.index)  # see Tag.__reduce__


@dataclass(frozen=True)
class Tag:
    """One structure element of a typeset document, in reading order.

    ``role`` is a standard structure type (PDF 1.7, 14.8.4): "H1"-"H4", "P", "L", "LI",
    "Lbl", "LBody", "Table", "THead", "TBody", "TR", "TH", "TD", "Figure", "Link",
    "Caption", "Div". Its ``kids`` are elements, marked content (possibly on several
    pages: a paragraph split over a page break is one element) and, for a Link, the
    annotations it owns.
    """

    role: str
    kids: tuple[Tag | Marked | Annotation, ...] = ()
    alt: str | None = None
    """A Figure's alternative text (``/Alt``)."""
    text: str | None = None
    """A Link's whole text: the ``/Contents`` of each of its annotations."""
    attributes: tuple[tuple[str, str, str | int | float | tuple[float, ...]], ...] = ()
    """(owner, key, value): ("Table", "Scope", "Column"), ("Table", "RowSpan", 2),
    ("Layout", "BBox", (x0, y0, x1, y1))."""
    lang: str | None = None
    """A language other than the document's (``/Lang``), such as "en-GB" in a Welsh page."""

    def __reduce__(self) -> tuple[type[Tag], tuple[object, ...]]:
        # Pickled across the pipe as its fields, not a dictionary of them: a 300-item
        # agenda's 2,000 elements go over in two-thirds of the time and bytes.
        return Tag, (self.role, self.kids, self.alt, self.text, self.attributes, self.lang)


@dataclass(frozen=True)
class Typeset:
    pdf: bytes
    pages: int
    anchors: dict[str, int]
    """Page (1-based) where each paragraph with an ``id`` was drawn."""
    structure: tuple[Tag, ...] = ()
    """The document's structure elements, top level first, in reading order."""
    tagged: bool = False
    """Every piece of content on every page is either marked content of ``structure``
    or an artifact: the pages may be claimed as tagged."""


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
