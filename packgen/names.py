"""People's names as minutes write them: when two names are one person, and when one is
close enough to another to be a slip.

Minutes name one member in several places (``attendance``, ``apologies:``, ``for:``,
``substitute:``, ``in_attendance``), and officers write the title differently each time:
"Cllr Ann Lee", "Councillor Ann Lee". An office title (Cllr, Councillor, Dr) says nothing of
who someone is, so it is set aside when names are compared; Mr, Mrs, Ms and Miss are kept
there, since two councillors "Mr J Smith" and "Mrs J Smith" are two people, and are set
aside only to find a close name to suggest.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

OFFICE_TITLES = (("y", "cynghorydd", "sir"), ("county", "councillor"),
                 ("district", "councillor"), ("borough", "councillor"), ("town", "councillor"),
                 ("parish", "councillor"), ("y", "cynghorydd"), ("cynghorydd", "sir"),
                 ("councillor",), ("cllr",), ("coun",), ("cynghorydd",), ("cyng",), ("dr",))
"""Titles of office, in words, longest first: never part of who someone is (in Welsh
minutes, "Y Cynghorydd", "Cynghorydd Sir", "Cyng.")."""
COURTESY_TITLES = (("mr",), ("mrs",), ("ms",), ("miss",), ("mx",))

CLOSE = 0.85
"""How alike two names (titles aside) must be for one to be taken for a slip of the other:
"Gaeler" for "Galer", while "C" is not taken for "B"."""


def _words(name: str) -> list[str]:
    # "A. Mellor", "A.J. Smith" and "A Mellor" differ only in stops.
    return name.replace(".", " ").casefold().split()


def _without(words: list[str], titles: tuple[tuple[str, ...], ...]) -> list[str]:
    """``words`` with the titles in front of the name taken off, as many as there are."""
    taken = True
    while taken:
        taken = False
        for title in titles:
            if len(words) > len(title) and tuple(words[:len(title)]) == title:
                words, taken = words[len(title):], True
                break
    return words


def person_key(name: str) -> str:
    """The same for two names of one person: "Cllr Ann Lee", "Councillor Ann  Lee"."""
    return " ".join(_without(_words(name), OFFICE_TITLES))


def _bare(name: str) -> list[str]:
    return _without(_words(name), OFFICE_TITLES + COURTESY_TITLES)


def _compatible(one: list[str], other: list[str]) -> bool:
    """Same surname, and forenames that do not disagree: "Tom" and "T", or none given."""
    if not one or not other or one[-1] != other[-1]:
        return False
    for a, b in zip(one[:-1], other[:-1], strict=False):
        if a != b and not (len(a) == 1 and b.startswith(a)) and \
                not (len(b) == 1 and a.startswith(b)):
            return False
    return True


_SEX = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}


def _courtesy(name: str) -> str:
    words = _without(_words(name), OFFICE_TITLES)
    return _SEX.get(words[0], "") if len(words) > 1 else ""


def close(name: str, other: str) -> bool:
    """Whether ``name`` reads as a slip for ``other``: the same surname with compatible
    forenames or initials ("T Whitby", "Tom Whitby"), or nearly the same letters; never
    "Mr J Smith" for "Mrs J Smith", whose titles say they are two people."""
    sexes = {_courtesy(name), _courtesy(other)}
    if "m" in sexes and "f" in sexes:
        return False
    one, two = _bare(name), _bare(other)
    if _compatible(one, two):
        return True
    return difflib.SequenceMatcher(None, " ".join(one), " ".join(two)).ratio() >= CLOSE


def closest(name: str, names: Iterable[str]) -> str | None:
    """The name among ``names`` that ``name`` is closest to, if any is close."""
    bare = " ".join(_bare(name))
    found = [(difflib.SequenceMatcher(None, bare, " ".join(_bare(n))).ratio(), n)
             for n in names if close(name, n)]
    return max(found, key=lambda pair: pair[0])[1] if found else None
