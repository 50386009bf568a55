"""Read YAML into a tree of nodes that remember their line and column.

Only plain YAML is accepted: Python tags and other application tags are
problems, alias expansion is bounded (a "billion laughs" document is refused
quickly) and so are file size and nesting depth.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from packgen.errors import Position, Problem, ValidationError

MAX_FILE_BYTES = 2 * 1024 * 1024
"""A meeting or document file larger than this is refused before parsing."""

MAX_NODES = 200_000
"""Nodes after alias expansion; bounds time and memory for hostile input."""

MAX_TEXT = 4_000_000
"""Characters of text after alias expansion. A long real report holds about 200,000, and
a file without aliases at most :data:`MAX_FILE_BYTES`; aliases may repeat text, but not
turn a small file into hours of typesetting (a 40 KB paragraph repeated 3,000 times)."""

MAX_DEPTH = 64

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}

try:  # the C parser is much faster where libyaml is available
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on the platform's wheel
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Scalar:
    """A single value; ``text`` is exactly what the file said."""

    value: object
    text: str
    tag: str
    pos: Position
    block: bool = False
    """Written as a block scalar (``|`` or ``>``): its text starts on the next line."""
    indent: int = 0
    """For a block scalar, the indentation YAML removed from each line of its text."""


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]
    pos: Position


@dataclass(frozen=True)
class Map:
    """A mapping; ``keys`` holds the position of each key for "unknown key" problems."""

    items: dict[str, Node]
    keys: dict[str, Position]
    pos: Position


Node = Scalar | Seq | Map


@dataclass
class _Budget:
    first_line: int = 1
    indent: int = 0
    lines: list[str] = field(default_factory=list)
    nodes: int = 0
    chars: int = 0
    seen: set[int] = field(default_factory=set)
    """The nodes met so far: meeting one again is meeting an alias."""
    aliases: int = 0
    """Aliases met in the order of the file, not counting those inside an expansion."""
    expanding: int = 0
    stopped: bool = False
    problems: list[Problem] = field(default_factory=list)


def load_yaml(path: Path) -> Node:
    """Parse one YAML file; raise :class:`ValidationError` with every problem found."""
    origin = Position(path, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError([Problem(origin, f"file is too large for YAML "
                                           f"({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")])
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError([Problem(origin, f"cannot read file: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        where = Position(path, line, 1)
        raise ValidationError([Problem(where, "file is not UTF-8 text")]) from None
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path, first_line: int = 1, indent: int = 0) -> Node:
    """Parse YAML text that starts at ``first_line`` of ``path``, each of its lines
    indented by ``indent`` more in the file (a fenced block in a block scalar, say)."""
    origin = Position(path, first_line, 1)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(path, mark.line + first_line, mark.column + 1 + indent) if mark \
            else origin
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem_mark \
                and exc.context_mark.line != exc.problem_mark.line:
            message += (f" ({exc.context} that starts at line "
                        f"{exc.context_mark.line + first_line})")
        raise ValidationError([Problem(where, f"YAML syntax: {message}")]) from None
    except yaml.YAMLError as exc:
        raise ValidationError([Problem(origin, f"YAML syntax: {exc}")]) from None
    except RecursionError:
        raise ValidationError([Problem(origin, "YAML is nested too deeply")]) from None
    if root is None:
        return Map({}, {}, origin)
    budget = _Budget(first_line=first_line, indent=indent, lines=text.splitlines())
    node = _convert(root, path, budget, 0)
    if budget.problems:
        raise ValidationError(budget.problems)
    return node


def _position(node: yaml.Node, path: Path, budget: _Budget) -> Position:
    mark = node.start_mark
    return Position(path, mark.line + budget.first_line, mark.column + 1 + budget.indent)


def _convert(node: yaml.Node, path: Path, budget: _Budget, depth: int) -> Node:
    pos = _position(node, path, budget)
    if budget.stopped:
        return Map({}, {}, pos)  # one problem is enough; stop expanding at once
    alias = id(node) in budget.seen
    if alias and not budget.expanding:
        budget.aliases += 1
    budget.seen.add(id(node))
    budget.nodes += 1
    if isinstance(node, yaml.ScalarNode):
        budget.chars += len(node.value)
    elif isinstance(node, yaml.MappingNode):
        budget.chars += sum(len(k.value) for k, _ in node.value if isinstance(k.value, str))
    if budget.nodes > MAX_NODES or budget.chars > MAX_TEXT:
        what = f"many values (more than {MAX_NODES:,})" if budget.nodes > MAX_NODES \
            else f"much text (more than {MAX_TEXT:,} characters)"
        where = _alias_position(budget, path) if budget.expanding or alias else pos
        budget.problems.append(Problem(where, f"YAML expands to too {what}; are aliases "
                                              "repeated?"))
        budget.stopped = True
        return Map({}, {}, pos)
    budget.expanding += alias
    try:
        return _convert_node(node, pos, path, budget, depth)
    finally:
        budget.expanding -= alias


def _alias_position(budget: _Budget, path: Path) -> Position:
    """Where the alias being expanded is written: found again only when it is needed."""
    events = (e for e in yaml.parse("\n".join(budget.lines), Loader=_Loader)
              if isinstance(e, yaml.AliasEvent))
    for _ in range(budget.aliases - 1):
        next(events, None)
    event = next(events, None)
    mark = event.start_mark if event is not None else None
    return Position(path, (mark.line if mark else 0) + budget.first_line,
                    (mark.column if mark else 0) + 1 + budget.indent)


def _convert_node(node: yaml.Node, pos: Position, path: Path, budget: _Budget, depth: int
                  ) -> Node:
    if depth > MAX_DEPTH:
        budget.problems.append(Problem(pos, f"YAML is nested more than {MAX_DEPTH} levels deep"))
        return Map({}, {}, pos)
    if node.tag not in _STANDARD_TAGS:
        budget.problems.append(Problem(pos, f"unsupported YAML tag {node.tag!s}"))
        return Scalar(None, "", "tag:yaml.org,2002:null", pos)
    if isinstance(node, yaml.ScalarNode):
        block = node.style in ("|", ">")
        return Scalar(_scalar_value(node), node.value, node.tag, pos, block,
                      _block_indent(budget.lines, node.start_mark.line + 1) if block else 0)
    if isinstance(node, yaml.SequenceNode):
        return Seq(tuple(_convert(child, path, budget, depth + 1) for child in node.value), pos)
    assert isinstance(node, yaml.MappingNode)
    items: dict[str, Node] = {}
    keys: dict[str, Position] = {}
    for key_node, value_node in node.value:
        key_pos = _position(key_node, path, budget)
        if key_node.tag == "tag:yaml.org,2002:merge":
            budget.problems.append(Problem(key_pos, "YAML merge keys (<<) are not supported"))
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            budget.problems.append(Problem(key_pos, "a key must be plain text"))
            continue
        key = key_node.value
        if key in items:
            budget.problems.append(Problem(key_pos, f'duplicate key "{key}"'))
            continue
        keys[key] = key_pos
        items[key] = _convert(value_node, path, budget, depth + 1)
    return Map(items, keys, pos)


def _block_indent(lines: list[str], first: int) -> int:
    """The indentation of a block scalar's first non-empty line of text."""
    for line in lines[first:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


_constructor = yaml.constructor.SafeConstructor()


def _scalar_value(node: yaml.ScalarNode) -> object:
    try:
        value = _constructor.construct_object(node)
    except (ValueError, yaml.constructor.ConstructorError):
        return node.value  # such as 2026-02-30: kept as text, so a shape reports it
    finally:
        # The constructor remembers every node it made (for aliases, which a scalar has
        # none of): kept, they held every YAML file ever read (``--watch`` grew).
        _constructor.constructed_objects.pop(node, None)

    if value is None or isinstance(value, datetime.date | int | float | bool | str):
        return value
    return node.value  # pragma: no cover - the standard tags above cover every case
