"""Read a well-formed PDF's objects quickly, and hand them to pypdf ready-made.

pypdf parses objects a byte at a time through its stream, which is most of the time
a build spends on a large attachment. Here each object the cross-reference table
points at is parsed with a few regular expressions over the mapped file, into the
same pypdf objects pypdf would have made, and placed in the reader's object cache
(:func:`packgen.pdf.bridge.cache`), so pypdf never parses it again.

Only the plain, common syntax is handled: numbers, names without ``#`` escapes,
literal strings without escapes or parentheses (a link's URI; made by pypdf's own
``create_string_object``, as its reader makes them), booleans, null, references,
arrays, dictionaries and streams whose ``endstream`` sits where ``/Length`` says.
Anything else in an object (any other string, a comment, an odd token, a header that
does not match the table) leaves that object alone, and
pypdf reads it as before, with its own repairs and limits. Encrypted files and
objects inside object streams are always left to pypdf.
"""

from __future__ import annotations

import io
import mmap
import re
from dataclasses import dataclass
from typing import BinaryIO, cast

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    create_string_object,
    read_object,
)

from packgen.pdf.bridge import (
    cache,
    cached,
    float_object,
    mapped_stream,
    number_object,
    offset_of,
    stream_object,
    unparsed_objects,
)
from packgen.pdf.mapped import PIECE, Window, let_go, touched
from packgen.pdf.repairs import pypdf_says
from packgen.pdf.unreadable import UNREADABLE

# One token per match; anything not covered (a string, a comment, a "#" in a name, a
# byte outside printable ASCII) becomes a one-byte token of its own and is refused.
# A reference is one token, limited as pypdf's own reader limits it: it must fit in
# 20 bytes with the character after the "R", which must not be a letter.
_TOKENS = re.compile(
    rb"\d{1,10}[ \t\n\r\x0c]+\d{1,5}[ \t\n\r\x0c]+R(?=[^a-zA-Z])"
    rb"|/[!\"$&'*+,\-.0-9:;=?@A-Z\\^_`a-z|~]*"
    rb"|<<|>>|\[|\]|[+\-.0-9]+|[a-zA-Z]+|\([^()\\]*\)|\S"
)
_HEADER = re.compile(rb"[ \t\n\r\x0c]*(\d{1,10})[ \t\n\r\x0c]+(\d{1,5})[ \t\n\r\x0c]+obj")
_STREAM = re.compile(rb"stream *(?:\r\n?|\n)")
_ENDSTREAM = re.compile(rb"[\x00\t\n\x0c\r ]*endstream")
_BEFORE_KEYWORD = frozenset(b" \t\n\r\x0c>])")
_MAX_DEPTH = 32
_WHITE = b" \t\n\r\x0c\x00"
_FIRST_LOOK = 4096
"""Bytes after an object's start first looked through for its end: most objects' whole."""


class _LeaveToPypdf(Exception):
    """The object uses syntax this reader does not handle."""


@dataclass(frozen=True)
class Primed:
    objects: int
    """How many objects were parsed into the reader's cache."""
    misplaced: int
    """Table entries whose offset does not hold the object named: the table needs repair."""


def prime(reader: PdfReader, source: BinaryIO | mmap.mmap | bytes) -> Primed:
    """Parse every plain object of ``reader``'s file into its cache.

    ``source`` is the file's bytes (a map of it, say), or the open file the reader
    reads, which is then mapped for as long as a stream of it is alive. A stream
    parsed from a map keeps only where its bytes lie (:func:`packgen.pdf.bridge.
    mapped_stream`): whoever owns the map must keep it open until the pack is written.
    Call before anything reads pages.
    """
    if reader.is_encrypted:
        return Primed(0, 0)
    if not isinstance(source, (mmap.mmap, bytes)):
        try:
            source = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError, AttributeError):  # not a real file, or an empty one
            return Primed(0, 0)
        # Not closed here: the streams read from the map hold it, and it closes with the
        # last of them.
    parser = _Parser(reader, source)
    primed = Primed(parser.prime(), parser.misplaced)
    if isinstance(source, mmap.mmap):
        # Finding each object's end read every page of the file, streams' too: give them
        # back, or the process would count the whole file as its own until it is closed.
        let_go(source, 0, len(source))
    return primed


class _Parser:
    def __init__(self, reader: PdfReader, data: mmap.mmap | bytes) -> None:
        self.reader = reader
        self.data = data
        self.names: dict[bytes, NameObject] = {}
        self.misplaced = 0
        self.mapped = isinstance(data, mmap.mmap)
        self.piece = -1
        """The piece of the file (:data:`PIECE`) last noted as read."""

    def prime(self) -> int:
        done = 0
        for generation, idnum, offset in unparsed_objects(self.reader):
            if self.mapped and isinstance(offset, int) and offset // PIECE != self.piece:
                # What is read of the file is given back as the file is read, not at its end.
                self.piece = offset // PIECE
                touched(cast(mmap.mmap, self.data), offset, _FIRST_LOOK)
            start = self.after_header(offset, idnum, generation)
            if start < 0:
                self.misplaced += 1
                continue
            obj = self.body(start)
            if obj is not None and cache(self.reader, generation, idnum, obj):
                done += 1
        return done

    def after_header(self, offset: object, idnum: int, generation: int) -> int:
        """Where the object starts, past its "N G obj"; -1 if that is not what is there."""
        header = _HEADER.match(self.data, offset) if isinstance(offset, int) else None
        if header is None or int(header[1]) != idnum or int(header[2]) != generation:
            return -1
        return header.end()

    def object_at(self, offset: object, idnum: int, generation: int) -> PdfObject | None:
        start = self.after_header(offset, idnum, generation)
        return self.body(start) if start >= 0 else None

    def body(self, start: int) -> PdfObject | None:
        data = self.data
        end, keyword = self.extent(start)
        if end < 0:
            return None
        if data[end - 1] not in _BEFORE_KEYWORD or data.find(b"\x0b", start, end) >= 0:
            return None
        try:
            try:
                value = self.value(_TOKENS.findall(data, start, end))
            except (_LeaveToPypdf, ValueError):
                if keyword < 0:
                    raise
                value = self.by_pypdf(start, end)  # a string in a stream's dictionary, say
            if keyword >= 0:
                if not isinstance(value, DictionaryObject):
                    return None
                return self.stream(value, keyword)
            return value
        except (_LeaveToPypdf, ValueError):  # ValueError: a number Python cannot read either
            return None

    def extent(self, start: int) -> tuple[int, int]:
        """Where the object's value ends, at its "endobj" or at its "stream" keyword; and
        that keyword's place, or -1 if it is no stream. (-1, -1): it has no "endobj".

        Looked for in a window that doubles until one is found, so a stream's data is not
        read (nor its pages brought into memory) just to find the "endobj" after it.
        """
        data, size = self.data, len(self.data)
        limit = start + _FIRST_LOOK
        while True:
            end = data.find(b"endobj", start, limit)
            last = end if end >= 0 else limit
            keyword = data.find(b"stream", start, last)
            while keyword >= 0 and data[keyword - 1] not in _BEFORE_KEYWORD:  # "/Substream"
                keyword = data.find(b"stream", keyword + 6, last)
            if keyword >= 0:
                return keyword, keyword
            if end >= 0:
                return end, -1
            if limit >= size:
                return -1, -1
            limit = start + 2 * (limit - start)

    def by_pypdf(self, start: int, end: int) -> PdfObject:
        """A stream's dictionary parsed by pypdf itself, so that the stream's bytes can stay
        in the map all the same: pypdf's parser would copy them out with the dictionary.
        Left to pypdf if it has anything to say of it, or leaves anything unread."""
        text = io.BytesIO(self.data[start:end].lstrip(_WHITE))
        with pypdf_says(private=True) as said:
            try:
                value = read_object(text, self.reader)
            except UNREADABLE:
                raise _LeaveToPypdf from None
        if said or text.read().strip(_WHITE):
            raise _LeaveToPypdf
        return value

    def value(self, tokens: list[bytes]) -> PdfObject:
        """The one object ``tokens`` spell, built without recursion.

        The hottest loop of a build: exact type tests, the open container and its pending
        key held in locals (the enclosing ones on a stack), and dictionary entries set
        with ``dict.__setitem__`` (pypdf's own only checks that key and value are PDF
        objects, which they are by construction here).
        """
        names, reader = self.names, self.reader
        # The enclosing containers, each with whether it is a dictionary and its key
        # awaiting a value; ``top`` is the one open now (None: none is).
        stack: list[tuple[DictionaryObject | ArrayObject | None, bool, NameObject | None]] = []
        top: DictionaryObject | ArrayObject | None = None
        in_dictionary = False
        key: NameObject | None = None
        result: PdfObject | None = None
        for token in tokens:
            first = token[0]
            value: PdfObject
            if first == 0x2F:  # "/"
                name = names.get(token)
                if name is None:
                    name = names[token] = NameObject(token.decode("ascii"))
                value = name
            elif first <= 0x39:  # a digit, sign or point: a number or reference
                if first == 0x28:  # "(": a string with no escape and no parenthesis in it
                    if len(token) < 2:
                        raise _LeaveToPypdf  # one that has: pypdf reads it
                    value = create_string_object(token[1:-1])  # as pypdf's reader makes it
                elif token[-1] == 0x52:  # "R"
                    if len(token) > 19:
                        raise _LeaveToPypdf
                    idnum, generation, _ = token.split()
                    value = IndirectObject(int(idnum), int(generation), reader)
                elif b"." in token:
                    value = float_object(float(token))
                else:
                    value = number_object(int(token))
            elif token == b"<<" or token == b"[":
                if len(stack) >= _MAX_DEPTH:
                    raise _LeaveToPypdf
                stack.append((top, in_dictionary, key))
                in_dictionary = token == b"<<"
                top = DictionaryObject() if in_dictionary else ArrayObject()
                key = None
                continue
            elif token == b">>" or token == b"]":
                if top is None or key is not None or in_dictionary != (token == b">>"):
                    raise _LeaveToPypdf
                value = top
                top, in_dictionary, key = stack.pop()
            elif token == b"true" or token == b"false":
                value = BooleanObject(token == b"true")
            elif token == b"null":
                value = NullObject()
            else:
                raise _LeaveToPypdf
            if top is None:
                if result is not None:
                    raise _LeaveToPypdf
                # A name from the shared table must not become an indirect object itself:
                # the reader's cache marks what it holds with its reference.
                result = NameObject(value) if type(value) is NameObject else value
            elif not in_dictionary:
                list.append(top, value)  # type: ignore[arg-type]  # an array: no cast call
            elif key is None:
                if type(value) is not NameObject or value in top:
                    raise _LeaveToPypdf  # pypdf warns about odd keys and duplicates; let it
                key = value
            else:
                dict.__setitem__(top, key, value)  # type: ignore[index]  # a dictionary
                key = None
        if top is not None or result is None:
            raise _LeaveToPypdf
        return result

    def stream(self, entries: DictionaryObject, keyword: int) -> PdfObject:
        data = self.data
        eol = _STREAM.match(data, keyword)
        if eol is None:
            raise _LeaveToPypdf
        length = self.length(entries.get("/Length"))
        start = eol.end()
        ending = _ENDSTREAM.match(data, start + length) if start + length <= len(data) else None
        if ending is None or data.find(b"endobj", ending.end()) < 0:
            raise _LeaveToPypdf
        if isinstance(data, mmap.mmap):  # the bytes stay where they are until written
            if (start + length) // PIECE != self.piece:  # its end was read
                self.piece = (start + length) // PIECE
                touched(data, start + length, ending.end() - start - length)
            return mapped_stream(entries, Window(data, start, length))
        return stream_object(entries, data[start:start + length])

    def length(self, value: PdfObject | None) -> int:
        if isinstance(value, IndirectObject):
            found = cached(self.reader, value)
            if found is None:
                found = self.object_at(offset_of(self.reader, value), value.idnum,
                                       value.generation)
            value = found
        if type(value) is not NumberObject or value < 0:
            raise _LeaveToPypdf
        return int(value)
