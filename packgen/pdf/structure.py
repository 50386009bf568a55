"""Give the assembled pack one structure tree, and the catalog entries tagged PDF asks for.

Runs once the pages are assembled, scrubbed, linked and stamped, before the pack is
written. The tree follows the outline:

    Document (/Lang: the pack's language)
      Sect "Agenda"             the front sheet's own elements
      Part "6. Minutes"         one per agenda item with documents in this pack
        Sect "Minutes of ..."   one per document, its appendices' Sects after it
          ...                   the document's own elements

A document built alone has no front sheet and no items: Document, then a Sect per
document. Our own pages bring the elements the typesetter recorded
(:mod:`packgen.pdf.elements`); an attachment brings its own tree, adopted by
:mod:`packgen.pdf.graft` under its Sect with its ParentTree keys moved past ours. Fillers
and stamps are artifacts and have no element.

Whether the pack may claim PDF/UA is decided here too (:attr:`PackTree.complete`): only
when every page's content is tagged, ours because the typesetter says so, an attachment's
because it is tagged (:func:`packgen.pdf.tagstatus.tag_status`, judged as it was opened)
and its tree was adopted.
Anything less is still tagged as far as it goes, and claims nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from packgen.layout import Placement, Plan
from packgen.messages import Messages
from packgen.model import Attachment
from packgen.pdf.annotelements import LooseAnnotations
from packgen.pdf.assemble import Assembled, bookmark_title
from packgen.pdf.bridge import add_object
from packgen.pdf.elements import DocumentPages, ParentTree, adopt, element, typeset_elements
from packgen.pdf.exemptnotice import tell_all
from packgen.pdf.graft import Grafts
from packgen.pdf.objects import entry, resolved
from packgen.pdf.sources import Source
from packgen.rendered import Typeset

NUMS_PER_NODE = 256
"""ParentTree entries in one node of the number tree; a larger tree gets /Kids, so a
reader looking up a key reads one small node rather than the whole list."""


class PackTree:
    """The pack's structure tree while it is built."""

    def __init__(self, writer: PdfWriter, assembled: Assembled, lang: str) -> None:
        self.writer = writer
        self.assembled = assembled
        self.root = add_object(writer, DictionaryObject(
            {NameObject("/Type"): NameObject("/StructTreeRoot")}))
        self.document = element(writer, "Document", self.root, lang=lang)
        self.keys = ParentTree()
        self.grafts = Grafts(writer)
        self.complete = True
        """Every page's content is tagged so far: the pack may claim PDF/UA."""
        self.refused: list[Attachment] = []
        """Tagged attachments whose trees the graft refused (too large to read, MCIDs far
        beyond their pages' marked content): untagged in the pack, and to be named."""

    def typeset(self, parent: IndirectObject, typeset: Typeset, start: int,
                originals: Sequence[PageObject] | None = None) -> None:
        """Our own pages ``start``... of ``typeset``. ``originals``: the pages the
        typesetter wrote, when scrubbing copied their annotations (a rendered document's),
        so that each link finds its copy."""
        self.complete = self.complete and typeset.tagged
        if not typeset.structure:
            return
        pages = self.writer.pages[start:start + typeset.pages]
        found = _Annotations(pages, originals, self.assembled.annotation_copies)
        typeset_elements(self.writer, typeset.structure, DocumentPages(pages, found),
                         parent, self.keys)

    def attached(self, parent: IndirectObject, source: Source, start: int) -> None:
        """An attachment's pages ``start``...: its own tree under ``parent``, if it has one."""
        reader = source.reader
        copies = self.writer.pages[start:start + source.pages]
        adopted = self.grafts.adopt(reader, copies, self.keys.next_key)
        # Whether it is tagged was judged once, when it was opened (``untagged``).
        if adopted is None or source.untagged is not None:
            self.complete = False
        if adopted is None:
            if source.untagged is None:  # tagged, but its tree was refused whole
                self.refused.append(source.attachment)
            return
        adopt(parent, adopted.elements)
        self.keys.entries.update(adopted.parent_tree)
        self.keys.next_key = max(self.keys.next_key, adopted.next_key)
        holder = parent.get_object()
        if adopted.lang and isinstance(holder, DictionaryObject):
            holder[NameObject("/Lang")] = TextStringObject(adopted.lang)

    def finish(self) -> None:
        """Write the tree's root into the catalog, and what PDF/UA asks of the pages."""
        root = self.root.get_object()
        assert isinstance(root, DictionaryObject)
        root[NameObject("/ParentTree")] = _number_tree(self.writer, self.keys.entries)
        root[NameObject("/ParentTreeNextKey")] = NumberObject(self.keys.next_key)
        grafts = self.grafts
        if grafts.role_map:
            root[NameObject("/RoleMap")] = grafts.role_map
        if grafts.class_map:
            root[NameObject("/ClassMap")] = grafts.class_map
        if grafts.id_tree:
            root[NameObject("/IDTree")] = add_object(self.writer, DictionaryObject(
                {NameObject("/Names"): ArrayObject(
                    v for name in sorted(grafts.id_tree)
                    for v in (TextStringObject(name), grafts.id_tree[name]))}))
        for page in self.writer.pages:
            annots = resolved(page.get("/Annots"))
            if isinstance(annots, ArrayObject) and annots:
                page[NameObject("/Tabs")] = NameObject("/S")  # structure order
        catalog = self.writer.root_object
        catalog[NameObject("/StructTreeRoot")] = self.root
        catalog[NameObject("/MarkInfo")] = DictionaryObject(
            {NameObject("/Marked"): BooleanObject(True)})
        shown = entry(catalog, "/ViewerPreferences")
        preferences = DictionaryObject(shown) if isinstance(shown, DictionaryObject) \
            else DictionaryObject()
        preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
        catalog[NameObject("/ViewerPreferences")] = preferences


class _Annotations:
    """Finds the annotation the typesetter's (page, index) names, where it is now."""

    def __init__(self, pages: Sequence[PageObject], originals: Sequence[PageObject] | None,
                 copies: dict[int, IndirectObject]) -> None:
        self.pages, self.originals, self.copies = pages, originals, copies

    def __call__(self, page: int, index: int) -> IndirectObject | None:
        holder = self.pages[page] if self.originals is None else self.originals[page]
        annots = resolved(holder.get("/Annots"))
        found = annots[index] if isinstance(annots, ArrayObject) and index < len(annots) \
            else None
        if self.originals is None:  # not scrubbed: the page's /Annots are the typesetter's
            return found if isinstance(found, IndirectObject) else None
        return self.copies.get(id(resolved(found))) if found is not None else None


def build_structure(writer: PdfWriter, assembled: Assembled, layout: Plan,
                    sources: dict[Attachment, Source],
                    front: Typeset, filler: Typeset, words: Messages, lang: str,
                    told: Mapping[int, Sequence[int]] | None = None
                    ) -> tuple[bool, list[Attachment]]:
    """Build the pack's structure tree (see the module's docstring); whether every page is
    tagged, and so whether the pack may claim PDF/UA, and the tagged attachments whose
    trees could not be adopted. ``told``: the pages whose NOT FOR PUBLICATION marking is
    content, with its lines' MCIDs (:mod:`packgen.pdf.exemptnotice`)."""
    tree = PackTree(writer, assembled, lang)
    firsts: dict[int, IndirectObject] = {}  # each document's Sect, by its first page
    loose = LooseAnnotations(writer, layout, words, tree.keys)
    parts: dict[int, IndirectObject] = {}
    for placement in layout.placements:
        if placement.kind == "front":
            sect = element(writer, "Sect", tree.document, title=words.word("bookmark_agenda"))
            tree.typeset(sect, front, placement.start)
        elif placement.kind == "filler":
            sect = tree.document
            tree.typeset(sect, filler, placement.start)
        else:
            sect = firsts[placement.start] = _document_sect(tree, placement, layout, parts,
                                                             words, lang)
            assert placement.attachment is not None
            source = sources[placement.attachment]
            if source.typeset is not None:
                tree.typeset(sect, source.typeset, placement.start, source.reader.pages)
            else:
                tree.attached(sect, source, placement.start)
        # What neither the typesetter nor an adopted tree holds: an untagged attachment's
        # links, say. After the adopted elements, as the document's last words.
        loose.tag(sect, writer.pages[placement.start:placement.last + 1])
    tell_all(writer, firsts, told or {}, tree.keys)
    tree.finish()
    return tree.complete, tree.refused


def _document_sect(tree: PackTree, placement: Placement, layout: Plan,
                   parts: dict[int, IndirectObject], words: Messages, lang: str
                   ) -> IndirectObject:
    """The Sect of a placed document, in its item's Part (made at its first document),
    with the language the document is written in where it is not the pack's (an English
    document in the Welsh edition: a screen reader must not read it with a Welsh voice).
    An appendix is in its report's language; a tagged PDF's own /Lang wins
    (:meth:`PackTree.attached`)."""
    item, attachment = placement.item, placement.attachment
    assert item is not None and attachment is not None
    parent = tree.document
    if layout.has_agenda:
        parent = parts.get(id(item)) or parts.setdefault(id(item), element(
            tree.writer, "Part", tree.document, title=f"{item.number}. {item.title}"))
    written = attachment.lang or (placement.parent.lang if placement.parent else "")
    return element(tree.writer, "Sect", parent, title=bookmark_title(item, placement, words),
                   lang=written if written and written != lang else None)


def _number_tree(writer: PdfWriter, entries: dict[int, PdfObject]) -> IndirectObject:
    """A number tree of ``entries``: one /Nums, or leaves of :data:`NUMS_PER_NODE` under
    /Kids, each with its /Limits."""
    keys = sorted(entries)

    def nums(chunk: Sequence[int]) -> ArrayObject:
        return ArrayObject(v for key in chunk for v in (NumberObject(key), entries[key]))

    if len(keys) <= NUMS_PER_NODE:
        return add_object(writer, DictionaryObject({NameObject("/Nums"): nums(keys)}))
    kids = ArrayObject()
    for at in range(0, len(keys), NUMS_PER_NODE):
        chunk = keys[at:at + NUMS_PER_NODE]
        kids.append(add_object(writer, DictionaryObject({
            NameObject("/Nums"): nums(chunk),
            NameObject("/Limits"): ArrayObject([NumberObject(chunk[0]),
                                                NumberObject(chunk[-1])])})))
    return add_object(writer, DictionaryObject({NameObject("/Kids"): kids}))


def write_number_tree(writer: PdfWriter, entries: dict[int, PdfObject]) -> IndirectObject:
    """A ParentTree as the pack's is written, for a PDF made from a pack (a document cut
    from it, :mod:`packgen.pdf.cut`)."""
    return _number_tree(writer, entries)
