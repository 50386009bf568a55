"""JSON Schemas of packgen's files for editors, made from the validator's own declarations.

There is no second, hand-kept description: each shape in :mod:`packgen.shapes` says
what it accepts, and the schema is that, so an editor flags what ``packgen
validate`` would (a typo in a key, a paragraph outside 1..7) while it is typed.
"""

from __future__ import annotations

from typing import Any

from packgen.documents import DOCUMENT, MINUTES, REPORT
from packgen.schema import CONFIG, MEETING
from packgen.shapes import Record

KINDS: dict[str, tuple[Record, str]] = {
    "meeting": (MEETING, "A meeting of a committee, board or trust: meeting.yaml"),
    "config": (CONFIG, "What every meeting of an organisation shares: packgen.yaml"),
    "report": (REPORT, "An officer report (kind: report)"),
    "minutes": (MINUTES, "Minutes of an earlier meeting (kind: minutes)"),
    "document": (DOCUMENT, "A plain document (kind: document)"),
}


def json_schema(kind: str) -> dict[str, Any]:
    record, title = KINDS[kind]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"packgen: {title}", **record.json_schema()}
