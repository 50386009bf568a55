"""Read values out of an attachment's objects the one safe way: resolved.

Any value in a PDF may be an indirect reference, even a name or a number. Scrubbing
compares values (an annotation's /Subtype, a field's flags, an action's /S), and an
unresolved reference compares equal to nothing, so a check written on the raw value is
one a hostile file steps around by making the value an object of its own. Every check
in scrubbing reads its values through these functions.
"""

from __future__ import annotations

from pypdf.generic import DictionaryObject, IndirectObject, NameObject, PdfObject


def resolved(obj: PdfObject | None) -> PdfObject | None:
    """The object itself, following a reference, or a chain of them (to a limit)."""
    for _ in range(32):
        if not isinstance(obj, IndirectObject):
            return obj
        obj = obj.get_object()
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
