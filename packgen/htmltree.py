"""Parse rendered HTML (the documented subset) into a small element tree with line numbers.

What the subset holds is :mod:`packgen.subset`'s to say, for templates as they load
and for the HTML they render alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from packgen.errors import Position, Problem, TemplateError
from packgen.subset import TAGS, VOID_TAGS, attribute_problem, missing_problem, tag_problem


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element | str] = field(default_factory=list)
    classes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """Its ``class`` attribute's names (asked for each style looked up: split once)."""

    def __post_init__(self) -> None:
        self.classes = tuple(self.attrs.get("class", "").split())


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
        refused = tag_problem(tag)
        if refused:
            self._problem(refused)
            return
        for name, value in attrs:
            refused = attribute_problem(tag, name, value or "")
            if refused:
                self._problem(refused)
        values = {k: v or "" for k, v in attrs}
        missing = missing_problem(tag, values)
        if missing:
            self._problem(missing)
        element = Element(tag, values, self.getpos()[0])
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in TAGS and tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag not in TAGS or tag in VOID_TAGS:
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
