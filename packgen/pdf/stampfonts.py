"""Which subset, and which code in it, each character of a stamp is written as.

The stamp fonts (:func:`packgen.fonts.stamp_fonts`) come as a one-page PDF that shows
printable ASCII in each variant, then each further character on its own. Reading back
the strings that page shows, and the font each is shown in, gives the codes: nothing here
depends on how ReportLab numbers a subset's codes or names its fonts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, TextStringObject

from packgen.rendered import StampFonts


@dataclass(frozen=True)
class Subsets:
    """The font resources of a :class:`StampFonts` page, and each character's code."""

    fonts_used: DictionaryObject
    """The page's /Font resources: name -> subset font."""
    base: dict[str, str]
    """variant -> the font resource holding its ASCII."""
    codes: dict[str, dict[str, tuple[str, int]]]
    """variant -> each character beyond ASCII -> its font resource and code there."""

    def fonts(self, variant: str) -> list[str]:
        """The font resources a variant's text may be written in: its ASCII one first."""
        others = (font for font, _ in self.codes[variant].values())
        return list(dict.fromkeys([self.base[variant], *sorted(others)]))

    def runs(self, text: str, variant: str) -> list[tuple[str, bytes]]:
        """``text`` (which the fonts can print) as the strings to show, each in one font
        resource; an ASCII text is one string in the ASCII subset."""
        if text.isascii() and text.isprintable():  # nearly every stamp: "Page 17"
            return [(self.base[variant], text.encode("ascii"))]
        runs: list[tuple[str, bytearray]] = []
        for ch in text:
            font, code = self.codes[variant].get(ch) or (self.base[variant], ord(ch))
            if not runs or runs[-1][0] != font:
                runs.append((font, bytearray()))
            runs[-1][1].append(code)
        return [(font, bytes(data)) for font, data in runs] or [(self.base[variant], b"")]


def read_subsets(fonts: StampFonts) -> Subsets:
    reader = PdfReader(io.BytesIO(fonts.pdf))
    page = reader.pages[0]
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    fonts_used = resources["/Font"].get_object()
    assert isinstance(fonts_used, DictionaryObject)
    shown = _shown(ContentStream(page.get_contents(), reader))
    variants = list(fonts.drawn_with)
    first = {variant: font for variant, (font, _) in zip(variants, shown, strict=False)}
    written = iter(shown[len(variants):])
    codes: dict[str, dict[str, tuple[str, int]]] = {}
    for variant, chars in fonts.extra.items():
        codes[variant] = {}
        for ch in chars:
            font, data = next(written)
            assert len(data) == 1, f"{ch!r} was written as {data!r}"
            codes[variant][ch] = (font, data[0])
    return Subsets(fonts_used, {v: first[w] for v, w in fonts.drawn_with.items()},
                   {v: codes.get(w, {}) for v, w in fonts.drawn_with.items()})


def _shown(content: ContentStream) -> list[tuple[str, bytes]]:
    """The font resource and the bytes of each string the content shows, in order."""
    font, shown = "", []
    for operands, operator in content.operations:
        if operator == b"Tf":
            font = str(operands[0])
        elif operator == b"Tj":
            value = operands[0]
            data = value.get_original_bytes() if isinstance(value, TextStringObject) \
                else bytes(value)
            shown.append((font, data))
    return shown
