"""The meeting as validated data: frozen dataclasses, each with its origin.

Nothing here reads files or knows about YAML; :mod:`packgen.schema` builds these
objects and every later stage only reads them. The meeting, its items, their documents
and the people in them are here; the settings that hold for every document (numbering,
house style, report and minutes wording) are :mod:`packgen.settings_model`'s.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from packgen.errors import Position, Problem
from packgen.jurisdiction import Jurisdiction, england
from packgen.messages import Messages, english
from packgen.minute_numbers import minute_number
from packgen.settings_model import (
    DATE_FORMAT,
    HouseStyle,
    MinutesSettings,
    Numbering,
    PageNumbering,
    ReportSettings,
)


@dataclass(frozen=True)
class Block:
    """One top-level block of converted Markdown, in the HTML subset.

    For a paragraph, ``html`` is its inline content only, so a template can number it.
    """

    kind: str  # "p", "heading", "list", "table", "quote" or "code"
    html: str
    numbered: bool = True
    """False where the officer opted it out with ``{-}``: it takes no number."""
    pos: Position | None = None  # where a table starts, to name a table too wide to print
    look: int = 0
    """A heading printed in another level's style (class ``as-h4``), as the level its
    Markdown was written at prints, where its tag's level follows the text's structure
    (:func:`packgen.accessibility.tagged_level`); 0: in its own."""

    def __html__(self) -> str:
        if self.kind == "p":
            return f"<p>{self.html}</p>"
        if self.kind == "heading" and self.look:
            return f'{self.html[:3]} class="as-h{self.look}"{self.html[3:]}'
        return self.html


@dataclass(frozen=True)
class RichText:
    """Markdown converted to blocks; prints its HTML when a template prints it."""

    blocks: tuple[Block, ...] = ()
    notes: tuple[Problem, ...] = field(default=(), compare=False)
    """Warnings found as it was read, for ``validate`` (:mod:`packgen.accessibility`): they
    say nothing of what prints, so two texts that print alike are equal."""

    def __html__(self) -> str:
        return "\n".join(block.__html__() for block in self.blocks)

    def __bool__(self) -> bool:
        return bool(self.blocks)


@dataclass(frozen=True)
class Person:
    """Someone named in a document: an officer, a member, a contact."""

    pos: Position
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    present: bool | None = None
    """Whether they attended: True when ``status`` is present or substitute, False when it
    is apologies or absent, None when the minutes do not say."""
    status: str = ""
    """Minutes' attendance: "present", "apologies", "absent", "substitute" or "" (not said)."""
    substitute: str = ""
    """Who attended in this member's place (their entry's status is apologies or absent)."""
    substitute_for: str = ""
    """The member a substitute attended for (``for:``; status "substitute")."""
    group: str = ""
    """The organisation or party the minutes' attendance table groups them under."""


@dataclass(frozen=True)
class Priority:
    pos: Position
    text: str
    relevant: bool = False


@dataclass(frozen=True)
class Section:
    pos: Position
    heading: str
    body: RichText = RichText()
    numbered: bool = True
    """False: the heading and its paragraphs take no number, nor does it count."""
    orientation: str = "portrait"


@dataclass(frozen=True)
class Report:
    """The standard officer report: a cover table, then numbered sections."""

    pos: Position
    title: str
    report_to: str = ""
    date: datetime.date | None = None
    director: Person | None = None
    wards: str = ""
    """Short fields here are inline Markdown, held as Markup (a ``str``) of the HTML subset."""
    contacts: tuple[Person, ...] = ()
    other_officers: tuple[Person, ...] = ()
    priorities: tuple[Priority, ...] = ()
    summary: RichText = RichText()
    recommendations: tuple[RichText, ...] = ()
    """Each: its first paragraph is the numbered line, any list or paragraph after it
    stands beneath it."""
    sections: tuple[Section, ...] = ()
    background_papers: tuple[str, ...] = ()
    appendices: tuple[Attachment, ...] = ()
    numbering: Numbering = Numbering()
    orientation: str = "portrait"
    kind: str = "report"


def find_section(report: Report, heading: str) -> int | None:
    """The index of the report's section of ``heading`` (case and spaces aside), if any."""
    wanted = " ".join(heading.split()).casefold()
    for index, section in enumerate(report.sections):
        if " ".join(section.heading.split()).casefold() == wanted:
            return index
    return None


@dataclass(frozen=True)
class Minute:
    pos: Position
    title: str
    body: RichText = RichText()
    resolved: tuple[RichText, ...] = ()


@dataclass(frozen=True)
class Minutes:
    """Minutes of an earlier meeting, for confirmation."""

    pos: Position
    date: datetime.date
    minutes: tuple[Minute, ...]
    body: str = ""
    place: str = ""
    start: datetime.time | None = None
    end: datetime.time | None = None
    attendance: tuple[Person, ...] = ()
    in_attendance: tuple[Person, ...] = ()
    apologies: tuple[str, ...] = ()
    """Names given in the top-level ``apologies:`` list, besides members whose status says so."""
    first_minute: str = "1"
    """The first minute's number as written: "34", "C1850", "C{068}/23" (braces mark the
    number that counts, when there are several)."""
    kind: str = "minutes"

    def minute_number(self, index: int) -> str:
        """The number of the minute ``index`` places after the first: the rest of the text
        kept, its counting number counted on with the same zero padding ("C{068}/23",
        "C069/23")."""
        return minute_number(self.first_minute, index)

    @property
    def title(self) -> str:
        return self.title_in(english())

    def title_in(self, words: Messages) -> str:
        """"Minutes of the meeting held on 27 May 2026": its bookmark, in the catalogue's
        words and month names."""
        when = self.date
        return words.fill("minutes_title", date=words.fill(
            "metadata_date", day=when.day, month=words.names("months")[when.month - 1],
            year=when.year))


@dataclass(frozen=True)
class Document:
    """A plain document: a title and a Markdown body."""

    pos: Position
    title: str
    body: RichText = RichText()
    numbering: Numbering = Numbering()
    """Plain documents are not numbered unless they, or the house style, ask."""
    orientation: str = "portrait"
    kind: str = "document"


@dataclass(frozen=True)
class Notice:
    """A block of front-sheet wording, such as the note on filming meetings."""

    pos: Position
    text: str
    """Inline Markdown as Markup, web and e-mail addresses linked."""
    heading: str = ""


@dataclass(frozen=True)
class Withheld:
    """Why material stays out of the public pack: exempt information (under paragraphs of
    the jurisdiction's table, or none where its law has no table), confidential
    information, or both."""

    paragraphs: tuple[str, ...] = ()
    exempt: bool = False
    confidential: bool = False

    def __or__(self, other: Withheld | None) -> Withheld:
        if other is None:
            return self
        keys = self.paragraphs + tuple(k for k in other.paragraphs if k not in self.paragraphs)
        return Withheld(keys, self.exempt or other.exempt, self.confidential or other.confidential)


def withheld(exempt: tuple[str, ...] | None, confidential: bool) -> Withheld | None:
    """What an ``exempt:`` and a ``confidential:`` say together; None: public."""
    if exempt is None and not confidential:
        return None
    return Withheld(exempt or (), exempt is not None, confidential)


@dataclass(frozen=True)
class Attachment:
    pos: Position
    file: Path
    title: str = ""
    exempt: tuple[str, ...] | None = None
    """Paragraph keys of the jurisdiction's table (in its order); () for exempt
    information where the law has no table (``exempt: true``); None: not exempt."""
    confidential: bool = False
    reason: str = ""
    special_reasons: str = ""
    """Why the public is excluded, where the law has no table (``exempt: true``): stated
    in the exclusion resolution, so public, unlike ``reason``."""
    supplement: int | None = None
    document: Report | Minutes | Document | None = None
    """What a ``.yaml`` or ``.md`` attachment says; None for a PDF."""
    merge_damaged: bool = False
    """Merge a PDF whose pages draw with data no viewer can decode as it is, with a
    warning, rather than refuse it (:mod:`packgen.pdf.filters`)."""
    make_room: bool = False
    """Shrink a PDF's pages to keep the stamps clear of its content: the meeting's
    ``page_numbers.make_room``, given to each PDF it attaches when it is read."""
    lang: str = ""
    """The language the document is written in where it is not the pack's: in an edition
    in another language than the meeting's files, an attachment with no translation of
    its ``file`` (``file_cy``) is in the files' language. Empty: the pack's."""


@dataclass(frozen=True)
class Urgency:
    """How a key decision not in the forward plan 28 clear days ahead may be taken
    (regulations 10 and 11 of SI 2012/2089)."""

    pos: Position
    route: str
    """"general-exception" or "special-urgency"."""
    reason: str
    agreed_by: str = ""
    """Special urgency: who agreed that the decision cannot reasonably be deferred."""


@dataclass(frozen=True)
class Item:
    pos: Position
    title: str
    number: str = ""
    description: str = ""
    """Inline Markdown as Markup (its lines kept as line breaks); packgen's own exclusion
    item gives plain text."""
    presenter: str = ""
    exempt: tuple[str, ...] | None = None
    """As :attr:`Attachment.exempt`, for every document of the item."""
    confidential: bool = False
    reason: str = ""
    special_reasons: str = ""
    """As :attr:`Attachment.special_reasons`, for the item."""
    supplement: int | None = None
    attachments: tuple[Attachment, ...] = ()
    # An executive's business (packgen.cabinet): printed on the agenda row.
    key_decision: bool = False
    forward_plan_ref: str = ""
    urgency: Urgency | None = None
    urgent: str = ""
    """Why the chair takes this late item as a matter of urgency."""
    representations: str = ""
    """A private item: representations received about why it should be public."""
    lang: str = ""
    """The language its title is in where it is not the pack's: in an edition in another
    language than the meeting's files, a title with no translation (``title_cy``)."""

    def is_public(self, attachment: Attachment | None = None) -> bool:
        """Whether the item (or one of its attachments) may appear in the public pack."""
        return self.withholding(attachment) is None

    def withholding(self, attachment: Attachment | None = None) -> Withheld | None:
        """Why the item itself (or one of its documents) stays out of the public pack."""
        own = withheld(self.exempt, self.confidential)
        if attachment is None:
            return own
        theirs = withheld(attachment.exempt, attachment.confidential)
        return own | theirs if own is not None else theirs

    def supplement_of(self, attachment: Attachment) -> int | None:
        """Which supplementary pack a document belongs to; None for the main pack."""
        return attachment.supplement if attachment.supplement is not None else self.supplement

    def in_pack(self, supplement: int | None) -> tuple[Attachment, ...]:
        """The item's documents that belong to one pack (None: the main pack)."""
        return tuple(a for a in self.attachments if self.supplement_of(a) == supplement)

    def withheld_in(self, supplement: int | None = None) -> Withheld | None:
        """Why any part of this item stays out of one public pack.

        Only that pack's own documents count: a late exempt appendix must not change
        what the main agenda says about the item."""
        found = withheld(self.exempt, self.confidential)
        for attachment in self.in_pack(supplement):
            theirs = withheld(attachment.exempt, attachment.confidential)
            found = theirs if found is None else found | theirs
        return found


@dataclass(frozen=True)
class Republished:
    """A pack published again after its first publication: when, and why (the meeting's
    web page and the manifest say so)."""

    pos: Position
    date: datetime.date
    reason: str


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
    end_time: datetime.time | None = None
    """When the meeting is expected to end (calendars); none: two hours after ``time``."""
    summons: str = ""
    issued_by: str = ""
    contact: Person | None = None
    notices: tuple[Notice, ...] = ()
    duplex: bool = True
    page_numbers: PageNumbering = PageNumbering()
    language: str = "en-GB"
    style: HouseStyle = HouseStyle()
    exclusion_item: bool = True
    """Add the "exclusion of the public" item before the first exempt item when missing."""
    jurisdiction: Jurisdiction = field(default_factory=england)
    """Whose access-to-information law and notice rule the meeting keeps, said in its
    language."""
    meeting_type: str = ""
    """What kind of meeting it is ("standards"): some paragraphs are for some kinds only."""
    report: ReportSettings = ReportSettings()
    date_format: str = DATE_FORMAT
    phone_label: str = "Tel:"
    """Printed before a telephone number: the front sheet's contact, a report's contacts."""
    minutes: MinutesSettings = MinutesSettings()
    """The words minutes print (``minutes.labels``)."""
    words: Messages = field(default_factory=english)
    """The message catalogue of ``language``: the fixed words the pack prints."""
    republished: Republished | None = None

    def template_dirs(self, templates: Path | None) -> list[Path]:
        """``--templates``, then the meeting's ``templates/``: searched before the theme."""
        return [d for d in (templates, self.source.parent / "templates") if d is not None]
