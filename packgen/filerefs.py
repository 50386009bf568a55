"""File references in YAML: a path relative to the file that names it, inside the repository.

Each is checked where it is named, so the problem points at its line: an absolute
path, a path or link that leaves the repository, a missing file (with a "did you
mean"), something that is not a regular file (a named pipe would block the build,
a device would never end), a file that does not start as its kind must, and, for the
house style's pictures and fonts, what their headers say is wrong.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from packgen.shapes import Context, Shape
from packgen.source import Node, Scalar


class FileRef(Shape):
    """A path relative to the file that names it, which must exist inside the repository."""

    def __init__(self, suffixes: tuple[str, ...], signatures: tuple[bytes, ...] = (),
                 kind: str = "", inspect: Callable[[Path], str | None] | None = None
                 ) -> None:
        self.suffixes = suffixes
        self.inspect = inspect
        """Looks inside the file; says what is wrong with it, or None."""
        self.signatures = signatures
        """How such a file starts; checked, so a wrong file is found here, at its line."""
        self.kind = kind
        names = ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 \
            else suffixes[0]
        self.expected = f"a file name ending {names}"

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Scalar) or not isinstance(node.value, str) or not node.text:
            return self.wrong(node, ctx, path)
        name = node.text
        if os.path.isabs(name) or re.match(r"[A-Za-z]:[\\/]", name):
            return ctx.error(node.pos, path, f'"{name}" is an absolute path; '
                                             "give it relative to this file")
        target = Path(os.path.normpath(ctx.base / name))
        if not inside(target, ctx.root):
            return ctx.error(node.pos, path, f'"{name}" is outside the repository '
                                             f"(the folder holding {_root_marker(ctx.root)})")
        if Path(name).suffix.lower() not in self.suffixes:
            return self.wrong(node, ctx, path)
        if not target.is_file():
            kind = special_kind(target)
            if kind:
                return ctx.error(node.pos, path, f'"{name}" is {kind}, not a file')
            hint = _similar_file(target)
            return ctx.error(node.pos, path, f'no such file "{name}"' + hint)
        if not inside(target.resolve(), ctx.root.resolve()):
            return ctx.error(node.pos, path, f'"{name}" links to a file outside the repository')
        if self.signatures:
            try:
                with target.open("rb") as stream:
                    head = stream.read(8)
            except OSError as exc:
                return ctx.error(node.pos, path, f'cannot read "{name}" ({exc.strerror})')
            if not head.startswith(self.signatures):
                return ctx.error(node.pos, path, f'"{name}" is not {self.kind}')
        wrong = self.inspect(target) if self.inspect else None
        if wrong:
            return ctx.error(node.pos, path, f'"{name}" {wrong}')
        return target

    def json_schema(self) -> dict[str, Any]:
        endings = "|".join(re.escape(s) for s in self.suffixes)
        return {"type": "string", "pattern": f"({endings})$"}


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or below it, comparing absolute paths."""
    path, root = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    return path == root or root in path.parents


def special_kind(target: Path) -> str:
    """What stands at ``target`` when it is there but is not a regular file; else ""."""
    try:
        mode = target.stat().st_mode
    except (OSError, ValueError):
        return ""
    if stat.S_ISREG(mode):
        return ""
    # A named pipe or a device would block or never end when read: never open one.
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return kind
    return "a special file"


def _root_marker(root: Path) -> str:
    return "packgen.yaml" if (root / "packgen.yaml").is_file() else "the meeting"


def _similar_file(target: Path) -> str:
    try:
        names = [p.name for p in target.parent.iterdir() if p.is_file()]
    except OSError:
        return ""
    close = difflib.get_close_matches(target.name, names, n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""
