"""Read one PDF file and check it: what every attachment of the same bytes shares.

A PDF is read from a memory map of its file (see :mod:`packgen.pdf.mapped`), so memory
follows what is used of it rather than holding a copy, and no file stays open.
Every page's objects are resolved here, its page tree and page boxes checked
(:mod:`packgen.pdf.pagetree`) and what it draws with looked for data no viewer can decode
(:mod:`packgen.pdf.filters`), and what pypdf had to repair is noted: what each attachment
makes of that (refused, or a warning at its own YAML line) is
:mod:`packgen.pdf.sources`'. A file cut short is refused rather than "recovered": the
pages it lost would silently be missing from a legal publication; a damaged file over
:data:`MAX_REPAIR` is refused rather than repaired, as repairing reads it whole into
memory.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from mmap import mmap
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError, PdfReadError
from pypdf.generic import NameObject, NumberObject

from packgen.pdf.boxes import PageError
from packgen.pdf.bridge import tolerate
from packgen.pdf.fastread import prime
from packgen.pdf.filters import Damage, find_damage
from packgen.pdf.forms import is_password
from packgen.pdf.mapped import Mapped, let_go, map_file
from packgen.pdf.pagetree import PageNotes, check_page_tree, check_pages
from packgen.pdf.repairs import pypdf_says
from packgen.pdf.tagstatus import (
    SUSPECT,
    UNREADABLE_TAGS,
    UNTAGGED,
    tag_status,
    untagged_pages,
)
from packgen.pdf.unreadable import UNREADABLE, LimitReachedError

MAX_REPAIR = 256 << 20
"""The largest damaged file packgen repairs. pypdf's repairs read the whole file into
memory, more than once (a damaged 4 GB file took 17 GB); real attachments are a few
MB, and a damaged file this large is better exported again than guessed at."""

_PASSWORD = "the PDF is protected by a password; ask its author for an unprotected copy"
_LIMIT = ("the PDF exceeds one of the PDF reader's safety limits ({}): it is damaged, or "
          "built to exhaust memory; export it again")


class Unreadable(Exception):
    """Why a file cannot be merged, said to the officer after its name."""


@dataclass
class Reading:
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
    status: str | None = None
    """Its :func:`~packgen.pdf.tagstatus.tag_status`: None, tagged."""
    identity: FileIdentity | None = None
    """The file as it was opened: its streams are read from its map until the pack is
    written, so a change in place (``cp`` over it) must be noticed before the pack is."""


@dataclass(frozen=True)
class FileIdentity:
    path: Path
    device: int
    inode: int
    size: int
    modified: int

    @classmethod
    def of(cls, path: Path, info: os.stat_result) -> FileIdentity:
        return cls(path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)

    def changed_in_place(self) -> bool:
        """Whether the file read has been written over since (same file, new size or
        time). One replaced by another (an editor's save by renaming) is not: the map
        still holds the file that was read, whole."""
        try:
            now = FileIdentity.of(self.path, os.stat(self.path))
        except OSError:
            return False  # removed: its map still holds what was read
        return (now.device, now.inode) == (self.device, self.inode) and now != self


def read_file(path: Path, known: dict[str, Reading]) -> Reading:
    """Read and check one PDF file (the one in ``known`` of the same digest, if any), or
    raise Unreadable saying why it cannot be merged."""
    try:
        with path.open("rb") as file:
            head = file.read(1024)
            if b"%PDF-" not in head:
                raise Unreadable("not a PDF file" if head else "the file is empty")
            identity = FileIdentity.of(path, os.fstat(file.fileno()))
            digest = _digest(file)
            twin = known.get(digest)
            if twin is not None:
                return twin
            stream, mapped = map_file(file)
    except OSError as exc:
        raise Unreadable(f"cannot read the file ({exc.strerror or exc})") from None
    try:
        with pypdf_says() as repairs:
            try:
                # pypdf looks for a missing marker a byte at a time back through the whole
                # file (40 s for 300 MB): when it is not near the end, say so at once.
                if mapped.data.rfind(b"%%EOF", max(0, mapped.size - (1 << 20))) < 0:
                    raise PdfReadError("the %%EOF marker is missing")
                reader, notes, damage = _read(stream, mapped, fast=True)
            except Unreadable:
                raise
            except LimitReachedError as exc:
                raise Unreadable(_LIMIT.format(exc)) from None
            except UNREADABLE as first:
                reader, notes, damage = _read_with_eof_marker(mapped, first)
                repairs.append("EOF marker added")
            status = tag_status(reader)  # before forms are redrawn in a copy
            untagged = untagged_said(reader, status)
            fields = None
            try:
                reader = _with_field_appearances(reader)
            except UNREADABLE as exc:
                fields = str(exc)
    except BaseException:
        stream.close()
        raise
    for index in notes.turns:  # upright as viewers show it (:mod:`packgen.pdf.sources` says so)
        reader.pages[index][NameObject("/Rotate")] = NumberObject(0)
    let_go(mapped.data, 0, len(mapped.data))  # read until written: see Window.write_to
    return Reading(reader, digest, stream, damage, list(repairs), notes, untagged, fields,
                   status, identity)


def untagged_said(reader: PdfReader, status: str | None) -> str | None:
    """How the warning that a screen reader cannot follow the file ends, after its name
    (``status`` is its :func:`tag_status`); None when it is tagged: one line per
    attachment, whatever its pages."""
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
            raise Unreadable(_PASSWORD)
        check_page_tree(reader)
        if len(reader.pages) == 0:
            raise Unreadable("the PDF has no pages")
        notes = check_pages(reader)
        damage = find_damage(reader)
    except FileNotDecryptedError:
        raise Unreadable(_PASSWORD) from None
    except PageError as exc:
        raise Unreadable(str(exc)) from None
    return reader, notes, damage


def _refuse_repair_if_large(mapped: Mapped, first: BaseException | None) -> None:
    """Repairing reads the whole file into memory, several times over: not a large one."""
    if mapped.size > MAX_REPAIR:
        why = f" ({first})" if first is not None else ""
        raise Unreadable(f"the PDF is damaged{why}, and at {mapped.size / (1 << 20):,.0f} MiB "
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
            raise Unreadable(_LIMIT.format(exc)) from None
        except UNREADABLE:
            pass
    raise Unreadable(f"the PDF is damaged or cut short and cannot be read ({first}); "
                      "export or download it again") from None
