"""A pack's structure problems less those its attachments brought with them.

A pack must add no problem to an attachment's pages, and cannot mend every fault of an
officer's PDF: its own untagged drawings, MCIDs its tree does not own, a heading level it
skips. So a test that knows which attachment a pack copies, and where, checks the pack
against that attachment's own problems (:func:`inherits`) rather than
against none.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

INHERITED: dict[Path, dict[int, Path]] = {}
"""What each pack copies, as :func:`inherits` said: read by tests/conftest.py's structure
check (here, not there: pytest's conftest module is not the ``tests.conftest`` tests
import)."""


def inherits(pack: Path, first_page: int, original: Path) -> None:
    """Say that ``pack`` copies the tagged ``original`` from its 0-based page ``first_page``
    on: the structure check after the test then holds those pages to adding no problem the
    original did not have, rather than to having none. For files nobody here made (the
    corpus); our own fixtures are held to having none."""
    INHERITED.setdefault(pack.resolve(), {})[first_page] = original


# What a copy changes in a problem's words: its page's number, and object numbers.
_PAGE = re.compile(r"^page (\d+)")
_NUMBERED = re.compile(r"(form XObject|element|/StructParents?) -?\d+")
# Problems of an element, wherever it is: the pack copies the element as it was.
_ELEMENT = ("structure element ", "Figure element ", "heading levels skip: ")


def new_problems(problems: list[str], inherited: Iterable[tuple[int, list[str]]]
                 ) -> list[str]:
    """``problems`` of a pack less those its attachments already had in the same place.

    ``inherited``: for each attachment, the 0-based pack page its first page became and
    the problems the same check finds in the attachment. An original's problem on its page
    N excuses the same words on the pack's page N + first; one of its elements', the same
    words anywhere. Object numbers, which the copy changes, do not count; how many times
    does: one more of a kind, or a count that grew ("74 painting operators ..."), is new.
    The original's catalog and tree root are replaced by the pack's: theirs excuse nothing.
    """
    known: Counter[str] = Counter()
    for first, theirs in inherited:
        for problem in theirs:
            found = _PAGE.match(problem)
            if found:
                problem = f"page {int(found[1]) + first}" + problem[found.end():]
            elif not problem.startswith(_ELEMENT):
                continue
            known[_NUMBERED.sub(r"\1 #", problem)] += 1
    new = []
    for problem in problems:
        words = _NUMBERED.sub(r"\1 #", problem)
        if known[words]:
            known[words] -= 1
        else:
            new.append(problem)
    return new
