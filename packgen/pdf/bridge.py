"""Every use packgen makes of pypdf beyond its documented API, in one place.

pypdf's public API reads and writes whole documents; packgen needs a few things it
keeps to itself: adding an object to a writer without copying it, appending a page
to the writer's flat page tree without a deep clone, priming a reader's object
cache from our own fast parser, a stream's stored (still encoded) bytes, streams
whose stored bytes stay in the mapped file until they are written, and
switching a reader from strict to tolerant once its cross-reference table is known
to be sound. Each is a function here, so an upgrade of pypdf means checking one
file, and ``tests/test_pypdf_contract.py`` fails when an installed pypdf no longer
behaves as these functions assume. Nothing else in packgen imports a pypdf name that
begins with an underscore or touches a pypdf attribute that does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.filters import decode_stream_data
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from packgen.pdf.mapped import Window

TESTED_PYPDF = ">=6.20,<8"
"""The pypdf versions ``tests/test_pypdf_contract.py`` has passed on; pyproject.toml pins
the same range."""


def add_object(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """Give ``obj`` an object number in ``writer``, as it is (pypdf's ``add_object``
    would clone it, and our objects are already the writer's own)."""
    return writer._add_object(obj)


def page_list(pdf: PdfReader | PdfWriter) -> Sequence[PageObject]:
    """``pdf.pages`` as the list pypdf keeps of them (not to be changed): its ``pages``
    counts them again for every page asked for, so a loop over a 10,000-page pack's
    pages counted 10,000 times. As ``pages`` itself for a file still encrypted, whose
    pages pypdf does not list."""
    count = len(pdf.pages)
    pages = pdf.flattened_pages
    return pages if pages is not None and len(pages) == count else pdf.pages


def append_page(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """Add ``page`` (a page dictionary built for ``writer``) at the end of the writer's one
    flat page tree and return its reference.

    pypdf's ``add_page`` clones the page, rewrites its links and walks up the tree for
    every page; a pack's pages are copied by :mod:`packgen.pdf.assemble` already, so
    this does only the bookkeeping: the kid, the count, and the writer's page list that
    ``writer.pages`` reads.
    """
    tree = cast(DictionaryObject, writer.root_object["/Pages"])
    kids = cast(ArrayObject, tree["/Kids"])
    page[NameObject("/Parent")] = tree.indirect_reference
    reference = writer._add_object(page)
    kids.append(reference)
    tree[NameObject("/Count")] = NumberObject(len(kids))
    pages = writer.flattened_pages
    assert pages is not None  # a new writer's page list starts empty, not None
    pages.append(page)
    return reference


def pdf_version(pdf: PdfReader | PdfWriter) -> str:
    """The header's version ("1.7", "2.0"), or "" when it has none we can read."""
    return str(getattr(pdf, "pdf_header", "")).removeprefix("%PDF-")


def set_pdf_version(writer: PdfWriter, version: str) -> None:
    writer.pdf_header = f"%PDF-{version}"


def tolerate(reader: PdfReader) -> None:
    """From now on, let ``reader`` repair what it can (and warn) rather than raise."""
    reader.strict = False


def unparsed_objects(reader: PdfReader) -> Iterator[tuple[int, int, int]]:
    """(generation, object number, file offset) of each object the cross-reference
    table places in the file itself that the reader has not parsed yet: not free,
    not in an object stream, not cached."""
    resolved = reader.resolved_objects
    for generation, table in reader.xref.items():
        free = reader.xref_free_entry.get(generation, {})
        for idnum, offset in table.items():
            if free.get(idnum) or (generation, idnum) in resolved or (
                    generation == 0 and idnum in reader.xref_objStm):
                continue
            yield generation, idnum, offset


def cached(reader: PdfReader, ref: IndirectObject) -> PdfObject | None:
    """The object ``ref`` names if the reader has parsed it already, else None."""
    return reader.resolved_objects.get((ref.generation, ref.idnum))


number_object: Callable[[int], NumberObject] = partial(int.__new__, NumberObject)
"""``NumberObject(value)`` for a value already an ``int``, made without pypdf's ``__new__``,
a Python-level call whose only work is that ``int()`` and a fallback for text that is no
number: in the fast reader's hottest loop, a third of its cost."""
float_object: Callable[[float], FloatObject] = partial(float.__new__, FloatObject)
"""``FloatObject(value)`` for a value already a ``float``, likewise."""


def referenced(ref: IndirectObject) -> PdfObject | None:
    """``ref.get_object()``, read straight from a reader's cache when the object is there:
    pypdf's own way is two Python calls and two lookups of the cache, on every one of the
    hundreds of thousands of references a large build follows."""
    pdf = ref.pdf
    if pdf.__class__ is PdfReader:
        key = (ref.generation, ref.idnum)
        objects = pdf.resolved_objects
        if key in objects:
            return objects[key]
    return ref.get_object()


def offset_of(reader: PdfReader, ref: IndirectObject) -> int | None:
    """Where the cross-reference table places ``ref`` in the file, if it does."""
    offset = reader.xref.get(ref.generation, {}).get(ref.idnum)
    return offset if isinstance(offset, int) else None


def cache(reader: PdfReader, generation: int, idnum: int, obj: PdfObject) -> bool:
    """Put an object parsed elsewhere into the reader's cache, unless one is there; so
    pypdf never parses it again. Whether it was put there."""
    if (generation, idnum) in reader.resolved_objects:
        return False
    reader.cache_indirect_object(generation, idnum, obj)
    return True


def stream_object(entries: DictionaryObject, data: bytes) -> StreamObject:
    """The stream pypdf would make of a dictionary and its stored bytes (an
    :class:`EncodedStreamObject` when it has a /Filter)."""
    fields: dict[Any, Any] = dict(entries)
    fields["__streamdata__"] = data
    return StreamObject.initialize_from_dictionary(fields)


def mapped_stream(entries: DictionaryObject, window: Window) -> StreamObject:
    """:func:`stream_object`, but the bytes stay in the map until something asks for them,
    and are then read from it afresh each time, not kept."""
    stream: _MappedEncoded | _MappedDecoded
    stream = _MappedEncoded(window) if "/Filter" in entries else _MappedDecoded(window)
    fields: dict[Any, Any] = dict(entries)
    fields.pop("/Length", None)  # as pypdf drops it: the writer writes the true length
    stream.update(fields)
    return stream


class _InMap:
    """What a stream keeps of its stored bytes: a window on the map, until pypdf (or we)
    set them, from when they are bytes of its own.

    pypdf reads and writes a stream's stored bytes as its attribute ``_data`` (its
    decoders, ``get_data``, ``set_data``, ``replicate``, ``hash_bin`` and ``_clone`` all
    do): here ``_data`` is a property that reads the map. A clone gets a copy.
    """

    window: Window | None
    own: bytes

    @property
    def _data(self) -> bytes:
        return self.own if self.window is None else self.window.read()

    @_data.setter
    def _data(self, value: bytes) -> None:
        self.window = None
        self.own = value


class _MappedEncoded(_InMap, EncodedStreamObject):
    def __init__(self, window: Window | None = None) -> None:
        super().__init__()  # pypdf's replicate and clone make one with no arguments
        self.window = window
        self.own = b""

    def get_data(self) -> bytes:
        """The decoded bytes, not kept: pypdf's ``get_data`` would keep the decoded copy
        on the stream (``decoded_self``), which is what the map is there to avoid."""
        if self.window is None or self.decoded_self is not None:
            return super().get_data()
        return decode_stream_data(self)

    def set_data(self, data: bytes) -> None:
        if self.decoded_self is None:
            EncodedStreamObject.get_data(self)  # pypdf's set_data expects its decoded copy
        super().set_data(data)


class _MappedDecoded(_InMap, DecodedStreamObject):
    def __init__(self, window: Window | None = None) -> None:
        super().__init__()  # sets _data to b"": the window comes after
        self.window = window


def stored_data(stream: StreamObject) -> bytes:
    """A stream's bytes as they are to be written: an encoded stream's still encoded
    (``get_data`` would decode it), a decoded one's as pypdf rebuilds it."""
    if isinstance(stream, EncodedStreamObject):
        return stream._data
    return stream.get_data()


def stored_length(stream: StreamObject) -> int:
    """``len(stored_data(stream))``, without reading a mapped stream's bytes."""
    window = stored_window(stream)
    return window.length if window is not None else len(stored_data(stream))


def stored_window(stream: StreamObject) -> Window | None:
    """Where a stream's stored bytes lie in its mapped file, if they are there still
    (not set since it was read, and not a stream pypdf read itself)."""
    return stream.window if isinstance(stream, _InMap) else None
