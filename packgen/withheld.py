"""What the pack says about material kept out of the public pack, in the law's own words.

The agenda's line under a withheld item, the exclusion-of-the-public item and the
NOT FOR PUBLICATION stamp all quote the meeting's jurisdiction (its theme file, or
``access_to_information:`` for ``jurisdiction: custom``), so they never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

from packgen.errors import Problem
from packgen.jurisdiction import Jurisdiction
from packgen.lawfile import FALLBACK
from packgen.model import Meeting, Withheld


def agenda_wording(law: Jurisdiction, why: Withheld, item: Withheld | None) -> str:
    """The statutory sentence(s) for an item, or part of one, kept out of the public pack;
    ``item`` is what the item itself (rather than some of its documents) withholds."""
    whole = item or Withheld()
    said = []
    if why.exempt:
        key = "exempt_item" if whole.exempt else "exempt_part"
        said.append(law.text(key, law.ordered(why.paragraphs)))
    if why.confidential:
        said.append(law.text("confidential_item" if whole.confidential else "confidential_part"))
    return " ".join(said)


def stamp_lines(law: Jurisdiction, why: Withheld) -> tuple[str, str]:
    """NOT FOR PUBLICATION, and the line under it that says why."""
    said = []
    if why.exempt:
        said.append(law.text("stamp_exempt", law.ordered(why.paragraphs)))
    if why.confidential:
        said.append(law.text("stamp_confidential"))
    return law.text("stamp_heading"), "; ".join(said)


def exclusion(law: Jurisdiction, following: Sequence[Withheld],
              special_reasons: Sequence[str] = ()) -> tuple[str, str]:
    """The exclusion item's title and text, for the withheld items it comes before.

    Confidential information alone is excluded by law, with no public interest to weigh;
    paragraphs without the public interest test (Wales' paragraph 16) are not weighed
    either: each has its own wording where the jurisdiction gives one. ``special_reasons``
    fill the wording's ``{special_reasons}``."""
    exempt = [why for why in following if why.exempt]
    weighed = {paragraph.key for paragraph in law.paragraphs if paragraph.public_interest}
    if following and not exempt:
        key = "exclusion_confidential"
    elif exempt and all(why.paragraphs for why in exempt) and not any(
            key in weighed for why in exempt for key in why.paragraphs):
        key = "exclusion_no_public_interest"
    else:
        key = "exclusion"
    # The paragraphs of everything the resolution covers, for the laws whose wording names
    # them ("as defined in paragraphs 14 and 16 of Part 4 of Schedule 12A").
    covered = law.ordered({key for why in exempt for key in why.paragraphs})
    # A law without a table (the 1960 Act) wants the special reasons stated in the
    # resolution: those the items give (special_reasons:), each once, in agenda order.
    stated = "; ".join(dict.fromkeys(r.strip().rstrip(".") for r in special_reasons
                                     if r.strip()))
    return law.text("exclusion_title"), law.text(key, covered, stated)


_EXEMPT = ("exempt_item", "exempt_part", "stamp_exempt")
_CONFIDENTIAL = ("confidential_item", "confidential_part", "exclusion_confidential",
                 "stamp_confidential")
_CABINET = {"forward_plan_ref": ("key_decision",),
            "urgency": ("general_exception", "special_urgency", "special_urgency_agreed"),
            "urgent": ("urgent_item",), "representations": ("representations",)}


def untranslated(meeting: Meeting) -> list[Problem]:
    """A warning when an edition in another language than English prints some of the law's
    wording in English because the jurisdiction does not give it in that language (only
    Wales's file is bilingual): the wording the meeting's pack uses, not all of it."""
    law = meeting.jurisdiction
    if law.language == FALLBACK:
        return []
    used: set[str] = set()
    if not meeting.notices:
        used |= {"notice_public", "notice_interests"}
    why = [w for item in meeting.items for a in (None, *item.attachments)
           if (w := item.withholding(a)) is not None]
    if any(w.exempt for w in why):
        used |= {*_EXEMPT, "exclusion_title", "exclusion", "exclusion_no_public_interest",
                 "stamp_heading", "statute", "exclusion_power"}
        if law.paragraphs:
            used |= {"paragraph", "paragraphs", "and"}
    if any(w.confidential for w in why):
        used |= {*_CONFIDENTIAL, "exclusion_title", "stamp_heading", "confidential"}
    for key, wordings in _CABINET.items():
        if any(getattr(item, key) for item in meeting.items):
            used |= set(wordings)
    texts = {**dict(law.wording), "statute": law.statute,
             "exclusion_power": law.exclusion_power, "confidential": law.confidential}
    english = sorted(key for key in used if texts.get(key)
                     and law.language not in dict(texts[key]))
    if not english:
        return []
    return [Problem(meeting.pos, f"{law.called}'s law is not worded in {law.language}, so "
                                 f"this edition prints it in English: {', '.join(english)}",
                    severity="warning")]
