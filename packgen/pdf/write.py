"""Write the pack: every object reachable from its catalog, numbered as it is reached.

pypdf's own writer first copies ("clones") every object of every attachment into the
writer, then writes each through a method call per name, number and bracket, which
together took most of a build of a large pack. Here the assembled pages keep
pointing at the attachments' objects as their readers parsed them, and each object
is serialized once, straight from wherever it lives, with its references renumbered
on the way out.

Only what the catalog and the document information reach is written, in the order
it is reached, so the same inputs give the same bytes. Two guards keep an
attachment's pages from dragging the rest of their document in behind them: a
reference to a page that was copied points at the copy (``redirect``, the
:class:`packgen.pdf.links.Copies` assembling noted), and a reference to any other page,
page-tree node, catalog or structure tree root of an attachment is written as null. A
catalog is known by being its document's /Root, not only by its /Type (which a hostile
file leaves out).
And no file or action is ever written, wherever it sits, direct or an object of its own
(:func:`packgen.pdf.objects.active`, the cleaner's own test), except a link's GoTo, URI
or page move in its /A: :mod:`packgen.pdf.scrub` has already removed every route to the
rest, and this is the last line should a new route appear.
"""

from __future__ import annotations

import io
from collections import deque
from typing import BinaryIO, cast

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    Destination,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    OutlineItem,
    PdfObject,
    StreamObject,
)

from packgen.pdf.bridge import pdf_version, stored_data, stored_window
from packgen.pdf.dedup import Twins
from packgen.pdf.links import Copies, ObjectKey
from packgen.pdf.mapped import Window
from packgen.pdf.objects import active, kind
from packgen.pdf.objstreams import at_least, object_streams, packable, xref_stream
from packgen.pdf.unreadable import UNREADABLE


class DamagedObject(Exception):
    """An object of ``document`` could not be read while the pack was written."""

    def __init__(self, document: object, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.document = document


_NOT_COPIED = frozenset({"/Page", "/Pages", "/Catalog", "/StructTreeRoot"})
"""An attachment's objects that stay behind with its document. Its structure tree's root
is one: the pack has its own tree, into which only the elements grafting adopts come
(:mod:`packgen.pdf.structure`), and the old root would bring the whole old tree."""
_LINK_ACTIONS = frozenset({"/GoTo", "/URI", "/Named"})
"""The actions a link of the pack may hold (in its /A): those scrubbing keeps or makes."""
_OUTLINE_KEYS = ("/Title", "/Parent", "/First", "/Last", "/Next", "/Prev")
HELD = 64 << 10
"""A stream's stored bytes from this size on are written from their mapped file as they
are, not first joined with the rest of their object: only a copy of a small one is ever
made, and only for the moment it is written."""


def write_pdf(writer: PdfWriter, stream: BinaryIO, file_id: ArrayObject,
              redirect: Copies) -> None:
    """Write ``writer``'s document to ``stream``; ``redirect`` maps copied pages to copies."""
    _Serializer(writer, redirect).write(stream, file_id)


class _Serializer:
    def __init__(self, writer: PdfWriter, redirect: Copies) -> None:
        self.writer = writer
        self.redirect = redirect
        self.numbers: dict[ObjectKey, int] = {}
        """The number written for each object reached: its twin's, if it has one
        (:mod:`packgen.pdf.dedup`)."""
        self.count = 0
        self.twins = Twins(redirect)
        self.pending: deque[PdfObject] = deque()
        self.names: dict[str, bytes] = {}
        self.floats: dict[float, bytes] = {}
        self.keys: dict[str, bytes] = {}
        self.roots: dict[int, object] = {}
        self.held: Window | None = None

    def write(self, stream: BinaryIO, file_id: ArrayObject) -> None:
        writer = self.writer
        root = self.reference(writer.root_object.indirect_reference)
        info = writer.metadata
        info_ref = self.add(DictionaryObject(info)) if info is not None else None
        # A tagged pack's structure goes into object streams (:mod:`packgen.pdf.objstreams`).
        packing = "/StructTreeRoot" in writer.root_object
        version = pdf_version(writer)
        header = b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % (
            at_least(version) if packing else version).encode("ascii")
        stream.write(header)
        entries: dict[int, tuple[int, int, int]] = {}
        packed: list[tuple[int, bytes]] = []
        position = len(header)
        number = 0
        while self.pending:
            obj = self.pending.popleft()
            number += 1
            chunks: list[bytes] = []
            if isinstance(obj, DictionaryObject) and not isinstance(
                    obj, StreamObject | OutlineItem | Destination):
                self.dictionary(obj, chunks)  # judged already, as it was referred to
            else:
                self.serialize(obj, chunks)
            if packing and packable(obj):
                packed.append((number, b"".join(chunks)))
                continue
            if self.held is not None:  # a large stream's bytes, still in their file
                entries[number] = (1, position, 0)
                position += self.write_held(stream, b"%d 0 obj\n" % number, chunks)
                continue
            data = b"".join([b"%d 0 obj\n" % number, *chunks, b"\nendobj\n"])
            entries[number] = (1, position, 0)
            stream.write(data)
            position += len(data)
        trailer = [b"/Root ", root]
        if info_ref is not None:
            trailer += [b" /Info ", info_ref]
        trailer.append(b" /ID ")
        self.serialize(file_id, trailer)
        if packing:
            for held, data, members in object_streams(packed, number + 1):
                entries[held] = (1, position, 0)
                entries.update((n, (2, held, i)) for i, n in enumerate(members))
                stream.write(data)
                position += len(data)
                number = held
            number += 1
            entries[number] = (1, position, 0)
            stream.write(xref_stream(entries, number, b"".join(trailer)))
            stream.write(b"startxref\n%d\n%%%%EOF\n" % position)
            return
        table = [b"xref\n0 %d\n0000000000 65535 f \n" % (number + 1)]
        table += [b"%010d 00000 n \n" % entries[n][1] for n in range(1, number + 1)]
        table += [b"trailer\n<< /Size %d " % (number + 1), *trailer]
        table.append(b" >>\nstartxref\n%d\n%%%%EOF\n" % position)
        stream.write(b"".join(table))

    def add(self, obj: PdfObject) -> bytes:
        """A reference to a new object, one nothing else refers to."""
        number = self.count = self.count + 1
        self.numbers[(0, -number)] = number
        self.pending.append(obj)
        return b"%d 0 R" % number

    def reference(self, ref: IndirectObject | None, action_slot: bool = False) -> bytes:
        if ref is None:
            return b"null"
        key = (id(ref.pdf), ref.idnum)  # object_key(ref), without the call: hot
        if ref.pdf is not self.writer:
            target = self.redirect.get(key)
            if target is not None:
                key = (id(target.pdf), target.idnum)
                ref = target
        number = self.numbers.get(key)
        if number is None:
            try:
                obj = ref.get_object()
            except UNREADABLE as exc:
                raise DamagedObject(ref.pdf, exc) from None
            if obj is None or isinstance(obj, NullObject) or isinstance(
                    obj, DictionaryObject) and (_forbidden(obj, action_slot) or (
                    ref.pdf is not self.writer and self.foreign_structure(ref.pdf, obj))):
                return b"null"
            if isinstance(obj, DictionaryObject):  # the same stream or font again: written once
                number = self.twins.place(obj, self.count + 1)
                if number <= self.count:
                    self.numbers[key] = number
                    return b"%d 0 R" % number
            number = self.count = self.count + 1
            self.numbers[key] = number
            self.pending.append(obj)
        return b"%d 0 R" % number

    def foreign_structure(self, document: object, obj: DictionaryObject) -> bool:
        """Whether an attachment's object is part of its document, not of a page's drawing."""
        if kind(obj, "/Type") in _NOT_COPIED:
            return True
        root = self.roots.get(id(document))
        if root is None:
            trailer = getattr(document, "trailer", None)
            found = trailer.get("/Root") if isinstance(trailer, DictionaryObject) else None
            root = self.roots[id(document)] = found.get_object() if found is not None else obj
        return obj is root

    def key(self, key: str) -> bytes:
        """A dictionary's key as written, with the space after it; b"" for one of pypdf's
        own bookkeeping entries (``/%...%``), which is never written. Worked out once for
        each key."""
        spelled = self.keys[key] = b"" if len(key) > 2 and key[1] == "%" and key[-1] == "%" \
            else (self.names.get(key) or self.name(cast(NameObject, key))) + b" "
        return spelled

    def name(self, obj: NameObject) -> bytes:
        name = self.names.get(obj)
        if name is None:
            name = self.names[obj] = obj.renumber()
        return name

    def serialize(self, obj: PdfObject, out: list[bytes]) -> None:
        # Exact types first: they are nearly every object, and cheaper to test (and no
        # cast() calls: in this loop even they cost).
        kind = type(obj)
        if kind is NameObject:
            out.append(self.names.get(obj) or self.name(obj))  # type: ignore[call-overload, arg-type]
        elif kind is IndirectObject:
            out.append(self.reference(obj))  # type: ignore[arg-type]
        elif kind is NumberObject:
            out.append(b"%d" % obj)  # type: ignore[str-format]
        elif kind is DictionaryObject:
            self.direct(obj, out)  # type: ignore[arg-type]
        elif kind is ArrayObject:
            out.append(b"[")
            for item in obj:  # type: ignore[attr-defined]
                out.append(b" ")
                self.serialize(item, out)
            out.append(b" ]")
        elif kind is FloatObject:
            out.append(self.floats.get(obj) or self.real(obj))  # type: ignore[call-overload, arg-type]
        elif isinstance(obj, NameObject):
            out.append(self.name(obj))
        elif isinstance(obj, NumberObject):
            out.append(b"%d" % obj)
        elif isinstance(obj, FloatObject):
            out.append(obj.myrepr().encode("ascii"))
        elif isinstance(obj, list):
            out.append(b"[")
            for item in obj:
                out.append(b" ")
                self.serialize(item, out)
            out.append(b" ]")
        elif isinstance(obj, OutlineItem):
            self.outline_item(obj, out)
        elif isinstance(obj, Destination):
            out.append(b"<<\n/D ")
            self.serialize(obj.dest_array, out)
            out.append(b"/S /GoTo\n>>")
        elif isinstance(obj, StreamObject):
            self.stream(obj, out)
        elif isinstance(obj, DictionaryObject):
            self.direct(obj, out)
        else:  # a string, boolean or null: nothing in it refers to another object
            buffer = io.BytesIO()
            obj.write_to_stream(buffer)
            out.append(buffer.getvalue())

    def real(self, obj: FloatObject) -> bytes:
        """A real number as pypdf writes it, worked out once for each value (a pack's
        page boxes are a few values on thousands of pages)."""
        text = self.floats[obj] = obj.myrepr().encode("ascii")
        return text

    def direct(self, obj: DictionaryObject, out: list[bytes], action_slot: bool = False) -> None:
        """A dictionary inside another object: null if it is a file or an action."""
        if _forbidden(obj, action_slot):
            out.append(b"null")
        else:
            self.dictionary(obj, out)

    def dictionary(self, obj: DictionaryObject, out: list[bytes], length: int = -1) -> None:
        keys, names, append = self.keys, self.names, out.append
        append(b"<<\n")
        for key, value in dict.items(obj):
            spelled = keys.get(key)
            if spelled is None:
                spelled = self.key(key)
            if not spelled or length >= 0 and key == "/Length":
                continue  # pypdf's own bookkeeping entries, or a stream's stale length
            append(spelled)
            kind = type(value)
            if kind is NameObject:
                append(names.get(value) or self.name(value))
            elif kind is IndirectObject:
                append(self.reference(value, key == "/A"))
            elif kind is NumberObject:
                append(b"%d" % value)
            elif key == "/A" and isinstance(value, DictionaryObject):
                self.direct(value, out, action_slot=True)
            else:
                self.serialize(value, out)
            append(b"\n")
        if length >= 0:
            append(b"/Length %d\n" % length)
        append(b">>")

    def stream(self, obj: StreamObject, out: list[bytes]) -> None:
        window = stored_window(obj)
        if window is not None and window.length >= HELD and not out:
            # The object itself (nothing before it in ``out``): its bytes go from the map
            # straight to the pack, after the dictionary (:meth:`write_held`).
            self.dictionary(obj, out, window.length)
            out.append(b"\nstream\n")
            self.held = window
            return
        data = stored_data(obj)
        self.dictionary(obj, out, len(data))
        out.append(b"\nstream\n")
        out.append(data)
        out.append(b"\nendstream")

    def write_held(self, stream: BinaryIO, head: bytes, chunks: list[bytes]) -> int:
        """Write a stream object whose bytes are held in their file; the bytes written."""
        assert self.held is not None
        window, self.held = self.held, None
        opening, closing = b"".join([head, *chunks]), b"\nendstream\nendobj\n"
        stream.write(opening)
        size = window.write_to(stream)
        stream.write(closing)
        return len(opening) + size + len(closing)

    def outline_item(self, obj: OutlineItem, out: list[bytes]) -> None:
        out.append(b"<<\n")
        for key in _OUTLINE_KEYS:
            if key in obj:
                out.append(self.name(NameObject(key)))
                out.append(b" ")
                self.serialize(obj.raw_get(key), out)
                out.append(b"\n")
        out.append(b"/Dest ")
        self.serialize(obj.dest_array, out)
        out.append(b"\n>>")


def _forbidden(obj: DictionaryObject, action_slot: bool) -> bool:
    """Whether a dictionary is a file or an action the pack may not hold."""
    return active(obj) and not (
        action_slot and kind(obj, "/S") in _LINK_ACTIONS and kind(obj, "/Type") in ("", "/Action")
        and not any(key in obj for key in ("/Next", "/EF", "/RF")))
