"""Read an attachment's number trees and name trees (PDF 2.0, 7.9.6 and 7.9.7) into flat
dictionaries, with limits.

A tree's nodes are objects of the file, so a hostile one can make its /Kids refer back
to an ancestor, nest deeper than Python's stack, or hold millions of entries. Here a
node is visited once at most, the walk is a loop rather than a recursion, and a tree
deeper than :data:`MAX_DEPTH` or larger than :data:`MAX_ENTRIES` is refused with
:class:`BrokenTree` (a ``ValueError``, so it is one of
:data:`packgen.pdf.unreadable.UNREADABLE`): a caller treats the document as it treats
any other it cannot read.
"""

from __future__ import annotations

from pypdf.generic import ArrayObject, DictionaryObject, NumberObject, PdfObject

from packgen.pdf.objects import resolved

MAX_DEPTH = 64
"""Deeper than any tree a real file needs: a balanced tree of 64 levels is astronomical."""
MAX_ENTRIES = 2_000_000
"""Entries and nodes together: four per content item of a very long document."""


class BrokenTree(ValueError):
    """A tree that cannot be read within the limits, or is not a tree."""


def number_tree(root: PdfObject | None) -> dict[int, PdfObject]:
    """Every key and value of a number tree (values unresolved, as the tree holds them);
    the first value wins for a key given twice."""
    found: dict[int, PdfObject] = {}
    for pairs in _leaves(root, "/Nums"):
        for i in range(0, len(pairs) - 1, 2):
            key = resolved(pairs[i])
            if isinstance(key, NumberObject):
                found.setdefault(int(key), pairs[i + 1])
    return found


def name_tree(root: PdfObject | None) -> dict[str, PdfObject]:
    """Every key and value of a name tree, keys as text; the first value wins."""
    found: dict[str, PdfObject] = {}
    for pairs in _leaves(root, "/Names"):
        for i in range(0, len(pairs) - 1, 2):
            key = resolved(pairs[i])
            if isinstance(key, bytes):  # a key that is not text is still a key
                key = key.decode("latin-1")
            if isinstance(key, str):
                found.setdefault(str(key), pairs[i + 1])
    return found


def _leaves(root: PdfObject | None, entries: str) -> list[ArrayObject]:
    """The ``entries`` arrays of a tree's nodes, in key order (depth first, left to right)."""
    leaves: list[ArrayObject] = []
    seen: set[int] = set()
    counted = 0
    stack: list[tuple[PdfObject | None, int]] = [(root, 0)]
    while stack:
        ref, depth = stack.pop()
        node = resolved(ref)
        if node is None:
            continue
        if not isinstance(node, DictionaryObject) or depth > MAX_DEPTH:
            raise BrokenTree("a structure tree's number or name tree is damaged")
        if id(node) in seen:
            continue  # a loop, or a node listed twice: its entries are read once
        seen.add(id(node))
        pairs = resolved(node.get(entries))
        kids = resolved(node.get("/Kids"))
        for part in (pairs, kids):
            counted += len(part) if isinstance(part, ArrayObject) else 1
        if counted > MAX_ENTRIES:
            raise BrokenTree("a structure tree's number or name tree is too large")
        if isinstance(pairs, ArrayObject):
            leaves.append(pairs)
        if isinstance(kids, ArrayObject):
            stack.extend((kid, depth + 1) for kid in reversed(kids))
    return leaves
