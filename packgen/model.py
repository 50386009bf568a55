"""The meeting as validated data: frozen dataclasses, each with its origin.

Nothing here reads files or knows about YAML; :mod:`packgen.schema` builds these
objects and every later stage only reads them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from packgen.errors import Position


@dataclass(frozen=True)
class Contact:
    pos: Position
    name: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Notice:
    """A block of front-sheet wording, such as the note on filming meetings."""

    pos: Position
    text: str
    heading: str = ""


@dataclass(frozen=True)
class Attachment:
    pos: Position
    file: Path
    title: str = ""
    exempt: int | None = None


@dataclass(frozen=True)
class Item:
    pos: Position
    title: str
    number: str = ""
    description: str = ""
    presenter: str = ""
    exempt: int | None = None
    attachments: tuple[Attachment, ...] = ()

    def is_public(self, attachment: Attachment | None = None) -> bool:
        """Whether the item (or one of its attachments) may appear in the public pack."""
        if self.exempt is not None:
            return False
        return attachment is None or attachment.exempt is None

    @property
    def exempt_paragraphs(self) -> tuple[int, ...]:
        """Schedule 12A paragraphs that keep any part of this item out of the public pack."""
        found = {self.exempt} | {a.exempt for a in self.attachments}
        return tuple(sorted(p for p in found if p is not None))


@dataclass(frozen=True)
class PageNumbering:
    count_front_sheet: bool = True


@dataclass(frozen=True)
class Meeting:
    """One meeting: ``meeting.yaml`` merged over the organisation's ``packgen.yaml``."""

    pos: Position
    source: Path
    """The meeting file as the user named it."""
    root: Path
    """The repository root: the folder holding packgen.yaml, or else the meeting folder."""
    organisation: str
    body: str
    date: datetime.date
    time: datetime.time
    venue: str
    items: tuple[Item, ...]
    summons: str = ""
    issued_by: str = ""
    contact: Contact | None = None
    notices: tuple[Notice, ...] = ()
    duplex: bool = True
    page_numbers: PageNumbering = PageNumbering()
    language: str = "en-GB"
