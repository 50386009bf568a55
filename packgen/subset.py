"""The HTML subset packgen lays out: its tags, the attributes each tag takes, their values.

Defined once, here, for the two places that hold HTML to it: a template's own markup
as the template loads (:mod:`packgen.theme`, so that ``validate`` finds it and the
problem names the template's line), and the HTML a template renders
(:mod:`packgen.htmltree`, where every value is known). Both ask the same two
questions below, so what one accepts the other accepts. A link's address is judged by
:func:`packgen.pdf.links.href_problem`, the rule the typesetter lays links out by.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from packgen.pdf.links import href_problem


@dataclass(frozen=True)
class Value:
    """What an attribute's value must look like, and how a problem says so."""

    pattern: re.Pattern[str]
    expected: str


LENGTH = Value(re.compile(r"\d+(\.\d+)?(%|mm|pt)?"), 'a length such as "30%", "40mm" or "120pt"')
CELLS = Value(re.compile(r"[1-9]\d{0,2}"), "a whole number of cells")

Attributes = Mapping[str, "Value | None"]
"""Attribute name -> the form its value must take (None: any text)."""


@dataclass(frozen=True)
class Tag:
    inline: bool = False
    """Laid out inside a paragraph's text rather than as a block of its own."""
    void: bool = False
    """Has no content and no closing tag (``<br>``)."""
    attributes: Attributes = field(default_factory=dict)
    """What this tag takes beyond :data:`EVERY_TAG`."""
    required: tuple[str, ...] = ()
    """Attributes it must have, even if empty (an image's ``alt``)."""


EVERY_TAG: Attributes = MappingProxyType({"class": None, "id": None})
"""Styles are chosen by class on any tag; an ``id`` is where a link or bookmark lands."""

LANG = Value(re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*"), 'a language tag such as "en-GB"')
"""A block's language where it is not the page's (an English title in a Welsh edition):
its structure element's /Lang, so a screen reader reads it with the right voice."""
_BLOCK = Tag(attributes={"lang": LANG})
_CELL = MappingProxyType({"colspan": CELLS, "rowspan": CELLS, "lang": LANG})
_INLINE = Tag(inline=True)

TAGS: Mapping[str, Tag] = MappingProxyType({
    **dict.fromkeys(("h1", "h2", "h3", "h4", "p"), _BLOCK),
    **dict.fromkeys(("ul", "li", "div"), Tag()),
    "ol": Tag(attributes={"start": Value(re.compile(r"\d{1,6}"), "a whole number")}),
    **dict.fromkeys(("table", "colgroup", "thead", "tbody", "tr"), Tag()),
    "col": Tag(void=True, attributes={"width": LENGTH}),
    "th": Tag(attributes=_CELL),
    "td": Tag(attributes=_CELL),
    # A picture with no alt leaves a screen reader to read out its file name (PDF/UA
    # fails it too): alt="" says it is decoration, passed over.
    "img": Tag(void=True, attributes={"src": None, "width": LENGTH, "height": LENGTH,
                                      "alt": None}, required=("alt",)),
    **dict.fromkeys(("b", "strong", "i", "em", "u", "span"), _INLINE),
    "a": Tag(inline=True, attributes={"href": None}),
    "br": Tag(inline=True, void=True),
})

INLINE_TAGS = frozenset(name for name, tag in TAGS.items() if tag.inline)
VOID_TAGS = frozenset(name for name, tag in TAGS.items() if tag.void)


def tag_problem(tag: str) -> str | None:
    """Why an opening ``tag`` (lower case) is refused, or None if it is in the subset."""
    if tag in TAGS:
        return None
    return f"<{tag}> is not in the HTML subset packgen lays out (see the README)"


def missing_problem(tag: str, names: Collection[str]) -> str | None:
    """Why a ``tag`` (one in the subset) with attributes ``names`` lacks one it needs."""
    missing = [name for name in TAGS[tag].required if name not in names]
    if not missing:
        return None
    if tag == "img":
        return ('<img> needs an alt attribute: the words a screen reader says in place of '
                'the picture (alt="" for a picture that is only decoration)')
    return f"<{tag}> needs the attribute{'s' * (len(missing) > 1)} {', '.join(missing)}"


def attribute_problem(tag: str, name: str, value: str | None) -> str | None:
    """Why ``name="value"`` is refused on ``tag`` (one in the subset), or None.

    ``value`` None: not known yet (a template's markup, where Jinja fills it in), so
    only the name is checked.
    """
    if name in EVERY_TAG:
        form = EVERY_TAG[name]
    elif name in TAGS[tag].attributes:
        form = TAGS[tag].attributes[name]
    else:
        return f'<{tag}> attribute "{name}" is not supported (see the README)'
    if value is None:
        return None
    if tag == "a" and name == "href":
        return href_problem(value)
    if form is None or form.pattern.fullmatch(value):
        return None
    return f'<{tag}> {name}="{value}": expected {form.expected}'
