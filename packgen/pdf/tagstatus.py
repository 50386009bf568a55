"""Whether an attachment is a tagged PDF, as a screen reader and PDF/UA would judge it.

One answer for every stage that asks: the warning that names an untagged attachment
(:mod:`packgen.pdf.sources`), ``--require-tagged``, the grafting of its structure tree
into the pack's, and the pack's claim to PDF/UA, which is made only when every document
in it is tagged.
"""

from __future__ import annotations

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from packgen.pdf.unreadable import UNREADABLE

UNTAGGED = "untagged"
"""No structure tree, or ``/MarkInfo`` does not say ``/Marked true``."""
SUSPECT = "suspect"
"""``/MarkInfo /Suspects true``: the maker itself doubts its tags."""


def tag_status(reader: PdfReader) -> str | None:
    """None for a tagged document; else :data:`UNTAGGED` or :data:`SUSPECT`."""
    try:
        root = reader.trailer["/Root"].get_object()
        if not isinstance(root, DictionaryObject):
            return UNTAGGED
        tree = root.get("/StructTreeRoot")
        mark = root.get("/MarkInfo")
        mark = mark.get_object() if mark is not None else None
        if tree is None or not isinstance(tree.get_object(), DictionaryObject) \
                or not isinstance(mark, DictionaryObject) or not mark.get("/Marked", False):
            return UNTAGGED
        return SUSPECT if mark.get("/Suspects", False) else None
    except UNREADABLE:
        return UNTAGGED
