"""The key an officer meant, for an "unknown key" problem.

Officers misspell keys ("descripton"), write them as they read on paper ("Report to",
"report-to"), or use the word their old system used ("presented_by", "author",
"files"). A spelling hint alone finds the first; the last two need to know how keys are
written and what they are called elsewhere. A hint is only ever a key the mapping
being checked takes, so it is never wrong about where the key belongs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection

SYNONYMS: dict[str, tuple[str, ...]] = {
    "presenter": ("presented_by", "report_of", "report_by", "author", "lead_officer",
                  "speaker", "officer", "introduced_by", "by"),
    "attachments": ("files", "file", "documents", "document", "papers", "reports", "report",
                    "attachment", "pdfs", "pdf", "enclosures"),
    "description": ("desc", "details", "summary_line", "subtitle", "note", "purpose"),
    "exempt": ("exempt_paragraph", "paragraph", "exemption", "private", "part_b",
               "not_for_publication"),
    "supplement": ("late", "late_item", "supplementary"),
    "contacts": ("contact", "contact_officer", "contact_officers", "author", "authors",
                 "report_author"),
    "director": ("relevant_director", "lead_director", "executive_director",
                 "corporate_director", "responsible_officer"),
    "wards": ("ward", "wards_affected", "ward_affected", "divisions", "divisions_affected"),
    "report_to": ("to", "committee", "meeting", "audience", "reporting_to"),
    "recommendations": ("recommendation", "recs", "recommended"),
    "summary": ("executive_summary", "abstract", "overview", "purpose"),
    "background_papers": ("background", "background_documents", "papers"),
    "appendices": ("appendix", "annexes", "annex", "attachments"),
    "sections": ("body", "content", "paragraphs", "text"),
    "body": ("text", "content", "discussion", "notes", "minute", "committee", "board",
             "meeting_of"),
    "resolved": ("resolution", "resolutions", "decision", "decisions", "agreed"),
    "attendance": ("members", "present", "attendees", "membership"),
    "in_attendance": ("officers", "also_present", "also_in_attendance", "guests"),
    "first_minute": ("start_minute", "minute_number", "first_number"),
    "minutes": ("items", "agenda"),
    "venue": ("place", "location", "where", "room"),
    "place": ("venue", "location", "where", "room"),
    "time": ("start", "starts", "start_time", "from"),
    "from": ("start", "start_time", "began", "time"),
    "to": ("end", "end_time", "finished", "closed"),
    "items": ("agenda", "business", "agenda_items"),
    "organisation": ("organization", "council", "authority", "org"),
    "colours": ("colors", "colour", "color"),
    "style": ("house_style", "theme", "colours", "colors", "fonts", "font", "logo",
              "margins", "margins_mm", "page_size", "paper", "paragraph_numbers"),
    "file": ("path", "pdf", "filename", "src"),
    "status": ("absent", "apologies", "attended", "attendance", "state", "attending"),
    "for": ("substitute_for", "substituting_for", "on_behalf_of", "in_place_of",
            "replacing", "instead_of"),
    "substitute": ("substituted_by", "substitute_name", "replaced_by", "deputy"),
    "group": ("representing", "organisation", "organization", "party", "political_group",
              "org", "body"),
    "title": ("name", "heading"),
    "heading": ("title", "name"),
    "text": ("wording", "body", "content"),
}
"""Key -> words officers use for it. A word may stand for keys of different mappings
("author": an item's presenter, a report's contacts); only the keys of the mapping
being checked are offered."""


def _plain(key: str) -> str:
    """A key as it is written in the declarations: "Report To" and "report-to" are "report_to"."""
    return re.sub(r"[\s\-]+", "_", key.strip()).casefold()


OPPOSITES = {("absent", "present"), ("present", "absent"), ("from", "to"), ("to", "from")}
"""Spellings close to a key that mean its opposite: no hint at all is better than these."""


def suggestion(key: str, known: Collection[str], given: Collection[str] = ()) -> str | None:
    """The known key ``key`` most likely stands for, or None.

    A key the mapping already has (``given``) is never offered: its value is there, so
    the unknown key means something else, and following such a hint would lose it.
    """
    free = [k for k in known if k not in given]
    plain = _plain(key)
    if plain in free:
        return plain
    for candidate in free:
        if plain in SYNONYMS.get(candidate, ()):
            return candidate
    close = difflib.get_close_matches(plain, free, n=1, cutoff=0.6)
    if close and (plain, close[0]) not in OPPOSITES:
        return close[0]
    return None
