"""Lists labelled as officers type them: "a. ... b. ...", "(a)", "a)", "i.", "(iv)", "A.",
"1.1". CommonMark has no such lists: a paragraph whose every line starts with such a label,
in sequence, becomes a list (:func:`labelled_list`), and a bullet list whose every item
starts with one prints each label as its item's bullet (:func:`own_labels`), never "• (a)".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from packgen.bullets import first_text, replaced
from packgen.htmltree import Element

if TYPE_CHECKING:  # validate never loads the Markdown parser when nothing needs it
    from markdown_it.tree import SyntaxTreeNode

LABEL = re.compile(r"\s*(\((?P<paren>[A-Za-z]+|\d+)\)|(?P<mark>[A-Za-z]+)[.)]"
                   r"|(?P<dotted>\d{1,2}\.\d{1,2})\.?)\s+(?=\S)")
"""A label, then a space and the item's first word. A dotted label has two parts of one
or two digits ("1.1", "12.3"): "1.4.2014" and "3.4.1" open dates and sections, not items."""
UPPER_WORDS = 3
"""Words an upper-case label's item needs: "A. Smith", "B. Jones" are initials."""
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def label_of(text: str) -> tuple[str, str] | None:
    """The label ``text`` starts with, as typed, and its form ("(x)", "x)", "x." or "n.n")."""
    found = LABEL.match(text)
    if found is None:
        return None
    label = found[1]
    if found["paren"]:
        return label, "(x)"
    if found["mark"]:
        return label, "x" + label[-1]
    return label.rstrip("."), "n.n"


def in_sequence(labels: Sequence[tuple[str, str]]) -> bool:
    """Two or more labels of one form that count on by one: a, b, c; i, ii, iii; 1.1, 1.2."""
    if len(labels) < 2 or len({form for _, form in labels}) != 1:
        return False
    values = [re.sub(r"[().]", "", label) if form != "n.n" else label for label, form in labels]
    if labels[0][1] == "n.n":
        heads = {v.rsplit(".", 1)[0] for v in values}
        return len(heads) == 1 and _counts_on([int(v.rsplit(".", 1)[1]) for v in values])
    if all(v.isdigit() for v in values):
        return _counts_on([int(v) for v in values])
    if not (all(v.islower() for v in values) or all(v.isupper() for v in values)):
        return False
    letters = all(len(v) == 1 for v in values) and _counts_on([ord(v) for v in values])
    return letters or _counts_on([_roman(v.lower()) for v in values])


def _counts_on(numbers: list[int]) -> bool:
    return numbers[0] > 0 and all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False))


def _roman(text: str) -> int:
    """The value of a roman numeral; 0 when it is not one."""
    if any(c not in ROMAN for c in text):
        return 0
    total = 0
    for n, c in enumerate(text):
        value = ROMAN[c]
        total += -value if n + 1 < len(text) and ROMAN[text[n + 1]] > value else value
    return total


def own_labels(items: Sequence[Element]) -> list[tuple[str, Element]] | None:
    """Each item's label and the item without it, when every item starts with a label in
    sequence; else None."""
    found: list[tuple[str, str, Element]] = []
    for li in items:
        first = first_text(li)
        if first is None:
            return None
        holder, index = first
        text = holder.children[index]
        assert isinstance(text, str)
        label = label_of(text)
        if label is None:
            return None
        rest = text[LABEL.match(text).end():]  # type: ignore[union-attr]
        found.append((*label, replaced(li, holder, index, rest)))
    if not in_sequence([(label, form) for label, form, _ in found]):
        return None
    return [(label, li) for label, _, li in found]


def labelled_list(paragraph: SyntaxTreeNode, span: Callable[[SyntaxTreeNode], str]
                  ) -> str | None:
    """A paragraph whose first line starts with a label, and whose lines starting with one
    count on in sequence, as a ``<ul>`` of its items (the labels kept: the typesetter
    prints them as bullets); a line without a label continues the item above (a
    hard-wrapped item). Else None: an upper-case label with fewer than three words after
    it (initials), or a first label written with a backslash (``a\\.``), keeps the
    paragraph as text."""
    if len(paragraph.children) != 1:
        return None
    inline = paragraph.children[0]
    lines: list[list[SyntaxTreeNode]] = [[]]
    for child in inline.children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append([child])  # the break joins a continued line to its item
        else:
            lines[-1].append(child)
    # The source keeps what markdown-it's escapes hide: "a\\. " is no label.
    raw = inline.content.split("\n")
    if len(lines) < 2 or len(raw) != len(lines):
        return None
    items: list[list[SyntaxTreeNode]] = []
    texts: list[str] = []
    labels = []
    for line, text in zip(lines, raw, strict=True):
        label = label_of(text)
        if label is None:
            if not items:
                return None
            items[-1].extend(line)
            texts[-1] += " " + text
            continue
        labels.append(label)
        items.append([c for c in line if c.type not in ("softbreak", "hardbreak")])
        texts.append(text[LABEL.match(text).end():])  # type: ignore[union-attr]
    if not in_sequence(labels):
        return None
    if any(label.upper() == label and any(c.isalpha() for c in label)
           and len(text.split()) < UPPER_WORDS for (label, _), text in zip(labels, texts,
                                                                          strict=True)):
        return None
    return "<ul>" + "".join("<li>" + "".join(span(c) for c in item) + "</li>"
                            for item in items) + "</ul>"
