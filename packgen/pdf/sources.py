"""Open the PDFs a pack merges: read them, repair what can be repaired, refuse the rest.

Each file is read and checked once (:mod:`packgen.pdf.reading`), however many attachments
name it or a copy of it (:class:`_Readings`). What the reading found becomes each
attachment's own: damage no viewer can decode is refused, or merged as it is with a
warning when the attachment says ``merge_damaged: true``, so damage is found, and
reported against the YAML line that attached the file, before anything is built; what
pypdf had to repair becomes a warning that says what was wrong.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader

from packgen.errors import AttachmentError, Problem
from packgen.layout import Pack, pdf_attachments
from packgen.model import Attachment, Meeting
from packgen.pdf.filters import Damage
from packgen.pdf.mapped import over_file_budget
from packgen.pdf.reading import MAX_REPAIR, FileIdentity, Reading, Unreadable, read_file
from packgen.pdf.repairs import repair_summary
from packgen.pdf.tagstatus import UNREADABLE_TAGS, UNTAGGED
from packgen.rendered import Typeset

__all__ = ["MAX_REPAIR", "Source", "check_pdfs", "close_all", "open_attachments", "open_pdf",
           "refused_tags", "rendered_source"]


@dataclass
class Source:
    """An opened document: its reader, a digest of its bytes, what was repaired."""

    attachment: Attachment
    reader: PdfReader
    digest: str
    warnings: list[Problem] = field(default_factory=list)
    stream: BinaryIO | None = None
    typeset: Typeset | None = None
    """For a document packgen rendered, what the typesetter made of it (its structure)."""
    untagged: Problem | None = None
    """The warning that it is not a tagged PDF (one of ``warnings``), or None: tagged."""
    identity: FileIdentity | None = None
    """The file as it was opened (None: typeset by packgen)."""

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


def open_attachments(meeting: Meeting, packs: Sequence[Pack], require_tagged: bool = False
                     ) -> dict[Attachment, Source]:
    """Open every PDF the packs hold; raise :class:`AttachmentError` listing each bad one
    (and, with ``require_tagged``, each that is not a tagged PDF). A file attached twice,
    or the same bytes under two names, is read once (:class:`_Readings`)."""
    sources: dict[Attachment, Source] = {}
    attachments = pdf_attachments(meeting, packs)
    problems = over_file_budget(attachments)
    readings = _Readings()
    for attachment in [] if problems else attachments:
        try:
            sources[attachment] = _source(attachment, readings.read(attachment.file))
        except Unreadable as exc:
            problems.append(Problem(attachment.pos, f'"{attachment.file.name}": {exc}'))
    if require_tagged:
        problems += [replace(s.untagged, severity="error") for s in sources.values()
                     if s.untagged is not None]
    if problems:
        readings.close()
        raise AttachmentError(problems)
    return sources


def check_pdfs(attachments: Sequence[Attachment], require_tagged: bool = False
               ) -> tuple[list[Problem], list[Problem]]:
    """Open and close each PDF as a build would; the problems, and the warnings (with
    ``require_tagged``, an untagged PDF is a problem)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for attachment in attachments:
        try:
            source = open_pdf(attachment)
        except Unreadable as exc:
            problems.append(Problem(attachment.pos, f'"{attachment.file.name}": {exc}'))
            continue
        source.close()
        if require_tagged and source.untagged is not None:
            problems.append(replace(source.untagged, severity="error"))
        warnings += [w for w in source.warnings
                     if not (require_tagged and w is source.untagged)]
    return problems, warnings


def close_all(sources: Iterable[Source]) -> None:
    for source in sources:
        source.close()


def rendered_source(attachment: Attachment, typeset: Typeset) -> Source:
    """A document packgen rendered itself, ready to merge like any PDF."""
    pdf = typeset.pdf
    return Source(attachment, PdfReader(io.BytesIO(pdf)), hashlib.sha256(pdf).hexdigest(),
                  typeset=typeset)


def open_pdf(attachment: Attachment) -> Source:
    """Open one PDF attachment, or raise Unreadable saying why it cannot be merged."""
    reading = read_file(attachment.file, {})
    try:
        return _source(attachment, reading)
    except Unreadable:
        reading.stream.close()
        raise


class _Readings:
    """The files a build has read, by resolved path and by digest, for the attachments
    that name the same file again, or a copy of it.

    One reader is shared only by documents whose structure tree the pack will not adopt:
    grafting (:mod:`packgen.pdf.graft`) changes a tagged document's elements in place and
    stamps its form XObjects with ParentTree keys of one placement, so a tagged file
    attached twice is read twice, and the writer then writes what the two copies draw
    once (:mod:`packgen.pdf.dedup`). Everything else later stages change is per
    placement: the page copies, stamps, cleaned annotations, links rebuilt from the
    placement's first page, bookmarks."""

    def __init__(self) -> None:
        self.by_path: dict[Path, Reading] = {}
        self.by_digest: dict[str, Reading] = {}
        self.read_files: list[Reading] = []

    def read(self, path: Path) -> Reading:
        key = path.resolve()
        reading = self.by_path.get(key)
        if reading is None:
            reading = read_file(path, self.by_digest)
            if not any(reading is r for r in self.read_files):
                self.read_files.append(reading)
            # Suspect and partly tagged trees are adopted too: only these are not.
            if reading.status in (UNTAGGED, UNREADABLE_TAGS):
                self.by_path[key] = self.by_digest[reading.digest] = reading
        return reading

    def close(self) -> None:
        for reading in self.read_files:
            reading.stream.close()


def _source(attachment: Attachment, reading: Reading) -> Source:
    """``attachment``'s view of a file read: its warnings at its own line, its own
    ``merge_damaged``; raise Unreadable when it refuses the file's damage."""
    warnings = []
    if reading.damage:
        warnings.append(_refuse_or_warn(attachment, reading.damage))
    name = attachment.file.name
    if reading.fields is not None:
        warnings.append(Problem(attachment.pos, f'"{name}": its form fields could not be '
                                f"redrawn from their values ({reading.fields}); they print "
                                "as the file shows them", severity="warning"))
    if reading.repairs:
        summary = repair_summary(reading.repairs)
        warnings.append(Problem(attachment.pos, f'"{name}": the PDF was damaged and has been '
                                f"repaired ({summary}); check its pages", severity="warning"))
    if reading.notes.turns:
        warnings.append(_upright(attachment, reading.notes.turns))
    if reading.notes.crops:
        warnings.append(_whole(attachment, reading.notes.crops))
    untagged = None
    if reading.untagged is not None:
        untagged = Problem(attachment.pos, f'"{name}" {reading.untagged}', severity="warning")
        warnings.append(untagged)
    return Source(attachment, reading.reader, reading.digest, warnings, reading.stream,
                  untagged=untagged, identity=reading.identity)


def refused_tags(attachment: Attachment) -> Problem:
    """The warning for a tagged attachment whose structure tree the pack could not adopt
    (:mod:`packgen.pdf.graft` refuses one too large to read or naming marked content its
    pages do not hold): its pages are untagged in the pack."""
    return Problem(attachment.pos, f'"{attachment.file.name}" has a structure tree packgen '
                   "could not adopt (too large, or naming content its pages do not hold); "
                   "the pack cannot claim PDF/UA accessibility (export it from Word or "
                   "LibreOffice with tags)", severity="warning")


def _refuse_or_warn(attachment: Attachment, damage: list[Damage]) -> Problem:
    """Refuse pages no viewer can decode (:class:`Unreadable`), or, when the attachment
    says ``merge_damaged: true``, the warning that they are merged as they are."""
    others = len(damage) - 1
    more = f"; {others} more page{'s are' if others > 1 else ' is'} damaged too" if others else ""
    if not attachment.merge_damaged:
        raise Unreadable(f"{damage[0]}{more}; export the PDF again, or add "
                         '"merge_damaged: true" to the attachment to merge it as it is')
    return Problem(attachment.pos, f'"{attachment.file.name}": {damage[0]}{more}; merged as '
                   'it is, as "merge_damaged: true" asks', severity="warning")


def _upright(attachment: Attachment, odd: dict[int, int]) -> Problem:
    """The warning that each page's /Rotate that is not a quarter turn was set to 0, as
    viewers show it (:func:`read_file` sets it)."""
    return Problem(attachment.pos, f'"{attachment.file.name}": '
                   f"{_listed({i: f'/Rotate {turn}' for i, turn in odd.items()})}: turned by a "
                   "/Rotate that is not a multiple of 90 degrees; printed upright, as PDF "
                   "viewers show it", severity="warning")


def _whole(attachment: Attachment, crops: dict[int, str]) -> Problem:
    return Problem(attachment.pos, f'"{attachment.file.name}": {_listed(crops)}: a CropBox '
                   "that is not four numbers or shows none of the page is ignored; the whole "
                   "page (its MediaBox) is printed, as PDF viewers show it", severity="warning")


def _listed(pages: dict[int, str]) -> str:
    """"page 2 (/Rotate 45), page 5 (/Rotate 30) and 4 more pages": three named at most."""
    listed = ", ".join(f"page {i + 1} ({said})" for i, said in list(pages.items())[:3])
    return listed + (f" and {len(pages) - 3} more pages" if len(pages) > 3 else "")




def changed_in_place(sources: Iterable[Source]) -> list[Problem]:
    """A problem for each attachment whose file was written over in place while the pack
    was built (its pages were being copied from the file as it was read)."""
    return [Problem(s.attachment.pos, f'"{s.attachment.file.name}": the file changed while '
                    "the pack was being built (it was saved over); nothing was written: "
                    "build again") for s in sources
            if s.identity is not None and s.identity.changed_in_place()]
