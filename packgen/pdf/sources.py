"""Open the PDFs a pack merges: read them, repair what can be repaired, refuse the rest.

A PDF is read from a memory map of its file (see :mod:`packgen.pdf.mapped`), so memory
follows what is used of it rather than holding a copy, and no file stays open.
Every page's objects are resolved here, its page tree and page boxes checked
(:mod:`packgen.pdf.pagetree`) and what it draws with looked for data no viewer can decode
(:mod:`packgen.pdf.filters`: refused, or merged as it is with a warning when the
attachment says ``merge_damaged: true``), so damage is found, and reported against the
YAML line that attached the file, before anything is built. What pypdf had to repair
becomes a warning that says what was wrong. A file cut short is refused rather
than "recovered": the pages it lost would silently be missing from a legal
publication; a damaged file over :data:`MAX_REPAIR` is refused rather than
repaired, as repairing reads it whole into memory.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from mmap import mmap
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError, PdfReadError
from pypdf.generic import NameObject, NumberObject

from packgen.errors import AttachmentError, Problem
from packgen.layout import Pack, pdf_attachments
from packgen.model import Attachment, Meeting
from packgen.pdf.boxes import PageError
from packgen.pdf.bridge import tolerate
from packgen.pdf.fastread import prime
from packgen.pdf.filters import Damage, find_damage
from packgen.pdf.forms import is_password
from packgen.pdf.mapped import Mapped, map_file, over_file_budget
from packgen.pdf.pagetree import PageNotes, check_page_tree, check_pages
from packgen.pdf.repairs import pypdf_says, repair_summary
from packgen.pdf.tagstatus import (
    SUSPECT,
    UNREADABLE_TAGS,
    UNTAGGED,
    tag_status,
    untagged_pages,
)
from packgen.pdf.unreadable import UNREADABLE, LimitReachedError
from packgen.rendered import Typeset

MAX_REPAIR = 256 << 20
"""The largest damaged file packgen repairs. pypdf's repairs read the whole file into
memory, more than once (a damaged 4 GB file took 17 GB); real attachments are a few
MB, and a damaged file this large is better exported again than guessed at."""

_PASSWORD = "the PDF is protected by a password; ask its author for an unprotected copy"
_LIMIT = ("the PDF exceeds one of the PDF reader's safety limits ({}): it is damaged, or "
          "built to exhaust memory; export it again")

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
        except _Unreadable as exc:
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
        except _Unreadable as exc:
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


class _Unreadable(Exception):
    pass


def open_pdf(attachment: Attachment) -> Source:
    """Open one PDF attachment, or raise _Unreadable saying why it cannot be merged."""
    reading = _read_file(attachment.file, {})
    try:
        return _source(attachment, reading)
    except _Unreadable:
        reading.stream.close()
        raise


@dataclass
class _Reading:
    """A file as read and checked, before what an attachment asks of it is applied: what
    any number of attachments of the same bytes can share."""

    reader: PdfReader
    digest: str
    stream: BinaryIO
    damage: list[Damage]
    repairs: list[str]
    notes: PageNotes
    untagged: str | None
    """How its untagged warning ends, after the file's name; None: it is tagged."""
    fields: str | None
    """Why its form fields could not be redrawn; None: they were, or it has none."""


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
        self.by_path: dict[Path, _Reading] = {}
        self.by_digest: dict[str, _Reading] = {}
        self.read_files: list[_Reading] = []

    def read(self, path: Path) -> _Reading:
        key = path.resolve()
        reading = self.by_path.get(key)
        if reading is None:
            reading = _read_file(path, self.by_digest)
            if not any(reading is r for r in self.read_files):
                self.read_files.append(reading)
            if reading.untagged is not None or tag_status(reading.reader) == UNREADABLE_TAGS:
                self.by_path[key] = self.by_digest[reading.digest] = reading
        return reading

    def close(self) -> None:
        for reading in self.read_files:
            reading.stream.close()


def _read_file(path: Path, known: dict[str, _Reading]) -> _Reading:
    """Read and check one PDF file (the one in ``known`` of the same digest, if any), or
    raise _Unreadable saying why it cannot be merged."""
    try:
        with path.open("rb") as file:
            head = file.read(1024)
            if b"%PDF-" not in head:
                raise _Unreadable("not a PDF file" if head else "the file is empty")
            digest = _digest(file)
            twin = known.get(digest)
            if twin is not None:
                return twin
            stream, mapped = map_file(file)
    except OSError as exc:
        raise _Unreadable(f"cannot read the file ({exc.strerror or exc})") from None
    try:
        with pypdf_says() as repairs:
            try:
                # pypdf looks for a missing marker a byte at a time back through the whole
                # file (40 s for 300 MB): when it is not near the end, say so at once.
                if mapped.data.rfind(b"%%EOF", max(0, mapped.size - (1 << 20))) < 0:
                    raise PdfReadError("the %%EOF marker is missing")
                reader, notes, damage = _read(stream, mapped, fast=True)
            except _Unreadable:
                raise
            except LimitReachedError as exc:
                raise _Unreadable(_LIMIT.format(exc)) from None
            except UNREADABLE as first:
                reader, notes, damage = _read_with_eof_marker(mapped, first)
                repairs.append("EOF marker added")
            untagged = _untagged(reader)  # before forms are redrawn in a copy
            fields = None
            try:
                reader = _with_field_appearances(reader)
            except UNREADABLE as exc:
                fields = str(exc)
    except BaseException:
        stream.close()
        raise
    for index in notes.turns:  # upright as viewers show it (:func:`_upright` says so)
        reader.pages[index][NameObject("/Rotate")] = NumberObject(0)
    return _Reading(reader, digest, stream, damage, list(repairs), notes, untagged, fields)


def _source(attachment: Attachment, reading: _Reading) -> Source:
    """``attachment``'s view of a file read: its warnings at its own line, its own
    ``merge_damaged``; raise _Unreadable when it refuses the file's damage."""
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
                  untagged=untagged)


def refused_tags(attachment: Attachment) -> Problem:
    """The warning for a tagged attachment whose structure tree the pack could not adopt
    (:mod:`packgen.pdf.graft` refuses one too large to read or naming marked content its
    pages do not hold): its pages are untagged in the pack."""
    return Problem(attachment.pos, f'"{attachment.file.name}" has a structure tree packgen '
                   "could not adopt (too large, or naming content its pages do not hold); "
                   "the pack cannot claim PDF/UA accessibility (export it from Word or "
                   "LibreOffice with tags)", severity="warning")


def _untagged(reader: PdfReader) -> str | None:
    """How the warning that a screen reader cannot follow the file ends, after its name;
    None when it is tagged: one line per attachment, whatever its pages."""
    status = tag_status(reader)
    if status is None:
        return None
    if status == UNTAGGED:
        said = "is not a tagged PDF"
    elif status == UNREADABLE_TAGS:
        said = "has a structure tree that cannot be read (a ParentTree, RoleMap, ClassMap " \
            "or IDTree that is not a dictionary)"
    elif status == SUSPECT:
        said = "says its own tags are unreliable (/MarkInfo /Suspects true)"
    else:
        pages = untagged_pages(reader)
        said = f"is tagged but not on page{'s' if len(pages) > 1 else ''} " + \
            ", ".join(str(n) for n in pages[:5]) + (" and more" if len(pages) > 5 else "")
    return f"{said}; the pack cannot claim PDF/UA accessibility (export it from Word or " \
        "LibreOffice with tags)"


def _refuse_or_warn(attachment: Attachment, damage: list[Damage]) -> Problem:
    """Refuse pages no viewer can decode (:class:`_Unreadable`), or, when the attachment
    says ``merge_damaged: true``, the warning that they are merged as they are."""
    others = len(damage) - 1
    more = f"; {others} more page{'s are' if others > 1 else ' is'} damaged too" if others else ""
    if not attachment.merge_damaged:
        raise _Unreadable(f"{damage[0]}{more}; export the PDF again, or add "
                          '"merge_damaged: true" to the attachment to merge it as it is')
    return Problem(attachment.pos, f'"{attachment.file.name}": {damage[0]}{more}; merged as '
                   'it is, as "merge_damaged: true" asks', severity="warning")


def _upright(attachment: Attachment, odd: dict[int, int]) -> Problem:
    """The warning that each page's /Rotate that is not a quarter turn was set to 0, as
    viewers show it (:func:`_read_file` sets it)."""
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


def _with_field_appearances(reader: PdfReader) -> PdfReader:
    """Redraw filled-in text fields from their values before the pages are flattened.

    Many forms leave drawing a field's value to the viewer (an empty appearance and
    /NeedAppearances); flattened into a pack, such a field would print blank.
    """
    if "/AcroForm" not in reader.root_object:
        return reader
    values = {name: str(field["/V"]) for name, field in (reader.get_fields() or {}).items()
              if field.get("/FT") == "/Tx" and isinstance(field.get("/V"), str)
              and field.get("/V") and not is_password(field)}  # never even redraw a password
    if not values:
        return reader
    writer = PdfWriter(clone_from=reader)
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    buffer = io.BytesIO()
    writer.write(buffer)
    return PdfReader(buffer)


def _digest(stream: BinaryIO) -> str:
    """SHA-256 of the whole file, read in chunks."""
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def _read_sound(stream: BinaryIO, data: mmap) -> PdfReader | None:
    """The reader of a file in good order, read quickly; None if anything is amiss.

    pypdf's tolerant mode starts by visiting every object the cross-reference table
    lists, to find entries that point astray. Read strictly, a sound file skips that
    visit, and :func:`prime` checks every entry anyway; only if strict reading fails,
    or an entry is astray, is the file read again tolerantly, to repair it as before.
    An encrypted file is kept as read strictly: it cannot be primed, and reading it
    again would repair nothing.
    """
    try:
        with pypdf_says(private=True) as said:
            reader = PdfReader(stream, strict=True)
        if said:
            return None
        tolerate(reader)  # from here on pypdf repairs what it can, and says so
        if not reader.is_encrypted and prime(reader, data).misplaced:
            return None
    except UNREADABLE:
        return None
    return reader


def _read(stream: BinaryIO, mapped: Mapped, fast: bool = False
          ) -> tuple[PdfReader, PageNotes, list[Damage]]:
    """The checked reader, what its pages show oddly, and what no viewer can decode."""
    try:
        reader_or_none = _read_sound(stream, mapped.data) if fast else None
        if reader_or_none is None:
            _refuse_repair_if_large(mapped, None)
            stream.seek(0)
            with pypdf_says() as repairs:
                reader = PdfReader(stream, strict=False)
            if fast and not repairs:  # a file pypdf had to repair is left wholly to pypdf
                prime(reader, mapped.data)
        else:
            reader = reader_or_none
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Unreadable(_PASSWORD)
        check_page_tree(reader)
        if len(reader.pages) == 0:
            raise _Unreadable("the PDF has no pages")
        notes = check_pages(reader)
        damage = find_damage(reader)
    except FileNotDecryptedError:
        raise _Unreadable(_PASSWORD) from None
    except PageError as exc:
        raise _Unreadable(str(exc)) from None
    return reader, notes, damage


def _refuse_repair_if_large(mapped: Mapped, first: BaseException | None) -> None:
    """Repairing reads the whole file into memory, several times over: not a large one."""
    if mapped.size > MAX_REPAIR:
        why = f" ({first})" if first is not None else ""
        raise _Unreadable(f"the PDF is damaged{why}, and at {mapped.size / (1 << 20):,.0f} MiB "
                          f"it is larger than packgen will repair ({MAX_REPAIR >> 20} MiB); "
                          "export or download it again")


def _read_with_eof_marker(mapped: Mapped, first: BaseException
                          ) -> tuple[PdfReader, PageNotes, list[Damage]]:
    """pypdf cannot read a file whose %%EOF marker is missing; add one and try again."""
    _refuse_repair_if_large(mapped, first)
    if b"%%EOF" not in mapped.data[-1024:]:
        try:
            return _read(mapped.with_suffix(b"\n%%EOF\n"), mapped)
        except LimitReachedError as exc:
            raise _Unreadable(_LIMIT.format(exc)) from None
        except UNREADABLE:
            pass
    raise _Unreadable(f"the PDF is damaged or cut short and cannot be read ({first}); "
                      "export or download it again") from None
