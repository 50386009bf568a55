"""Read back the marked content of typeset pages: which operators are tagged, each MCID's
text and role, and whether marked content nests with text objects and q/Q (tests only)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream

PAINTING = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"Do", b"sh", b"EI",
            b"Tj", b"TJ", b"'", b'"'}


@dataclass
class Page:
    mcids: dict[int, str] = field(default_factory=dict)
    """MCID -> its role (the tag of its BDC)."""
    text: dict[int, str] = field(default_factory=dict)
    """MCID -> the text drawn in it."""
    problems: list[str] = field(default_factory=list)


def _to_unicode(font: Any) -> dict[int, str]:
    """A simple font's codes -> text, from its ToUnicode CMap."""
    mapping: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return mapping
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(dst, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(base + n)
    return mapping


def _bytes(operand: Any) -> bytes:
    return bytes(getattr(operand, "original_bytes", operand))


def read_page(reader: PdfReader, index: int) -> Page:
    page = reader.pages[index]
    out = Page()
    fonts = page["/Resources"].get("/Font", {})
    maps = {name: _to_unicode(fonts[name].get_object()) for name in fonts}
    stack: list[tuple[str, int | None, int]] = []  # tag, MCID, q depth
    depth, text_at = 0, None
    font: dict[int, str] = {}
    for operands, op in ContentStream(page.get_contents(), reader).operations:
        where = f"page {index + 1} {op.decode()}"
        if op == b"q":
            depth += 1
        elif op == b"Q":
            depth -= 1
            if stack and depth < stack[-1][2]:
                out.problems.append(f"{where}: Q inside marked content begun outside it")
        elif op == b"BT":
            text_at = len(stack)
        elif op == b"ET":
            if text_at != len(stack):
                out.problems.append(f"{where}: marked content straddles BT/ET")
            text_at = None
        elif op in (b"BDC", b"BMC"):
            tag = str(operands[0])[1:]
            mcid = operands[1].get("/MCID") if op == b"BDC" and hasattr(operands[1], "get") \
                else None
            if stack and (mcid is not None or tag == "Artifact"):
                out.problems.append(f"{where}: {tag} nested in {stack[-1][0]}")
            if mcid is not None:
                if mcid in out.mcids:
                    out.problems.append(f"{where}: MCID {mcid} drawn twice")
                out.mcids[mcid] = tag
                out.text.setdefault(mcid, "")
            stack.append((tag, mcid, depth))
        elif op == b"EMC":
            if not stack:
                out.problems.append(f"{where}: EMC without BDC")
            elif stack.pop()[2] != depth:
                out.problems.append(f"{where}: marked content straddles q/Q")
        elif op == b"Tf":
            font = maps.get(str(operands[0]), {})
        if op in PAINTING:
            if not stack:
                out.problems.append(f"{where}: neither tagged nor an artifact")
            elif op in (b"Tj", b"TJ", b"'", b'"') and stack[-1][1] is not None:
                shown = operands[-1] if op != b"TJ" else [o for o in operands[0]
                                                          if not isinstance(o, int | float)]
                for s in shown if isinstance(shown, list) else [shown]:
                    out.text[stack[-1][1]] += "".join(font.get(b, chr(b)) for b in _bytes(s))
    if stack:
        out.problems.append(f"page {index + 1}: marked content left open")
    return out
