"""Whether an attachment is a tagged PDF, as a screen reader and PDF/UA would judge it.

One answer for every stage that asks: the warning that names an untagged attachment
(:mod:`packgen.pdf.sources`), ``--require-tagged``, the grafting of its structure tree
into the pack's, and the pack's claim to PDF/UA, which is made only when every document
in it is tagged.
"""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NullObject, StreamObject

from packgen.pdf.unreadable import UNREADABLE

UNTAGGED = "untagged"
"""No structure tree (or an empty one, or one without a ParentTree), or ``/MarkInfo``
does not say ``/Marked true``."""
SUSPECT = "suspect"
"""``/MarkInfo /Suspects true``: the maker itself doubts its tags."""
PARTLY = "partly"
"""Tagged, but a page that draws something has no ``/StructParents``: no tag on it can be
found (a page of an untagged file appended to a tagged export, say)."""

UNREADABLE_TAGS = "unreadable"
"""A structure tree whose ParentTree, RoleMap, ClassMap or IDTree is not a dictionary: no
reader can follow it, and the pack cannot adopt it."""
_TREE_ENTRIES = ("/ParentTree", "/RoleMap", "/ClassMap", "/IDTree")


def tag_status(reader: PdfReader) -> str | None:
    """None for a tagged document; else :data:`UNTAGGED`, :data:`UNREADABLE_TAGS`,
    :data:`SUSPECT` or :data:`PARTLY` (see :func:`untagged_pages`)."""
    try:
        root = reader.trailer["/Root"].get_object()
        if not isinstance(root, DictionaryObject):
            return UNTAGGED
        tree = root.get("/StructTreeRoot")
        tree = tree.get_object() if tree is not None else None
        mark = root.get("/MarkInfo")
        mark = mark.get_object() if mark is not None else None
        if not isinstance(tree, DictionaryObject) or not isinstance(mark, DictionaryObject) \
                or not mark.get("/Marked", False) or not _holds(tree.get("/K")) \
                or tree.get("/ParentTree") is None:
            return UNTAGGED
        for key in _TREE_ENTRIES:
            value = tree.get(key)
            value = value.get_object() if value is not None else None
            if value is not None and not isinstance(value, DictionaryObject):
                return UNREADABLE_TAGS
        if mark.get("/Suspects", False):
            return SUSPECT
        return PARTLY if untagged_pages(reader) else None
    except UNREADABLE:
        return UNTAGGED


def untagged_pages(reader: PdfReader) -> list[int]:
    """The pages (1-based) that draw something yet have no ``/StructParents``."""
    found = []
    for number, page in enumerate(reader.pages, 1):
        if "/StructParents" not in page and _holds(page.get("/Contents")):
            found.append(number)
    return found


def _holds(value: object) -> bool:
    """Whether an entry is there and not empty (an empty array of kids or of streams)."""
    value = value.get_object() if hasattr(value, "get_object") else value
    if value is None or isinstance(value, NullObject):
        return False
    if isinstance(value, ArrayObject):
        return any(_holds(v) for v in value)
    if isinstance(value, StreamObject):
        return bool(value.get("/Length", 1))
    return True
