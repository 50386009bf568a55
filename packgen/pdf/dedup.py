"""Which streams (and fonts) the pack would write twice: the same bytes under the same
dictionary.

Thirty reports exported from one template embed thirty copies of the same font program
and letterhead; a scan attached under two names is two files of the same images. The
writer (:mod:`packgen.pdf.write`) asks :meth:`Streams.place` of each stream it reaches
whether one of the same identity was reached before, and if so writes a reference to
that one instead: the first reached is kept, under the number it was given when it was
reached, so the same inputs still give the same bytes. It asks the same of a font or
font descriptor: the same dictionary leading to the same font program is written once,
and the other's whole tree (widths, descriptor, ToUnicode map) is never reached.

A stream's identity is a digest of its stored (still encoded) bytes and of its
dictionary, in which a reference counts as what it leads to (an image's /SMask or ICC
/ColorSpace stream, a form's resources), a bounded depth down. Most streams are never
hashed: only those whose stored length, /Filter and first and last bytes (a checksum of
all of them, in a small one) match a stream reached before, and the one they match.
Anything that is not plain drawing data makes a stream one of a kind, never merged: a
reference to a page, a page-tree node, catalog, annotation, action or file
(:func:`packgen.pdf.objects.structure`), a reference to a page that was copied, a cycle,
an object that cannot be read, more than :data:`MAX_DEPTH` references deep or
:data:`MAX_NODES` values wide. Since both streams are ones the pack already reaches,
and the one written is the first, merging never makes a pack reach anything it did not
before (an exempt document's image stays out of a public pack: that pack never reaches
it).
"""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from packgen.pdf.bridge import stored_data, stored_window
from packgen.pdf.links import Copies
from packgen.pdf.objects import structure
from packgen.pdf.unreadable import UNREADABLE

MAX_DEPTH = 8
"""References followed from a stream's dictionary: an image's soft mask and colour space
are one or two down; a form's fonts' files four."""
MAX_NODES = 4096
"""Values looked at for one stream's identity: a form whose resources lead to a whole
document's worth of objects is written as it is rather than compared at length."""

SAMPLE = 16
"""Bytes of each end of a stream that a twin must share before either is hashed."""
SMALL = 4096
"""A stream of at most this many bytes must share their CRC-32 with a twin before either
is hashed: the checksum costs less than a sha256, and tells nearly every two apart."""

_Hash = Any  # hashlib's object has no public type
_Group = tuple[int, object, object, object]


class _OneOfAKind(Exception):
    """The stream holds something that makes it never the same as another."""


class Twins:
    """The streams and fonts a pack has reached, grouped by what a twin must share."""

    def __init__(self, redirect: Copies) -> None:
        self.redirect = redirect
        self.waiting: dict[int, tuple[DictionaryObject, int]] = {}
        """Per group (:func:`_group`), the object reached while it was alone in it: not
        hashed until a second comes."""
        self.known: dict[bytes, int] = {}
        """Object number of the first object reached of each identity."""
        self.hashed: set[int] = set()
        """The groups of which two have been reached: each newcomer is hashed."""
        self.data_digests: dict[int, tuple[StreamObject, bytes]] = {}

    def place(self, obj: DictionaryObject, number: int) -> int:
        """The number to write ``obj`` under: that of a stream (or font, or font
        descriptor) reached before with its identity, or else ``number``, which it is
        then known by. Any other dictionary is always ``number``."""
        found = _group(obj) if isinstance(obj, StreamObject) else _font_group(obj)
        if found is None:
            return number
        # Held as its hash: one entry per stream reached, most of them alone in their group.
        # A collision only hashes two streams that differ; their identities tell them apart.
        group = hash(found)
        if group not in self.hashed:
            waiting = self.waiting.pop(group, None)
            if waiting is None:  # alone in its group so far: not hashed
                self.waiting[group] = (obj, number)
                return number
            self.hashed.add(group)
            identity = self.identity(waiting[0])
            if identity is not None:
                self.known.setdefault(identity, waiting[1])
        identity = self.identity(obj)
        if identity is None:
            return number
        return self.known.setdefault(identity, number)

    def identity(self, obj: DictionaryObject) -> bytes | None:
        """The digest of a stream's bytes and dictionary, or of a font's dictionary; None:
        one of a kind."""
        digest = hashlib.sha256(self.data_digest(obj) if isinstance(obj, StreamObject)
                                else b"font")
        try:
            self._dictionary(obj, digest, 0, {id(obj)}, [MAX_NODES])
        except _OneOfAKind:
            return None
        return digest.digest()

    def data_digest(self, stream: StreamObject) -> bytes:
        known = self.data_digests.get(id(stream))
        if known is None:  # the stream is kept beside its digest, so its id stays its own
            digest = hashlib.sha256()
            window = stored_window(stream)
            if window is not None:  # hashed from the map a slice at a time, never copied
                window.write_to(_Hashing(digest))
            else:
                digest.update(stored_data(stream))
            known = self.data_digests[id(stream)] = (stream, digest.digest())
        return known[1]

    def _value(self, value: PdfObject, out: _Hash, depth: int, path: set[int],
               budget: list[int]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _OneOfAKind
        if isinstance(value, NameObject):
            out.update(b"/" + str(value).encode("utf-8", "surrogatepass") + b"\0")
        elif isinstance(value, NumberObject):
            out.update(b"i%d\0" % value)
        elif isinstance(value, BooleanObject):
            out.update(b"t\0" if value.value else b"F\0")
        elif isinstance(value, FloatObject):
            out.update(b"f" + repr(float(value)).encode("ascii") + b"\0")
        elif isinstance(value, NullObject):
            out.update(b"n\0")
        elif isinstance(value, TextStringObject | ByteStringObject):
            raw = value.original_bytes if isinstance(value, TextStringObject) else bytes(value)
            out.update(b"s%d:" % len(raw) + raw)
        elif isinstance(value, IndirectObject):
            self._reference(value, out, depth, path, budget)
        elif isinstance(value, ArrayObject):
            out.update(b"[")
            for item in value:
                self._value(item, out, depth, path, budget)
            out.update(b"]")
        elif isinstance(value, StreamObject):
            raise _OneOfAKind  # a direct stream: not a PDF anyone can write
        elif isinstance(value, DictionaryObject):
            self._dictionary(value, out, depth, path, budget)
        else:
            raise _OneOfAKind

    def _reference(self, ref: IndirectObject, out: _Hash, depth: int, path: set[int],
                   budget: list[int]) -> None:
        if depth >= MAX_DEPTH or (id(ref.pdf), ref.idnum) in self.redirect:
            raise _OneOfAKind
        try:
            target = ref.get_object()
        except UNREADABLE:
            raise _OneOfAKind from None
        if target is None or id(target) in path:
            raise _OneOfAKind
        path.add(id(target))
        if isinstance(target, StreamObject):
            out.update(b"S" + self.data_digest(target))
            self._dictionary(target, out, depth + 1, path, budget)
        else:
            out.update(b"R")
            self._value(target, out, depth + 1, path, budget)
        path.discard(id(target))

    def _dictionary(self, obj: DictionaryObject, out: _Hash, depth: int, path: set[int],
                    budget: list[int]) -> None:
        if structure(obj):
            raise _OneOfAKind
        stream = isinstance(obj, StreamObject)
        out.update(b"<<")
        for key in sorted(dict.keys(obj)):
            if len(key) > 2 and key[1] == "%" and key[-1] == "%" or (
                    stream and key == "/Length"):
                continue  # pypdf's bookkeeping, or the length the writer recounts
            out.update(b"/" + key.encode("utf-8", "surrogatepass") + b"\0")
            self._value(dict.__getitem__(obj, key), out, depth, path, budget)
        out.update(b">>")


def _group(stream: StreamObject) -> _Group | None:
    """What a twin must share before both are hashed: the stored length, the filter, and
    the CRC-32 of the bytes when there are at most :data:`SMALL` of them (a stamp, a short
    content stream), else the first and last :data:`SAMPLE` (a deflated stream ends in
    the checksum of what it holds, so two of one length nearly always differ there). No
    stream's bytes are copied: with the data left in the mapped file, that would grow
    memory with the pack.
    None when the filter is not spelled out in the stream's dictionary (a reference to
    it, say): never merged."""
    spelled = dict.get(stream, "/Filter")
    if spelled is not None and type(spelled) is not NameObject:
        if not isinstance(spelled, ArrayObject):
            return None
        spelled = tuple(spelled)
        for name in spelled:
            if type(name) is not NameObject:
                return None
    window = stored_window(stream)
    if window is not None and window.length > SMALL:  # a scan's page: its ends, not all
        return (window.length, spelled, window.span(0, SAMPLE),
                window.span(window.length - SAMPLE, SAMPLE))
    data = stored_data(stream)
    if len(data) <= SMALL:
        return len(data), spelled, zlib.crc32(data), b""
    return len(data), spelled, bytes(data[:SAMPLE]), bytes(data[-SAMPLE:])


class _Hashing:
    """A digest to write a mapped stream into (:meth:`packgen.pdf.mapped.Window.write_to`)."""

    def __init__(self, digest: Any) -> None:
        self.digest = digest

    def write(self, data: bytes | memoryview, /) -> None:
        self.digest.update(data)


_FONT_NAMES = {"/Font": "/BaseFont", "/FontDescriptor": "/FontName"}


def _font_group(obj: DictionaryObject) -> _Group | None:
    """What two fonts (or font descriptors) must share before both are hashed: their
    type, subtype and name (a subset's name starts with a tag of its own, most makers
    choosing it by the glyphs it holds). None for any other dictionary: not merged."""
    found = dict.get(obj, "/Type")
    named = _FONT_NAMES.get(found) if type(found) is NameObject else None
    if named is None:
        return None
    name = dict.get(obj, named)
    subtype = dict.get(obj, "/Subtype")
    return (-1, found, str(name) if type(name) is NameObject else "",
            str(subtype) if type(subtype) is NameObject else "")
