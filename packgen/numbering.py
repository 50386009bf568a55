"""Number a document's sections, sub-sections and paragraphs, as the templates print them.

Numbers are worked out here, never typed, so a report can never skip or repeat one.
Three schemes (:class:`packgen.settings_model.Numbering`):

- ``section``: sections 1, 2, ...; their paragraphs 1.1, 1.2; with depth 3 a heading
  inside a section's text is a sub-section, numbered on from the paragraphs before it
  (1.3), and its paragraphs 1.3.1, 1.3.2. Only the section text's top heading level makes
  sub-sections: a heading under a sub-section's heading takes no number (there is no
  fourth level), and its paragraphs go on at the sub-section's (1.3.3);
- ``continuous``: paragraphs 1, 2, ... 26 across the document; no heading is numbered
  (depth means nothing here);
- ``none``: nothing is numbered.

What never takes a number: a section marked ``numbered: false`` (it does not count
either, so a "Contact details" section at the end takes none and leaves no gap), a
paragraph opened with ``{-}`` or a heading closed with it (Markdown), and a table note:
a paragraph straight after a table, or after another table note, that begins "Note:",
"Notes:", "Source:" or "Sources:" (or the word then a dash), "*", "†", "‡" or a superscript
figure, printed small (class ``table-note``). "Note that ..." or "Sources of funding ..."
opens a paragraph of the argument, and is numbered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from packgen.model import Block, Section
from packgen.settings_model import Numbering

_HEADING = re.compile(r"<h([1-6])>(.*)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")
_NOTE = re.compile(r"(Notes?|Sources?)\s*(:|[-–—](\s|$))|[*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]")


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
    look: int = 0
    """The level whose style a heading prints in, when not its own (0): a report section's
    "### Funding" is tagged h3, its section's sub-section, and prints as h4, as written."""


@dataclass(frozen=True)
class NumberedSection:
    """A section as its template sees it: its number (empty if it takes none) and text."""

    number: str
    heading: str
    entries: tuple[Entry, ...]
    landscape: bool = False
    recommendations_follow: bool = False
    """The report's recommendations are printed after this section."""


def is_table_note(block: Block, under_table: bool) -> bool:
    """A footnote under a table (``under_table``: straight after it or after its notes):
    it qualifies the table; it is not a paragraph of the argument, so it takes no number."""
    if block.kind != "p" or not under_table:
        return False
    return _NOTE.match(_TAG.sub("", block.html).lstrip()) is not None


def _level(block: Block) -> int:
    """A heading block's level (2 to 4); 0 for anything else."""
    match = _HEADING.fullmatch(block.html) if block.kind == "heading" else None
    return int(match[1]) if match else 0


def _top_level(blocks: Sequence[Block]) -> int:
    """The highest (smallest) heading level among ``blocks``; 0 when there is none."""
    return min((level for level in map(_level, blocks) if level), default=0)


class _Counter:
    """The running numbers of one document."""

    def __init__(self, numbering: Numbering) -> None:
        self.scheme = numbering.paragraphs
        self.depth = numbering.depth
        self.running = 0

    def entries(self, prefix: str, blocks: Sequence[Block], numbered: bool,
                looks: bool = True) -> list[Entry]:
        """``blocks`` numbered under ``prefix`` ("1"; "" for none); ``numbered`` False for
        a section that takes no numbers; ``looks`` False prints each heading in its own
        level's style."""
        out: list[Entry] = []
        within = 0  # the last number under the section: paragraphs and sub-sections
        sub = ""  # the current sub-section's number, "1.3"
        inner = 0
        top = _top_level(blocks)  # the level of the text's sub-section headings
        under_table = False
        for block in blocks:
            counts = numbered and block.numbered
            if block.kind == "heading":
                match = _HEADING.fullmatch(block.html)
                level, text = (int(match[1]), match[2]) if match else (0, block.html)
                number = ""
                if level <= top:  # a deeper heading stays inside the sub-section
                    sub = ""
                    if counts and self.scheme == "section" and self.depth >= 3 and prefix:
                        within += 1
                        sub, inner = f"{prefix}.{within}", 0
                        number = sub
                out.append(Entry(number, Markup(text), "heading", level,
                                 block.look if looks else 0))
            elif is_table_note(block, under_table):
                out.append(Entry("", Markup(block.html), "note"))
                under_table = True  # a second note under the same table is one too
                continue
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
            under_table = block.kind == "table"
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
    """A plain document's text in sections: one per heading of the level just below the
    title (the body's highest: ``#`` in a YAML body, ``##`` in a Markdown file whose
    title is ``#``), and first the text before any, with no heading and no number.

    In the "section" scheme the sections are numbered 1, 2 and their paragraphs 1.1;
    text before the first heading takes no numbers.
    """
    top = _top_level(blocks)
    parts: list[tuple[Block | None, list[Block]]] = [(None, [])]
    for block in blocks:
        if top and _level(block) == top:
            parts.append((block, []))
        else:
            parts[-1][1].append(block)
    counter = _Counter(numbering)
    out = []
    index = 0
    for heading, body in parts:
        if heading is None:
            if body:
                out.append(NumberedSection("", "", tuple(counter.entries("", body, True,
                                                                         looks=False))))
            continue
        match = _HEADING.fullmatch(heading.html)
        assert match is not None
        number = ""
        if heading.numbered and numbering.paragraphs == "section":
            index += 1
            number = str(index)
        # A document prints its headings by their level, which follows its structure
        # ("##" under a Markdown file's "#" title as h2, "####" under "###" as h4).
        entries = counter.entries(number, body, heading.numbered, looks=False)
        out.append(NumberedSection(number, Markup(match[2]), tuple(entries)))
    return out
