"""Resolutions that carry their own labels, as the officer typed them: "(1) that ...",
"(a) ...", "1. that ..." (which CommonMark makes a one-item list), or one resolution that is
a labelled list. Such text is printed as written: packgen adds no number and no lead word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup

from packgen.labels import LABEL, in_sequence, label_of
from packgen.model import Block

_ONE_ITEM = re.compile(r'<ol(?: start="(\d+)")?><li>((?:(?!<li|<p>|<ul|<ol).)*)</li></ol>',
                       re.DOTALL)
"""A list of one item with inline content only: an entry typed "2. that ..."."""
_FIRST_ITEM = re.compile(r"<li>([^<]*)")
_ROMAN = re.compile(r"[ivxlc]+|[IVXLC]+")

Labelled = tuple[str, Markup, tuple[Block, ...]]
"""An entry's own label, its line after the label, and the blocks under it."""


def _plainly_a_label(label: str, form: str) -> bool:
    """"(1)", "(a)", "(iv)", "1.2": labels whatever follows; "a." or "iv." may open a
    sentence ("A. Mellor be appointed"), and are labels only in a sequence."""
    inner = label.strip("().")
    if form == "n.n" or inner.isdigit():
        return True
    return form == "(x)" and (len(inner) == 1 or _ROMAN.fullmatch(inner) is not None)


def _candidate(head: Markup, blocks: tuple[Block, ...]) -> tuple[str, str, Labelled] | None:
    """The label an entry may carry, its form, and the entry split at it."""
    if not head and blocks and blocks[0].kind == "list":
        item = _ONE_ITEM.fullmatch(blocks[0].html)
        if item is not None:
            label = f"{item[1] or 1}."
            return label, "x.", (label, Markup(item[2]), blocks[1:])
        return None
    found = label_of(head)  # labels are letters, digits and stops: escaping leaves them be
    match = LABEL.match(head)
    if found is None or match is None:
        return None
    return *found, (found[0], Markup(head[match.end():]), blocks)


def own_labels(parts: Sequence[tuple[Markup, tuple[Block, ...]]]) -> list[Labelled | None]:
    """For each entry, its own label and the rest, or None where it has none."""
    candidates = [_candidate(head, blocks) for head, blocks in parts]
    loose = all(c is not None for c in candidates) and in_sequence(
        [(c[0], c[1]) for c in candidates if c is not None])
    return [c[2] if c is not None and (loose or _plainly_a_label(c[0], c[1])) else None
            for c in candidates]


def labelled_list(block: Block) -> bool:
    """Whether a block is a list whose items carry numbers or labels of their own."""
    if block.kind != "list":
        return False
    if block.html.startswith("<ol"):
        return True
    first = _FIRST_ITEM.search(block.html)
    return first is not None and label_of(first[1]) is not None
