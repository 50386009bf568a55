"""Parse rendered HTML (the documented subset) into a small element tree with line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from packgen.errors import Position, Problem, TemplateError
from packgen.theme import ATTRIBUTES, SUBSET

VOID = frozenset({"br", "img", "col"})
_LENGTH = (re.compile(r"\d+(\.\d+)?(%|mm|pt)?"), 'a length such as "30%", "40mm" or "120pt"')
_COUNT = (re.compile(r"[1-9]\d{0,2}"), "a whole number of cells")
_VALUE_FORMS = {"width": _LENGTH, "height": _LENGTH, "colspan": _COUNT, "rowspan": _COUNT}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.attrs.get("class", "").split())


class _Builder(HTMLParser):
    def __init__(self, origin: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.origin = origin
        self.root = Element("div", {}, 1)
        self.stack = [self.root]
        self.problems: list[Problem] = []

    def _problem(self, message: str) -> None:
        line, column = self.getpos()
        self.problems.append(Problem(Position(self.origin, line, column + 1), message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SUBSET:
            self._problem(f"<{tag}> is not in the HTML subset packgen lays out (see the README)")
            return
        for name, value in attrs:
            if name not in ATTRIBUTES:
                self._problem(f'<{tag}> attribute "{name}" is not supported (see the README)')
            elif name in _VALUE_FORMS and not _VALUE_FORMS[name][0].fullmatch(value or ""):
                self._problem(f'<{tag}> {name}="{value}": expected {_VALUE_FORMS[name][1]}')
        element = Element(tag, {k: v or "" for k, v in attrs}, self.getpos()[0])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SUBSET and tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag not in SUBSET or tag in VOID:
            return
        # Close up to the matching open element; HTML lets <li> and <p> be left open.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        self._problem(f"</{tag}> closes nothing")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str, origin: Path) -> Element:
    """The element tree of ``html``; raise :class:`TemplateError` for markup outside the subset.

    ``origin`` names the template that produced the HTML, for the problem's position.
    """
    builder = _Builder(origin)
    builder.feed(html)
    builder.close()
    if builder.problems:
        raise TemplateError(builder.problems)
    return builder.root
