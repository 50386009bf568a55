"""Open the PDFs a pack merges: read them, repair what can be repaired, refuse the rest.

A PDF is read from its open file, so memory follows what is used of it rather than
holding a copy. Every page's objects are resolved here, so damage is found, and
reported against the YAML line that attached the file, before anything is built.
What pypdf had to repair becomes a warning that says what was wrong. A file cut
short is refused rather than "recovered": the pages it lost would silently be
missing from a legal publication.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError, PdfReadError

from packgen.errors import AttachmentError, Problem
from packgen.fastread import prime
from packgen.layout import Pack, pdf_attachments
from packgen.model import Attachment, Meeting

_READ_ERRORS = (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                RecursionError)

# What pypdf says when it repairs, and what we tell the officer.
_REPAIRS = (
    ("startxref", "its cross-reference table was out of place and was rebuilt"),
    ("rebuild xref", "its cross-reference table was damaged and was rebuilt"),
    ("xref table not zero-indexed", "its cross-reference table was misnumbered"),
    ("invalid pdf header", "there was junk before the PDF header, which was skipped"),
    ("EOF marker", "its end-of-file marker was missing and was added"),
    ("Object", "some of its objects were damaged and were read as well as they could be"),
)


@dataclass
class Source:
    """An opened document: its reader, a digest of its bytes, what was repaired."""

    attachment: Attachment
    reader: PdfReader
    digest: str
    warnings: list[Problem] = field(default_factory=list)
    stream: BinaryIO | None = None

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


def open_attachments(meeting: Meeting, packs: Sequence[Pack]) -> dict[Attachment, Source]:
    """Open every PDF the packs hold; raise :class:`AttachmentError` listing each bad one."""
    sources: dict[Attachment, Source] = {}
    problems: list[Problem] = []
    for attachment in pdf_attachments(meeting, packs):
        try:
            sources[attachment] = open_pdf(attachment)
        except _Unreadable as exc:
            problems.append(Problem(attachment.pos, f'"{attachment.file.name}": {exc}'))
    if problems:
        close_all(sources.values())
        raise AttachmentError(problems)
    return sources


def check_pdfs(attachments: Sequence[Attachment]) -> tuple[list[Problem], list[Problem]]:
    """Open and close each PDF as a build would; the problems, and the warnings."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for attachment in attachments:
        try:
            source = open_pdf(attachment)
        except _Unreadable as exc:
            problems.append(Problem(attachment.pos, f'"{attachment.file.name}": {exc}'))
            continue
        source.close()
        warnings += source.warnings
    return problems, warnings


def close_all(sources: Iterable[Source]) -> None:
    for source in sources:
        source.close()


def rendered_source(attachment: Attachment, pdf: bytes) -> Source:
    """A document packgen rendered itself, ready to merge like any PDF."""
    return Source(attachment, PdfReader(io.BytesIO(pdf)), hashlib.sha256(pdf).hexdigest())


class _Unreadable(Exception):
    pass


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _pypdf_warnings(private: bool = False) -> Iterator[list[str]]:
    """What pypdf logs while a file is read: the repairs it made.

    ``private`` hides what is said from any outer collector: a strict first attempt at
    reading a file (see :func:`_read_sound`) may complain of what nobody repaired.
    """
    handler = _Collect()
    logger = logging.getLogger("pypdf")
    outer = [h for h in logger.handlers if isinstance(h, _Collect)] if private else []
    for other in outer:
        logger.removeHandler(other)
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        for other in outer:
            logger.addHandler(other)


def open_pdf(attachment: Attachment) -> Source:
    """Open one PDF attachment, or raise _Unreadable saying why it cannot be merged."""
    try:
        stream = attachment.file.open("rb")
    except OSError as exc:
        raise _Unreadable(f"cannot read the file ({exc.strerror})") from None
    try:
        head = stream.read(1024)
        if b"%PDF-" not in head:
            raise _Unreadable("not a PDF file" if head else "the file is empty")
        stream.seek(0)
        digest = _digest(stream)
        with _pypdf_warnings() as repairs:
            try:
                reader = _read(stream, fast=True)
            except _Unreadable:
                raise
            except _READ_ERRORS as first:
                reader = _read_with_eof_marker(stream, first)
                stream.close()
                stream = None  # type: ignore[assignment]
    except BaseException:
        if stream is not None:
            stream.close()
        raise
    warnings = []
    try:
        reader = _with_field_appearances(reader)
    except _READ_ERRORS as exc:
        warnings.append(Problem(attachment.pos, f'"{attachment.file.name}": its form fields '
                                f"could not be redrawn from their values ({exc}); they print "
                                "as the file shows them", severity="warning"))
    if repairs:
        said = [why for key, why in _REPAIRS if any(key.lower() in m.lower() for m in repairs)]
        summary = "; ".join(dict.fromkeys(said)) or repairs[0]
        warnings.append(Problem(attachment.pos, f'"{attachment.file.name}": the PDF was '
                                f"damaged and has been repaired ({summary}); check its pages",
                                severity="warning"))
    return Source(attachment, reader, digest, warnings, stream)


def _with_field_appearances(reader: PdfReader) -> PdfReader:
    """Redraw filled-in text fields from their values before the pages are flattened.

    Many forms leave drawing a field's value to the viewer (an empty appearance and
    /NeedAppearances); flattened into a pack, such a field would print blank.
    """
    if "/AcroForm" not in reader.root_object:
        return reader
    values = {name: str(field["/V"]) for name, field in (reader.get_fields() or {}).items()
              if field.get("/FT") == "/Tx" and isinstance(field.get("/V"), str)
              and field.get("/V")}
    if not values:
        return reader
    writer = PdfWriter(clone_from=reader)
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    buffer = io.BytesIO()
    writer.write(buffer)
    return PdfReader(buffer)


def _digest(stream: BinaryIO) -> str:
    """SHA-256 of the whole file, read in chunks; leaves the stream at its start."""
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _read_sound(stream: BinaryIO) -> PdfReader | None:
    """The reader of a file in good order, read quickly; None if anything is amiss.

    pypdf's tolerant mode starts by visiting every object the cross-reference table
    lists, to find entries that point astray. Read strictly, a sound file skips that
    visit, and :func:`prime` checks every entry anyway; only if strict reading fails,
    or an entry is astray, is the file read again tolerantly, to repair it as before.
    """
    try:
        with _pypdf_warnings(private=True) as said:
            reader = PdfReader(stream, strict=True)
        if said or reader.is_encrypted:
            return None
        reader.strict = False  # from here on pypdf tolerates what it can, and says so
        if prime(reader, stream).misplaced:
            return None
    except _READ_ERRORS:
        return None
    return reader


def _read(stream: BinaryIO, fast: bool = False) -> PdfReader:
    try:
        reader_or_none = _read_sound(stream) if fast else None
        if reader_or_none is None:
            stream.seek(0)
            with _pypdf_warnings() as repairs:
                reader = PdfReader(stream, strict=False)
            if fast and not repairs:  # a file pypdf had to repair is left wholly to pypdf
                prime(reader, stream)
        else:
            reader = reader_or_none
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Unreadable("the PDF is protected by a password; ask its author for an "
                              "unprotected copy")
        if len(reader.pages) == 0:
            raise _Unreadable("the PDF has no pages")
        for page in reader.pages:  # resolve each page's objects, so damage shows now
            for key in ("/Contents", "/Resources"):
                value = page.get(key)
                if value is not None:
                    value.get_object()
    except FileNotDecryptedError:
        raise _Unreadable("the PDF is protected by a password; ask its author for an "
                          "unprotected copy") from None
    return reader


def _read_with_eof_marker(stream: BinaryIO, first: BaseException) -> PdfReader:
    """pypdf cannot read a file whose %%EOF marker is missing; add one and try again."""
    stream.seek(0)
    data = stream.read()
    if b"%%EOF" not in data[-1024:]:
        try:
            return _read(io.BytesIO(data + b"\n%%EOF\n"))
        except _READ_ERRORS:
            pass
    raise _Unreadable(f"the PDF is damaged or cut short and cannot be read ({first}); "
                      "export or download it again") from None
