"""An English executive's (cabinet's) agenda keys: key decisions, urgency, representations.

The law is the Local Authorities (Executive Arrangements) (Meetings and Access to
Information) (England) Regulations 2012 (SI 2012/2089): a key decision is published 28
clear days ahead (regulation 9, the "forward plan"), unless the general exception
(regulation 10: the chair of the overview and scrutiny committee told, five clear days'
notice) or special urgency (regulation 11: that chair, or else the authority's chair or
vice-chair, agreeing it cannot reasonably be deferred) applies; a private meeting's notice
gives any representations received about why it should be public (regulation 5(5)). A
late item needs the chair's opinion that it is urgent, for reasons stated in the minutes
(section 100B(4)(b) of the Local Government Act 1972).

These keys say how an item stands with those rules; the agenda prints them in the words of
the meeting's jurisdiction (``templates/decisions.html``), and a key its law does not word is
refused (:func:`outside_the_law`). Which keys go together is judged from the YAML itself, so
that each problem points at the key that is wrong, and is said even when another key of
the item is wrong too.
"""

from __future__ import annotations

from typing import Any

from packgen.errors import Problem
from packgen.jurisdiction import Jurisdiction
from packgen.model import Urgency
from packgen.shapes import Boolean, Context, Field, Record, Shape, Text
from packgen.source import Map, Node, Scalar, Seq

ROUTES = "general-exception|special-urgency"


class Reason(Text):
    """Text that must say something: a reason, a reference."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = super().check(node, ctx, path)
        if isinstance(value, str) and not value.strip():
            return ctx.error(node.pos, path, f"empty: give {self.what}")
        return value

    def json_schema(self) -> dict[str, Any]:
        return {**super().json_schema(), "pattern": r"\S"}


URGENCY = Record({
    "route": Field(Text(ROUTES, 'the route: "general-exception" (regulation 10) or '
                                '"special-urgency" (regulation 11)'),
                   'Why a key decision not in the forward plan 28 clear days ahead may be '
                   'taken: "general-exception" (regulation 10 of SI 2012/2089) or '
                   '"special-urgency" (regulation 11).', required=True),
    "reason": Field(Reason("the reason the decision cannot wait"),
                    "Why publishing it 28 clear days ahead was impracticable; printed on "
                    "the agenda.", required=True, translatable=True),
    "agreed_by": Field(Reason("who agreed the decision is urgent"),
                       "Special urgency only: who agreed that the decision is urgent and "
                       "cannot reasonably be deferred, such as \"the Chair of the Overview "
                       "and Scrutiny Committee\".", translatable=True),
}, build=Urgency)

FIELDS = {
    "key_decision": Field(Boolean(), "A key decision of an executive (regulation 8 of SI "
                                     "2012/2089): needs forward_plan_ref or urgency."),
    "forward_plan_ref": Field(Reason("the forward plan's reference for the decision"),
                              "The key decision's reference in the forward plan, such as "
                              '"FP/2026/041".'),
    "urgency": Field(URGENCY, "A key decision not in the forward plan 28 clear days ahead: "
                              "the route and the reason."),
    "urgent": Field(Reason("the reason the item is urgent"),
                    "A late item the chair agreed to take as a matter of urgency (section "
                    "100B(4)(b) of the Local Government Act 1972): the reason, printed on "
                    "the agenda.", translatable=True),
    "representations": Field(Reason("the representations, or say none were received"),
                             "A private item: representations received about why it should "
                             "be considered in public, and the response (regulation 5(5) of "
                             "SI 2012/2089); printed on the agenda.", translatable=True),
}
"""The keys an agenda item takes for an executive's business."""

_KEY_DECISION_ONLY = ("forward_plan_ref", "urgency")


class CabinetItem(Shape):
    """An agenda item's record, with its cabinet keys judged together."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self.expected = record.expected

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        value = self.record.check(node, ctx, path)
        if isinstance(node, Map):
            for pos, key, message in _problems(node):
                ctx.error(pos, f"{path}.{key}" if path else key, message)
        return value

    def json_schema(self) -> dict[str, Any]:
        return self.record.json_schema()


def _problems(node: Map) -> list[tuple[Any, str, str]]:
    """(where, key, message) for each cabinet key that does not fit the item's others."""
    found = []
    flag = node.items.get("key_decision")
    key_decision = flag.value if isinstance(flag, Scalar) else None
    if key_decision is True and not any(k in node.items for k in _KEY_DECISION_ONLY):
        found.append((node.keys["key_decision"], "key_decision",
                      "a key decision needs its forward plan reference (forward_plan_ref: "
                      "...) or, when it was not in the forward plan 28 clear days ahead, "
                      "urgency: {route: general-exception or special-urgency, reason: ...} "
                      "(regulations 9 to 11 of SI 2012/2089)"))
    if key_decision is not True and (key_decision is False or flag is None):
        for key in _KEY_DECISION_ONLY:
            if key in node.items:
                found.append((node.keys[key], key, 'only a key decision has this: the '
                                                   'item needs "key_decision: true"'))
    urgency = node.items.get("urgency")
    if isinstance(urgency, Map) and "agreed_by" in urgency.items:
        route = urgency.items.get("route")
        if isinstance(route, Scalar) and route.text.strip().casefold() == "general-exception":
            found.append((urgency.keys["agreed_by"], "urgency.agreed_by",
                          "the general exception needs no one's agreement (the chair of "
                          "scrutiny is told, regulation 10); agreed_by is for special "
                          "urgency (regulation 11)"))
    if "representations" in node.items and not _private(node):
        found.append((node.keys["representations"], "representations",
                      "only an item considered in private has representations about it "
                      "(regulation 5 of SI 2012/2089): the item and its documents have no "
                      "exempt: paragraph"))
    return found


def _private(node: Map) -> bool:
    """Whether the item, or any document it attaches, is kept out of the public pack."""
    listed = node.items.get("attachments")
    return _withheld(node) or isinstance(listed, Seq) and any(
        isinstance(a, Map) and _withheld(a) for a in listed.items)


def _withheld(node: Map) -> bool:
    """Whether ``exempt:`` or ``confidential:`` is given, and not as false."""
    values = [node.items[key] for key in ("exempt", "confidential") if key in node.items]
    return any(not isinstance(value, Scalar)
               or value.text.strip().casefold() not in ("false", "no", "off")
               for value in values)


_WORDED_BY = {"key_decision": ("key_decision",), "forward_plan_ref": ("key_decision",),
              "urgency": ("general_exception", "special_urgency"),
              "urgent": ("urgent_item",), "representations": ("representations",)}
"""Each key, and the jurisdiction's wordings (:data:`packgen.lawfile.EXECUTIVE`)
without which its law has no such thing."""

_WHAT = {"key_decision": "key decisions", "forward_plan_ref": "forward plan of key decisions",
         "urgency": "urgent key decisions", "urgent": "urgent items",
         "representations": "representations about private items"}


def outside_the_law(meeting: Map | None, law: Jurisdiction) -> list[Problem]:
    """A problem at each cabinet key of an item whose jurisdiction does not word it: a
    parish council transacts only the business its summons names, and only England's
    executives publish key decisions in a forward plan."""
    entries = meeting.items.get("items") if meeting is not None else None
    found = []
    for index, entry in enumerate(entries.items if isinstance(entries, Seq) else ()):
        if not isinstance(entry, Map):
            continue
        for key, wordings in _WORDED_BY.items():
            value = entry.items.get(key)
            if value is None or isinstance(value, Scalar) and value.value is False:
                continue
            if not all(law.has(w) for w in wordings):
                found.append(Problem(entry.keys[key], f"items[{index}].{key}: "
                                     f"{law.called} has no {_WHAT[key]} in its law "
                                     "(a custom jurisdiction may word them)"))
    return found
