"""Keep-together blocks and headings, read back from built packs page by page.

A block kept together is placed where it is when it fits, moved whole to the next page
when it fits on an empty one, and otherwise started where it is and split; a heading
never ends a page without the first part of what follows it.
"""

from __future__ import annotations

import datetime

import pytest
import yaml

from tests.conftest import MeetingFolder, page_texts
from tests.test_documents import build_documents


def long_cover_report() -> str:
    contacts = "\n".join(
        f"  - {{name: Officer Number{i}, role: Service Lead for Area {i}, "
        f"email: officer{i}@example.org, phone: 0115 000 {1000 + i}}}" for i in range(8))
    priorities = "\n".join(f"  - {{text: Priority number {i} of the plan, relevant: true}}"
                           for i in range(12))
    summary = " ".join(f"Summary sentence {i} says what the council decided." for i in range(60))
    return (f"kind: report\ntitle: Waste collection review\ncontacts:\n{contacts}\n"
            f"priorities:\n{priorities}\nsummary: {summary}\n"
            "recommendations: [Approve the review.]\n"
            "sections:\n  - heading: Background\n    body: The background.\n")


def test_a_cover_taller_than_a_page_starts_under_the_title(folder: MeetingFolder) -> None:
    out = build_documents(folder, {"review.yaml": long_cover_report()})
    texts = page_texts(out)
    first = next(i for i, t in enumerate(texts) if "Waste collection review" in t)
    title_page = " ".join(texts[first].split())
    # The title and the first cover rows share the report's first page ...
    assert "Report to" in title_page and "Date" in title_page
    assert "Officer Number0" in title_page
    # ... and the table goes on over the next page, not a fresh one after a blank end.
    following = " ".join(texts[first + 1].split())
    assert "Summary sentence 59" in following and "Report to" not in following


def test_a_short_block_that_does_not_fit_moves_whole(folder: MeetingFolder) -> None:
    """A minute's resolution that would straddle a page break starts the next page whole."""
    fill = " ".join(f"Discussion sentence {i} about the item." for i in range(86))
    resolved = [f"resolution line {i} is agreed;" for i in range(6)]
    minutes = ("kind: minutes\ndate: 2026-03-22\nminutes:\n"
               f"  - title: Budget\n    body: {fill}\n"
               f"    resolved: [{', '.join(resolved)}]\n")
    out = build_documents(folder, {"minutes.yaml": minutes})
    texts = page_texts(out)
    holding = [i for i, t in enumerate(texts) if "resolution line" in t]
    assert len(holding) == 1, "the resolution block is split across pages"
    assert "RESOLVED" in texts[holding[0]] and "resolution line 5" in texts[holding[0]]
    # It moved: the discussion ends the page before, and the block starts its page.
    assert texts[holding[0]].split("RESOLVED")[0].strip() == ""
    assert "Discussion sentence 85" in texts[holding[0] - 1]


def test_a_heading_is_never_alone_at_the_foot_of_a_page(folder: MeetingFolder) -> None:
    """A heading whose table does not fit below it goes with the table's first rows."""
    fill = "\n\n".join(f"Paragraph {i} of the background text, long enough to wrap over "
                       "the line once at least in this column." for i in range(30))
    rows = "\n".join(f"| Ward {i} | {i * 7} |" for i in range(40))
    body = (f"# Ward figures\n\n{fill}\n\n## Figures by ward\n\n"
            f"| Ward | Visits |\n|---|---|\n{rows}\n")
    out = build_documents(folder, {"figures.md": body})
    texts = page_texts(out)
    at = next(i for i, t in enumerate(texts) if "Figures by ward" in t)
    assert "Ward 0" in texts[at], "the heading ended its page without the table's first row"
    # The case in point: the table does not fit below the heading, and goes on over the
    # next page under its repeated heading row.
    assert "Ward 39" not in texts[at]
    following = texts[at + 1].split()
    assert following[:2] == ["Ward", "Visits"] and "39" in following


def test_a_minute_heading_goes_with_its_resolution(folder: MeetingFolder) -> None:
    """A minute with no text, only a resolution: when the resolution moves to the next
    page, the minute's heading moves with it."""
    fill = " ".join(f"Discussion sentence {i} about the item." for i in range(70))
    resolved = ", ".join(f"resolution line {i} is agreed;" for i in range(8))
    minutes = ("kind: minutes\ndate: 2026-03-22\nminutes:\n"
               f"  - title: Budget\n    body: {fill}\n"
               f"  - title: Fees and charges\n    resolved: [{resolved}]\n")
    out = build_documents(folder, {"minutes.yaml": minutes})
    texts = page_texts(out)
    at = next(i for i, t in enumerate(texts) if "FEES AND CHARGES" in t)
    assert "resolution line 0" in texts[at] and "resolution line 7" in texts[at]
    assert "Discussion sentence 69" in texts[at - 1]


def cover_report(sentences: int, orientation: str) -> str:
    summary = " ".join(f"Summary sentence {i} says what the council decided."
                       for i in range(sentences))
    return (f"kind: report\ntitle: Mid summary report\norientation: {orientation}\n"
            f"report_to: Cabinet\nsummary: {summary}\n"
            "sections:\n  - heading: Background\n    body: The background.\n")


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
@pytest.mark.parametrize("sentences", list(range(56, 88, 3)))
def test_a_reports_first_page_is_never_its_title_alone(folder: MeetingFolder, orientation: str,
                                                        sentences: int) -> None:
    """Covers from one that fits under the title to one that nearly fills a page (from 68
    sentences it no longer fits under the title): the cover starts under the title, never
    on a page of its own after it, portrait and landscape."""
    out = build_documents(folder, {"r.yaml": cover_report(sentences, orientation)})
    texts = [" ".join(t.split()) for t in page_texts(out)]
    first = next(i for i, t in enumerate(texts) if t.startswith("Agenda Item 1"))
    assert "Test Borough Council Mid summary report Report to Cabinet" in texts[first]
    last = f"Summary sentence {sentences - 1} says"
    assert last in texts[first] or last in texts[first + 1]


def test_an_attendance_groups_heading_goes_with_its_first_member(folder: MeetingFolder) -> None:
    """Long attendance lists in groups: whichever row a page ends on, never a group's
    heading row alone at its foot."""
    for size in (8, 9, 10):
        attendance = [{"name": f"Person G{g}N{n}", "role": "Member", "group": f"Group number {g}",
                       "status": "present"} for g in range(72 // size) for n in range(size)]
        minutes = {"kind": "minutes", "date": datetime.date(2026, 5, 27),
                   "attendance": attendance,
                   "minutes": [{"title": "Huge", "body": "Intro.", "resolved": ["to note."]}]}
        out = build_documents(folder, {"m.yaml": yaml.safe_dump(minutes)})
        for page in page_texts(out):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            for at, line in enumerate(lines):
                if line.startswith("Group number"):
                    assert lines[at + 1].startswith("Person"), f"{line} ends its page"
