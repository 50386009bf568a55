"""Problems a user can cause, and the exceptions that carry them.

Library code raises :class:`PackgenError` holding every :class:`Problem` it
found; only the command line prints them and chooses the exit status.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Position:
    """Where something came from: 1-based line and column in a file."""

    file: Path
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{one_line(display_path(self.file))}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, at the position that caused it."""

    position: Position
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.position}: {self.severity}: {one_line(self.message)}"


# Line and paragraph breaks, other control characters, and the invisible ones a
# terminal acts on: a file name holding any of them must not split or forge a problem.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """``text`` with every character that could break or disguise the line escaped."""
    return _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class PackgenError(click.ClickException):
    """Every problem found in the input; exit status 1."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class ValidationError(PackgenError):
    """The meeting files are wrong: YAML, keys, types, file references."""


class AttachmentError(PackgenError):
    """An attachment cannot be read as a PDF."""


class TemplateError(PackgenError):
    """A template failed to load or render, or emitted HTML outside the subset."""


class OutputError(PackgenError):
    """The pack cannot be written where it was asked for."""


class PartlyWrittenError(OutputError):
    """Some outputs were written before writing another failed; ``written`` says which."""

    def __init__(self, problems: Iterable[Problem], written: Iterable[Path]) -> None:
        super().__init__(problems)
        self.written = tuple(written)
