"""What ``validate`` warns of in officers' Markdown that a screen-reader user stumbles over:
a heading that skips a level, and a link whose words say nothing of where it goes.

Screen readers list a document's headings and its links to move about it. A heading one
level too deep reads as a section that is missing; a list of links that all say "click
here" tells nothing. Both are warnings, not problems: the pack still prints as written.
The Markdown converter (:mod:`packgen.markdown`) finds them at their lines while it reads
the text and keeps them with it (:attr:`packgen.model.RichText.notes`); this module says
how they are judged and worded, and gathers them from a meeting for ``validate``.
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


def heading_note(text: str, level: int, above: int, where: Position) -> Problem | None:
    """The warning for a heading of Markdown ``level`` (2 for ``##``) after one of level
    ``above`` (0: none in the text, only the template's heading over it), or None."""
    if level <= above + 1:
        return None
    after = f"after {'#' * above}" if above else "as the text's first heading"
    return Problem(where, f'the heading "{text.strip()}" is {"#" * level} {after}: it skips '
                   f"a level, which screen readers announce as a missing section; make it "
                   f"{'#' * (above + 1)}", "warning")


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
