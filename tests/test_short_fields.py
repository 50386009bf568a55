"""Short fields in inline Markdown (descriptions, notices, recommendations, cover cells,
resolutions), read back from the pack and the HTML agenda."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from packgen import build_pack
from packgen.errors import ValidationError
from packgen.subset import VOID_TAGS
from tests.conftest import MeetingFolder, basic_meeting, page_texts, page_words

REPORT = """\
kind: report
title: Local plan
wards: "**All** wards"
priorities:
  - {text: "*Thriving* places and **clean** streets", relevant: true}
recommendations:
  - Approve **the revised plan** & its <annex>.
background_papers:
  - "[Consultation report](https://example.org/consultation), `v2`"
"""

MINUTES = """\
kind: minutes
date: 2026-03-22
minutes:
  - title: Budget
    resolved: [to note the **revised** budget.]
  - title: Plan
    resolved:
      - To note the report;
      - to approve the plan.
  - title: Mixed
    resolved:
      - officers report back;
      - that the minutes be confirmed.
  - title: Listed
    resolved:
      - |
        that the Board:

        - notes the plan;
        - agrees the budget.
"""


def build(folder: MeetingFolder, files: dict[str, str] | None = None, html: bool = False
          ) -> Path:
    for name, text in (files or {}).items():
        (folder.folder / name).write_text(text)
    items = [{"title": "Plan", "description": "To **note** the report\nand agree it",
              "presenter": "Report of *the* Director", "attachments": list(files or ())}]
    notices = [{"heading": "Contact us", "text": "See **www.riverside.example/meetings** or "
                                                 "write to democracy@riverside.example."}]
    path = folder.write(basic_meeting(items, notices=notices))
    out = folder.root / "pack.pdf"
    build_pack(path, out, html=html)
    return out


def fonts_of(pdf: Path, page: int) -> list[tuple[str, str]]:
    """(text, font name) of each run of text on a page, as the content stream shows it."""
    runs: list[tuple[str, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() and font is not None:
            runs.append((text.strip(), str(font.get("/BaseFont", ""))))

    PdfReader(pdf).pages[page].extract_text(visitor_text=visit)
    return runs


def bold(runs: list[tuple[str, str]]) -> str:
    return " ".join(text for text, font in runs if "Bold" in font)


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_bold_prints_in_the_bold_face_without_asterisks(folder: MeetingFolder) -> None:
    out = build(folder, {"r.yaml": REPORT})
    front, report = page_texts(out)[0], page_texts(out)[2]
    assert "*" not in front and "*" not in report
    assert "note" in bold(fonts_of(out, 0)).split()  # the description's bold word
    assert "To" not in bold(fonts_of(out, 0)).split()
    report_bold = bold(fonts_of(out, 2))
    for words in ("the revised plan", "All", "clean"):
        assert words in report_bold
    assert "Approve the revised plan & its <annex>." in " ".join(report.split())


def test_a_description_keeps_its_lines(folder: MeetingFolder) -> None:
    front = lines(page_texts(build(folder))[0])
    at = next(i for i, line in enumerate(front) if line.endswith("To note the report"))
    assert front[at + 1] == "and agree it"
    assert front[at + 2] == "Report of the Director"


def test_addresses_in_notices_and_links_in_cells_are_links(folder: MeetingFolder) -> None:
    out = build(folder, {"r.yaml": REPORT})
    reader = PdfReader(out)

    def uris(page: int) -> list[str]:
        return [str(a.get_object()["/A"]["/URI"]) for a in reader.pages[page].get("/Annots", ())
                if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]

    assert uris(0) == ["https://www.riverside.example/meetings",
                       "mailto:democracy@riverside.example"]
    assert "write to democracy@riverside.example." in " ".join(page_texts(out)[0].split())
    assert uris(2) == ["https://example.org/consultation"]


def test_an_address_with_stars_or_underscores_is_one_link_as_written(
        folder: MeetingFolder) -> None:
    notices = [{"heading": "Links", "text": "Plans at https://example.org/*x*y, maps at "
                                            "www.example.org/a_b_c_d and *the forms at "
                                            "https://example.org/forms*."}]
    path = folder.write(basic_meeting([{"title": "Plan"}], notices=notices))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    front = PdfReader(out).pages[0]
    uris = [str(a.get_object()["/A"]["/URI"]) for a in front.get("/Annots", ())
            if "/URI" in a.get_object().get("/A", {})]
    assert uris == ["https://example.org/*x*y", "https://www.example.org/a_b_c_d",
                    "https://example.org/forms"]
    text = " ".join(page_texts(out)[0].split())
    assert "Plans at https://example.org/*x*y, maps at www.example.org/a_b_c_d and the forms " \
           "at https://example.org/forms." in text
    # Emphasis around an address still closes after it.
    assert "https://example.org/forms" in [t for t, font in fonts_of(out, 0)
                                           if "Oblique" in font or "Italic" in font]


def test_resolutions_read_as_the_officer_wrote_them(folder: MeetingFolder) -> None:
    out = build(folder, {"m.yaml": MINUTES})
    text = lines("".join(page_texts(out)[2:]))
    assert "RESOLVED to note the revised budget." in text
    assert "revised" in bold(fonts_of(out, 2)).split()
    # Several starting "to" share it: never "to (1) to note".
    at = text.index("RESOLVED to")
    assert text[at + 1:at + 3] == ["(1) note the report;", "(2) approve the plan."]
    # Mixed: each keeps its own lead word, "that" where it has none.
    at = text.index("RESOLVED")
    assert text[at + 1:at + 3] == ["(1) that officers report back;",
                                   "(2) that the minutes be confirmed."]
    # A list inside a resolution prints as list items.
    at = text.index("RESOLVED that the Board:")
    assert text[at + 1:at + 3] == ["• notes the plan;", "• agrees the budget."]
    assert not any("that to" in line or "that that" in line for line in text)


def test_numbered_resolutions_hang_their_wrapped_lines_under_the_text(
        folder: MeetingFolder) -> None:
    long = "the Submission of Apologies for Council Meetings Policy be amended in relation " \
           "to long term sickness and that it be commended to Council for approval"
    out = build(folder, {"m.yaml": "kind: minutes\ndate: 2026-03-22\nminutes:\n"
                                   f"  - title: Apologies\n    resolved: [{long};, {long}.]\n"})
    [(_, _, words)] = [page for page in page_words(out)[2:3]]
    rows: dict[float, list[float]] = {}
    for word in words:
        rows.setdefault(round(word.y0), []).append(word.x0)
    numbers = [w for w in words if w.text in ("(1)", "(2)")]
    texts = [next(w for w in words if w.x0 > n.x1 and abs(w.y0 - n.y0) < 1) for n in numbers]
    assert [t.text for t in texts] == ["the", "the"]
    # Each resolution wraps: its next line starts where its text does, not under "(1)".
    for number, text in zip(numbers, texts, strict=True):
        below = min(y for y in rows if y > number.y0 + 1)
        assert abs(min(rows[below]) - text.x0) < 0.5
        assert text.x0 - number.x0 > 15


class Balance(HTMLParser):
    """Every element the page opens it closes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.wrong: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_TAGS and tag not in ("meta", "link", "!doctype"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.wrong.append(tag)


def test_the_html_agenda_shows_the_same_markup_and_stays_valid(folder: MeetingFolder) -> None:
    out = build(folder, html=True)
    page = (out.parent / "pack.html").read_text()
    assert "<p>To <b>note</b> the report<br>and agree it</p>" in page
    assert "<p>Report of <i>the</i> Director</p>" in page
    assert '<a href="https://www.riverside.example/meetings">' in page
    balance = Balance()
    balance.feed(page)
    assert balance.wrong == [] and balance.open == []


HEAD = 'organisation: O\nbody: B\ndate: 2026-07-08\ntime: "16:00"\nvenue: V\nitems:\n'


@pytest.mark.parametrize("items, expected", [
    ("  - title: A\n    description: See ![map](map.png)\n", "8:18"),
    ("  - title: A\n    description: |\n      first line\n      second ![map](map.png)\n",
     "10:7"),
    ("  - title: A\n    presenter: |\n      Report of\n      the ![map](map.png)\n", "10:7"),
    # Folded: YAML joins the lines and makes the blank line one break; the file's line counts.
    ("  - title: A\n    description: >-\n      line one\n      line two\n\n"
     "      line four ![map](map.png)\n", "12:7"),
    ("  - title: A\n    presenter: >\n      Report of\n      the ![map](map.png)\n", "10:7"),
    ("  - title: A\n    presenter: >\n      Report of the\n      ![map](map.png) Director\n",
     "10:7"),
    # Literal, opening with a blank line that the field does not print.
    ("  - title: A\n    description: |\n\n      first\n      ![map](map.png)\n", "11:7"),
])
def test_problems_in_short_fields_point_into_the_yaml(folder: MeetingFolder, items: str,
                                                      expected: str) -> None:
    path = folder.write(HEAD + items)
    with pytest.raises(ValidationError) as caught:
        build_pack(path, folder.root / "pack.pdf")
    assert [f"{p.position.line}:{p.position.column}: {p.message}"
            for p in caught.value.problems] == [
        f"{expected}: Markdown: images are not supported in text; attach the figure as a PDF "
        "appendix"]
