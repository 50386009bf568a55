"""Which streams the pack would write twice: the same bytes under the same dictionary.

Thirty reports exported from one template embed thirty copies of the same font program
and letterhead; a scan attached under two names is two files of the same images. The
writer (:mod:`packgen.pdf.write`) asks :meth:`Streams.twin` of each stream it reaches
whether one of the same identity was reached before, and if so writes a reference to
that one instead: the first reached is kept, under the number it was given when it was
reached, so the same inputs still give the same bytes.

A stream's identity is a digest of its stored (still encoded) bytes and of its
dictionary, in which a reference counts as what it leads to (an image's /SMask or ICC
/ColorSpace stream, a form's resources), a bounded depth down. Most streams are never
hashed: only those whose stored length and /Filter match a stream reached before, and
those it was first compared with. Anything that is not plain drawing data makes a
stream one of a kind, never merged: a reference to a page, a page-tree node, catalog,
annotation, action or file (:func:`packgen.pdf.objects.structure`), a reference to a
page that was copied, a cycle, an object that cannot be read, more than
:data:`MAX_DEPTH` references deep or :data:`MAX_NODES` values wide. Since both streams
are ones the pack already reaches, and the one written is the first, merging never
makes a pack reach anything it did not before (an exempt document's image stays out
of a public pack: the public pack never reaches it).
"""

from __future__ import annotations

import hashlib
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

from packgen.pdf.bridge import stored_data
from packgen.pdf.links import Copies
from packgen.pdf.objects import structure
from packgen.pdf.unreadable import UNREADABLE

MAX_DEPTH = 8
"""References followed from a stream's dictionary: an image's soft mask and colour space
are one or two down; a form's fonts' files four."""
MAX_NODES = 4096
"""Values looked at for one stream's identity: a form whose resources lead to a whole
document's worth of objects is written as it is rather than compared at length."""

_Hash = Any  # hashlib's object has no public type


class _OneOfAKind(Exception):
    """The stream holds something that makes it never the same as another."""


class Streams:
    """The streams a pack has reached, grouped by stored length and filter."""

    def __init__(self, redirect: Copies) -> None:
        self.redirect = redirect
        self.waiting: dict[tuple[int, bytes], list[tuple[StreamObject, int]]] = {}
        """Per length and filter, the streams reached while they were alone in it: not
        hashed until a second comes."""
        self.known: dict[bytes, int] = {}
        """Object number of the first stream reached of each identity."""
        self.hashed: set[tuple[int, bytes]] = set()
        """The lengths and filters of which two have been reached: each newcomer is hashed."""
        self.data_digests: dict[int, tuple[StreamObject, bytes]] = {}

    def twin(self, stream: StreamObject) -> int | None:
        """The number of a stream reached before with ``stream``'s identity, or None."""
        group = _group(stream)
        if group is None:
            return None
        waiting = self.waiting.pop(group, None)
        if waiting is None and group not in self.hashed:
            return None
        self.hashed.add(group)
        for earlier, number in waiting or ():
            identity = self.identity(earlier)
            if identity is not None:
                self.known.setdefault(identity, number)
        identity = self.identity(stream)
        return self.known.get(identity) if identity is not None else None

    def note(self, stream: StreamObject, number: int) -> None:
        """``stream``, which :meth:`twin` found no twin of, is object ``number``."""
        group = _group(stream)
        if group is None:
            return
        if group not in self.hashed:
            self.waiting.setdefault(group, []).append((stream, number))
            return
        identity = self.identity(stream)
        if identity is not None:
            self.known.setdefault(identity, number)

    def identity(self, stream: StreamObject) -> bytes | None:
        """The digest of the stream's bytes and dictionary; None: one of a kind."""
        digest = hashlib.sha256(self.data_digest(stream))
        try:
            self._dictionary(stream, digest, 0, {id(stream)}, [MAX_NODES])
        except _OneOfAKind:
            return None
        return digest.digest()

    def data_digest(self, stream: StreamObject) -> bytes:
        known = self.data_digests.get(id(stream))
        if known is None:  # the stream is kept beside its digest, so its id stays its own
            known = self.data_digests[id(stream)] = (
                stream, hashlib.sha256(stored_data(stream)).digest())
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
            self._value(NameObject(key), out, depth, path, budget)
            self._value(dict.__getitem__(obj, key), out, depth, path, budget)
        out.update(b">>")


def _group(stream: StreamObject) -> tuple[int, bytes] | None:
    """The stored length and filter that a twin must share; None when the filter is not
    spelled out in the stream's dictionary (a reference to it, say): never merged."""
    value = dict.get(stream, "/Filter")
    if value is None:
        spelled = b""
    elif type(value) is NameObject:
        spelled = str(value).encode("utf-8", "surrogatepass")
    elif isinstance(value, ArrayObject) and all(type(v) is NameObject for v in value):
        spelled = b" ".join(str(v).encode("utf-8", "surrogatepass") for v in value)
    else:
        return None
    return len(stored_data(stream)), spelled
