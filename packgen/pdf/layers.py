"""Remove what an attachment hides in layers that are off when it opens.

A report "redacted" by switching a layer off still holds the layer's content; the
attachment's /OCProperties (which say the layer is off) stay behind with its catalog,
so copied as it is, the pack would show and print everything. Carrying the
/OCProperties across would hide it again in some viewers, but not in every printer
driver or text extractor, and the words would still be in the file. So content that is
off in the document's default configuration is removed from the pack: marked-content
sections of content streams (``/OC /Name BDC ... EMC``), form XObjects and images with
an /OC entry, and annotations with one.

Inside a removed section only what paints goes: text, images, XObjects, shadings, and
paths (painted as ``n``, which still clips). Graphics and text state operators stay,
as a viewer hiding the section still applies them (PDF 2.0, 8.11.3.2), so what follows
is drawn where it was. A content stream is decoded only when its resources name a group
that is off; every other page is copied as stored.
"""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from packgen.pdf.objects import dictionary, entry, kind, resolved

_ON_OPS = frozenset(op.encode() for op in (
    "q Q cm w J j M d ri i gs CS cs SC SCN sc scn G g RG rg K k m l c v y h re W W* n "
    "BT ET Tc Tw Tz TL Tf Tr Ts Td TD Tm T* BX EX").split())
_PAINT_OPS = frozenset(op.encode() for op in "S s f F f* B B* b b*".split())
_MARKS = frozenset({b"BMC", b"BDC"})


class Visibility:
    """Which optional content is off in a document's default configuration."""

    def __init__(self, reader: PdfReader) -> None:
        self.off: set[int] = set()
        properties = dictionary(reader.trailer, "/Root")
        properties = dictionary(properties, "/OCProperties")
        config = dictionary(properties, "/D")
        if config is None:
            return
        groups = _members(entry(properties, "/OCGs"))
        if kind(config, "/BaseState") == "/OFF":
            on = {id(g) for g in _members(entry(config, "/ON"))}
            self.off = {id(g) for g in groups if id(g) not in on}
        else:
            self.off = {id(g) for g in _members(entry(config, "/OFF"))}

    def hidden(self, oc: PdfObject | None, depth: int = 0) -> bool:
        """Whether content marked with this group or membership dictionary is off."""
        oc = resolved(oc)
        if not self.off or not isinstance(oc, DictionaryObject) or depth > 16:
            return False
        if kind(oc, "/Type") != "/OCMD":
            return id(oc) in self.off
        expression = entry(oc, "/VE")
        if isinstance(expression, ArrayObject):
            return not self._visible(expression, depth)
        groups = _members(entry(oc, "/OCGs"))
        if not groups:
            return False  # a membership of no groups hides nothing
        off = [id(g) in self.off for g in groups]
        visible = {"/AllOn": not any(off), "/AnyOff": any(off),
                   "/AllOff": all(off)}.get(kind(oc, "/P"), not all(off))  # default AnyOn
        return not visible

    def _visible(self, expression: PdfObject | None, depth: int) -> bool:
        expression = resolved(expression)
        if not isinstance(expression, ArrayObject) or not expression or depth > 16:
            return not (isinstance(expression, DictionaryObject) and id(expression) in self.off)
        operator = str(resolved(expression[0]))
        values = [self._visible(o, depth + 1) for o in expression[1:]]
        if operator == "/Not":
            return not values[0] if values else True
        return all(values) if operator == "/And" else any(values)

    def hidden_names(self, resources: PdfObject | None) -> frozenset[str]:
        """Names in a resource dictionary's /Properties that mark content that is off."""
        if not self.off:
            return frozenset()
        properties = dictionary(resources, "/Properties")
        if properties is None:
            return frozenset()
        # A key may be spelled with #xx escapes (/o#631 is /oc1, PDF 2.0, 7.3.5) which a
        # content stream's name, read by pypdf, has already lost; both spellings count.
        return frozenset(name for key, value in properties.items() if self.hidden(value)
                         for name in (str(key), _unescaped(str(key))))


def _unescaped(name: str) -> str:
    if "#" not in name:
        return name
    try:
        return NameObject.unnumber(name.encode("utf-8")).decode("utf-8")
    except (ValueError, UnicodeError):
        return name


def _members(value: PdfObject | None) -> list[DictionaryObject]:
    value = resolved(value)
    items = value if isinstance(value, ArrayObject) else [value]
    return [g for g in (resolved(i) for i in items) if isinstance(g, DictionaryObject)]


def without_hidden(content: PdfObject, resources: PdfObject | None, visibility: Visibility,
                   reader: PdfReader, names: frozenset[str] | None = None
                   ) -> StreamObject | None:
    """``content`` (a stream or an array of them) with its hidden sections removed, or
    None when the resources name no hidden group, so nothing was decoded. ``names``, when
    given, are the hidden names to cut instead of those of ``resources``."""
    if names is None:
        names = visibility.hidden_names(resources)
    if not names:
        return None
    operations = ContentStream(content, reader).operations
    kept: list[tuple[list[PdfObject], bytes]] = []
    depth = 0  # nesting inside a hidden section; 0 outside one
    changed = False
    for operands, operator in operations:
        if depth:
            if operator in _MARKS:
                depth += 1
            elif operator == b"EMC":
                depth -= 1
            elif operator in _ON_OPS:
                kept.append((operands, operator))
            elif operator in _PAINT_OPS:
                kept.append(([], b"n"))
            elif operator == b"'":
                kept.append(([], b"T*"))
            elif operator == b'"' and len(operands) == 3:
                kept += [([operands[0]], b"Tw"), ([operands[1]], b"Tc"), ([], b"T*")]
            continue
        if operator == b"BDC" and len(operands) == 2 and operands[0] == "/OC" and (
                operands[1] in names or isinstance(operands[1], DictionaryObject)
                and visibility.hidden(operands[1])):
            depth, changed = 1, True
            continue
        kept.append((operands, operator))
    if not changed:
        return None
    stream = ContentStream(None, reader)
    stream.operations = kept
    flat = DecodedStreamObject()
    flat.set_data(stream.get_data())
    return flat.flate_encode()


def empty_form() -> DecodedStreamObject:
    """A form XObject that draws nothing: what a hidden XObject becomes."""
    form = DecodedStreamObject()
    form.set_data(b"")
    form.update({NameObject("/Type"): NameObject("/XObject"),
                 NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject([NumberObject(0)] * 4)})
    return form
