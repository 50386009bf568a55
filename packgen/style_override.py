"""Read an officer's ``style.yaml``: checked at its lines, as data to lay over the theme's.

A ``style.yaml`` in the meeting's ``templates/`` folder or in ``--templates DIR``
overrides the theme's stylesheet as a template overrides a template, but by merging
rather than replacing, so it holds only what changes: ``styles`` selector by selector
and, within one, property by property; ``colours`` name by name; ``page`` key by key
(``margin_mm`` side by side); ``fonts`` family by family, variant by variant, each file
relative to the ``style.yaml``. ``stamps`` stay the theme's: the stamps are drawn on
every page of the pack by another stage, from the theme, so an override of them is
refused rather than ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from packgen.errors import Problem, ValidationError
from packgen.filecheck import truetype_problem
from packgen.filerefs import FileRef
from packgen.shapes import (
    INVALID,
    Boolean,
    Context,
    Field,
    Number,
    Record,
    Shape,
    Text,
)
from packgen.source import Map, Node, Scalar, load_yaml
from packgen.suggest import suggestion

PAPER = ("A4", "A3", "A5", "Letter", "Legal")
PROPERTIES = {
    "font": Text(), "size": Number(1, 200), "leading": Number(1, 300),
    "color": "colour", "bold": Boolean(), "italic": Boolean(),
    "align": Text(r"left|right|center|justify", "left, right, center or justify"),
    "space_before": Number(0, 1000), "space_after": Number(0, 1000),
    "indent": Number(0, 500), "hanging": Number(0, 500), "list_indent": Number(0, 500),
    "keep_with_next": Boolean(), "padding": Number(0, 100), "grid": "colour",
    "rule_below": "colour", "rule_between": "colour", "header_background": "colour",
    "background": "colour", "min_size": Number(1, 200),
}
"""The style properties the typesetter reads; "colour" ones name a colour or give one.
Every property the theme's own ``style.yaml`` uses must be here (a test says so): one
missing would be an unknown key to an officer who copies it from the theme."""

VARIANTS = ("regular", "bold", "italic", "bold_italic")

_HEX = Text(r"#[0-9A-Fa-f]{6}", 'a colour like "#1f4e8c"')
_FONT = FileRef((".ttf",), (b"\x00\x01\x00\x00", b"true"), "a TrueType font", truetype_problem)


class _Named(Shape):
    """A mapping whose keys the officer names (colours, fonts, selectors), each of one shape."""

    expected = "a mapping"

    def __init__(self, value: Shape) -> None:
        self.value = value

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Map):
            return self.wrong(node, ctx, path)
        values = {key: self.value.check(child, ctx, f"{path}.{key}")
                  for key, child in node.items.items()}
        return INVALID if INVALID in values.values() else values


class _Colour(Shape):
    """A colour by its name in ``colours`` or as "#rrggbb"."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(names)
        self.expected = 'a colour like "#1f4e8c" or one named in colours'

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if isinstance(node, Scalar) and isinstance(node.value, str) \
                and node.value in self.names:
            return node.value
        return _HEX.check(node, ctx, path)


def _styles(colours: Iterable[str]) -> Shape:
    colour = _Colour(colours)
    fields = {name: Field(colour if shape == "colour" else shape, name)  # type: ignore[arg-type]
              for name, shape in PROPERTIES.items()}
    return _Named(Record(fields))


class _Any(Shape):
    def check(self, node: Node, ctx: Context, path: str) -> Any:
        return node


def read_override(path: Path, theme: dict[str, Any], root: Path) -> dict[str, Any]:
    """The override in ``path``, checked against the ``theme``'s names; raise
    :class:`ValidationError` with every problem, each at its line."""
    problems: list[Problem] = []
    try:
        node = load_yaml(path)
    except ValidationError as exc:
        raise ValidationError(exc.problems) from None
    if not isinstance(node, Map):
        raise ValidationError([Problem(node.pos, "expected a mapping of keys at the top of "
                                                 "style.yaml")])
    ctx = Context(path.parent, root, problems)
    colours = _Named(_HEX).check(node.items["colours"], ctx, "colours") \
        if "colours" in node.items else {}
    names = set(theme["colours"]) | set(colours if isinstance(colours, dict) else ())
    shape = Record({
        "page": Field(Record({
            "size": Field(Text("|".join(PAPER), ", ".join(PAPER[:-1]) + " or Legal"),
                          "Paper size."),
            "margin_mm": Field(Record({side: Field(Number(0, 100), side) for side in
                                       ("top", "bottom", "left", "right")}), "Margins."),
        }), "Page size and margins."),
        "colours": Field(_Any(), "Colours by name."),
        "fonts": Field(_Named(Record({v: Field(_FONT, v) for v in
                                      VARIANTS})),
                       "Font families."),
        "styles": Field(_styles(names), "Styles by tag and class."),
    })
    for key in node.items:
        if key == "stamps":
            problems.append(Problem(node.keys[key], "stamps: the stamps are the theme's and "
                                    "cannot be overridden here"))
    node = Map({k: v for k, v in node.items.items() if k != "stamps"},
               {k: v for k, v in node.keys.items() if k != "stamps"}, node.pos)
    data = shape.check(node, ctx, "")
    _check_fonts(data, theme, node, ctx)
    if isinstance(data, dict):
        _check_page(data, theme, node, ctx)
    if problems or data is INVALID:
        raise ValidationError(problems)
    plain: dict[str, Any] = _without_positions(data)
    plain["colours"] = colours
    return plain


def _without_positions(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_positions(v) for k, v in value.items() if k != "pos"}
    return value


def _check_fonts(data: Any, theme: dict[str, Any], node: Map, ctx: Context) -> None:
    """A style's ``font`` names a family the theme or the override has (found whatever
    else is wrong, so every problem is told at once)."""
    families = set(theme["fonts"])
    fonts = node.items.get("fonts")
    if isinstance(fonts, Map):
        families |= set(fonts.items)
        for name, files in fonts.items.items():
            # The other variants fall back to the regular face, so a new family needs one.
            if name not in theme["fonts"] and isinstance(files, Map) \
                    and "regular" not in files.items:
                ctx.error(files.pos, f"fonts.{name}", 'missing required key "regular" (a '
                          "new font family needs its regular face; its bold and italic "
                          "faces default to it)")
    styles = node.items.get("styles")
    for selector, props in (styles.items.items() if isinstance(styles, Map) else ()):
        family = props.items.get("font") if isinstance(props, Map) else None
        if isinstance(family, Scalar) and isinstance(family.value, str) \
                and family.value not in families:
            close = suggestion(family.value, families)
            hint = f' (did you mean "{close}"?)' if close else ""
            ctx.error(family.pos, f"styles.{selector}.font",
                      f'no font family "{family.value}"{hint}')


def _check_page(data: dict[str, Any], theme: dict[str, Any], node: Map, ctx: Context
                ) -> None:
    """The page the override leaves, its margins laid over the theme's, still has room
    for text, by the rule ``packgen.yaml``'s style is held to."""
    from packgen.housestyle import margin_problem

    page = data.get("page", {})
    if "page" not in node.items:
        return  # the theme's and the house style's page were checked already
    size = page.get("size", theme["page"].get("size", "A4"))
    margins: Mapping[str, float] = {**theme["page"].get("margin_mm", {}),
                                    **page.get("margin_mm", {})}
    problem = margin_problem(size, margins)
    if problem is None:
        return
    page_node = node.items["page"]
    assert isinstance(page_node, Map)  # the override has a valid page, or none
    where = page_node.items.get("margin_mm", page_node.items.get("size", page_node))
    ctx.error(where.pos, "page.margin_mm", problem)


def fill_variants(fonts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each family with the variants it lacks taken from its regular face, as the house
    style's fonts are."""
    return {family: {variant: files.get(variant, files.get("regular")) for variant in VARIANTS}
            for family, files in fonts.items()}


def merge(theme: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``theme``: mappings merged key by key, two levels deep."""
    merged = dict(theme)
    for key, value in override.items():
        if key in ("page", "styles", "fonts"):
            inner = dict(merged.get(key, {}))
            for name, sub in value.items():
                old = inner.get(name)
                inner[name] = {**old, **sub} if isinstance(old, dict) and \
                    isinstance(sub, dict) else sub
            merged[key] = inner
        else:
            merged[key] = {**merged.get(key, {}), **value}
    return merged
