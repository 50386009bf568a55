"""Where each character of a YAML block scalar's text was written in its file.

A folded scalar (``>``, ``>-``) joins its lines with spaces and turns a blank line into one
line break, so the text's line 2 may be the file's line 4: Markdown problems found in the
text are placed by reading the scalar's lines in the file again and finding, in order, where
each one went in the text.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from packgen.source import Scalar

LineOf = Callable[[int], int]
"""The file line of a character of a scalar's text, by its offset in the text."""


def line_of(node: Scalar) -> LineOf:
    """For a block scalar, a map from offsets in ``node.text`` to lines of the file; for a
    scalar on one line, that line. Should the file not be the one read (it changed since),
    each line break of the text counts a line, as a literal scalar's do."""
    first = node.pos.line + 1 if node.block else node.pos.line
    text = node.text

    def counted(offset: int) -> int:
        return first + text.count("\n", 0, max(offset, 0))

    if not node.block:
        return counted
    written = _written(node.pos.file, node.pos.line, node.indent)
    starts: list[int] = []
    lines: list[int] = []
    cursor = 0
    for number, content in written:
        found = text.find(content, cursor)
        if found < 0:
            return counted
        starts.append(found)
        lines.append(number)
        cursor = found + len(content)

    def mapped(offset: int) -> int:
        at = bisect.bisect_right(starts, offset) - 1
        return lines[at] if at >= 0 else first

    return mapped if starts else counted


def _written(file: Path, header: int, indent: int) -> list[tuple[int, str]]:
    """The non-blank lines of the block scalar whose ``|`` or ``>`` is on line ``header``,
    without their indentation, each with its line number."""
    lines = _file_lines(file, *_stamp(file))
    found = []
    for number in range(header + 1, len(lines) + 1):
        line = lines[number - 1]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip(" ")) < indent:
            break
        found.append((number, line[indent:].rstrip()))
    return found


def _stamp(file: Path) -> tuple[int, int]:
    try:
        stat = file.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _file_lines(file: Path, mtime: int, size: int) -> list[str]:
    """A file's lines, read once while it is unchanged (each long field asks)."""
    try:
        return file.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
