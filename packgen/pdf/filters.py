"""Find what an attachment's pages draw with that no viewer can decode.

A stream names the filters its data was encoded with. One whose filter nobody knows
(``/XXXDecode``), or whose data does not decode, is copied into a pack as it is: what it
holds shows blank in every viewer, and ``qpdf --check`` reports the pack as damaged.
:func:`find_damage` looks at every stream a page draws with (its content, and whatever
its resources and its annotations' appearances reach: forms, images, fonts, patterns,
shadings, masks) when the file is opened, so ``validate`` says it too, and as cheaply as
it can:

- every such stream's filters must be ones PDF defines (PDF 2.0, 7.4), by full or short
  name, and its /Filter a name or an array of names; for most streams this is all, and it
  is a few dictionary lookups;
- a stream of content (a page's /Contents, a form, a tiling pattern, a Type 3 glyph, an
  appearance) must decode: Flate data is inflated in slices thrown away as they come,
  and must end, as qpdf expects, with its checksum; LZW data is decoded; an image's
  encoding (JPEG, fax) on content is damage too;
- any other stream encoded only with Flate, LZW, ASCII85 or ASCIIHex must decode as well,
  unless its /Filter is the one name /FlateDecode, as nearly every image's and font's is:
  qpdf decodes such streams whenever it rewrites a file (to compress them anew), and so
  finds them damaged; one whose /Filter is just /FlateDecode it copies as it is.

ASCII85 and ASCIIHex data is checked for its alphabet only, and what it spells (Flate
data, as ReportLab writes every page) is not decoded: decoding ASCII85 in Python costs
twice what inflating the result does, on every page of such a file. Images and fonts
whose /Filter is /FlateDecode, or a picture's codec (JPEG, JPEG 2000, JBIG2, fax), are
not decoded either: a damaged one shows as a broken picture or a substitute font, qpdf
does not look inside it, and decoding every picture would cost a build more than all
else. Decoding is bounded per file (:data:`INFLATE_BUDGET`, :data:`LZW_BUDGET`); past a
bound the rest is not decoded, only its filter names checked. A stream shared by many
pages is looked at once, and its damage said of the first page that uses it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from pypdf import PageObject, PdfReader
from pypdf.filters import LZWDecode
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
    StreamObject,
)

from packgen.pdf.bridge import page_list, stored_data
from packgen.pdf.layers import Visibility
from packgen.pdf.objects import integer, kind, resolved, show, structure
from packgen.pdf.resources import SIDE_KEYS
from packgen.pdf.scrub import drawn_appearances
from packgen.pdf.unreadable import UNREADABLE, LimitReachedError

INFLATE_BUDGET = 256 << 20
"""Bytes of Flate data inflated to check one file: a second or so of zlib's time, and
several times the content of the largest real attachments."""
LZW_BUDGET = 4 << 20
"""Bytes of LZW data decoded to check one file; pypdf decodes it in Python, at about
1.5 MB/s, and it is rare outside old scans."""

KEEP_BUDGET = 16 << 20
"""Bytes of inflated data held at once to check the filter after Flate (ASCII85 or
ASCIIHex inside it, say): more than any real page's content, and a bound on memory."""

_SHORT = {"/Fl": "/FlateDecode", "/LZW": "/LZWDecode", "/A85": "/ASCII85Decode",
          "/AHx": "/ASCIIHexDecode", "/RL": "/RunLengthDecode", "/CCF": "/CCITTFaxDecode",
          "/DCT": "/DCTDecode"}
_BYTES = frozenset({"/FlateDecode", "/LZWDecode", "/ASCII85Decode", "/ASCIIHexDecode",
                    "/RunLengthDecode", "/Crypt"})
"""Filters whose output is bytes of any kind, content among them."""
_PICTURES = frozenset({"/CCITTFaxDecode", "/DCTDecode", "/JPXDecode", "/JBIG2Decode"})
_GENERAL = frozenset({"/FlateDecode", "/LZWDecode", "/ASCII85Decode", "/ASCIIHexDecode"})
"""What qpdf decodes in any stream it writes, and so finds damaged, unless the stream's
/Filter is the one name /FlateDecode."""

_HINTS = {"/Contents": "content", "/CharProcs": "content", "/AP": "content",
          "/FontFile": "font", "/FontFile2": "font", "/FontFile3": "font"}
_SKIP = SIDE_KEYS | {"/Parent", "/P", "/Filter", "/Length", "/Dest", "/Annots", "/Popup",
                     "/IRT", "/Kids", "/ProcSet", "/Widths", "/W", "/BBox", "/Matrix"}
"""Entries that lead away from drawing, or to arrays of numbers and names only."""
_CONTAINERS = (IndirectObject, DictionaryObject, ArrayObject)
_WHITE = b" \t\n\r\x0c\x00"
_ALPHABETS = {"/ASCII85Decode": (b"~>", bytes(range(33, 118)) + b"z" + _WHITE),
              "/ASCIIHexDecode": (b">", b"0123456789ABCDEFabcdef" + _WHITE)}
_SLICE = 16 << 10  # inflated by at most about 1,032 times: 17 MB out of a slice at worst
_WHAT = {"content": "content", "image": "an image", "font": "a font", "data": "data"}
_SO = {"content": "so the page may show blank or in part", "image": "so the image may not show",
       "font": "so its text may not show", "data": "so part of the page may not show"}


@dataclass(frozen=True)
class Damage:
    """A stream of a page that no viewer can decode."""

    page: int
    """0-based."""
    role: str
    """"content", "image", "font" or "data"."""
    filter: str
    """The filter at fault, as PDF spells it (or the /Filter entry, when it is no name)."""
    why: str = ""
    """What is wrong with the data; "" when the filter is unknown."""

    def __str__(self) -> str:
        what = _WHAT[self.role]
        if self.why:
            said = f"{what} that cannot be decoded ({self.filter}: {self.why})"
        else:
            said = f"{what} encoded with a filter PDF viewers do not know ({self.filter})"
        return f"page {self.page + 1} has {said}, {_SO[self.role]}"


def find_damage(reader: PdfReader) -> list[Damage]:
    """What no viewer can decode, at most one damage a page, in page order."""
    walk = _Walk(reader)
    found = []
    for index, page in enumerate(page_list(reader)):
        damage = walk.page(index, page)
        if damage is not None:
            found.append(damage)
    return found


class _Undecodable(Exception):
    """What is wrong with a stream's data, in a few words."""


class _Walk:
    """Every stream the pages reach, each looked at once."""

    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.seen: set[int] = set()
        self.inflate = INFLATE_BUDGET
        self.lzw = LZW_BUDGET
        self._visibility: Visibility | None = None

    @property
    def visibility(self) -> Visibility:
        """Which layers are off: read only for a file whose pages have annotations."""
        if self._visibility is None:
            self._visibility = Visibility(self.reader)
        return self._visibility

    def page(self, index: int, page: PageObject) -> Damage | None:
        """The first damage among what the page reaches that no page before it did."""
        found: list[Damage] = []
        pending: list[tuple[PdfObject | None, str]] = [
            (page.get("/Contents"), "content"), (page.get("/Resources"), "")]
        annots = page.get("/Annots")
        if annots is not None:
            pending.append((annots, "annotations"))
        while pending:
            try:
                self.visit(index, pending, found)
            except UNREADABLE:
                continue  # damage of another kind, reported where it is met, as before
        return found[0] if found else None

    def visit(self, index: int, pending: list[tuple[PdfObject | None, str]],
              found: list[Damage]) -> None:
        """Look at what is pending until nothing is, putting what each object holds on
        ``pending`` and the damage found on ``found``."""
        seen = self.seen
        while pending:
            value, hint = pending.pop()
            if value.__class__ is IndirectObject:
                value = resolved(value)
            if id(value) in seen:
                continue
            if isinstance(value, ArrayObject):
                if hint == "annotations":  # a page's /Annots: the faces the pack draws
                    seen.add(id(value))
                    pending.extend((face, "content")
                                   for face in drawn_appearances(value, self.visibility))
                    continue
                seen.add(id(value))
                pending.extend((v, hint) for v in value if isinstance(v, _CONTAINERS))
            elif isinstance(value, DictionaryObject):
                seen.add(id(value))
                if isinstance(value, StreamObject):
                    damage = self.stream(index, value, hint)
                    if damage is not None:
                        found.append(damage)
                    hint = ""
                elif structure(value):
                    continue  # a page, an annotation, an action: the pack does not draw it
                pending.extend((v, _HINTS.get(key, hint)) for key, v in value.items()
                               if isinstance(v, _CONTAINERS) and key not in _SKIP)

    def stream(self, index: int, stream: StreamObject, hint: str) -> Damage | None:
        value = stream.get("/Filter")
        if value is None:
            return None  # as good as every stream but content: nothing more to know
        value = resolved(value)
        if value.__class__ is NameObject:
            names = [_SHORT.get(value, value)]
        elif value.__class__ is ArrayObject and all(v.__class__ is NameObject for v in value):
            names = [_SHORT.get(v, v) for v in value]  # as good as every array of filters
        elif isinstance(value, ArrayObject) and all(
                isinstance(resolved(v), NameObject) for v in value):
            names = [_SHORT.get(str(v), str(v)) for v in map(resolved, value)]
        elif value is None or isinstance(value, NullObject):
            return None
        else:
            return Damage(index, _role(stream, hint), f"/Filter {show(value)}")
        if not names:
            return None
        for name in names:
            if name not in _BYTES and name not in _PICTURES:
                return Damage(index, _role(stream, hint), name)
        role = "content" if hint == "content" else _role(stream, hint)
        if role == "content":
            if names[-1] in _PICTURES:
                return Damage(index, role, names[-1], "an image's encoding, not content")
        elif not set(names) <= _GENERAL or value.__class__ is NameObject \
                and names == ["/FlateDecode"]:
            return None  # as qpdf leaves it: a picture's codec, or Flate named alone
        if "/LZWDecode" in names and _early_change(stream) == 0:
            names = names[:names.index("/LZWDecode")]  # a variant pypdf does not decode
        try:
            self.decode(stored_data(stream), names)
        except _Undecodable as exc:
            name, why = exc.args
            return Damage(index, role, name, why)
        return None

    def decode(self, data: bytes, names: list[str]) -> None:
        """Decode ``data`` through ``names`` as far as is cheap and the budgets allow;
        raise :class:`_Undecodable` (the filter, what is wrong) where it fails."""
        for position, name in enumerate(names):
            try:
                if name == "/FlateDecode":
                    inflated = self.inflated(data, keep=position < len(names) - 1)
                    if inflated is None:
                        return
                    data = inflated
                elif name == "/LZWDecode":
                    self.lzw -= len(data)
                    if self.lzw < 0:
                        return
                    data = LZWDecode.decode(data)
                elif name in _ALPHABETS:
                    _check_alphabet(data, *_ALPHABETS[name])
                    return  # what they spell is not decoded: see the module's docstring
                elif name != "/Crypt":
                    return  # run-length data cannot be damaged; a picture is not decoded
            except _Undecodable as exc:
                raise _Undecodable(name, str(exc)) from None
            except LimitReachedError:  # pypdf's LZW decoder's bound on what it makes
                return
            except UNREADABLE as exc:  # pypdf's LZW decoder: a bad code
                raise _Undecodable(name, f"the data is corrupt: {str(exc).rstrip('.')}") from None

    def inflated(self, data: bytes, keep: bool) -> bytes | None:
        """The inflated data (b"" unless ``keep``); None when over the budget."""
        if len(data) < 8 and not data.strip(_WHITE):
            return b""  # nothing at all: qpdf and viewers take it as empty
        if len(data) < 2 or data[0] & 0x0F != 8 or data[1] & 0x20 or (
                data[0] << 8 | data[1]) % 31:
            raise _Undecodable("it is not Flate data")
        inflater = zlib.decompressobj(-15)
        view = memoryview(data)
        kept: list[bytes] = []
        held = 0
        end = len(data)
        for start in range(2, len(data), _SLICE):
            try:
                piece = inflater.decompress(view[start:start + _SLICE])
            except zlib.error as exc:
                raise _Undecodable(f"the data is corrupt: {str(exc).split(': ')[-1]}") from None
            self.inflate -= len(piece)
            if self.inflate < 0:
                return None
            if keep:
                kept.append(piece)
                held += len(piece)
                if held > KEEP_BUDGET:
                    return None  # what it spells is left unchecked, as past any budget
            if inflater.eof:
                end = min(start + _SLICE, len(data)) - len(inflater.unused_data)
                break
        if not inflater.eof:
            raise _Undecodable("the data is cut short")
        if len(data) - end < 4:
            raise _Undecodable("the data is cut short before its checksum")
        return b"".join(kept)


def _early_change(stream: StreamObject) -> int:
    """The LZW filter's /EarlyChange (1 unless its parameters say 0)."""
    params = resolved(stream.get("/DecodeParms"))
    found = [resolved(p) for p in params] if isinstance(params, ArrayObject) else [params]
    return 0 if any(isinstance(p, DictionaryObject) and integer(p, "/EarlyChange") == 0
                    and "/EarlyChange" in p for p in found) else 1


def _role(stream: StreamObject, hint: str) -> str:
    """What a stream is to its page, as the officer would call it."""
    subtype = kind(stream, "/Subtype")
    if subtype == "/Image":
        return "image"
    if hint:
        return hint
    return "content" if subtype == "/Form" or integer(stream, "/PatternType") == 1 else "data"


def _check_alphabet(data: bytes, end: bytes, alphabet: bytes) -> None:
    """ASCII85 or ASCIIHex data holds only its digits (and white space) before its end."""
    if end == b"~>" and data.lstrip(_WHITE).startswith(b"<~"):
        data = data.lstrip(_WHITE)[2:]
    stop = data.find(end)
    if (data[:stop] if stop >= 0 else data).translate(None, alphabet):
        raise _Undecodable("a character that is not one of its digits")
