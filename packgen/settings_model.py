"""Settings as validated data: frozen dataclasses of what ``packgen.yaml`` (or a meeting)
sets for every document (page numbers, the house style, the report cover and its wording,
the date format, the minutes' fixed words) with the theme's defaults, and of paragraph
numbering, which a document may also set for itself.

No I/O, like :mod:`packgen.model`, which holds the meeting these belong to;
:mod:`packgen.settings` and :mod:`packgen.housestyle` hold their shapes in YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packgen.messages import Messages, english


@dataclass(frozen=True)
class Numbering:
    """How a document's paragraphs are numbered; empty or 0 means "as the house style"."""

    paragraphs: str = ""
    """"section" (1.1, 1.2), "continuous" (1, 2, ... 26) or "none"."""
    depth: int = 0
    """2: sections and their paragraphs; 3: also sub-sections (1.2) and theirs (1.2.1)."""

    def over(self, house: Numbering) -> Numbering:
        """This numbering, with what it leaves unset taken from ``house``."""
        return Numbering(self.paragraphs or house.paragraphs, self.depth or house.depth)


@dataclass(frozen=True)
class PageNumbering:
    count_front_sheet: bool = True
    make_room: bool = False
    """Scale attachments' pages so "Page N" and "Agenda Item N" never sit on their content."""


@dataclass(frozen=True)
class HouseStyle:
    """What ``packgen.yaml`` sets of the look, over the theme's stylesheet."""

    logo: Path | None = None
    logo_alt: str | None = None
    """The logo's alternative text; None: the catalogue's ``logo_alt`` with the organisation."""
    fonts: tuple[tuple[str, Path], ...] = ()
    """(variant, TrueType file) pairs replacing the theme's body font."""
    colours: tuple[tuple[str, str], ...] = ()
    page_size: str = ""
    margins_mm: tuple[tuple[str, float], ...] = ()
    paragraph_numbers: str = "section"
    """"section" (1.1, 1.2, 2.1 ...), "continuous" (1, 2, ... across sections) or "none"."""
    numbering_depth: int = 2
    """3: headings inside a section's text become numbered sub-sections (1.2, 1.2.1)."""
    document_numbers: str = "none"
    """Paragraph numbers of plain documents (``kind: document`` and Markdown files)."""

    def numbering(self, kind: str) -> Numbering:
        """The house numbering for a document of ``kind``."""
        paragraphs = self.paragraph_numbers if kind == "report" else self.document_numbers
        return Numbering(paragraphs, self.numbering_depth)


COVER_ROWS = ("report_to", "date", "director", "wards", "contacts", "other_officers",
              "priorities", "summary", "recommendations")
"""The rows a report's cover can show, in the theme's order."""

COVER_LABELS = {
    "report_to": "Report to", "date": "Date", "director": "Relevant director",
    "wards": "Wards affected", "contacts": "Contact officer", "other_officers":
    "Other officers who provided input", "priorities": "Relevant plan priorities",
    "summary": "Summary", "recommendations": "Recommendation",
}
"""The theme's cover labels in English (the catalogue's ``report:``, whose ``report_plural:``
holds "Contact officers" and "Recommendations" for more than one); the keys
``report.labels`` may set, and the defaults its schema states."""

REPORT_LABELS = {**COVER_LABELS, "background_papers": "Background papers",
                 "appendices": "Appendices"}
"""Every label ``report.labels`` may set: the cover's, then the headings of the report's
lists."""

BACKGROUND_PAPERS_STATEMENT = (
    "The following documents disclose facts or matters on which this report is based and "
    "have been relied upon to a material extent in preparing it (section 100D of the Local "
    "Government Act 1972):")

DATE_FORMAT = "{weekday}, {day} {month} {year}"
"""How ``long_date`` writes a date: "Wednesday, 8 July 2026"."""


@dataclass(frozen=True)
class ReportSettings:
    """What ``report:`` in ``packgen.yaml`` (or a meeting) sets of every report."""

    cover: tuple[str, ...] = COVER_ROWS
    """The cover's rows, in order; a row with nothing to show is left out."""
    labels: tuple[tuple[str, str], ...] = ()
    """(row, label) pairs replacing the theme's labels."""
    recommendations_after: str = ""
    """The heading of the section the recommendations follow; empty: on the cover."""
    background_papers_statement: str = BACKGROUND_PAPERS_STATEMENT
    """Printed above the background papers; empty for none."""

    def label(self, row: str, count: int = 1, words: Messages | None = None) -> str:
        """The label the organisation chose, else the catalogue's (``words``, English
        unless given), in the plural for more than one contact or recommendation."""
        chosen = dict(self.labels).get(row)
        if chosen is not None:
            return chosen
        return (words or english()).report_label(row, count)


MINUTES_LABELS = {
    "membership": "Membership", "member": "Member", "role": "Role",
    "attendance": "Attendance", "present": "Present", "apologies": "Apologies",
    "absent": "Absent", "substitute": "(substitute: {name})",
    "substitute_for": "Substitute for {name}", "substitute_unnamed": "Substitute",
    "apologies_list": "Apologies:",
    "in_attendance": "Also in attendance", "resolved": "RESOLVED",
}
"""The fixed words of the minutes template: the attendance table's heading and column
headings, the status words, the apologies line's lead, the guests' heading and the word
before a resolution. ``{name}`` stands for the other person of a substitution;
``substitute_unnamed`` is a substitute whose minutes do not say for whom."""


@dataclass(frozen=True)
class MinutesSettings:
    """What ``minutes:`` in ``packgen.yaml`` (or a meeting) sets of every set of minutes."""

    labels: tuple[tuple[str, str], ...] = ()
    """(key, words) pairs replacing the theme's (:data:`MINUTES_LABELS`)."""

    def label(self, key: str, words: Messages | None = None) -> str:
        chosen = dict(self.labels).get(key)
        return chosen if chosen is not None else (words or english()).minutes_label(key)
