"""Graft a tagged attachment's own structure tree into the pack's.

A tagged Word or LibreOffice export carries a structure tree: what a screen reader reads,
in order, with headings, tables, lists, figures' alternative text and links. Merging
normally loses it. :meth:`Grafts.adopt` hands the pack's tree
(:mod:`packgen.pdf.structure`) the document's top-level elements (its own Document
element unwrapped) to hang under the document's Sect, with every reference made right
for the pack:

- **ParentTree keys** are renumbered into the pack's key space: the document's keys in
  use, in their order, become ``first_key``, ``first_key + 1``, ... (for the usual
  document, keyed 0 to n, that is ``k + first_key``; a sparse or hostile key such as
  2**31 cannot push the pack's keys beyond what a reader takes). The copies' pages get
  the new key as /StructParents, their annotations as /StructParent, and form XObjects
  theirs too (scrubbing strips those entries from everything it cleans, so the keys are
  read from the original pages and annotations, and an XObject's from the ParentTree,
  whose array for it names the elements holding its marked content by /Stm).
- **Annotations**: scrubbing replaces each kept annotation by a new one
  (:mod:`packgen.pdf.scrub`) noting the one it copies under
  :data:`packgen.pdf.scrub.ORIGINAL`; an object reference (OBJR) to an original is
  pointed at its copy, and one to an annotation that was dropped is dropped, with its
  ParentTree entry: the original, unscrubbed, must never be written into the pack.
- **Form fields** are flattened into page content (:mod:`packgen.pdf.forms`): a field is
  no longer a field, and PDF/UA wants a Form element to hold exactly one widget. So the
  drawing of a flattened field is marked as content (``/Span <</MCID n>> BDC``) of the
  element that held its widget, which becomes a Span; a drawn field no element holds is
  marked as an artifact; a field that prints nothing leaves its element nothing to hold.
  Every element whose role is Form becomes a Span for the same reason.
- **Names**: role map, class map and IDs are merged as :mod:`packgen.pdf.graftnames`
  says, the document's elements renamed to follow.
- **What an element keeps**: its structure and what describes it (an allowlist,
  :data:`packgen.pdf.graftread.ELEMENT_KEYS`), as plain data only
  (:func:`packgen.pdf.graftnames.plain`); its /P is its parent in the walk; its content
  references are made anew, naming only what the pack holds (a copied page, a kept
  annotation's copy, a stream the copies draw). So nothing leads from an adopted element
  to the attachment's own StructTreeRoot, whose ParentTree names the unscrubbed
  annotations, or to anything else scrubbing removed. A kid on a page that is not in the
  pack is dropped; the writer would otherwise write its /Pg as null. So is an MCID
  its page's content never writes (LibreOffice 7.4 names one for a form's Document
  element), with its ParentTree slot: the tree points only at what is there. An element
  reached twice (or through a cycle) is kept where it was reached first.

Elements are the attachment reader's own objects, changed in place (readers are per
build, :mod:`packgen.pdf.assemble`); only a kid that is a structure element is adopted
(:func:`packgen.pdf.graftread._element`), so a stream, font, image or annotation a hostile
tree lists among its elements is neither written nor changed where a page draws it. The
pack's objects (pages, annotations, content) are changed only once everything has been
read, so a tree found broken halfway leaves the pack untouched: the document is then
treated as untagged (``adopt`` returns None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

from packgen.pdf.bridge import add_object
from packgen.pdf.graftfields import FieldDrawings
from packgen.pdf.graftnames import Renames, plan_classes, plan_ids, plan_roles, role_of
from packgen.pdf.graftread import Walk
from packgen.pdf.objects import dictionary, entry, resolved
from packgen.pdf.tagstatus import UNREADABLE_TAGS, UNTAGGED, tag_status
from packgen.pdf.trees import name_tree, number_tree
from packgen.pdf.unreadable import UNREADABLE


@dataclass
class Adopted:
    """One document's structure, ready to hang under its Sect."""

    elements: list[IndirectObject]
    """The top-level elements (its Document element unwrapped), in order; the caller puts
    them under the Sect and sets their /P."""
    parent_tree: dict[int, PdfObject]
    """ParentTree entries, keys already in the pack's key space."""
    next_key: int
    """The first ParentTree key free after this document."""
    lang: str | None
    """The document's /Lang, for its Sect."""
    title: str | None
    """Its XMP dc:title, else its Info /Title."""


@dataclass
class Grafts:
    """The documents grafted into one pack, and the names their structure uses there."""

    writer: PdfWriter
    role_map: DictionaryObject = field(default_factory=DictionaryObject)
    class_map: DictionaryObject = field(default_factory=DictionaryObject)
    id_tree: dict[str, IndirectObject] = field(default_factory=dict)

    def adopt(self, reader: PdfReader, copies: Sequence[PageObject], first_key: int
              ) -> Adopted | None:
        """Adopt the structure of ``reader``, whose pages ``copies`` are in the pack (in
        order, scrubbed); None when it is not tagged (:func:`tag_status`) or its tree cannot
        be read. Tags a document doubts, or that miss some of its pages, are still the best
        a screen reader has of it: adopted, while the pack claims nothing."""
        if tag_status(reader) in (UNTAGGED, UNREADABLE_TAGS):
            return None
        try:
            graft = _Graft(self, reader, copies)
            graft.read()
        except UNREADABLE:
            return None
        return graft.commit(first_key)


class _Graft:
    def __init__(self, grafts: Grafts, reader: PdfReader, copies: Sequence[PageObject]) -> None:
        self.grafts, self.reader, self.copies = grafts, reader, copies
        self.renames = Renames()
        self.roles: dict[str, NameObject] = {}
        self.classes: dict[str, PdfObject] = {}
        self.ids: dict[str, IndirectObject] = {}
        self.keys: dict[int, PdfObject] = {}  # the document's ParentTree entries it keeps
        self.stamped: list[tuple[DictionaryObject, str, int]] = []  # (object, entry, old key)
        self.walk: Walk | None = None
        self.fields: FieldDrawings | None = None

    def read(self) -> None:
        catalog = resolved(self.reader.trailer["/Root"])
        tree = dictionary(catalog, "/StructTreeRoot")
        if tree is None:
            raise ValueError("no structure tree")
        grafts = self.grafts
        self.roles = plan_roles(grafts.role_map, tree.get("/RoleMap"), self.renames)
        self.classes = plan_classes(grafts.class_map, tree.get("/ClassMap"), self.renames)
        parent_tree = number_tree(tree.get("/ParentTree"))
        ids = name_tree(tree.get("/IDTree"))
        plan_ids(grafts.id_tree.keys(), ids.keys(), self.renames)
        pages = [page for page, _ in zip(self.reader.pages, self.copies, strict=False)]
        self.fields = FieldDrawings(self.reader, self.copies, grafts.writer)
        walk = self.walk = Walk(pages, self.copies, self.fields, self.renames)
        walk.run(tree.get("/K"), lambda name: role_of(name, self.roles, grafts.role_map))
        self._keep_entries(parent_tree, pages, walk)
        for name, ref in ids.items():
            element = resolved(ref)
            if isinstance(ref, IndirectObject) and id(element) in walk.adopted:
                chosen = self.renames.ids.get(name, name)
                self.ids[chosen] = ref
                if chosen != name and isinstance(element, DictionaryObject):
                    walk.later(element, "/ID", chosen)

    def _keep_entries(self, parent_tree: dict[int, PdfObject], pages: list[PageObject],
                      walk: Walk) -> None:
        """The ParentTree entries the pack keeps: of each page, of each kept annotation
        that an adopted element holds, and of each form XObject holding adopted content."""
        spare = max(parent_tree, default=-1) + 1
        for index, (page, copy) in enumerate(zip(pages, self.copies, strict=False)):
            key = _key(page.get("/StructParents"))
            entry = walk.page_entry(resolved(parent_tree.get(key)) if key is not None
                                    else None, index)
            if entry is None:
                continue
            if key is None or key not in parent_tree:
                key, spare = spare, spare + 1  # fields drawn on a page with no key of its own
            self.keys[key] = entry
            self.stamped.append((copy, "/StructParents", key))
        for annotation, original, element in walk.annotations:
            key = _key(original.get("/StructParent"))
            if key is None or key in self.keys:
                key, spare = spare, spare + 1  # one PDF/UA wants, which the maker left out
            self.keys[key] = element
            self.stamped.append((annotation, "/StructParent", key))
        for old, owners in parent_tree.items():
            form = walk.form_of(resolved(owners))  # None at once when no form is held
            if form is not None and old not in self.keys:
                self.keys[old] = walk.page_entry(resolved(owners), None) or ArrayObject()
                self.stamped.append((form, "/StructParents", old))

    def commit(self, first_key: int) -> Adopted:
        """Change the pack's objects to match, and merge the names."""
        assert self.walk is not None and self.fields is not None
        writer = self.grafts.writer
        renumbered = {old: first_key + rank for rank, old in enumerate(sorted(self.keys))}
        parent_tree: dict[int, PdfObject] = {}
        for old, value in self.keys.items():
            if isinstance(value, ArrayObject):
                value = add_object(writer, value)
            parent_tree[renumbered[old]] = value
        for obj, key, old in self.stamped:
            obj[NameObject(key)] = NumberObject(renumbered[old])
        self.walk.finish()
        self.fields.finish()
        grafts = self.grafts
        grafts.role_map.update({NameObject(k): v for k, v in self.roles.items()})
        grafts.class_map.update({NameObject(k): v for k, v in self.classes.items()})
        grafts.id_tree.update(self.ids)
        return Adopted(elements=self.walk.tops, parent_tree=parent_tree,
                       next_key=first_key + len(renumbered),
                       lang=document_lang(self.reader), title=document_title(self.reader))


def _key(value: PdfObject | None) -> int | None:
    found = resolved(value)
    return int(found) if isinstance(found, NumberObject) else None


def document_lang(reader: PdfReader) -> str | None:
    """The document's /Lang, when it names one."""
    try:
        lang = entry(resolved(reader.trailer["/Root"]), "/Lang")
    except UNREADABLE:
        return None
    if isinstance(lang, bytes):
        return lang.decode("latin-1").strip() or None
    return str(lang).strip() or None if isinstance(lang, str) else None


def document_title(reader: PdfReader) -> str | None:
    """Its XMP dc:title (the default language's, else the first), else its Info /Title."""
    try:
        xmp = reader.xmp_metadata
        titles = xmp.dc_title if xmp is not None else None
        if titles:
            title = titles.get("x-default") or next(iter(titles.values()))
            if title and str(title).strip():
                return str(title).strip()
        info = reader.metadata
        found = info.title if info is not None else None
    except UNREADABLE:
        return None
    return str(found).strip() or None if found else None
