"""The pack's outline (its bookmarks), built as pypdf's ``add_outline_item`` builds it.

pypdf's method looks each page up in the writer's page list, makes a named destination
only to take its array, and resolves the parent, its last child and every ancestor
through the writer for each bookmark: about 60 µs a bookmark, 18 ms for a 300-item
agenda. Here each bookmark is the same objects with the same entries in the same order
(so the same bytes; ``tests/test_outline.py`` holds them to pypdf's), made directly: the
last child of each parent is remembered, and a bookmark adds one to the count of every
bookmark above it, as pypdf counts open ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TreeObject,
    create_string_object,
)

from packgen.pdf.bridge import add_object, page_list

_GOTO = NameObject("/GoTo")
_FIT = NameObject("/Fit")


class Outline:
    """Bookmarks added to ``writer``'s outline, each after the last beneath its parent."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.root: TreeObject | None = None
        self.pages: Sequence[PageObject] = ()
        self.nodes: dict[int, TreeObject] = {}
        """Each bookmark (and the root) by its object number in the writer."""

    def add(self, title: str, page_number: int, parent: IndirectObject | None = None
            ) -> IndirectObject:
        """A bookmark titled ``title`` showing the pack's page ``page_number`` (0-based)
        whole, the last beneath ``parent`` (the top level when None)."""
        if len(self.pages) <= page_number:
            self.pages = page_list(self.writer)  # pages added since: read the list again
        target: PdfObject = NumberObject(page_number) if page_number >= len(self.pages) else \
            self.pages[page_number].indirect_reference or NullObject()
        action = add_object(self.writer, DictionaryObject({
            NameObject("/D"): ArrayObject([target, _FIT]), NameObject("/S"): _GOTO}))
        item = TreeObject()
        item[NameObject("/A")] = action
        item[NameObject("/Title")] = create_string_object(title)
        ref = add_object(self.writer, item)
        self.nodes[ref.idnum] = item
        above = self._root() if parent is None else self.nodes[parent.idnum]
        if "/First" not in above:
            above[NameObject("/First")] = ref
            above[NameObject("/Count")] = NumberObject(0)
        else:
            last = dict.__getitem__(above, "/Last")
            self.nodes[last.idnum][NameObject("/Next")] = ref
            item[NameObject("/Prev")] = last
        above[NameObject("/Last")] = ref
        item[NameObject("/Parent")] = above.indirect_reference
        node: TreeObject | None = above
        while node is not None:  # every bookmark is open: each above counts one more
            node[NameObject("/Count")] = NumberObject(abs(int(node.get("/Count", 0))) + 1)
            up = dict.get(node, "/Parent")
            node = self.nodes.get(up.idnum) if isinstance(up, IndirectObject) else None
        item[NameObject("/Count")] = NumberObject(0)
        return ref

    def _root(self) -> TreeObject:
        if self.root is None:
            self.root = TreeObject()
            ref = add_object(self.writer, self.root)
            self.nodes[ref.idnum] = self.root
            self.writer.root_object[NameObject("/Outlines")] = ref
        return self.root
