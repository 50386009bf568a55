"""A content stream read for its marked content only: the operators and operands the
structure check needs, without building pypdf's objects for every number and string.

pypdf's ``ContentStream.operations`` parses every operand into an object; on tagged pages
that was nine tenths of the structure check's time. This reads tokens with one regular
expression and keeps only a BDC's tag and properties and a Do's name. It is checked against
pypdf's reading in tests/test_structure_check.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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
