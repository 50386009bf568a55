"""A rebuild cache entry as bytes, and back: read as untrusted input, never unpickled.

An entry is a header line (:data:`FORMAT`, the SHA-256 of the rest, the length of its
JSON), the JSON description of a :class:`~packgen.rendered.Typeset` (with the key it was
stored under), then the PDF bytes. :func:`decode` checks every field and what the pack's
later stages rely on, and answers None for anything that does not check out. A page count
alone (a front sheet's length, see :meth:`packgen.cache.TypesetCache.get_pages`) is the
same header with :data:`PAGES_FORMAT` and JSON only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

from packgen.rendered import Annotation, Marked, Tag, Typeset

FORMAT = b"packgen-typeset/1"
PAGES_FORMAT = b"packgen-pages/1"


def encode(key: str, typeset: Typeset) -> bytes:
    body = json.dumps({"key": key, "pages": typeset.pages, "anchors": typeset.anchors,
                       "tagged": typeset.tagged, "pdf": len(typeset.pdf),
                       "structure": [_tag_data(t) for t in typeset.structure]},
                      sort_keys=True, separators=(",", ":")).encode()
    rest = body + typeset.pdf
    return b"%s %s %d\n" % (FORMAT, hashlib.sha256(rest).hexdigest().encode(), len(body)) + rest


def encode_pages(key: str, pages: int) -> bytes:
    body = json.dumps({"key": key, "pages": pages}, sort_keys=True,
                      separators=(",", ":")).encode()
    return b"%s %s %d\n" % (PAGES_FORMAT, hashlib.sha256(body).hexdigest().encode(),
                            len(body)) + body


def decode_pages(data: bytes, key: str) -> int | None:
    """The page count in ``data`` if it is whole, of this format and stored under ``key``."""
    header, _, body = data.partition(b"\n")
    fields = header.split(b" ")
    if len(fields) != 3 or fields[0] != PAGES_FORMAT or fields[2] != b"%d" % len(body) \
            or hashlib.sha256(body).hexdigest().encode() != fields[1]:
        return None
    try:
        found = json.loads(body)
    except ValueError:
        return None
    if not (isinstance(found, dict) and set(found) == {"key", "pages"}
            and found["key"] == key and _is_int(found["pages"]) and found["pages"] > 0):
        return None
    return int(found["pages"])


def decode(data: bytes, key: str) -> Typeset | None:
    """The entry in ``data`` if it is whole, of this format and stored under ``key``."""
    header, _, rest = data.partition(b"\n")
    fields = header.split(b" ")
    if len(fields) != 3 or fields[0] != FORMAT or not fields[2].isdigit():
        return None
    if hashlib.sha256(rest).hexdigest().encode() != fields[1]:
        return None
    length = int(fields[2])
    try:
        found = json.loads(rest[:length])
        pdf = rest[length:]
        if not (isinstance(found, dict) and found.get("key") == key
                and found.get("pdf") == len(pdf) and pdf.startswith(b"%PDF-")):
            return None
        pages, anchors, tagged = found["pages"], found["anchors"], found["tagged"]
        if not (_is_int(pages) and pages > 0 and isinstance(tagged, bool)
                and isinstance(anchors, dict)
                and all(_is_int(v) for v in anchors.values())):
            return None
        structure = tuple(_tag(t) for t in _list(found["structure"]))
    except (ValueError, KeyError, TypeError):
        return None
    # What the pack's later stages rely on, so that a spoiled entry is a miss, never a
    # traceback or a wrong page count: as many page objects as it says (ReportLab writes
    # each as "/Type /Page"), a whole file, and nothing named beyond its pages.
    if len(_PAGE_OBJECT.findall(pdf)) != pages or not pdf.rstrip().endswith(b"%%EOF") or \
            not all(1 <= v <= pages for v in anchors.values()) or \
            not all(0 <= at < pages for at in _pages_named(structure)):
        return None
    return Typeset(pdf, pages, anchors, structure, tagged)


_PAGE_OBJECT = re.compile(rb"/Type /Page\b(?!s)")


def _pages_named(tags: Iterable[Tag]) -> Iterable[int]:
    for tag in tags:
        for kid in tag.kids:
            if isinstance(kid, Tag):
                yield from _pages_named((kid,))
            else:
                yield kid.page


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _text(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _tag_data(tag: Tag) -> dict[str, Any]:
    return {"role": tag.role, "alt": tag.alt, "text": tag.text, "lang": tag.lang,
            "attributes": [[owner, name, value] for owner, name, value in tag.attributes],
            "kids": [_tag_data(kid) if isinstance(kid, Tag)
                     else ["m", kid.page, kid.mcid] if isinstance(kid, Marked)
                     else ["a", kid.page, kid.index] for kid in tag.kids]}


def _tag(data: object) -> Tag:
    if not isinstance(data, dict) or not isinstance(data["role"], str):
        raise TypeError("expected a structure element")
    kids: list[Tag | Marked | Annotation] = []
    for kid in _list(data["kids"]):
        if isinstance(kid, dict):
            kids.append(_tag(kid))
            continue
        kind, first, second = _list(kid)
        if not (_is_int(first) and _is_int(second)):
            raise TypeError("expected page numbers")
        kids.append(Marked(first, second) if kind == "m" else Annotation(first, second)
                    if kind == "a" else _refuse(kind))
    attributes = []
    for owner, name, value in (_list(a) for a in _list(data["attributes"])):
        if not (isinstance(owner, str) and isinstance(name, str)):
            raise TypeError("expected names")
        if isinstance(value, list):
            if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in value):
                raise TypeError("expected numbers")
            value = tuple(value)
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            raise TypeError("expected a value")
        attributes.append((owner, name, value))
    return Tag(data["role"], tuple(kids), _text(data["alt"]), _text(data["text"]),
               tuple(attributes), _text(data["lang"]))


def _refuse(kind: object) -> Marked:
    raise TypeError(f"unknown kind of content {kind!r}")
