"""The shape of a tagged PDF's structure tree, checked with pypdf: a list of readable problems.

veraPDF judges a pack against PDF/UA-1 but takes seconds and needs Java; this check is
fast enough to run on every pack the tests build, and says in words what is wrong:
a page's marked content the tree does not own, an element pointing at content that is not
there, a link nobody can reach from the tree. It reads, and never repairs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

from tests.marked_content import Key, Scanner, ident, own_content_marked, read_content
from tests.structure_baseline import new_problems

# Elements that begin a document of their own: heading levels restart inside them.
GROUPS = {"/Document", "/Part", "/Art", "/Sect"}
# Annotations PDF/UA wants in the tree (a link or a field nobody can reach is lost).
MUST_BE_TAGGED = {"/Link", "/Widget"}

@dataclass
class Tree:
    """What the structure tree says it owns, gathered in one walk."""

    marked: dict[Key, int] = field(default_factory=dict)        # MCR -> element id
    objects: dict[int, int] = field(default_factory=dict)       # annotation id -> element id
    parent_tree: dict[int, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def check_structure(pdf: Path | PdfReader,
                    fully_tagged: Collection[int] | None = None,
                    originals: Mapping[int, Path] | None = None) -> list[str]:
    """Every problem with the structure tree of ``pdf``, one readable line each.

    ``fully_tagged`` are the 0-based pages whose every mark must be tagged content or an
    artifact (packgen's own pages); by default, every page that joins the tree
    (has ``/StructParents``) with marked content of its own, beyond the stamps. An untagged
    attachment's pages are not held to that, even the one whose stamped NOT FOR
    PUBLICATION is tagged.

    ``originals`` are the attachments ``pdf`` copies, by the 0-based page of ``pdf`` their
    first page became: what each already got wrong is not held against the pack
    (:func:`tests.structure_baseline.new_problems`).
    """
    problems = all_problems(pdf if isinstance(pdf, PdfReader) else PdfReader(pdf),
                            fully_tagged)
    if not originals:
        return problems
    return new_problems(problems, [(first, original_problems(original))
                                   for first, original in originals.items()])


def all_problems(reader: PdfReader, fully_tagged: Collection[int] | None) -> list[str]:
    root = reader.trailer["/Root"].get_object()
    problems = catalog_problems(root)
    if "/StructTreeRoot" not in root:
        return problems + ["catalog: no /StructTreeRoot (the PDF is not tagged)"]
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)
                  if page.indirect_reference is not None}
    tree = walk_tree(root["/StructTreeRoot"].get_object(), page_index)
    problems += tree.problems
    found: set[Key] = set()
    unread: set[tuple[int, int | None]] = set()
    for index, page in enumerate(reader.pages):
        must_tag = ("/StructParents" in page and own_content_marked(page)) \
            if fully_tagged is None else index in fully_tagged
        problems += page_problems(reader, index, page, tree, must_tag, found, unread)
    for key in sorted(set(tree.marked) - found, key=str):
        if key[:2] in unread:  # said once, as content that cannot be decoded
            continue
        problems.append(f"page {key[0] + 1}: the tree points at MCID {key[2]}"
                        f"{' in a form XObject' if key[1] else ''}, which is not in the content")
    return problems


def catalog_problems(root: DictionaryObject) -> list[str]:
    problems = []
    mark_info = root.get("/MarkInfo")
    if mark_info is None or not truth(mark_info.get_object().get("/Marked")):
        problems.append("catalog: /MarkInfo /Marked is not true")
    if not str(root.get("/Lang", "")).strip():
        problems.append("catalog: no /Lang")
    prefs = root.get("/ViewerPreferences")
    if prefs is None or not truth(prefs.get_object().get("/DisplayDocTitle")):
        problems.append("catalog: /ViewerPreferences /DisplayDocTitle is not true")
    return problems


def truth(value: Any) -> bool:
    return isinstance(value, BooleanObject) and bool(value)


def number_tree(node: DictionaryObject) -> Iterator[tuple[int, Any]]:
    node = node.get_object()
    nums = node.get("/Nums", ArrayObject())
    for i in range(0, len(nums) - 1, 2):
        yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", ArrayObject()):
        yield from number_tree(kid)


def walk_tree(struct_root: DictionaryObject, page_index: dict[int, int]) -> Tree:
    tree = Tree()
    if "/ParentTree" not in struct_root:
        tree.problems.append("StructTreeRoot: no /ParentTree")
    else:
        tree.parent_tree = dict(number_tree(struct_root["/ParentTree"]))
    next_key = struct_root.get("/ParentTreeNextKey")
    if not isinstance(next_key, NumberObject):
        tree.problems.append("StructTreeRoot: no /ParentTreeNextKey")
    elif tree.parent_tree and int(next_key) <= max(tree.parent_tree):
        tree.problems.append(f"StructTreeRoot: /ParentTreeNextKey {next_key} is not above "
                             f"the ParentTree's keys (up to {max(tree.parent_tree)})")
    role_map = struct_root.get("/RoleMap", DictionaryObject()).get_object()

    def role(element: DictionaryObject) -> str:
        name, seen = str(element.get("/S", "")), set()
        while name in role_map and name not in seen:  # a circular map stops here
            seen.add(name)
            name = str(role_map[name])
        return name

    tops = [k.get_object() for k in as_list(struct_root.get("/K"))]
    tops = [k for k in tops if isinstance(k, DictionaryObject)]
    if len(tops) != 1 or role(tops[0]) != "/Document":
        tree.problems.append("StructTreeRoot: its one kid should be a Document element, found "
                             + (", ".join(role(k) for k in tops) or "none"))
    visited: set[int] = set()
    # (element, its inherited /Pg, heading levels of its group): depth first, in reading order
    stack: list[tuple[DictionaryObject, Any, list[int]]] = [(k, None, []) for k in reversed(tops)]
    while stack:
        element, page, levels = stack.pop()
        me = ident(element)
        if me in visited:
            tree.problems.append(f"structure element {me}: reached twice (a loop or a shared kid)")
            continue
        visited.add(me)
        name = role(element)
        page = element.get("/Pg", page)
        if name == "/Figure" and not str(element.get("/Alt", "")).strip():
            tree.problems.append(f"Figure element {me}: no /Alt")
        if len(name) == 3 and name.startswith("/H") and name[2].isdigit():
            level = int(name[2])
            if levels and level > levels[-1] + 1:
                tree.problems.append(f"heading levels skip: {name[1:]} after H{levels[-1]}"
                                     f" (element {me})")
            levels.append(level)
        group = [] if name in GROUPS else levels
        kids = []
        for kid in as_list(element.get("/K")):
            kid_obj = kid.get_object()
            if isinstance(kid_obj, NumberObject):
                record_mcr(tree, page_index, page, None, int(kid_obj), me)
            elif isinstance(kid_obj, DictionaryObject) and kid_obj.get("/Type") == "/MCR":
                stream = kid_obj.get("/Stm")
                record_mcr(tree, page_index, kid_obj.get("/Pg", page),
                           ident(stream) if stream is not None else None,
                           int(kid_obj["/MCID"]), me)
            elif isinstance(kid_obj, DictionaryObject) and kid_obj.get("/Type") == "/OBJR":
                tree.objects[ident(kid_obj["/Obj"])] = me
            elif isinstance(kid_obj, DictionaryObject):
                kids.append((kid_obj, page, group))
        stack.extend(reversed(kids))
    return tree


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return list(value) if isinstance(value, ArrayObject) else [value]


def record_mcr(tree: Tree, page_index: dict[int, int], page: Any, stream: int | None,
               mcid: int, owner: int) -> None:
    if page is None or ident(page) not in page_index:
        tree.problems.append(f"structure element {owner}: MCID {mcid} has no page (/Pg)")
        return
    tree.marked[(page_index[ident(page)], stream, mcid)] = owner


def page_problems(reader: PdfReader, index: int, page: Any, tree: Tree, must_tag: bool,
                  found: set[Key], unread: set[tuple[int, int | None]]) -> list[str]:
    where = f"page {index + 1}"
    scanner = Scanner(index, must_tag, found, unread)
    data, damaged = read_content(page)
    if damaged:
        scanner.undecodable(where, None)
    mcids = scanner.scan(data, page.get("/Resources"), where)
    problems = scanner.problems
    if "/StructParents" in page:
        problems += owned(tree, int(page["/StructParents"]), index, None, mcids, where)
    elif mcids:
        problems.append(f"{where}: marked content (MCIDs) but no /StructParents")
    for key, form, form_mcids, form_where in scanner.forms:
        problems += owned(tree, key, index, form, form_mcids, form_where)
    annots = [a.get_object() for a in as_list(page.get("/Annots"))]
    tabs = page.get("/Tabs")
    # LibreOffice 7.4 writes /Tabs (S), a string: readers want the name.
    if annots and not (isinstance(tabs, NameObject) and tabs == "/S"):
        problems.append(f"{where}: has annotations but not /Tabs /S (found {tabs!r})")
    for annot in annots:
        subtype = str(annot.get("/Subtype"))
        if subtype == "/Link" and not str(annot.get("/Contents", "")).strip():
            problems.append(f"{where}: a Link annotation has no /Contents")
        if "/StructParent" not in annot:
            if subtype in MUST_BE_TAGGED:
                problems.append(f"{where}: a {subtype[1:]} annotation is not in the tree "
                                "(no /StructParent)")
            continue
        element = tree.parent_tree.get(int(annot["/StructParent"]))
        if element is None or tree.objects.get(ident(annot)) != ident(element):
            problems.append(f"{where}: {subtype[1:]} annotation's /StructParent "
                            f"{annot['/StructParent']} does not lead to an element whose OBJR "
                            "points back at it")
    return problems


def owned(tree: Tree, key: int, index: int, stream: int | None, mcids: list[int],
          where: str) -> list[str]:
    """Each MCID in a content stream must map, through the ParentTree, to its owner."""
    entry = tree.parent_tree.get(key)
    entry = entry.get_object() if entry is not None else None
    if not isinstance(entry, ArrayObject):
        return [f"{where}: /StructParents {key} has no array in the ParentTree"]
    problems = []
    for mcid in mcids:
        parent = entry[mcid] if mcid < len(entry) else None
        owner = tree.marked.get((index, stream, mcid))
        if parent is None or parent.get_object() is None or owner != ident(parent):
            problems.append(f"{where}: MCID {mcid} is not owned through the ParentTree by an "
                            "element whose /K holds it")
    return problems


def packgen_pdfs(folder: Path) -> list[Path]:
    """The PDFs under ``folder`` that packgen wrote (its name in /Producer), not their inputs."""
    found = []
    for pdf in sorted(folder.rglob("*.pdf")):
        # Only regular files: a test's named pipe called x.pdf would block the open forever.
        if pdf.is_symlink() or not pdf.is_file():
            continue
        try:
            with pdf.open("rb") as stream:
                producer = PdfReader(stream).metadata or {}
        except Exception:  # noqa: BLE001 - a test's deliberately broken file is not a pack
            continue
        if str(producer.get("/Producer", "")).startswith("packgen"):
            found.append(pdf)
    return found


def original_problems(original: Path) -> list[str]:
    """The structure problems of an attachment as its author made it; none when pypdf
    cannot read it (a file only packgen's repairs read), so the pack is held to all."""
    try:
        reader = PdfReader(original)
        if reader.is_encrypted:
            reader.decrypt("")
        return all_problems(reader, None)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        return []
