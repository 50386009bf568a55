"""``exempt:`` as the law writes it: a paragraph key, a list of them, or ``true``.

The keys are read before the meeting's jurisdiction is known (it may come from the
meeting itself or from ``packgen.yaml``), so each key keeps where it was written, and
:func:`check_keys` judges them all against the jurisdiction's table once the files are
merged: an unknown key is a problem at that very value, listing the table's keys.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from packgen.errors import Position, Problem
from packgen.jurisdiction import Jurisdiction, Paragraph
from packgen.model import Attachment
from packgen.shapes import INVALID, Context, Shape, found
from packgen.source import Node, Scalar, Seq

_KEY = re.compile(r"[0-9A-Za-z][0-9A-Za-z.()-]{0,9}")

Raw = dict[str, Any]


class Key(str):
    """A paragraph key as written, with where: until :func:`check_keys` replaces it by the
    table's own spelling. ``""`` stands for ``exempt: true``."""

    pos: Position | None
    path: str

    def __new__(cls, text: str, pos: Position | None = None, path: str = "") -> Key:
        made = super().__new__(cls, text)
        made.pos, made.path = pos, path
        return made


class ExemptKeys(Shape):
    """A paragraph key (``3``, ``"18A"``), a list of them, or true (no table); false: none."""

    expected = 'a paragraph key such as 3 or "18A", a list of keys, or true'

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if isinstance(node, Seq):
            if not node.items:
                return ctx.error(node.pos, path, "an empty list: give at least one paragraph "
                                                 "key, or leave exempt out")
            keys = [self._key(child, ctx, f"{path}[{n}]") for n, child in enumerate(node.items)]
            return INVALID if INVALID in keys else tuple(keys)
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            return (Key("", node.pos, path),) if node.value else None
        key = self._key(node, ctx, path)
        return INVALID if key is INVALID else (key,)

    def _key(self, node: Node, ctx: Context, path: str) -> Any:
        value = node.value if isinstance(node, Scalar) else None
        if isinstance(node, Scalar) and (type(value) is int or isinstance(value, str)) \
                and _KEY.fullmatch(node.text.strip()):
            return Key(node.text.strip(), node.pos, path)
        return ctx.error(node.pos, path, f"expected {self.expected}, found {found(node)}")

    def json_schema(self) -> dict[str, Any]:
        key = {"anyOf": [{"type": "integer", "minimum": 0},
                         {"type": "string", "pattern": f"^({_KEY.pattern})$"}]}
        return {"anyOf": [*key["anyOf"], {"type": "boolean"},
                          {"type": "array", "items": key, "minItems": 1}]}


def check_keys(items: tuple[Raw, ...], law: Jurisdiction, meeting_type: str,
               problems: list[Problem]) -> tuple[Raw, ...]:
    """The items with every exempt key judged against the jurisdiction's table and put
    in the table's spelling and order; a problem at each key it does not take."""
    return tuple(judge_item(n, item, law, meeting_type, problems)
                 for n, item in enumerate(items))


def judge_item(n: int, item: Raw, law: Jurisdiction, meeting_type: str,
               problems: list[Problem]) -> Raw:
    """Item ``n`` (of ``items[n]``) with its keys, and its attachments', judged."""
    checked = dict(item)
    reason = str(item.get("special_reasons", ""))
    if item.get("exempt") is not None:
        checked["exempt"] = _judged(item["exempt"], reason, law, meeting_type, problems)
    if item.get("confidential"):
        _confidential(law, item["pos"], f"items[{n}]", problems)
    attachments: list[Attachment] = []
    for m, attachment in enumerate(item.get("attachments", ())):
        if attachment.confidential:
            _confidential(law, attachment.pos, f"items[{n}].attachments[{m}]", problems)
        if attachment.exempt is not None:
            attachment = replace(attachment, exempt=_judged(
                attachment.exempt, attachment.special_reasons or reason, law, meeting_type,
                problems))
        attachments.append(attachment)
    if "attachments" in item:
        checked["attachments"] = tuple(attachments)
    _unstated(n, checked, problems)
    return checked


def _unstated(n: int, item: Raw, problems: list[Problem]) -> None:
    """special_reasons: where nothing is ``exempt: true`` (judged: ``()``) would print
    nowhere, and an officer would believe the resolution states them: a problem, not
    silence."""
    attachments: tuple[Attachment, ...] = item.get("attachments", ())
    special = [a.exempt == () for a in attachments]
    if item.get("special_reasons") and item.get("exempt") != () and not any(special):
        problems.append(Problem(item["pos"], f"items[{n}].special_reasons: only an item or "
                                             'document with "exempt: true" (a law without '
                                             "paragraphs, such as the 1960 Act) states special "
                                             "reasons; here they would print nowhere"))
    for m, attachment in enumerate(attachments):
        if attachment.special_reasons and not special[m]:
            problems.append(Problem(attachment.pos, f"items[{n}].attachments[{m}]."
                                                    "special_reasons: only a document with "
                                                    '"exempt: true" states special reasons; '
                                                    "here they would print nowhere"))


def _judged(keys: tuple[str, ...], reasons: str, law: Jurisdiction, meeting_type: str,
            problems: list[Problem]) -> tuple[str, ...]:
    first = keys[0]
    pos, path = (first.pos, first.path) if isinstance(first, Key) else (None, "exempt")
    name = law.called
    wanted = meeting_type.strip().casefold()
    valid = _valid_keys(law, wanted)
    if first == "":  # exempt: true
        if law.paragraphs:
            _problem(problems, pos, path, f"{name} lists exempt information by paragraph: "
                                          f"give its key ({valid}), not true")
        elif not reasons.strip():
            _problem(problems, pos, path, 'exempt: true needs "special_reasons:", the special '
                                          "reasons the resolution to exclude the public must "
                                          'state (public; "reason:" is for the private pack)')
        return ()
    if not law.paragraphs:
        _problem(problems, pos, path, f'{name} has no paragraphs of exempt information: write '
                                      '"exempt: true" with the special reasons in '
                                      '"special_reasons:"')
        return ()
    taken: set[str] = set()
    for key in keys:
        at, where = (key.pos, key.path) if isinstance(key, Key) else (pos, path)
        paragraph = law.paragraph(key)
        if paragraph is None:
            _problem(problems, at, where, f'no paragraph "{key}" in {name}\'s table of exempt '
                                          f"information; valid keys: {valid}")
        elif not _usable(paragraph, wanted):
            kinds = " or ".join(paragraph.meeting_types)
            _problem(problems, at, where, f"paragraph {paragraph.key} applies only to a meeting "
                                          f"that says meeting_type: {kinds}")
        else:
            taken.add(paragraph.key)
    return law.ordered(taken)


def _usable(paragraph: Paragraph, wanted: str) -> bool:
    return not paragraph.meeting_types or wanted in {
        kind.casefold() for kind in paragraph.meeting_types}


def _valid_keys(law: Jurisdiction, wanted: str) -> str:
    """The keys this meeting may use, and (briefly) which others another kind of meeting
    may: a key the meeting would then be refused is not offered as valid."""
    said = ", ".join(p.key for p in law.paragraphs if _usable(p, wanted))
    kinds: dict[str, list[str]] = {}
    for paragraph in law.paragraphs:
        if not _usable(paragraph, wanted):
            kinds.setdefault(" or ".join(paragraph.meeting_types), []).append(paragraph.key)
    for kind, others in kinds.items():
        said += f" ({', '.join(others)} only with meeting_type: {kind})"
    return said


def _confidential(law: Jurisdiction, pos: Position, path: str, problems: list[Problem]) -> None:
    if not law.confidential:
        _problem(problems, pos, f"{path}.confidential",
                 f"{law.called} has no category of confidential information; use "
                 "exempt: instead")


def _problem(problems: list[Problem], pos: Position | None, path: str, message: str) -> None:
    assert pos is not None  # every key the shape reads knows where it was written
    problems.append(Problem(pos, f"{path}: {message}"))
