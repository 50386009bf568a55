"""An attachment's pages as a viewer would see them, checked before anything uses them.

Two things a hostile or broken file can do with its pages are checked here.

Its page tree can reach one node many times: ``/Kids [3 0 R 3 0 R]`` nested sixteen
deep is 65,536 pages in 2 KB, and pypdf would build every one. A tree is walked
here first, cheaply (a few dictionary lookups a node), and refused when a node
is reached twice or when it holds more than :data:`MAX_PAGES` pages: the walk
stops as soon as it knows, whatever the tree's ``/Count`` claims.

Its page boxes and ``/Rotate`` can be damaged. Every page of every attachment is read
as a viewer reads it (:func:`packgen.pdf.boxes.displayed_box`) when the file is opened,
so ``validate`` reports a page with no visible area as ``build`` would. A form field
that prints but whose appearance cannot be placed is found then too
(:func:`packgen.pdf.forms.appearance_problem`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    PdfObject,
)

from packgen.pdf.boxes import PageError, rotation, visible_area
from packgen.pdf.bridge import page_list
from packgen.pdf.forms import appearance_problem, printed_appearance
from packgen.pdf.layers import Visibility
from packgen.pdf.objects import kind, resolved

MAX_PAGES = 20_000
"""Pages one attachment may hold. The largest real documents attached to agendas
(a local plan with its evidence, a year of planning decisions) run to a few
thousand pages; twenty thousand leaves room and still bounds a build's time and
memory (a 10,000-page pack takes about 4 s and 135 MiB)."""
MAX_NODES = 2 * MAX_PAGES + 1_000
"""Page-tree nodes, pages included, one attachment may hold: a tree with one
intermediate node per page, the least economical a writer makes, fits."""


def check_page_tree(reader: PdfReader) -> int:
    """The number of pages pypdf will find, or :class:`PageError` if the tree is hostile.

    Follows pypdf's own walk (``_flatten``): a node whose /Type is /Pages, or which has
    /Kids and no /Type, is a branch; one with /Type /Page, or with neither, a page;
    anything else, and any kid that is not a non-empty dictionary, is skipped.
    """
    root = reader.root_object.get("/Pages")
    tree = root.get_object() if root is not None else None
    if isinstance(tree, DictionaryObject):
        claimed = tree.get("/Count")
        if isinstance(claimed, int) and claimed > MAX_PAGES:
            raise PageError(_too_many(claimed))
    seen: set[int] = set()
    pending: list[PdfObject | None] = [root]
    pages = nodes = 0
    while pending:
        entry = pending.pop()
        if isinstance(entry, IndirectObject):
            if entry.idnum in seen:
                raise PageError(f"the page tree repeats a page or a branch (object "
                                f"{entry.idnum}), so pages would be printed more than once; "
                                "the file is malformed: export it again")
            seen.add(entry.idnum)
            entry = entry.get_object()
        if not isinstance(entry, DictionaryObject) or not entry:
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise PageError(f"the page tree has more than {MAX_NODES:,} entries; "
                            f"packgen merges attachments of up to {MAX_PAGES:,} pages")
        kind = entry["/Type"] if "/Type" in entry else (
            "/Pages" if "/Kids" in entry else "/Page")
        if kind == "/Page":
            pages += 1
            if pages > MAX_PAGES:
                raise PageError(_too_many(None))
        elif kind == "/Pages":
            kids = entry.get("/Kids")
            kids = kids.get_object() if kids is not None else None
            if isinstance(kids, ArrayObject):
                pending.extend(reversed(kids))
    return pages


def _too_many(claimed: int | None) -> str:
    said = f"{claimed:,}" if claimed is not None else f"more than {MAX_PAGES:,}"
    return (f"the PDF has {said} pages; packgen merges attachments of up to {MAX_PAGES:,} "
            "pages: split it, or link to it from the agenda")


@dataclass
class PageNotes:
    """What :func:`check_pages` found that a viewer shows anyway, to be said as warnings."""

    turns: dict[int, int] = field(default_factory=dict)
    """Pages whose /Rotate is not a quarter turn, with it: shown upright."""
    crops: dict[int, str] = field(default_factory=dict)
    """Pages whose CropBox is ignored, with it as PDF syntax: shown whole."""


def check_pages(reader: PdfReader) -> PageNotes:
    """Check every page's boxes and turn; what is odd but viewable, in :class:`PageNotes`.

    Each page's contents and resources are resolved too, so that damage to them is
    found now, while it can still be reported against the file.
    """
    notes = PageNotes()
    visibility: Visibility | None = None
    checked: set[int] = set()  # /Annots arrays, which pages may share
    for index, page in enumerate(page_list(reader)):
        for key in ("/Contents", "/Resources"):
            value = page.get(key)
            if value is not None:
                value.get_object()
        try:
            ignored = visible_area(page).ignored
            turn = rotation(page)
            if "/Annots" in page:
                visibility = visibility or Visibility(reader)
                _check_fields(page, visibility, checked)
        except PageError as exc:
            raise PageError(f"page {index + 1} has {exc}") from None
        if turn % 90:
            notes.turns[index] = turn
        if ignored:
            notes.crops[index] = ignored
    return notes


def _check_fields(page: DictionaryObject, visibility: Visibility, checked: set[int]) -> None:
    """Refuse a form field that prints (so would be flattened) but whose appearance cannot
    be placed; found here so that ``validate`` says it as ``build`` would. An /Annots
    array already in ``checked`` (shared with an earlier page) is not looked at again."""
    annots = resolved(page.get("/Annots"))
    if not isinstance(annots, ArrayObject) or id(annots) in checked:
        return
    checked.add(id(annots))
    for annot in annots:
        widget = resolved(annot)
        if isinstance(widget, DictionaryObject) and kind(widget, "/Subtype") == "/Widget":
            appearance = printed_appearance(widget, visibility)
            problem = appearance_problem(appearance) if appearance is not None else None
            if problem:
                raise PageError(f"a form field whose appearance is damaged ({problem}), so "
                                "it cannot be printed where the form puts it; export the "
                                "PDF again, or print it to PDF")


