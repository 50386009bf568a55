"""What ``validate`` warns of in officers' Markdown that a screen-reader user stumbles over:
a heading that skips a level, and a link whose words say nothing of where it goes.

Screen readers list a document's headings and its links to move about it. A heading one
level too deep reads as a section that is missing; a list of links that all say "click
here" tells nothing. Both are warnings, not problems: the pack still prints as written.
The Markdown converter (:mod:`packgen.markdown`) finds them at their lines while it reads
the text and keeps them with it (:attr:`packgen.model.RichText.notes`); this module says
how they are judged and worded, and gathers them from a meeting for ``validate``. It also
says at which level a heading is tagged (:func:`tagged_level`), so that a skip is judged
on the levels the pack will hold.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from packgen.errors import Position, Problem
from packgen.model import Meeting, RichText

VAGUE_LINKS = frozenset({"click here", "here", "link", "read more", "this"})
"""Link text that says nothing once read out of its sentence (case and punctuation aside)."""


def vague_link(text: str) -> bool:
    """Whether a link's text is only one of :data:`VAGUE_LINKS` ("Click here!", "here")."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split()) in VAGUE_LINKS


def link_note(text: str, where: Position) -> Problem:
    return Problem(where, f'the link "{text.strip()}" says nothing of where it goes once a '
                   "screen reader reads it out of its sentence (in a list of the page's "
                   'links); name what it opens ("the 2026 budget consultation")', "warning")


DEEPEST = 4
"""The deepest heading level the HTML subset has (h4): deeper Markdown headings are h4 too."""


def tagged_level(depth: int, top: int, under: int) -> int:
    """The level a Markdown heading of ``depth`` (2 for ``##``) is tagged at, in a text whose
    highest heading is ``top`` and which the template prints under a heading of level
    ``under`` (the title, h1; a section's heading, h2).

    The text's highest level goes one below the template's heading, whatever it is written
    as ("### Funding" in a section's text that has no "#" is that section's sub-section),
    and each level below it one further, down to h4. So the tags go down one level at a
    time where the officer's headings do, and skip only where the officer's skip: a
    deeper heading before the text's highest, or "####" straight after "##"."""
    return min(DEEPEST, under + 1 + depth - top)


def skips(level: int, above: int) -> bool:
    """Whether a heading tagged at ``level`` after one at ``above`` skips a level (what
    PDF/UA and a screen reader's list of headings trip on)."""
    return level > above + 1


def heading_note(text: str, depth: int, above: int, top: int, where: Position) -> Problem:
    """The warning for a heading of Markdown ``depth`` (2 for ``##``) that :func:`skips`:
    after one of the text's of depth ``above``, or (``above`` 0) first in a text whose
    highest level, met later, is ``top``."""
    after = (f"after {'#' * above}" if above else
             f"as the text's first heading, though the text's highest is {'#' * top}")
    return Problem(where, f'the heading "{text.strip()}" is {"#" * depth} {after}: it skips '
                   f"a level, which screen readers announce as a missing section; make it "
                   f"{'#' * (above + 1 if above else top)}", "warning")


def notes_of(meeting: Meeting) -> list[Problem]:
    """Every warning the meeting's Markdown holds (its documents', exempt ones too), each once,
    in file and line order."""
    found: dict[Problem, None] = {}
    for item in meeting.items:
        for attachment in item.attachments:
            for note in _notes(attachment):
                found[note] = None
    return sorted(found)


def _notes(value: Any) -> list[Problem]:
    if isinstance(value, RichText):
        return list(value.notes)
    if isinstance(value, tuple | list):
        return [note for inner in value for note in _notes(inner)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [note for f in dataclasses.fields(value) for note in _notes(getattr(value, f.name))]
    return []
