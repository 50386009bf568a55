"""Merge the names adopted documents give their structure: role maps, class maps and IDs;
and keep only plain values of what describes an element.

A pack has one StructTreeRoot, so one /RoleMap, one /ClassMap and one /IDTree for every
document grafted into it. Two documents may use one name for different things (Word
maps its own style names to standard types, and two versions of Word need not agree):
a name that another document already uses with a different value is renamed in the
later document (``/Heading_2`` becomes ``/Heading_2_2``), in its map and in its elements
(their /S, /C and /ID); a name used with the same value is shared.

What describes an element (its attributes, its classes' attributes, its alternative text)
is written into the pack, so only plain data of it is kept (:func:`plain`): numbers,
names, strings, booleans, and arrays and dictionaries of them. A reference there could
lead anywhere in the attachment, an unscrubbed annotation say.

A document may also map a *standard* structure type (``/P -> /H1``). In the pack that
would remap the pack's own elements of that type too, and PDF/UA forbids remapping
standard types, so such a name is renamed as well, and only the document's own
elements that used it follow.
"""

from __future__ import annotations

from collections.abc import Collection

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

from packgen.pdf.objects import ACTION_TYPES, resolved, structure

STANDARD_TYPES = frozenset(f"/{name}" for name in (
    # PDF 1.7 (ISO 32000-1, 14.8.4) ...
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private "
    "H H1 H2 H3 H4 H5 H6 P L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote "
    "Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula "
    # ... and PDF 2.0 (ISO 32000-2, 14.8.4)
    "Form DocumentFragment Aside Title FENote Sub Em Strong Artifact").split())
MAX_ROLE_CHAIN = 16
_RESERVED = ACTION_TYPES | {"/EF", "/RF", "/S", "/Type"}
"""Names that make a dictionary an action or a file (:func:`packgen.pdf.objects.active`):
as a role map's key, or as an element's type, the writer would drop what holds them."""


class Renames:
    """How one document's names are spelled in the pack."""

    def __init__(self) -> None:
        self.roles: dict[str, str] = {}
        self.classes: dict[str, str] = {}
        self.ids: dict[str, str] = {}

    def role(self, name: str) -> str:
        return self.roles.get(name, name)

    def class_name(self, name: str) -> str:
        return self.classes.get(name, name)


def _free(name: str, taken: DictionaryObject, own: Collection[str], chosen: set[str]) -> str:
    """The first ``name_N`` (N from 2) that neither the pack, nor this document, nor a
    standard type uses."""
    count = 2
    while (candidate := f"{name}_{count}") in taken or candidate in own \
            or candidate in chosen or candidate in STANDARD_TYPES:
        count += 1
    return candidate


def plan_roles(pack: DictionaryObject, role_map: PdfObject | None, renames: Renames
               ) -> dict[str, NameObject]:
    """The document's role map as the pack will hold it (keys renamed, and values that name
    a renamed key following it); ``renames.roles`` is filled in. ``pack`` is not changed."""
    mapping = resolved(role_map)
    entries: dict[str, NameObject] = {}
    if isinstance(mapping, DictionaryObject):
        for key, value in mapping.items():
            target = resolved(value)
            # LibreOffice maps each standard type to itself ("/H1 /H1"): saying nothing,
            # and renamed like a clash it became a loop ("/H1_2 /H1_2") no reader resolves.
            if isinstance(target, NameObject) and str(target) != str(key):
                entries[str(key)] = target
    chosen: set[str] = set()
    for name in sorted(_RESERVED):
        # An element (or a role map) whose type is an action's name is an action to the
        # writer, which writes null for it: renamed, whether the map names it or not.
        renames.roles[name] = _free(name, pack, entries, chosen)
        chosen.add(renames.roles[name])
    for name, value in entries.items():
        if name in _RESERVED:
            continue
        # A value that is itself one of this document's names may be renamed in turn, so
        # sharing such an entry is not judged: it is renamed on any clash.
        if name in STANDARD_TYPES or name in pack and (
                str(value) in entries or resolved(pack[name]) != value):
            renames.roles[name] = _free(name, pack, entries, chosen)
            chosen.add(renames.roles[name])
    return {renames.role(name): NameObject(renames.role(str(value)))
            for name, value in entries.items()}


def plan_classes(pack: DictionaryObject, class_map: PdfObject | None, renames: Renames
                 ) -> dict[str, PdfObject]:
    """The document's class map as the pack will hold it; ``renames.classes`` filled in."""
    mapping = resolved(class_map)
    entries: dict[str, PdfObject] = {}
    if isinstance(mapping, DictionaryObject):
        for key, value in mapping.items():
            if isinstance(resolved(value), DictionaryObject | ArrayObject):
                entries[str(key)] = value
    chosen: set[str] = set()
    planned: dict[str, PdfObject] = {}
    for name, found in entries.items():
        value = attributes_of(found)
        if value is None:
            continue
        if name in _RESERVED or name in pack and resolved(pack[name]) != value:
            renames.classes[name] = _free(name, pack, entries, chosen)
            chosen.add(renames.classes[name])
        planned[renames.class_name(name)] = value
    return planned


_PLAIN = (NumberObject, FloatObject, NameObject, TextStringObject, ByteStringObject,
          BooleanObject, NullObject)
MAX_NESTING = 8


def plain(value: PdfObject | None, depth: int = 0) -> PdfObject | None:
    """A copy of ``value`` holding only plain data; None when it is not plain at all.

    Attribute objects, and the array listing them, may be objects of their own (depth 0
    and 1); what they hold must be there in them: a reference inside leads wherever the
    file says, and its target would be written (a copy of an unscrubbed annotation,
    say). The depth limit also ends a cycle."""
    if isinstance(value, IndirectObject):
        if depth > 1:
            return None
        value = resolved(value)
    if isinstance(value, _PLAIN):
        return value
    if depth >= MAX_NESTING:
        return None
    if isinstance(value, ArrayObject):
        return ArrayObject(x for x in (plain(v, depth + 1) for v in value) if x is not None)
    if isinstance(value, DictionaryObject) and not isinstance(value, StreamObject) \
            and "/Subtype" not in value and not structure(value):
        kept = DictionaryObject()
        for key, item in value.items():
            found = plain(item, depth + 1)
            if found is not None:
                kept[NameObject(key)] = found
        return kept
    return None


def attributes_of(value: PdfObject | None) -> PdfObject | None:
    """An element's /A or a class's attributes, plain (:func:`plain`): an attribute object,
    or an array of them and revision numbers; None when there is none. An attribute object
    names its owner (/O); a dictionary without one, or one that is an annotation, an action
    or a file, is no attribute object, and what it says (an annotation's hidden comment,
    say) must not reach the pack."""
    found = resolved(value)
    if isinstance(found, DictionaryObject):
        return plain(found) if _attribute_object(found) else None
    if not isinstance(found, ArrayObject):
        return None
    kept = ArrayObject()
    for item in found:
        item = resolved(item)
        if isinstance(item, NumberObject) or isinstance(item, DictionaryObject) \
                and _attribute_object(item):
            value = plain(item, 1)
            if value is not None:
                kept.append(value)
    return kept if kept else None


def _attribute_object(obj: DictionaryObject) -> bool:
    return not isinstance(obj, StreamObject) and isinstance(resolved(obj.get("/O")), NameObject) \
        and "/Subtype" not in obj and not structure(obj)


def text(value: PdfObject | None) -> PdfObject | None:
    """A string entry (/Alt, /T, /ID ...) resolved, or None when it is not a string."""
    value = resolved(value)
    return value if isinstance(value, TextStringObject | ByteStringObject) else None


def role_of(name: str, planned: dict[str, NameObject], pack: DictionaryObject) -> str:
    """The standard type a (renamed) structure type stands for, as far as the maps say."""
    for _ in range(MAX_ROLE_CHAIN):
        if name in STANDARD_TYPES:
            return name
        value = planned.get(name) or resolved(pack.get(name))
        if not isinstance(value, NameObject):
            return name
        name = str(value)
    return name


def renamed_classes(value: PdfObject | None, renames: Renames) -> PdfObject | None:
    """An element's /C (a class name, or an array of names and revision numbers) renamed."""
    value = resolved(value)
    if isinstance(value, NameObject):
        return NameObject(renames.class_name(str(value)))
    if isinstance(value, ArrayObject):
        return ArrayObject(NameObject(renames.class_name(str(v))) if isinstance(v, NameObject)
                           else v for v in (resolved(x) for x in value)
                           if isinstance(v, NameObject | NumberObject))  # names, revisions
    return None


def plan_ids(pack: Collection[str], ids: Collection[str], renames: Renames) -> None:
    """Rename each of the document's element IDs the pack uses already (``name_N``), in
    ``renames.ids``: an ID names one element in the whole pack, and table cells name their
    heading cells by ID (/Headers), so those follow too."""
    taken = set(pack) | set(ids)
    for name in ids:
        if name in pack:
            count = 2
            while (chosen := f"{name}_{count}") in taken:
                count += 1
            taken.add(chosen)
            renames.ids[name] = chosen


def renamed_headers(value: PdfObject | None, renames: Renames) -> ArrayObject | None:
    """A cell's /Headers (IDs of its heading cells) with the document's renamed IDs, or None
    when none of them was renamed."""
    value = resolved(value)
    if not isinstance(value, ArrayObject):
        return None
    names = [_text(resolved(v)) for v in value]
    if not any(n is not None and n in renames.ids for n in names):
        return None
    return ArrayObject(TextStringObject(renames.ids.get(n, n)) if n is not None else v
                       for n, v in zip(names, value, strict=True))


def _text(value: PdfObject | None) -> str | None:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value) if isinstance(value, str) else None
