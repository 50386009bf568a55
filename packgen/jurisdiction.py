"""Whose law a meeting keeps: the jurisdiction's access-to-information table and notice rule.

Each built-in jurisdiction is data, ``templates/jurisdictions/NAME.yaml`` in the theme,
checked with the same shapes as ``packgen.yaml``'s ``access_to_information:`` and
``notice:`` (:mod:`packgen.lawfile`; so a broken theme file is a one-line problem at its
line, like any input). ``jurisdiction: custom`` takes both blocks from ``packgen.yaml`` or
the meeting. Every text may be given by language; :class:`Jurisdiction` keeps them all and
says them in its ``language`` (falling back to en-GB), so a Welsh edition needs only a
``replace``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from packgen.builtin import theme_dir
from packgen.errors import Position, Problem, ValidationError
from packgen.lawfile import (
    ACCESS_REQUIRED,
    EVERY_DAY,
    FALLBACK,
    JURISDICTION_FILE,
    NOTICE_REQUIRED,
    WORDING_REQUIRED,
    Words,
)
from packgen.notice import NoticeRule
from packgen.shapes import INVALID, Context
from packgen.source import Map, Node, load_yaml


@dataclass(frozen=True)
class Paragraph:
    """One category of exempt information, as the law numbers it."""

    key: str
    description: Words
    public_interest: bool
    meeting_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Jurisdiction:
    """One body of access-to-information law, said in ``language``."""

    name: str
    """"england" ... "nhs", or "custom"."""
    title: Words
    statute: Words
    exclusion_power: Words
    confidential: Words
    """Empty where the law has no category of confidential information."""
    paragraphs: tuple[Paragraph, ...]
    wording: tuple[tuple[str, Words], ...]
    notice: NoticeRule
    language: str = FALLBACK
    exclusion_titles: tuple[Words, ...] = ()

    @property
    def called(self) -> str:
        """How a message names it: "Wales", "Northern Ireland", "the custom jurisdiction"."""
        return "the custom jurisdiction" if self.name == "custom" else dict(self.title)[FALLBACK]

    def say(self, words: Words) -> str:
        """A text in the jurisdiction's language, or else in en-GB."""
        found = dict(words)
        return found.get(self.language, found.get(FALLBACK, ""))

    def text(self, key: str, paragraphs: tuple[str, ...] = (), special_reasons: str = "") -> str:
        """A wording with its placeholders filled (``exclusion_confidential`` and the
        other optional keys fall back to ``exclusion``)."""
        wording = dict(self.wording)
        words = wording.get(key) or wording["exclusion"]
        return self.say(words).format(
            paragraphs=self.joined(paragraphs), statute=self.say(self.statute),
            exclusion_power=self.say(self.exclusion_power),
            confidential=self.say(self.confidential), special_reasons=special_reasons)

    def notice_words(self, key: str) -> str:
        """A default notice of the front sheet (:data:`NOTICES`), or "" where the law has none."""
        return self.text(key) if self.has(key) else ""

    def is_exclusion_title(self, title: str) -> bool:
        """Whether an item so titled is the exclusion item: the law's ``exclusion_title``
        in the meeting's language, or any of its ``exclusion_titles`` in any language."""
        said = " ".join(title.split()).casefold()
        return said == self.text("exclusion_title").casefold() or any(
            said == " ".join(text.split()).casefold()
            for words in self.exclusion_titles for _, text in words)

    def has(self, key: str) -> bool:
        """Whether the law has a wording (and so the thing it words)."""
        return key in dict(self.wording)

    def phrase(self, key: str, **values: str) -> str:
        """An executive wording (:data:`EXECUTIVE`) with its values, in the language."""
        return self.say(dict(self.wording)[key]).format(**values)

    def joined(self, keys: tuple[str, ...]) -> str:
        """"paragraph 3", "paragraphs 1 and 3", "paragraphs 1, 3 and 5", in the file's words."""
        if not keys:
            return ""
        wording = dict(self.wording)
        if len(keys) == 1:
            return f"{self.say(wording['paragraph'])} {keys[0]}"
        listed = f"{', '.join(keys[:-1])} {self.say(wording['and'])} {keys[-1]}"
        return f"{self.say(wording['paragraphs'])} {listed}"

    def paragraph(self, key: str) -> Paragraph | None:
        """The table's paragraph of a key as written (case aside: "18a" is "18A")."""
        return next((p for p in self.paragraphs if p.key.casefold() == key.casefold()), None)

    def ordered(self, keys: set[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Keys in the order of the table."""
        return tuple(p.key for p in self.paragraphs if p.key in keys)


_WORDED_PARAGRAPHS = ("paragraph", "paragraphs", "and")
_WORDED_CONFIDENTIAL = ("confidential_item", "confidential_part", "stamp_confidential")


def missing(access: Mapping[str, Any], notice: Mapping[str, Any]) -> list[str]:
    """The keys a complete jurisdiction needs that the blocks given lack: the words for
    paragraphs only where it has a table, those for confidential information only where
    it has that category."""
    wording = access.get("wording", {})
    unused = ((() if access.get("paragraphs") else _WORDED_PARAGRAPHS)
              + (() if access.get("confidential") else _WORDED_CONFIDENTIAL))
    return ([f"access_to_information.{k}" for k in ACCESS_REQUIRED if k not in access]
            + [f"access_to_information.wording.{k}" for k in WORDING_REQUIRED
               if "wording" in access and k not in wording and k not in unused]
            + [f"notice.{k}" for k in NOTICE_REQUIRED if k not in notice])


def built(name: str, title: Words, access: Mapping[str, Any], notice: Mapping[str, Any],
          language: str = FALLBACK, calendar_at: Position | None = None) -> Jurisdiction:
    """The record of complete blocks (see :func:`missing`)."""
    default = bool(access["public_interest"])
    paragraphs = tuple(Paragraph(p["key"], p["description"], p.get("public_interest", default),
                                 tuple(p.get("meeting_types", ())))
                       for p in access.get("paragraphs", ()))
    return Jurisdiction(name, title, access["statute"], access["exclusion_power"],
                        access.get("confidential", ()), paragraphs,
                        tuple(sorted(access["wording"].items())),
                        notice_rule(notice, calendar_at), language,
                        tuple(access.get("exclusion_titles", ())))


def notice_rule(notice: Mapping[str, Any], calendar_at: Position | None = None) -> NoticeRule:
    return NoticeRule(notice["clear_days"], frozenset(notice["skip"]), notice["calendar"],
                      tuple(sorted(set(notice.get("extra_days", ())))), notice["source"],
                      calendar_at)


def theme_file(name: str, theme: Path | None = None) -> Path:
    return (theme or theme_dir()) / "jurisdictions" / f"{name}.yaml"


@cache
def read_file(path: Path) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """A jurisdiction file's checked blocks, or its problems (each at its line)."""
    problems: list[Problem] = []
    try:
        node = load_yaml(path)
    except ValidationError as exc:
        return {}, tuple(exc.problems)
    except OSError as exc:
        return {}, (Problem(Position(path), f"cannot read the jurisdiction's file ({exc})"),)
    ctx = Context(path.parent, path.parent)
    value = JURISDICTION_FILE.check(node, ctx, "")
    problems += ctx.problems
    if value is not INVALID:
        assert isinstance(node, Map)
        lacking = missing(value["access_to_information"], value["notice"])
        problems += [Problem(_block(node, key), f'missing required key "{key}"')
                     for key in lacking]
    return (value if not problems else {}), tuple(problems)


def _block(node: Map, key: str) -> Position:
    """Where a missing key belongs: the mapping that should hold it."""
    parts = key.split(".")[:-1]
    here: Node = node
    for part in parts:
        assert isinstance(here, Map)
        here = here.items[part]
    return here.pos


def load(name: str, language: str = FALLBACK, theme: Path | None = None) -> Jurisdiction:
    """A built-in jurisdiction; :class:`ValidationError` if its theme file is wrong."""
    path = theme_file(name, theme)
    value, problems = read_file(path)
    if problems:
        raise ValidationError(list(problems))
    return built(name, value["name"], value["access_to_information"], value["notice"],
                 language)


@cache
def england() -> Jurisdiction:
    """The default: England's principal councils, as today."""
    return load("england")


def chosen(config: Mapping[str, Any], meeting: Mapping[str, Any], nodes: list[Map],
           problems: list[Problem]) -> Jurisdiction | None:
    """The jurisdiction ``packgen.yaml`` and the meeting choose (the meeting's key by key
    over the organisation's), or None with its problems recorded.

    A built-in one's law is the theme's: ``access_to_information:`` is refused with it
    (state your own under ``jurisdiction: custom``), but its ``notice:`` may be adjusted
    key by key (an NHS trust's standing orders, a local holiday in ``extra_days``)."""
    name = str(meeting.get("jurisdiction", config.get("jurisdiction", "england")))
    language = str(meeting.get("language", config.get("language", FALLBACK)))
    where = next((n.items["jurisdiction"].pos for n in nodes if "jurisdiction" in n.items),
                 None)
    access = {**config.get("access_to_information", {}),
              **meeting.get("access_to_information", {})}
    access["wording"] = {**config.get("access_to_information", {}).get("wording", {}),
                         **meeting.get("access_to_information", {}).get("wording", {})}
    notice = {**config.get("notice", {}), **meeting.get("notice", {})}
    given, notice_at = access.pop("pos", None), notice.pop("pos", None)
    calendar_at = next((block.items["calendar"].pos for n in nodes
                        for block in [n.items.get("notice")]
                        if isinstance(block, Map) and "calendar" in block.items), None)
    if notice_at is not None and EVERY_DAY <= set(notice.get("skip", ())):
        problems.append(Problem(notice_at, "notice.skip: no day would count; leave at least "
                                           "one weekday out of skip"))
        return None
    if not access["wording"]:
        del access["wording"]
    if name == "custom":
        lacking = missing(access, notice)
        if lacking:
            assert where is not None
            problems.append(Problem(where, f"jurisdiction: custom needs {', '.join(lacking)} "
                                           "(in packgen.yaml or the meeting)"))
            return None
        return built(name, ((FALLBACK, "Custom"),), access, notice, language, calendar_at)
    value, found = read_file(theme_file(name))
    if given is not None:
        called = dict(value["name"])[FALLBACK] if value else name
        problems.append(Problem(given, f"access_to_information: {called}'s law is the "
                                       'theme\'s; to state your own, set "jurisdiction: custom"'))
    if found:
        problems.extend(found)
        return None
    return built(name, value["name"], value["access_to_information"],
                 {**value["notice"], **notice}, language, calendar_at)
