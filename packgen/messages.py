"""The fixed words packgen prints, one catalogue per language.

The theme ships ``templates/messages/en-GB.yaml`` and ``cy.yaml``; a council overrides
words, or adds a language, with ``messages/LANGUAGE.yaml`` beside ``packgen.yaml``. That
file is checked like any other input (unknown keys with a "did you mean", a word that
loses a ``{placeholder}`` the template fills, a list of the wrong length); a word it leaves
out is the built-in catalogue's for that language, or, for a language packgen does not
ship, the English word, and every build says which words those are.

Templates see a catalogue as ``words`` (:class:`Words`): ``{{ words.date }}``, and
``{{ words.fill("page_stamp", page=3) }}`` for words with a placeholder.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from packgen.catalogue import (
    ENGLISH,
    FOLDER,
    GROUPS,
    LISTS,
    PLACEHOLDER,
    builtin,
    builtin_languages,
    council_files,
    read_councils,
)
from packgen.errors import Position, Problem
from packgen.shapes import Context, Text
from packgen.source import Node


@dataclass(frozen=True)
class Messages:
    """One language's catalogue, with a council's words laid over the theme's."""

    language: str
    entries: tuple[tuple[str, str], ...]
    lists: tuple[tuple[str, tuple[str, ...]], ...]
    groups: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    untranslated: tuple[str, ...] = ()
    """Keys a council's own language leaves out, printed in English."""

    def word(self, key: str) -> str:
        return dict(self.entries)[key]

    def fill(self, key: str, **values: object) -> str:
        """The word of ``key`` with each ``{name}`` replaced by ``values[name]``."""
        return _filled(self.word(key), values)

    def names(self, key: str) -> tuple[str, ...]:
        """A list of names: ``weekdays``, ``months``, their short forms, ``ordinals``."""
        return dict(self.lists)[key]

    def group(self, key: str) -> dict[str, str]:
        return dict(dict(self.groups)[key])

    def report_label(self, row: str, count: int = 1) -> str:
        """A report's label, in the plural for more than one contact or recommendation."""
        plural = self.group("report_plural")
        return plural[row] if count > 1 and row in plural else self.group("report")[row]

    def minutes_label(self, key: str) -> str:
        return self.group("minutes")[key]


class Words(Mapping[str, str]):
    """A catalogue as templates see it: ``{{ words.date }}``, ``{{ words["date"] }}``,
    ``{{ words.fill("page_stamp", page=3) }}``; a key it lacks is a template error."""

    def __init__(self, messages: Messages) -> None:
        self._entries = dict(messages.entries)

    def __getitem__(self, key: str) -> str:
        return self._entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def fill(self, key: str, **values: object) -> str:
        return _filled(self._entries[key], values)


def _filled(text: str, values: Mapping[str, object]) -> str:
    # One pass, so a value that itself holds "{date}" (a body's name, say) prints as written.
    return PLACEHOLDER.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], text)


def languages(root: Path | None) -> tuple[str, ...]:
    """Every language a meeting under ``root`` may choose: the theme's and the council's."""
    return tuple(sorted({*builtin_languages(), *council_files(root)}, key=str.casefold))


def known_language(given: str, known: tuple[str, ...]) -> str | None:
    """``given`` as its catalogue spells it ("EN-gb" is "en-GB"), or None."""
    return next((name for name in known if name.casefold() == given.strip().casefold()),
                None)


def unknown_language(given: str, known: tuple[str, ...]) -> str:
    return (f'no message catalogue for the language "{given}"; languages: '
            f"{', '.join(known)} (a council adds one as {FOLDER}/{given.strip()}.yaml beside "
            "packgen.yaml)")


class Language(Text):
    """A language with a message catalogue: the theme's, or the council's own."""

    def __init__(self) -> None:
        super().__init__(expected="a language such as en-GB or cy")

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = super().check(node, ctx, path)
        if not isinstance(value, str) or not ctx.languages:
            return value
        name = known_language(value, ctx.languages)
        return name if name is not None else \
            ctx.error(node.pos, path, unknown_language(value, ctx.languages))


def _messages(language: str, data: Mapping[str, Any], untranslated: tuple[str, ...] = ()
              ) -> Messages:
    return Messages(
        language,
        tuple((k, str(v)) for k, v in data.items() if k not in LISTS and k not in GROUPS),
        tuple((k, tuple(str(n) for n in data[k])) for k in LISTS),
        tuple((k, tuple((g, str(w)) for g, w in data[k].items())) for k in GROUPS),
        untranslated)


@cache
def english() -> Messages:
    """The theme's English catalogue: what every model object prints by default."""
    return _messages(ENGLISH, builtin(ENGLISH))


def load_messages(language: str, root: Path | None, problems: list[Problem]) -> Messages:
    """The catalogue of ``language`` (one of :func:`languages`), the council's file over
    the theme's; the problems of every council catalogue, whichever language is built,
    are added to ``problems``."""
    base = dict(builtin(language)) if language in builtin_languages() else {}
    english_data = builtin(ENGLISH)
    own = read_councils(root, problems).get(language, {})
    data: dict[str, Any] = {}
    missing: list[str] = []
    for key, english_value in english_data.items():
        if key in GROUPS:
            data[key] = {}
            for label, word in english_value.items():
                chosen = own.get(key, {}).get(label, base.get(key, {}).get(label))
                if chosen is None:
                    missing.append(f"{key}.{label}")
                data[key][label] = word if chosen is None else chosen
            continue
        chosen = own.get(key, base.get(key))
        if chosen is None:
            missing.append(key)
        data[key] = english_value if chosen is None else chosen
    return _messages(language, data, tuple(missing))


def untranslated_warning(messages: Messages, root: Path) -> list[Problem]:
    """A warning naming the words a council's language prints in English, or none."""
    if not messages.untranslated:
        return []
    shown = ", ".join(messages.untranslated[:8]) + (", ..." if len(messages.untranslated) > 8
                                                    else "")
    files = council_files(root).get(messages.language)
    where = files[0] if files else root / FOLDER / f"{messages.language}.yaml"
    return [Problem(Position(where),
                    f"{len(messages.untranslated)} words are not translated and print in "
                    f"English ({ENGLISH}): {shown}", "warning")]


def choose_language(option: str | None, files: list[str | None], root: Path | None,
                    problems: list[Problem], where: Position) -> str:
    """The language of a build: ``--language`` (``option``), else the first of ``files``
    that says one (the meeting's ``language:``, then ``packgen.yaml``'s), else en-GB. An
    unknown ``--language`` is a problem at ``where``; an unknown ``language:`` is its
    file's problem (:class:`Language`). English stands in for either."""
    known = languages(root)
    if option is not None:
        name = known_language(option, known)
        if name is None:
            problems.append(Problem(where, "--language: " + unknown_language(option, known)))
        return name or ENGLISH
    text = next((t for t in files if t is not None), None)
    return (known_language(text, known) if text is not None else None) or ENGLISH
