"""Read values out of an attachment's objects the one safe way: resolved.

Any value in a PDF may be an indirect reference, even a name or a number. Scrubbing
compares values (an annotation's /Subtype, a field's flags, an action's /S), and an
unresolved reference compares equal to nothing, so a check written on the raw value is
one a hostile file steps around by making the value an object of its own. Every check
in scrubbing reads its values through these functions.
"""

from __future__ import annotations

import math

from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
    StreamObject,
)

from packgen.pdf.bridge import referenced


def resolved(obj: PdfObject | None) -> PdfObject | None:
    """The object itself, following a reference, or a chain of them (to a limit)."""
    if not isinstance(obj, IndirectObject):  # as good as always: no loop to set up
        return obj
    for _ in range(32):
        if not isinstance(obj, IndirectObject):
            return obj
        obj = referenced(obj)
    return None


def entry(container: PdfObject | None, key: str) -> PdfObject | None:
    """``container[key]`` resolved, or None when either is missing or not a dictionary."""
    container = resolved(container)
    if not isinstance(container, DictionaryObject):
        return None
    return resolved(container.get(key))


def kind(container: PdfObject | None, key: str) -> str:
    """``container[key]`` when it is a name (such as a /Subtype or an action's /S), else ""."""
    value = entry(container, key)
    return str(value) if isinstance(value, NameObject) else ""


def dictionary(container: PdfObject | None, key: str) -> DictionaryObject | None:
    """``container[key]`` when it is a dictionary (or a stream)."""
    value = entry(container, key)
    return value if isinstance(value, DictionaryObject) else None


def integer(container: PdfObject | None, key: str) -> int:
    """``container[key]`` as a whole number; 0 when missing or not a number."""
    value = entry(container, key)
    try:
        return int(value) if isinstance(value, int | float) else 0
    except (TypeError, ValueError, OverflowError):
        return 0


def inherited(field: DictionaryObject, key: str, limit: int = 32) -> PdfObject | None:
    """A form field's value for ``key``, looked up its /Parent chain (fields inherit)."""
    node: PdfObject | None = field
    for _ in range(limit):
        if not isinstance(node, DictionaryObject):
            return None
        value = resolved(node.get(key))
        if value is not None:
            return value
        node = resolved(node.get("/Parent"))
    return None


def number(value: PdfObject | None) -> float | None:
    """A resolved value as a finite number, or None when it is anything else."""
    value = resolved(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def numbers(value: PdfObject | None, count: int) -> list[float] | None:
    """A resolved array of exactly ``count`` finite numbers, or None."""
    value = resolved(value)
    if not isinstance(value, ArrayObject) or len(value) != count:
        return None
    found = [number(v) for v in value]
    return None if None in found else found  # type: ignore[return-value]


ACTION_TYPES = frozenset({
    "/GoTo", "/GoToR", "/GoToE", "/GoToDp", "/Launch", "/Thread", "/URI", "/Sound", "/Movie",
    "/Hide", "/Named", "/SubmitForm", "/ResetForm", "/ImportData", "/JavaScript",
    "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView", "/RichMediaExecute"})
"""Every action type (PDF 2.0, 12.6.4): a dictionary with one of these as /S is an action,
whatever else it claims to be or leaves out."""
_STRUCTURE_TYPES = frozenset({"/Catalog", "/Pages", "/Page", "/Annot", "/Filespec",
                              "/EmbeddedFile", "/Thread", "/Bead", "/Sig", "/Action",
                              "/OCProperties", "/NavNode", "/Template"})
_STRUCTURE_KEYS = frozenset({"/Kids", "/Pages", "/Parent", "/EF", "/RF", "/EmbeddedFiles"})


def active(obj: DictionaryObject) -> bool:
    """Whether a dictionary is an action or a file: an embedded or related file, a file
    specification, an /S naming an action type, a /Type /Action. Neither belongs anywhere
    an attachment's pages are drawn; the writer's last check and the cleaner both ask this."""
    # Membership first: the writer asks this of every dictionary in the pack.
    return "/EF" in obj or "/RF" in obj \
        or "/S" in obj and kind(obj, "/S") in ACTION_TYPES \
        or "/Type" in obj and kind(obj, "/Type") in ("/Filespec", "/EmbeddedFile", "/Action")


def structure(obj: DictionaryObject) -> bool:
    """Whether a dictionary belongs to a document's structure rather than to drawing a
    page: :func:`active`, or a catalog, page, page-tree node, annotation, thread, bead,
    signature, layer configuration or presentation step, by its /Type or by the entries
    that make it one when its /Type is left out."""
    return active(obj) or kind(obj, "/Type") in _STRUCTURE_TYPES \
        or not dict.keys(obj).isdisjoint(_STRUCTURE_KEYS)  # one C call, not a generator


def show(value: object, limit: int = 40) -> str:
    """A value as PDF syntax would spell it, briefly: what a dictionary or stream holds is
    not spelled out (it may be long, and it is never what a box or turn should be)."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if isinstance(value, StreamObject):
        text = "a stream"
    elif isinstance(value, DictionaryObject):
        text = "a dictionary"
    elif isinstance(value, list):
        text = "[" + " ".join(show(v, limit) for v in value[:8]) + (
            " ..." if len(value) > 8 else "") + "]"
    elif isinstance(value, BooleanObject):
        text = "true" if value else "false"
    elif value is None or isinstance(value, NullObject):
        text = "null"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, bytes):
        text = "(" + value.decode("latin-1") + ")"
    elif isinstance(value, str) and not value.startswith("/"):
        text = f"({value})"
    else:
        text = str(value)
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."
