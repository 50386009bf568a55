"""The Health and Wellbeing Board example: what real papers need, read back from its pack.

Minutes with apologies, an absence and a substitute grouped by organisation; a report
numbered continuously, with a wide locality table, a table note, an unnumbered section and a
Markdown appendix; a resolution holding a list; a description in inline Markdown.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from packgen.build import build_pack
from tests.conftest import EXAMPLE, footer_number, page_texts, page_words

BOARD = EXAMPLE.parent.parent / "health-and-wellbeing-board" / "meeting.yaml"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("board") / "board.pdf"
    build_pack(BOARD, out)
    return out


@pytest.fixture(scope="module")
def layout(pack: Path) -> list[str]:
    """Each page's text laid out as printed."""
    text = subprocess.run(["pdftotext", "-layout", str(pack), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_attendance_reads_as_the_meeting_was(layout: list[str]) -> None:
    minutes = next(page for page in layout if "Membership" in page)
    rows = {line.split("  ")[0].strip(): _squash(line) for line in minutes.splitlines()}
    assert rows["Cllr Tom Whitby"].endswith("Apologies (substitute: Cllr Sara")
    assert rows["Cllr Sara Ojo"].endswith("Substitute for Cllr Tom Whitby")
    assert rows["Cllr Gareth Lyle"].endswith("Absent")
    assert rows["Mark Ellison"].endswith("Apologies")
    # The line of apologies names those who sent them, never the absent member.
    apologies = _squash(minutes.split("Apologies:")[1].split("Also in attendance")[0])
    assert apologies == ("Cllr Tom Whitby (substitute: Cllr Sara Ojo), Mark Ellison, "
                         "Rukhsana Begum")
    # Rows grouped under their organisations, in the order they first appear.
    table = minutes.split("Membership")[1].split("Apologies:")[0]
    groups = [line.strip() for line in table.splitlines()
              if line.strip() in ("Riverside City Council", "Riverside and Vale Integrated Care "
                                  "Board", "Riverside Police", "Healthwatch Riverside")]
    assert groups == ["Riverside City Council", "Riverside and Vale Integrated Care Board",
                      "Riverside Police", "Healthwatch Riverside"]


def test_a_resolution_keeps_its_list(layout: list[str]) -> None:
    text = _squash(" ".join(layout))
    assert "RESOLVED to (1) approve the Better Care Fund plan for 2026-27, subject to: " \
           "• the discharge schemes being reviewed at the end of quarter 2; • a report on " \
           "the disabled facilities grant to the next meeting. (2) delegate final sign-off" in text
    assert "RESOLVED that the minutes be signed by the Chair." in text


def test_the_report_is_numbered_continuously_and_only_its_paragraphs(layout: list[str]
                                                                     ) -> None:
    report = "\n".join(page for page in layout if "Joint health and wellbeing strategy" in page
                       or "Contacts in East Vale" in page or "Background papers" in page
                       or "Source: service returns" in page)  # the note, under its turned table
    numbers = [int(m[1]) for m in re.finditer(r"^\s*(\d+)\s{2,}\S", report, re.M)
               if not re.match(r"^\s*\d+\s{2,}\d", m[0])]
    # Recommendations 1 and 2 on the cover, then paragraphs 1 to 7 across the sections.
    assert numbers == [1, 2, 1, 2, 3, 4, 5, 6, 7]
    for heading in ("Background", "The delivery plan", "Risks", "Contact details",
                    "Background papers", "Appendices"):
        assert re.search(rf"^\s*{heading}\s*$", report, re.M), heading
    # Neither the table's note nor the contact details take a number.
    assert re.search(r"^\s*Source: service returns", report, re.M)
    assert re.search(r"^\s*Lucy Marsh, Consultant in Public Health, lucy", report, re.M)


def test_the_wide_table_is_whole_words_on_a_landscape_page(pack: Path) -> None:
    reader = PdfReader(pack)
    pages = page_words(pack)
    index = next(i for i, (_, _, words) in enumerate(pages)
                 if any(w.text == "prescribing" for w in words))
    box = reader.pages[index].mediabox
    assert box.width > box.height and not reader.pages[index].rotation
    words = {w.text for w in pages[index][2]}
    heading = ("Locality Health visiting School nursing Smoking cessation Weight management "
               "NHS health checks Drug and alcohol Sexual health Falls prevention Social "
               "prescribing Carers support Mental wellbeing Oral health Housing adaptations "
               "Physical activity Grand Total").split()
    assert set(heading) <= words  # no word broken inside itself
    width, height, found = pages[index]
    assert footer_number(width, height, found) == index + 1
    # The pages around it are portrait.
    for other in (index - 1, index + 1):
        assert reader.pages[other].mediabox.height > reader.pages[other].mediabox.width


def test_the_markdown_appendix_follows_its_report(pack: Path) -> None:
    reader = PdfReader(pack)
    texts = page_texts(pack)
    item = next(e for e in reader.outline if not isinstance(e, list) and e.title.startswith("4."))
    report, appendices = reader.outline[reader.outline.index(item) + 1]
    assert report.title == "Joint health and wellbeing strategy delivery plan 2026-27"
    assert [e.title for e in appendices] == ["Appendix 1: delivery plan actions by priority"]
    first = next(i for i, t in enumerate(texts) if "Delivery plan actions by priority" in t)
    assert first % 2 == 0  # a right-hand page: the pack's odd page number
    assert "Pages 5 - 9" in texts[0] and first + 1 == len(texts) == 9


def test_the_description_prints_its_markdown(layout: list[str]) -> None:
    front = layout[0]
    assert "**" not in front
    lines = [_squash(line) for line in front.splitlines()]
    at = lines.index("Minutes of the meeting held on 27 May 2026, to be agreed as a")
    assert lines[at + 1:at + 3] == ["correct record.", "Matters arising are taken under item 5."]
