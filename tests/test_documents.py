"""Rendered documents: reports, minutes and Markdown, read back from the pack."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from packgen import build_pack
from packgen.errors import ValidationError
from tests.conftest import MeetingFolder, basic_meeting, page_texts

GOLDEN = Path(__file__).parent / "golden"

REPORT = """\
kind: report
title: Library opening hours & <the> "{{ plan }}"
director: {name: Jan Nowak, role: Director of Communities}
wards: Abbey; Łódź Park
contacts:
  - {name: Ana Souza, role: Libraries Manager, email: ana.souza@example.org, phone: 0115 000 1111}
priorities:
  - {text: Thriving neighbourhoods, relevant: true}
  - {text: Clean streets, relevant: false}
summary: The council consulted on **new opening hours** for its 14 libraries.
recommendations:
  - Approve the new hours from 1 October 2026.
  - Note the equality impact assessment.
sections:
  - heading: Background
    body: |
      Libraries open 42 hours a week on average.

      Footfall fell by 8% & visits <script>alert(1)</script> stayed level.
  - heading: Proposals
    body: |
      The proposals are:

      - later opening on Thursdays;
      - Sunday opening at:
        - Central Library;
        - Abbey Library.

      Costs are unchanged.
background_papers: ["Consultation report, June 2026"]
"""

MINUTES = """\
kind: minutes
date: 2026-03-22
place: Civic Centre
from: "16:05"
to: "18:04"
attendance:
  - {name: Cllr A. Mellor, role: Chair, present: true}
  - {name: Kay Bell, role: Member, status: apologies}
in_attendance:
  - {name: Phil Wade, role: Governance Officer}
first_minute: 34
minutes:
  - title: Apologies for absence
    body: Kay Bell
  - title: Budget
    body: The Director introduced the report.
    resolved:
      - note the report;
      - approve the budget.
  - title: Minutes
    resolved: [the minutes be confirmed.]
"""

FORWARD_PLAN = """\
# Forward plan 2026-27

Items for the year & beyond <b>not bold</b>.

## Planned

| Meeting | Item |
|---|---|
| July | Budget |

1. First
   - nested
"""


def build_documents(folder: MeetingFolder, files: dict[str, str], **meeting: object) -> Path:
    for name, text in files.items():
        (folder.folder / name).write_text(text)
    items = [{"title": f"Item for {name}", "attachments": [name]} for name in files]
    path = folder.write(basic_meeting(items, **meeting))  # type: ignore[arg-type]
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    return out


def plain_text(pdf: Path, first: int, last: int) -> str:
    """The text of pages first..last (1-based), in reading order, lines stripped."""
    out = subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    return "\n".join(line.strip() for line in out.splitlines() if line.strip()) + "\n"


@pytest.mark.parametrize("name, text", [
    ("report.yaml", REPORT), ("minutes.yaml", MINUTES), ("plan.md", FORWARD_PLAN)])
def test_golden_text_of_each_kind(folder: MeetingFolder, name: str, text: str) -> None:
    out = build_documents(folder, {name: text})
    pages = len(PdfReader(out).pages)
    got = plain_text(out, 3, pages)
    golden = GOLDEN / (Path(name).stem + ".txt")
    assert got == golden.read_text(), f"compare with {golden}"


def test_report_paragraphs_number_themselves(folder: MeetingFolder) -> None:
    out = build_documents(folder, {"report.yaml": REPORT})
    lines = plain_text(out, 3, len(PdfReader(out).pages)).splitlines()
    numbers = [line.split()[0] for line in lines if line.split()[0] in
               {"1", "1.1", "1.2", "2", "2.1", "2.2", "3"}]
    # The background papers are a list, not a section: they take no number.
    assert numbers == ["1", "2", "1", "1.1", "1.2", "2", "2.1", "2.2"]


def test_continuous_paragraph_numbers_are_a_house_style(folder: MeetingFolder) -> None:
    out = build_documents(folder, {"report.yaml": REPORT},
                          style={"paragraph_numbers": "continuous"})
    lines = [" ".join(line.split()) for page in page_texts(out)[2:] for line in
             page.splitlines()]
    assert not [line for line in lines if line.startswith(("1.1", "2.2"))]
    for number, start in (("1", "Libraries open"), ("2", "Footfall fell"),
                          ("3", "The proposals are"), ("4", "Costs are unchanged")):
        assert any(line.startswith(f"{number} {start}") for line in lines)
    # Continuous numbers paragraphs only: headings print without a number.
    assert "Background" in lines and "Proposals" in lines


def test_text_is_data_in_documents(folder: MeetingFolder) -> None:
    out = build_documents(folder, {"report.yaml": REPORT, "plan.md": FORWARD_PLAN})
    text = " ".join(plain_text(out, 3, len(PdfReader(out).pages)).split())
    assert 'Library opening hours & <the> "{{ plan }}"' in text
    assert "visits <script>alert(1)</script> stayed level" in text
    assert "beyond <b>not bold</b>." in text
    assert "Łódź Park" in text


def test_report_defaults_come_from_the_meeting(folder: MeetingFolder) -> None:
    out = build_documents(folder, {"report.yaml": REPORT})
    text = " ".join(plain_text(out, 3, 3).split())
    assert "Report to Test Committee" in text and "Date Wednesday, 8 July 2026" in text


def test_a_three_page_table_repeats_its_heading(folder: MeetingFolder) -> None:
    rows = "\n".join(f"        - [Ward {i}, '{i * 7}', '{i * 11}']" for i in range(130))
    report = ("kind: report\ntitle: Ward figures\nsections:\n  - heading: Figures\n"
              "    body: |\n      ```table\n      widths: [50%, 25%, 25%]\n      rows:\n"
              "        - [Ward, Visits, Loans]\n" + rows + "\n      ```\n")
    out = build_documents(folder, {"figures.yaml": report})
    texts = page_texts(out)[2:]
    table_pages = [t for t in texts if "Ward 1" in t or "Ward 12" in t or "Ward 129" in t]
    assert len(table_pages) >= 3
    assert all(" ".join(t.split()).count("Ward Visits Loans") == 1 for t in table_pages)
    assert "Ward 129 903 1419" in " ".join(texts[-1].split())


@pytest.mark.parametrize("first, numbers", [
    ("34", ["34", "35", "36"]),
    ("C1850", ["C1850", "C1851", "C1852"]),  # Vale of Glamorgan's Cabinet
    ('"C 08/{042}"', ["C 08/042", "C 08/043", "C 08/044"]),  # Tonbridge and Malling's
    ('"C 08/{099}"', ["C 08/099", "C 08/100", "C 08/101"]),  # padding holds what it can
    # With a year in it, the braced number counts on, never the year.
    ('"C{068}/23"', ["C068/23", "C069/23", "C070/23"]),
    ('"{1}-25/26"', ["1-25/26", "2-25/26", "3-25/26"]),
    ('"Cou/{285}/07-08"', ["Cou/285/07-08", "Cou/286/07-08", "Cou/287/07-08"]),
    ('"15/{53}/Plan"', ["15/53/Plan", "15/54/Plan", "15/55/Plan"]),  # Cambridge's
    ('"Min 12a"', ["Min 12a", "Min 13a", "Min 14a"]),  # one number counts wherever it is
    # Text from YAML is data: "&" and "<" print as themselves.
    ("\"CD&E {001}/23 <x>\"", ["CD&E 001/23 <x>", "CD&E 002/23 <x>", "CD&E 003/23 <x>"]),
])
def test_minutes_count_on_from_the_first_number_with_its_prefix(
        folder: MeetingFolder, first: str, numbers: list[str]) -> None:
    minutes = (f"kind: minutes\ndate: 2026-01-01\nfirst_minute: {first}\nminutes:\n"
               "  - title: Apologies\n  - title: Minutes\n  - title: Budget\n")
    out = build_documents(folder, {"m.yaml": minutes})
    lines = [" ".join(line.split()) for page in page_texts(out)[2:] for line in
             page.splitlines()]
    assert [line for line in lines if line.endswith(("APOLOGIES", "MINUTES", "BUDGET"))] == [
        f"{number} {title}" for number, title in zip(numbers, ["APOLOGIES", "MINUTES",
                                                               "BUDGET"], strict=True)]


def test_appendices_follow_their_report(folder: MeetingFolder) -> None:
    folder.pdf("appendix.pdf", 1)
    report = "kind: report\ntitle: Budget\nappendices:\n  - appendix.pdf\n"
    out = build_documents(folder, {"budget.yaml": report})
    texts = page_texts(out)
    assert "appendix-p1" in texts[4] and "intentionally left blank" in texts[3]
    reader = PdfReader(out)
    report, beneath = reader.outline[2]
    assert report.title == "Budget" and [e.title for e in beneath] == ["Appendix 1"]


@pytest.mark.parametrize("name, text, expected", [
    ("r.yaml", "kind: report\ntitel: X\n",
     # The hint says what is missing, at the line to mend; no second line for it.
     ['r.yaml:2:1: unknown key "titel" (did you mean "title"?)']),
    ("r.yaml", "kind: reprot\ntitle: X\n",
     ['r.yaml:1:7: kind: expected report, minutes or document, found "reprot" '
      '(did you mean "report"?)']),
    ("r.yaml", "title: X\n", ['r.yaml:1:1: missing required key "kind" (report, minutes or '
                              'document)']),
    ("r.yaml", "kind: report\ntitle: X\nsections:\n  - heading: A\n    body: |\n"
               "      Text.\n\n      ---\n",
     ["r.yaml:8:7: Markdown: horizontal rules (---) are not supported; use a heading to "
      "divide the text"]),
    ("r.yaml", "kind: report\ntitle: X\nsections:\n  - heading: A\n    body: |\n"
               "      ```table\n      rows:\n        - [a, {text: b, colspan: x}]\n      ```\n",
     ['r.yaml:8:34: table.rows[0][1].colspan: expected a whole number, found "x"']),
    ("r.yaml", "kind: report\ntitle: X\nsections:\n  - heading: A\n    body: >\n"
               "      Text that\n      folds.\n\n\n      ---\n",
     ["r.yaml:10:7: Markdown: horizontal rules (---) are not supported; use a heading to "
      "divide the text"]),
    ("m.yaml", "kind: minutes\ndate: 2026-01-01\nminutes: []\n",
     ["m.yaml:3:10: minutes: there are no minutes"]),
    ("m.yaml", "kind: minutes\ndate: 2026-01-01\nfirst_minute: Cabinet\nminutes: [{title: A}]\n",
     ['m.yaml:3:15: first_minute: expected a number, or text with one ("C1850"), found '
      '"Cabinet"']),
    ("m.yaml", 'kind: minutes\ndate: 2026-01-01\nfirst_minute: "C068/23"\nminutes: [{title: A}]\n',
     ['m.yaml:3:15: first_minute: "C068/23" has more than one number; put braces around the '
      'one that counts, such as "C{068}/23"']),
    ("m.yaml", 'kind: minutes\ndate: 2026-01-01\nfirst_minute: "C{068/23}"\n'
               "minutes: [{title: A}]\n",
     ['m.yaml:3:15: first_minute: braces go around the one number that counts, and only it, '
      'such as "C{068}/23"']),
    ("d.md", "No heading here.\n", ["d.md:1:1: expected a heading (# Title) to be the "
                                    "document's title"]),
    # markdown-it drops a row's cells beyond the heading row's: they would not print.
    ("d.md", "# Fees\n\n| Licence | Fee |\n|---|---|\n| Pavement | £500 | £350 renewal |\n"
             "| Street | £90 |\n| Tables \\| chairs | £40 |\n| Stall |\n",
     ["d.md:5:1: Markdown: the table row has 3 cells; the heading row has 2, so the rest "
      "would not print"]),
    ("r.yaml", "kind: report\ntitle: X\nsections:\n  - heading: A\n    body: |\n"
               "      > | a | b |\n      > |---|---|\n      > | 1 | 2 | 3 | 4 |\n",
     ["r.yaml:8:7: Markdown: the table row has 4 cells; the heading row has 2, so the rest "
      "would not print"]),
    ("r.yaml", "kind: report\ntitle: X\nappendices: [missing.pdf]\n",
     ['r.yaml:3:14: appendices[0]: no such file "missing.pdf"']),
])
def test_document_problems_point_into_the_document(folder: MeetingFolder, name: str,
                                                   text: str, expected: list[str]) -> None:
    (folder.folder / name).write_text(text)
    path = folder.write(basic_meeting([{"title": "A", "attachments": [name]}]))
    with pytest.raises(ValidationError) as caught:
        build_pack(path, folder.root / "pack.pdf")
    got = [f"{p.position.file.name}:{p.position.line}:{p.position.column}: {p.message}"
           for p in caught.value.problems]
    assert got == expected
    assert not (folder.root / "pack.pdf").exists()


def test_a_report_block_can_be_overridden(folder: MeetingFolder) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "report.html").write_text(
        '{% extends "!theme/report.html" %}\n'
        "{% block background_papers %}<p>No background papers are published.</p>"
        "{% endblock %}\n")
    out = build_documents(folder, {"report.yaml": REPORT})
    text = plain_text(out, 3, len(PdfReader(out).pages))
    assert "No background papers are published." in text
    assert "Consultation report" not in text and "1.1" in text
