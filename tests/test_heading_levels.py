"""Officers' Markdown headings in the pack's structure: the text's highest level one below
the heading the template prints it under, each level below one further (down to H4), printed
as the level they were written at prints; and validate warns of a skipped level exactly where
the pack holds one."""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from packgen import build_pack
from packgen.check import validate
from tests.conftest import MeetingFolder, basic_meeting
from tests.structure_check import check_structure
from tests.structure_helpers import struct_text


def headings(pdf: Path) -> list[tuple[str, str]]:
    """(role, text) of every heading element of the pack, in reading order."""
    found: list[tuple[str, str]] = []
    role, words = "", []
    for line in [*struct_text(pdf).splitlines(), ""]:
        if role and line.strip().startswith('"'):  # the heading's text, a run a line
            words.append(line.strip().strip('"').strip())
            continue
        if role:
            found.append((role, " ".join(words)))
        heading = re.fullmatch(r"\s*(H[1-6]) \(block\)", line)
        role, words = (heading[1] if heading else ""), []
    return found


def heights(pdf: Path) -> dict[str, float]:
    """Each word's height on the page (its font size, near enough), by the word."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return {word: round(float(y_max) - float(y_min), 1) for y_min, y_max, word in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>',
        bbox)}


def build(folder: MeetingFolder, documents: dict[str, str]) -> Path:
    for name, text in documents.items():
        (folder.folder / name).write_text(text)
    folder.write(basic_meeting([{"title": "Papers", "attachments": list(documents)}]))
    out = folder.root / "pack.pdf"
    build_pack(folder.file, out)
    return out


def report(**fields: Any) -> str:
    return yaml.safe_dump({"kind": "report", "title": "Budget", **fields}, sort_keys=False)


def minutes(body: str) -> str:
    return yaml.safe_dump({
        "kind": "minutes", "date": datetime.date(2026, 5, 27), "place": "Town Hall",
        "from": "14:00", "to": "15:00", "attendance": [{"name": "Cllr A", "status": "present"}],
        "minutes": [{"title": "Budget", "body": body, "resolved": ["to agree."]}]},
        sort_keys=False)


def test_a_sections_highest_heading_is_its_sub_section_however_it_is_written(
        folder: MeetingFolder) -> None:
    pack = build(folder, {"r.yaml": report(sections=[
        {"heading": "Background", "body": "Intro.\n\n### Funding\n\nFunded.\n\n"
                                          "### Staffing\n\nStaffed.\n"},
        {"heading": "Options", "body": "# Choices\n\nOne.\n\n## Risks\n\nRisky.\n\n"
                                       "### Deeper\n\nDeep.\n"},
    ])})
    found = headings(pack)
    at = found.index(("H1", "Budget"))
    assert found[at:] == [("H1", "Budget"), ("H2", "1 Background"), ("H3", "Funding"),
                          ("H3", "Staffing"), ("H2", "2 Options"), ("H3", "Choices"),
                          ("H4", "Risks"), ("H4", "Deeper")]
    # Printed as written: "###" as "##" prints under "#" (h4's style), not as "#" (h3's).
    size = heights(pack)
    assert size["Funding"] == size["Staffing"] == size["Risks"] == size["Deeper"]
    assert size["Choices"] > size["Funding"]


def test_a_heading_printed_as_h4_follows_the_house_styles_h4(folder: MeetingFolder) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "style.yaml").write_text("styles:\n  h4: {size: 16}\n")
    pack = build(folder, {"r.yaml": report(sections=[
        {"heading": "Background", "body": "### Funding\n\nFunded.\n"},
        {"heading": "Options", "body": "# Choices\n\n## Risks\n\nRisky.\n"}])})
    assert ("H3", "Funding") in headings(pack)
    size = heights(pack)
    # Tagged h3, printed as "###" prints: in h4's style, the house style's.
    assert size["Funding"] == size["Risks"] > size["Choices"]


def test_the_covers_headings_follow_the_title_and_minutes_headings_their_minute(
        folder: MeetingFolder) -> None:
    pack = build(folder, {
        "r.yaml": report(summary="# Why\n\nBecause.\n",
                         recommendations=["Approve it.\n\n## Terms\n\nSome terms.\n"],
                         sections=[{"heading": "Background", "body": "Text."}]),
        "m.yaml": minutes("## Discussion\n\nMembers discussed.\n\n### Detail\n\nMore.\n"),
    })
    found = [role for role, text in headings(pack) if text.split()[-1] in
             ("Budget", "Why", "Terms", "Background", "BUDGET", "Discussion", "Detail")]
    # Report: its title, the summary's and a recommendation's headings under it, sections.
    # Minutes: each minute (h2), the headings of its text under it.
    assert found == ["H1", "H2", "H2", "H2", "H2", "H3", "H4"]
    size = heights(pack)
    # Printed as written: the summary's "#" in h3's style, the recommendation's "##" in h4's.
    assert size["Why"] > size["Terms"]


def test_a_markdown_files_fourth_level_is_h4(folder: MeetingFolder) -> None:
    pack = build(folder, {"notes.md": "# Notes\n\nIntro.\n\n## One\n\n### Half\n\n"
                                      "#### Quarter\n\n##### Eighth\n\nText.\n"})
    assert [h for h in headings(pack) if h[1] in ("Notes", "One", "Half", "Quarter",
                                                  "Eighth")] == [
        ("H1", "Notes"), ("H2", "One"), ("H3", "Half"), ("H4", "Quarter"), ("H4", "Eighth")]
    size = heights(pack)
    assert size["One"] > size["Half"] > size["Quarter"] == size["Eighth"]


# Each case: where a Markdown text goes, the text, and whether its headings skip a level.
# Those that do build a pack with a skipped heading level on purpose (the officer's, as
# validate says), so the structure check, which rightly finds it, leaves them alone.
SKIPS = pytest.mark.unchecked_structure
CASES = [
    pytest.param("section", "### A\n\nText.\n\n### B\n\nText.\n", False, id="section-###"),
    pytest.param("section", "# A\n\n### B\n\nText.\n", False, id="section-#-then-###-is-h4"),
    pytest.param("section", "## A\n\nText.\n\n# B\n\nText.\n", True, id="section-##-before-#",
                 marks=SKIPS),
    pytest.param("summary", "# A\n\n## B\n\nText.\n", False, id="summary"),
    pytest.param("summary", "## A\n\n# B\n\nText.\n", True, id="summary-##-before-#",
                 marks=SKIPS),
    pytest.param("minutes", "## A\n\n### B\n\nText.\n", False, id="minutes-##-###"),
    pytest.param("minutes", "### A\n\n# B\n\nText.\n", True, id="minutes-###-before-#",
                 marks=SKIPS),
    pytest.param("md", "### A\n\n#### B\n\nText.\n", False, id="md-###-under-title"),
    pytest.param("md", "## A\n\n### B\n\n#### C\n\nText.\n", False, id="md-##-###-####"),
    pytest.param("md", "## A\n\n#### B\n\nText.\n", True, id="md-##-then-####", marks=SKIPS),
    pytest.param("md", "### A\n\n## B\n\nText.\n", True, id="md-###-before-##", marks=SKIPS),
]


@pytest.mark.parametrize(("place", "text", "skips"), CASES)
def test_validate_warns_of_a_skipped_level_exactly_where_the_pack_holds_one(
        folder: MeetingFolder, place: str, text: str, skips: bool) -> None:
    documents = {
        "section": {"r.yaml": report(sections=[{"heading": "Background", "body": text}])},
        "summary": {"r.yaml": report(summary=text, sections=[{"heading": "S", "body": "x"}])},
        "minutes": {"m.yaml": minutes(text)},
        "md": {"notes.md": "# Notes\n\n" + text},
    }[place]
    pack = build(folder, documents)
    in_pack = [p for p in check_structure(pack) if "heading levels skip" in p]
    warned = [w for w in validate(folder.file).warnings if "skips a level" in w.message]
    assert len(in_pack) == len(warned) == (1 if skips else 0), (in_pack, warned)
