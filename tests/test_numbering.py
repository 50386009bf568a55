"""Paragraph numbering under the officer's control, read back from the pack."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from packgen import build_pack
from tests.conftest import MeetingFolder, basic_meeting, page_texts

BODY = """\
First paragraph.

### Funding

Funded well.

{-} A paragraph opted out.

Second funded.

### Notes {-}

After the notes heading.

| Ward | Visits |
|---|---|
| Abbey | 12 |

Source: library counts, 2026.

Last paragraph.
"""


def report(**extra: Any) -> dict[str, Any]:
    return {"kind": "report", "title": "Numbering", "sections": [
        {"heading": "Background", "body": BODY},
        {"heading": "Contact details", "numbered": False, "body": "Call the library."},
        {"heading": "Risks", "body": "Low."},
    ], "background_papers": ["Consultation report"], **extra}


def build(folder: MeetingFolder, document: dict[str, Any], name: str = "r.yaml",
          **meeting: Any) -> list[str]:
    """The pack's document pages as lines, spaces squeezed."""
    folder.pdf("appendix.pdf", 1)
    (folder.folder / name).write_text(yaml.safe_dump(document, sort_keys=False))
    path = folder.write(basic_meeting([{"title": "R", "attachments": [name]}], **meeting))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    return [" ".join(line.split()) for page in page_texts(out)[2:]
            for line in page.splitlines() if line.strip()]


def numbered(lines: list[str]) -> dict[str, str]:
    """The text each number stands before."""
    found = {}
    for line in lines:
        first, _, rest = line.partition(" ")
        if re.fullmatch(r"\d+(\.\d+)*", first) and rest and "Page" not in line:
            found[rest] = first
    return found


def test_section_numbers_with_depth_three(folder: MeetingFolder) -> None:
    lines = build(folder, report(numbering={"depth": 3}))
    got = numbered(lines)
    assert got["Background"] == "1" and got["First paragraph."] == "1.1"
    # A heading in the section's text is a sub-section, numbered on from the paragraphs.
    assert got["Funding"] == "1.2" and got["Funded well."] == "1.2.1"
    assert got["Second funded."] == "1.2.2"
    # "{-}" opts a paragraph, and a heading, out; the marker is not printed.
    assert "A paragraph opted out." in lines and "Notes" in lines
    assert "{-}" not in " ".join(lines)
    assert got["After the notes heading."] == "1.3" and got["Last paragraph."] == "1.4"
    # A table's note takes no number.
    assert "Source: library counts, 2026." in lines
    # An unnumbered section does not count: the next one is 2.
    assert "Contact details" in lines and "Call the library." in lines
    assert got["Risks"] == "2" and got["Low."] == "2.1"
    # Background papers and appendices are lists: no number.
    assert "Background papers" in lines
    assert not any(v in ("3", "4") for v in got.values())


def test_depth_two_leaves_headings_in_the_text_unnumbered(folder: MeetingFolder) -> None:
    got = numbered(build(folder, report()))
    assert "Funding" not in got
    assert [got[t] for t in ("First paragraph.", "Funded well.", "Second funded.",
                             "After the notes heading.", "Last paragraph.")] == \
        ["1.1", "1.2", "1.3", "1.4", "1.5"]


def test_continuous_numbers_paragraphs_only(folder: MeetingFolder) -> None:
    lines = build(folder, report(numbering={"paragraphs": "continuous", "depth": 3}))
    got = numbered(lines)
    assert [got[t] for t in ("First paragraph.", "Funded well.", "Second funded.",
                             "After the notes heading.", "Last paragraph.", "Low.")] == \
        [str(n) for n in range(1, 7)]
    for heading in ("Background", "Funding", "Risks", "Background papers"):
        assert heading in lines and heading not in got


def test_none_numbers_nothing(folder: MeetingFolder) -> None:
    lines = build(folder, report(appendices=["appendix.pdf"]),
                  style={"paragraph_numbers": "none"})
    assert numbered(lines) == {}
    assert "First paragraph." in lines and "Appendices" in lines


def test_plain_documents_number_when_asked(folder: MeetingFolder) -> None:
    document = {"kind": "document", "title": "Plan", "body": "Opening.\n\n# Aims\n\nOne aim."}
    assert numbered(build(folder, document)) == {}
    got = numbered(build(MeetingFolder(folder.root / "again"),
                         {**document, "numbering": {"paragraphs": "section"}}))
    assert got == {"Aims": "1", "One aim.": "1.1"}


def test_a_table_note_is_set_small(folder: MeetingFolder) -> None:
    from tests.conftest import page_words

    build(folder, report())
    words = page_words(folder.root / "pack.pdf")[2][2]
    height = {w.text: w.y1 - w.y0 for w in words}
    assert height["Source:"] < height["Last"] - 1


def test_numbering_problems_point_at_the_key(folder: MeetingFolder) -> None:
    from packgen.errors import ValidationError

    (folder.folder / "r.yaml").write_text("kind: report\ntitle: X\nnumbering:\n"
                                          "  paragraphs: roman\n  depth: 4\n")
    path = folder.write(basic_meeting([{"title": "R", "attachments": ["r.yaml"]}]))
    with pytest.raises(ValidationError) as caught:
        build_pack(path, folder.root / "pack.pdf")
    assert [str(p).split("error: ")[-1] for p in caught.value.problems] == [
        'numbering.paragraphs: expected section, continuous or none, found "roman"',
        'numbering.depth: expected 2 or 3, found "4"']


def test_landscape_sections_and_tables_carry_the_class() -> None:
    from packgen.errors import Position
    from packgen.markdown import convert
    from packgen.model import Section
    from packgen.numbering import number_sections
    from packgen.settings_model import Numbering

    problems: list[Any] = []
    body = convert("```table\norientation: landscape\nrows:\n  - [a, b]\n```\n",
                   Position(Path("r.yaml"), 1, 1), problems)
    assert problems == [] and '<table class="data landscape">' in body.__html__()
    sections = number_sections([Section(Position(Path("r.yaml")), "Wide", body,
                                        orientation="landscape")], Numbering("section", 2))
    assert sections[0].landscape


def test_number_sections_skips_opted_out_blocks() -> None:
    from packgen.errors import Position
    from packgen.model import Block, RichText, Section
    from packgen.numbering import number_sections
    from packgen.settings_model import Numbering

    blocks = RichText((Block("p", "a"), Block("p", "b", numbered=False), Block("p", "c")))
    (section,) = number_sections([Section(Position(Path("r.yaml")), "S", blocks)],
                                 Numbering("section", 2))
    assert [e.number for e in section.entries] == ["1.1", "", "1.2"]


def test_landscape_reports_sections_and_documents_render_in_a_landscape_div(
        folder: MeetingFolder) -> None:
    from packgen import schema
    from packgen.render import document_context, environment_for, render

    (folder.folder / "r.yaml").write_text(yaml.safe_dump(
        {"kind": "report", "title": "R", "sections": [
            {"heading": "Narrow", "body": "Text."},
            {"heading": "Wide", "orientation": "landscape", "body": "Wide text."}]}))
    (folder.folder / "d.yaml").write_text(yaml.safe_dump(
        {"kind": "document", "title": "D", "orientation": "landscape", "body": "All wide."}))
    meeting = schema.validate(folder.write(basic_meeting(
        [{"title": "R", "attachments": ["r.yaml", "d.yaml"]}])))
    env = environment_for(meeting, None)
    item = meeting.items[0]
    html = {}
    for attachment in item.attachments:
        assert attachment.document is not None
        html[attachment.file.name] = render(env, f"{attachment.document.kind}.html",
                                            document_context(attachment.document, meeting,
                                                             item))[0]
    wide = html["r.yaml"]
    assert wide.count('<div class="landscape">') == 1
    assert wide.index("Narrow") < wide.index('<div class="landscape">') < wide.index("Wide")
    assert html["d.yaml"].count('<div class="landscape">') == 1
    assert html["d.yaml"].index('<div class="landscape">') < html["d.yaml"].index("All wide")


NESTED = """\
Para one.

Para two.

# Sub A

Sub para one.

## Deeper

Deeper para.

# Sub B {-}

After unnumbered sub.

| a | b |
|---|---|
| 1 | 2 |

Note that this paragraph is the real argument after the table.

{-} Not numbered.

Last para.
"""


def test_depth_three_numbers_one_sub_level_and_keeps_papers_with_their_statement(
        folder: MeetingFolder) -> None:
    """As a tester's paper printed it: a heading under a sub-section's heading is not its
    sibling; "Note that" opens an argument; the background papers' statement ended the
    page with the list on the next."""
    document = {"kind": "report", "title": "Numbering test",
                "numbering": {"paragraphs": "section", "depth": 3},
                "recommendations": ["approve"],
                "sections": [
                    {"heading": "Intro", "body": NESTED},
                    {"heading": "Contact details", "numbered": False, "body": "Jo Bloggs."},
                    {"heading": "Finance", "body": "Money.\n\n- list item\n- list item two\n\n"
                                                   "Sources of funding are a matter for "
                                                   "members to decide.\n"}],
                "background_papers": ["Paper one"]}
    lines = build(folder, document)
    got = numbered(lines)
    assert got["Sub A"] == "1.3" and got["Sub para one."] == "1.3.1"
    assert "Deeper" in lines and "Deeper" not in got and got["Deeper para."] == "1.3.2"
    assert got["After unnumbered sub."] == "1.4"
    assert got["Note that this paragraph is the real argument after the table."] == "1.5"
    assert got["Last para."] == "1.6"
    assert got["Sources of funding are a matter for members to decide."] == "2.2"
    pages = [page for page in page_texts(folder.root / "pack.pdf") if "Paper one" in page]
    assert len(pages) == 1 and "Government Act 1972):" in pages[0]
    assert "Background papers" in pages[0]  # and the heading goes with them


def test_every_note_under_a_table_is_a_note(folder: MeetingFolder) -> None:
    body = ("Para one.\n\n| Ward | Visits |\n|---|---|\n| Abbey | 12 |\n\n"
            "Note: figures are provisional.\n\nSource: library counts, 2026.\n\n"
            "Notes - two wards merged.\n\nPara after.\n")
    lines = build(folder, {"kind": "report", "title": "Notes",
                           "sections": [{"heading": "Figures", "body": body}]})
    got = numbered(lines)
    assert got == {"Figures": "1", "Para one.": "1.1", "Para after.": "1.2"}
    for note in ("Note: figures are provisional.", "Source: library counts, 2026.",
                 "Notes - two wards merged."):
        assert note in lines


def test_a_markdown_document_s_sections_are_its_second_level(folder: MeetingFolder) -> None:
    (folder.folder / "plan.md").write_text(
        "# Forward plan\n\nIntro text.\n\n## Background\n\nFirst para.\n\nSecond para.\n\n"
        "## Proposals\n\nThird para.\n")
    (folder.folder / "doc.yaml").write_text(yaml.safe_dump(
        {"kind": "document", "title": "Yaml doc",
         "body": "Intro.\n\n# Aims\n\nOne aim.\n\n## Detail\n\nDetailed.\n"}))
    path = folder.write(basic_meeting([{"title": "P", "attachments": ["plan.md", "doc.yaml"]}],
                                      style={"document_numbers": "section"}))
    build_pack(path, folder.root / "pack.pdf")
    lines = [" ".join(line.split()) for page in page_texts(folder.root / "pack.pdf")[2:]
             for line in page.splitlines() if line.strip()]
    got = numbered(lines)
    assert [got[t] for t in ("Background", "First para.", "Second para.", "Proposals",
                             "Third para.")] == ["1", "1.1", "1.2", "2", "2.1"]
    # A YAML body's "#" is the level below its title; deeper headings are its text.
    assert [got[t] for t in ("Aims", "One aim.", "Detailed.")] == ["1", "1.1", "1.2"]
    assert "Intro text." in lines and "Intro text." not in got and "Detail" not in got
