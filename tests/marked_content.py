"""Pages' content streams (and the form XObjects they draw) read for their marked content:
the MCIDs each holds, BDC/EMC nesting with BT/ET, and marks neither tagged nor artifacts.

pypdf's ``ContentStream.operations`` parses every operand into an object; on tagged pages
that was nine tenths of the structure check's time. This reads tokens with one regular
expression and keeps only a BDC's tag and properties and a Do's name. It is checked against
pypdf's reading in tests/test_structure_check.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pypdf.errors import DeprecationError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from packgen.pdf.unreadable import UNREADABLE

TOKEN = re.compile(rb"""
    (?P<space>[\x00\t\n\x0c\r ]+)
  | (?P<comment>%[^\r\n]*)
  | (?P<string>\()
  | (?P<open_dict><<)
  | (?P<close_dict>>>)
  | (?P<hex><[^>]*>)
  | (?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)
  | (?P<bracket>[\[\]{}])
  | (?P<word>[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)
""", re.X)
STRING_PART = re.compile(rb"[()\\]")
MCID = re.compile(rb"/MCID[\x00\t\n\x0c\r ]+(\d+)")
INLINE_IMAGE_END = re.compile(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r ]|$)")

# Operators that put marks on the page; anything else only changes state.
PAINTING = {b"Tj", b"TJ", b"'", b'"', b"Do", b"sh", b"S", b"s", b"f", b"F", b"f*",
            b"B", b"B*", b"b", b"b*", b"INLINE IMAGE"}
Key = tuple[int, int | None, int]  # (page index, form XObject id or None, MCID)
Operand = tuple[str, bytes]  # ("name", b"/P"), ("dict", b"<< ... >>") or ("other", b"")


def operators(data: bytes) -> Iterator[tuple[bytes, list[Operand]]]:
    """Each operator of ``data`` with its operands (names and inline dictionaries kept)."""
    operands: list[Operand] = []
    depth = 0  # inside a dictionary or array, a word is a value, not an operator
    dict_start: list[int] = []
    pos, end = 0, len(data)
    while pos < end:
        token = TOKEN.match(data, pos)
        if token is None:  # a stray ">" or the like: step over it as pypdf would
            pos += 1
            continue
        kind, pos = token.lastgroup, token.end()
        if kind == "string":
            pos = skip_string(data, pos)
            if not depth:
                operands.append(("other", b""))
        elif kind == "open_dict":
            depth += 1
            dict_start.append(token.start())
        elif kind == "close_dict":
            depth = max(depth - 1, 0)
            start = dict_start.pop() if dict_start else pos
            if not depth:
                operands.append(("dict", data[start:pos]))
        elif kind == "bracket":
            opening = token.group() in (b"[", b"{")
            depth = depth + 1 if opening else max(depth - 1, 0)
            if not depth and not opening:
                operands.append(("other", b""))
        elif kind == "name" and not depth:
            operands.append(("name", token.group()))
        elif kind in ("hex", "word") and not depth:
            word = token.group()
            if kind == "hex" or word[:1] in b"+-.0123456789" or word in (b"true", b"false",
                                                                          b"null"):
                operands.append(("other", b""))
                continue
            if word == b"BI":  # an inline image: its data is binary, up to "EI"
                found = INLINE_IMAGE_END.search(data, pos)
                pos = found.end() if found else end
                word = b"INLINE IMAGE"
            yield word, operands
            operands = []


def skip_string(data: bytes, pos: int) -> int:
    """The position after a literal string's closing parenthesis (nested ones balanced)."""
    level = 1
    while level:
        found = STRING_PART.search(data, pos)
        if found is None:
            return len(data)
        pos = found.end()
        char = found.group()
        if char == b"\\":
            pos += 1
        else:
            level += 1 if char == b"(" else -1
    return pos


def mcid_of(properties: bytes) -> int | None:
    found = MCID.search(properties)
    return int(found.group(1)) if found else None


def ident(obj: Any) -> int:
    """An element's identity: its object number, or the Python object for a direct one."""
    ref = obj if isinstance(obj, IndirectObject) else getattr(obj, "indirect_reference", None)
    return ref.idnum if ref is not None else -id(obj)


def decoded(stream: Any) -> bytes | None:
    """A stream's data, or None when pypdf cannot decode it (an attachment may merge with a
    short filter name, /Fl, that pypdf 7 refuses, or with filters no viewer knows)."""
    try:
        data: bytes = stream.get_object().get_data()
    except (*UNREADABLE, DeprecationError):
        return None
    return data


def read_content(page: Any) -> tuple[bytes, bool]:
    """The page's content streams joined, as a reader runs them: one stream; and whether
    any of them could not be decoded (left out of the data)."""
    contents = page.get("/Contents")
    if contents is None:
        return b"", False
    contents = contents.get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    parts = [decoded(s) for s in streams]
    return b"\n".join(p for p in parts if p is not None), None in parts


def own_content_marked(page: Any) -> bool:
    """Whether the page's own content carries marked content (MCIDs), not just what packgen
    stamped on it: the stamps are the last of several streams. An untagged attachment's
    first exempt page is in the tree only for its NOT FOR PUBLICATION marking."""
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if not isinstance(contents, ArrayObject) or len(contents) < 2:
        return True
    return MCID.search(b"\n".join(decoded(s) or b"" for s in contents[:-1])) is not None


def page_content(page: Any) -> bytes:
    """The page's content streams joined, as a reader runs them: one stream."""
    return read_content(page)[0]


class Scanner:
    """Reads one page's content streams (and the form XObjects they draw) for marked content."""

    def __init__(self, index: int, must_tag: bool, found: set[Key],
                 unread: set[tuple[int, int | None]] | None = None) -> None:
        self.index, self.must_tag, self.found = index, must_tag, found
        # (page index, form XObject id or None) whose content could not be decoded: what the
        # tree says is there cannot be checked.
        self.unread = unread if unread is not None else set()
        self.problems: list[str] = []
        self.forms: list[tuple[int, int, list[int], str]] = []  # XObjects with /StructParents
        self.seen_forms: set[int] = set()

    def scan(self, data: bytes, resources: Any, where: str, stream: int | None = None,
             inside: bool = False) -> list[int]:
        """The MCIDs of one content stream, checking nesting and untagged marks on the way."""
        resources = resources.get_object() if resources is not None else DictionaryObject()
        properties = resources.get("/Properties", DictionaryObject()).get_object()
        xobjects = resources.get("/XObject", DictionaryObject()).get_object()
        marks: list[bool] = []  # per open sequence: does it tag or artifact what it holds?
        text_depth: int | None = None  # how many sequences were open at BT
        mcids: list[int] = []
        untagged = 0
        for operator, operands in operators(data):
            if operator in (b"BDC", b"BMC"):
                number = None
                if operator == b"BDC" and len(operands) >= 2:
                    kind, value = operands[-1]
                    if kind == "dict":
                        number = mcid_of(value)
                    elif kind == "name":
                        named = properties.get(value.decode("latin-1"))
                        found = named.get_object().get("/MCID") if named is not None else None
                        number = int(found) if found is not None else None
                if number is not None:
                    mcids.append(number)
                    self.found.add((self.index, stream, number))
                tag = operands[-2 if operator == b"BDC" else -1][1] if operands else b""
                marks.append(number is not None or tag == b"/Artifact")
            elif operator == b"EMC":
                if not marks:
                    self.problems.append(f"{where}: EMC without a BDC/BMC")
                    continue
                if text_depth is not None and len(marks) <= text_depth:
                    self.problems.append(f"{where}: marked content opened outside BT/ET "
                                         "closes inside it")
                marks.pop()
            elif operator == b"BT":
                text_depth = len(marks)
            elif operator == b"ET":
                if text_depth is not None and len(marks) > text_depth:
                    self.problems.append(f"{where}: marked content opened inside BT/ET is "
                                         "still open at ET")
                text_depth = None
            elif operator in PAINTING:
                tagged = inside or any(marks)
                form = None
                if operator == b"Do" and operands and operands[-1][0] == "name":
                    form = xobjects.get(operands[-1][1].decode("latin-1"))
                if form is not None and form.get_object().get("/Subtype") == "/Form":
                    mcids += self.form(form, resources, where, tagged)
                elif self.must_tag and not tagged:
                    untagged += 1
        if marks:
            self.problems.append(f"{where}: {len(marks)} BDC/BMC without EMC")
        if untagged:
            self.problems.append(f"{where}: {untagged} painting operators neither tagged nor "
                                 "artifacts")
        return mcids

    def form(self, form: Any, resources: Any, where: str, tagged: bool) -> list[int]:
        """A form XObject's MCIDs: its own if it has /StructParents, else the page's."""
        number = ident(form)
        if number in self.seen_forms:  # drawn twice, or drawing itself
            return []
        self.seen_forms.add(number)
        stream: StreamObject = form.get_object()
        own = stream.get("/StructParents")
        where = f"{where} (form XObject {number})"
        data = decoded(stream)
        if data is None:
            self.undecodable(where, number if own is not None else None)
            return []
        mcids = self.scan(data, stream.get("/Resources", resources), where,
                          number if own is not None else None, tagged)
        if own is None:
            return mcids
        self.forms.append((int(own), number, mcids, where))
        return []

    def undecodable(self, where: str, stream: int | None) -> None:
        """Content that cannot be decoded: a problem on a page that must be tagged (packgen's
        own pages always decode), an attachment's own affair on any other."""
        self.unread.add((self.index, stream))
        if self.must_tag:
            self.problems.append(f"{where}: a content stream cannot be decoded")
