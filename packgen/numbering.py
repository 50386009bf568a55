"""Number a document's sections, sub-sections and paragraphs, as the templates print them.

Numbers are worked out here, never typed, so a report can never skip or repeat one.
Three schemes (:class:`packgen.model.Numbering`):

- ``section``: sections 1, 2, ...; their paragraphs 1.1, 1.2; with depth 3 a heading
  inside a section's text is a sub-section, numbered on from the paragraphs before it
  (1.3), and its paragraphs 1.3.1, 1.3.2;
- ``continuous``: paragraphs 1, 2, ... 26 across the document; no heading is numbered
  (depth means nothing here);
- ``none``: nothing is numbered.

What never takes a number: a section marked ``numbered: false`` (it does not count
either, so a "Contact details" section at the end takes none and leaves no gap), a
paragraph opened with ``{-}`` or a heading closed with it (Markdown), and a table note:
a paragraph straight after a table that begins "Note", "Notes", "Source", "Sources",
"*", "†", "‡" or a superscript figure, printed small (class ``table-note``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from packgen.model import Block, Numbering, Section

_HEADING = re.compile(r"<h([1-6])>(.*)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")
_NOTE = re.compile(r"(Notes?|Sources?)\b|[*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]")


@dataclass(frozen=True)
class Entry:
    """One block of a section's text as its template prints it."""

    number: str
    """"1.2", "1.2.1" or "7"; empty for a block that takes no number."""
    html: Markup
    """Inline HTML for a paragraph, heading or note; the whole block for anything else."""
    kind: str = "p"
    """"p", "heading", "note" (a table's note) or the block's kind: "list", "table", ..."""
    level: int = 0
    """A heading's level, 2 to 4."""


@dataclass(frozen=True)
class NumberedSection:
    """A section as its template sees it: its number (empty if it takes none) and text."""

    number: str
    heading: str
    entries: tuple[Entry, ...]
    landscape: bool = False
    recommendations_follow: bool = False
    """The report's recommendations are printed after this section."""


def is_table_note(block: Block, previous: Block | None) -> bool:
    """A footnote under a table: it qualifies the table; it is not a paragraph of the
    argument, so it takes no number."""
    if block.kind != "p" or previous is None or previous.kind != "table":
        return False
    return _NOTE.match(_TAG.sub("", block.html).lstrip()) is not None


class _Counter:
    """The running numbers of one document."""

    def __init__(self, numbering: Numbering) -> None:
        self.scheme = numbering.paragraphs
        self.depth = numbering.depth
        self.running = 0

    def entries(self, prefix: str, blocks: Sequence[Block], numbered: bool) -> list[Entry]:
        """``blocks`` numbered under ``prefix`` ("1"; "" for none); ``numbered`` False for
        a section that takes no numbers."""
        out: list[Entry] = []
        within = 0  # the last number under the section: paragraphs and sub-sections
        sub = ""  # the current sub-section's number, "1.3"
        inner = 0
        previous: Block | None = None
        for block in blocks:
            counts = numbered and block.numbered
            if block.kind == "heading":
                match = _HEADING.fullmatch(block.html)
                level, text = (int(match[1]), match[2]) if match else (0, block.html)
                number = ""
                sub = ""
                if counts and self.scheme == "section" and self.depth >= 3 and prefix:
                    within += 1
                    sub, inner = f"{prefix}.{within}", 0
                    number = sub
                out.append(Entry(number, Markup(text), "heading", level))
            elif is_table_note(block, previous):
                out.append(Entry("", Markup(block.html), "note"))
            elif block.kind == "p":
                number = ""
                if counts and self.scheme == "continuous":
                    self.running += 1
                    number = str(self.running)
                elif counts and self.scheme == "section" and prefix:
                    if sub:
                        inner += 1
                        number = f"{sub}.{inner}"
                    else:
                        within += 1
                        number = f"{prefix}.{within}"
                out.append(Entry(number, Markup(block.html), "p"))
            else:
                out.append(Entry("", Markup(block.__html__()), block.kind))
            previous = block
        return out


def number_sections(sections: Sequence[Section], numbering: Numbering,
                    recommendations_after: int | None = None) -> list[NumberedSection]:
    """Number every section, sub-section and paragraph of a report.

    ``recommendations_after``: the index of the section the recommendations follow.
    """
    counter = _Counter(numbering)
    out = []
    index = 0
    for place, section in enumerate(sections):
        number = ""
        if section.numbered and numbering.paragraphs == "section":
            index += 1
            number = str(index)
        entries = counter.entries(number, section.body.blocks, section.numbered)
        out.append(NumberedSection(number, section.heading, tuple(entries),
                                   section.orientation == "landscape",
                                   place == recommendations_after))
    return out


def number_body(blocks: Sequence[Block], numbering: Numbering) -> list[NumberedSection]:
    """A plain document's text in sections: one per heading (level 2) that starts one,
    and first the text before any heading, with no heading and no number of its own.

    In the "section" scheme the sections are numbered 1, 2 and their paragraphs 1.1;
    text before the first heading takes no numbers.
    """
    parts: list[tuple[Block | None, list[Block]]] = [(None, [])]
    for block in blocks:
        match = _HEADING.fullmatch(block.html) if block.kind == "heading" else None
        if match and match[1] == "2":
            parts.append((block, []))
        else:
            parts[-1][1].append(block)
    counter = _Counter(numbering)
    out = []
    index = 0
    for heading, body in parts:
        if heading is None:
            if body:
                out.append(NumberedSection("", "", tuple(counter.entries("", body, True))))
            continue
        match = _HEADING.fullmatch(heading.html)
        assert match is not None
        number = ""
        if heading.numbered and numbering.paragraphs == "section":
            index += 1
            number = str(index)
        entries = counter.entries(number, body, heading.numbered)
        out.append(NumberedSection(number, Markup(match[2]), tuple(entries)))
    return out
