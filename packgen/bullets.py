"""Officers' own bullets: a list item typed as ``- ⇒ Improve outcomes`` prints with ⇒ as
its bullet, not "• ⇒ Improve outcomes"."""

from __future__ import annotations

from packgen.htmltree import Element

SYMBOLS = frozenset("⇒➢►▪◦→✓✔–—•●○■□▸▹➤➔➜❖◆◇★☐☑✗✘-*>")
"""Characters that, followed by a space, open an item as its bullet would."""


def own_bullet(li: Element) -> tuple[str | None, Element]:
    """The symbol an item's text starts with (then a space), and the item without it."""
    first = first_text(li)
    if first is None:
        return None, li
    holder, index = first
    text = holder.children[index]
    assert isinstance(text, str)
    stripped = text.lstrip()
    if len(stripped) < 3 or stripped[0] not in SYMBOLS or not stripped[1].isspace():
        return None, li
    symbol = stripped[0]
    return symbol, replaced(li, holder, index, stripped[1:].lstrip())


def first_text(el: Element) -> tuple[Element, int] | None:
    """The element holding the item's first words, and their place in its children."""
    for index, child in enumerate(el.children):
        if isinstance(child, str):
            if child.strip():
                return el, index
            continue
        if child.tag in ("ul", "ol", "table", "img"):
            return None
        return first_text(child)
    return None


def replaced(el: Element, holder: Element, index: int, text: str) -> Element:
    """A copy of ``el`` with ``holder``'s child at ``index`` replaced by ``text``."""
    if el is holder:
        children = list(el.children)
        children[index] = text
        return Element(el.tag, el.attrs, el.line, children)
    return Element(el.tag, el.attrs, el.line,
                   [replaced(c, holder, index, text) if isinstance(c, Element)
                    and _contains(c, holder) else c for c in el.children])


def _contains(el: Element, target: Element) -> bool:
    return el is target or any(isinstance(c, Element) and _contains(c, target)
                               for c in el.children)
