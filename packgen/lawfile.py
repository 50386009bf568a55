"""The format of a jurisdiction's law, as ``templates/jurisdictions/NAME.yaml`` writes it
and ``packgen.yaml`` (``access_to_information:``, ``notice:``) may: what each key takes, which
wordings there are and which placeholders each may use. :mod:`packgen.jurisdiction` reads
files with these shapes."""

from __future__ import annotations

from typing import Any

from packgen.shapes import (
    INVALID,
    Boolean,
    Context,
    Date,
    Field,
    Integer,
    ListOf,
    Record,
    Shape,
    Text,
    format_fields,
)
from packgen.source import Map, Node

BUILT_IN = ("england", "wales", "scotland", "northern-ireland", "parish", "nhs")
CHOICES = "|".join((*BUILT_IN, "custom"))
FALLBACK = "en-GB"

Words = tuple[tuple[str, str], ...]
"""A text by language, (language, text) pairs; en-GB is always among them."""

PLACEHOLDERS = frozenset({"paragraphs", "statute", "exclusion_power", "confidential",
                          "special_reasons"})

WORDING_REQUIRED = ("paragraph", "paragraphs", "and", "exempt_item", "exempt_part",
                    "confidential_item", "confidential_part", "exclusion_title", "exclusion",
                    "stamp_heading", "stamp_exempt", "stamp_confidential")
WORDING_OPTIONAL = ("exclusion_confidential", "exclusion_no_public_interest")
"""Said instead of ``exclusion`` when every item after the exclusion item is withheld as
confidential information only (whose exclusion the law requires, with no resolution
weighing the public interest), or only under paragraphs without the public interest test;
``exclusion`` when not given."""

NOTICES = ("notice_public", "notice_interests")
"""The front sheet's default notices (when the meeting gives no ``notices:``): the public's
right to attend, and the members' interests rule, both the law's; a law without one
prints no such notice."""

EXECUTIVE: dict[str, frozenset[str]] = {
    "key_decision": frozenset({"reference"}),
    "general_exception": frozenset({"reason"}),
    "special_urgency": frozenset({"reason"}),
    "special_urgency_agreed": frozenset({"reason", "agreed_by"}),
    "urgent_item": frozenset({"reason"}),
    "representations": frozenset({"representations"}),
}
"""What the agenda says of an item's ``key_decision``, ``urgency``, ``urgent`` and
``representations`` (:mod:`packgen.cabinet`), with the placeholders each takes. A law
without a wording has no such thing: parish councils transact only the business their
summons names, so ``urgent:`` is refused there, and only England's executives publish a
forward plan of key decisions."""


class Wording(Shape):
    """A text, or a mapping of languages to text ({en-GB: ..., cy: ...}); its {placeholders}
    must be ones packgen fills."""

    expected = "text, or a mapping of languages (en-GB, cy ...) to text"

    def __init__(self, placeholders: frozenset[str] = PLACEHOLDERS) -> None:
        self.placeholders = placeholders

    def check(self, node: Node, ctx: Context, path: str) -> Any:
        if isinstance(node, Map):
            if FALLBACK not in node.items:
                return ctx.error(node.pos, path, f"the languages need {FALLBACK} among them")
            pairs = [(str(lang), self._text(child, ctx, f"{path}.{lang}"))
                     for lang, child in node.items.items()]
            if any(text is INVALID for _, text in pairs):
                return INVALID
            return tuple(sorted(pairs, key=lambda pair: pair[0] != FALLBACK))
        text = self._text(node, ctx, path)
        return INVALID if text is INVALID else ((FALLBACK, text),)

    def _text(self, node: Node, ctx: Context, path: str) -> Any:
        text = Text().check(node, ctx, path)
        if text is INVALID:
            return INVALID
        try:
            names = set(format_fields(text))
        except ValueError:
            return ctx.error(node.pos, path, "an unmatched { or }: write {{ or }} for a brace")
        unknown = sorted(names - self.placeholders)
        if unknown:
            allowed = ", ".join(f"{{{p}}}" for p in sorted(self.placeholders)) or "none"
            return ctx.error(node.pos, path, f"unknown placeholder {{{unknown[0]}}} "
                                             f"(placeholders: {allowed})")
        return " ".join(text.split())

    def json_schema(self) -> dict[str, Any]:
        text = Text().json_schema()
        return {"anyOf": [text, {"type": "object", "additionalProperties": text,
                                 "required": [FALLBACK]}]}


_PLAIN = Wording(frozenset())

PARAGRAPH = Record({
    "key": Field(Text(r"[0-9A-Za-z][0-9A-Za-z.()-]{0,9}", 'a short key such as "3" or "18A"'),
                 'The paragraph\'s key as the law writes it: "3", "18A".', required=True),
    "description": Field(_PLAIN, "What information the paragraph covers.", required=True),
    "public_interest": Field(Boolean(), "Whether the public interest test applies to it "
                                        "(default: the table's public_interest)."),
    "meeting_types": Field(ListOf(Text()), "The only kinds of meeting (meeting_type:) that "
                                           "may use it, such as [standards]."),
}, build=lambda pos, **v: v)

ACCESS = Record({
    "statute": Field(_PLAIN, "Where the categories of exempt information are listed."),
    "exclusion_power": Field(_PLAIN, "The power to exclude the public."),
    "confidential": Field(_PLAIN, 'Where "confidential information" is defined; without '
                                  "it, confidential: true is refused."),
    "public_interest": Field(Boolean(), "Whether the public interest test applies to its "
                                        "paragraphs (each may say otherwise)."),
    "paragraphs": Field(ListOf(PARAGRAPH), "The table of exempt information, in the law's "
                                           "order; none: exempt: true with a reason."),
    "exclusion_titles": Field(ListOf(_PLAIN), "Other titles its bodies give the exclusion "
                                              "item (\"Determination of exempt business\"): "
                                              "an officer's item so titled is the exclusion "
                                              "item."),
    "wording": Field(Record({**{key: Field(Wording(PLACEHOLDERS if key.startswith("exclusion")
                                               else PLACEHOLDERS - {"special_reasons"}),
                                       f"The {key} wording.")
                                for key in (*WORDING_REQUIRED, *WORDING_OPTIONAL,
                                            *NOTICES)},
                             **{key: Field(Wording(frozenset(names)), f"The {key} wording.")
                                for key, names in EXECUTIVE.items()}},
                            build=lambda pos, **v: v),
                     "What the agenda, the exclusion item and the stamps say."),
}, build=lambda **v: v)
"""``access_to_information:``: no key is required by the shape, so that packgen.yaml and
a meeting can each give some; :func:`missing` says which a complete one lacks."""

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
         "holidays")
EVERY_DAY = set(_DAYS[:7])

NOTICE_RULE = Record({
    "clear_days": Field(Integer(0, 60, "a number of days, 0 to 60"),
                        "Clear days' notice the law asks."),
    "skip": Field(ListOf(Text("|".join(_DAYS), "a weekday name or holidays")),
                  "Days that do not count: weekday names, and holidays."),
    "calendar": Field(Text(r"[a-z0-9][a-z0-9-]*", "a calendar name such as "
                                                  "england-and-wales, or none"),
                      "The theme's holiday calendar, or none."),
    "extra_days": Field(ListOf(Date()), "Local holidays or designated days that do not count."),
    "source": Field(Text(), "Where the rule is written (printed in the notice warning)."),
}, build=lambda **v: v)

JURISDICTION_FILE = Record({
    "name": Field(_PLAIN, "The jurisdiction's name.", required=True),
    "description": Field(Text(), "Who it is for.", required=True),
    "sources": Field(ListOf(Record({"text": Field(Text(), "The source.", required=True),
                                    "url": Field(Text(), "Where to read it.", required=True)},
                                   build=lambda pos, **v: v)), "The law it quotes.",
                     required=True),
    "access_to_information": Field(ACCESS, "Exempt and confidential information.",
                                   required=True),
    "notice": Field(NOTICE_RULE, "The notice rule.", required=True),
}, build=lambda pos, **v: v)

ACCESS_REQUIRED = ("statute", "exclusion_power", "public_interest", "wording")
NOTICE_REQUIRED = ("clear_days", "skip", "calendar", "source")
