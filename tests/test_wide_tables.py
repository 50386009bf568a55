"""Wide tables read: no word broken to fit, columns as wide as their words need, a table
set smaller, then on landscape pages, and only then a problem at the table's line."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import BuildFn, MeetingFolder, basic_meeting, footer_number, page_words
from tests.test_documents import build_documents

SERVICES = ["Adults", "Children", "HEALTH AND WELLBEING", "Housing", "Roads", "Waste", "Parks",
            "Libraries", "Leisure", "Culture", "Safety", "Planning", "Schools", "Transport"]
WARDS = ["Abbey", "Bramcote", "Castle", "Dales", "Eastwood", "Hucknall", "Sherwood"]


def spend_table(heads: list[str]) -> str:
    rows = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for n, ward in enumerate(WARDS):
        rows.append("| " + " | ".join([ward] + [f"{(i * 7919 + n * 31) % 100000:,}"
                                                for i in range(len(heads) - 1)]) + " |")
    return ("# Spend by ward\n\nThe text before the table.\n\n" + "\n".join(rows)
            + "\n\nThe text after the table.\n")


def _page_of(pages: list[tuple[float, float, list]], word: str) -> int:  # type: ignore[type-arg]
    return next(i for i, (_, _, words) in enumerate(pages) if any(w.text == word for w in words))


def test_sixteen_columns_keep_every_word_whole(folder: MeetingFolder) -> None:
    heads = ["Ward", *SERVICES, "Grand Total"]
    assert len(heads) == 16
    out = build_documents(folder, {"spend.md": spend_table(heads)})
    pages = page_words(out)
    at = _page_of(pages, "WELLBEING")
    width, height, words = pages[at]
    texts = [w.text for w in words]
    for head in heads:
        for word in head.split():
            assert word in texts, f"{word!r} was broken across lines"
    # The heading row is at most three lines tall (two words a column, at most).
    row = [w for w in words if w.text in {x for h in heads for x in h.split()}
           and w.y0 < min(w.y0 for w in words if w.text == "Abbey")]
    assert max(w.y1 for w in row) - min(w.y0 for w in row) < 40
    # Too wide for a portrait page even at 7 pt: on a landscape page of its own.
    assert width > height
    box = PdfReader(out).pages[at]
    assert box.mediabox.width > box.mediabox.height and box.rotation == 0
    # The text before ends its portrait page; the text after starts a portrait one.
    before, after = _page_of(pages, "before"), _page_of(pages, "after")
    assert before == at - 1 and after == at + 1
    assert pages[before][0] < pages[before][1] and pages[after][0] < pages[after][1]
    # "Page N" sits at the foot of the landscape page as it is read.
    assert footer_number(width, height, words) == at + 1


def test_a_table_is_set_smaller_before_it_is_turned(folder: MeetingFolder) -> None:
    heads = ["Ward", *SERVICES[:11]]
    out = build_documents(folder, {"spend.md": spend_table(heads)})
    pages = page_words(out)
    at = _page_of(pages, "WELLBEING")
    width, height, words = pages[at]
    assert width < height and _page_of(pages, "before") == at
    size = {w.text: w.y1 - w.y0 for w in words}
    assert size["WELLBEING"] < 0.95 * size["before"]
    assert all(word in size for head in heads for word in head.split())


def test_a_table_too_wide_for_any_page_is_one_problem(folder: MeetingFolder,
                                                      run_cli: BuildFn) -> None:
    heads = [f"{n:02d}" + "x" * 38 for n in range(30)]
    (folder.folder / "wide.md").write_text(spend_table(heads))
    path = folder.write(basic_meeting([{"title": "Wide", "attachments": ["wide.md"]}]))
    result = run_cli("build", str(path), "-o", str(folder.root / "pack.pdf"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = [x for x in (result.stdout + result.stderr).splitlines() if "error:" in x]
    assert len(lines) == 1
    assert lines[0].startswith("meeting/wide.md:5:1: error: the table is too wide to print: "
                               "30 columns need ")
    assert "landscape page holds 257 mm" in lines[0]


def test_widths_a_fenced_table_gives_are_kept_unless_a_word_needs_more(
        folder: MeetingFolder) -> None:
    table = ("# Widths\n\n```table\nwidths: [5%, 20%]\nrows:\n"
             "  - [Extraordinarily, Short, Rest]\n  - [a, b, c]\n```\n")
    out = build_documents(folder, {"w.md": table})
    pages = page_words(out)
    words = pages[_page_of(pages, "Extraordinarily")][2]
    x = {w.text: w.x0 for w in words}
    # The first column widened to hold its word; the second kept its 20% (34 mm).
    assert x["Short"] - x["Extraordinarily"] > 60
    assert abs((x["Rest"] - x["Short"]) - 0.2 * 170 * 72 / 25.4) < 1


def _rules(html: str, tmp_path: Path) -> int:
    """The straight lines a page of ``html`` draws (the typesetter's own PDF)."""
    from packgen.htmltree import parse_html
    from packgen.theme import load_stylesheet
    from packgen.typeset import Typesetter

    origin = tmp_path / "t.html"
    pdf = Typesetter(load_stylesheet(), tmp_path).typeset(parse_html(html, origin), origin).pdf
    stream = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert stream is not None
    return len(re.findall(rb"[\d.]+ [\d.]+ l\b", stream.get_data()))


def test_the_priorities_table_rules_between_its_rows_only(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>Priority {n}</td><td>✓</td></tr>" for n in range(3))
    assert _rules(f'<table class="priorities">{rows}</table>', tmp_path) == 2
    # Nested in a cover cell, the cell's border is the only rule under its last row.
    grid = _rules('<table class="cover"><tr><td>x</td></tr></table>', tmp_path)
    nested = _rules(f'<table class="cover"><tr><td><table class="priorities">{rows}'
                    '</table></td></tr></table>', tmp_path)
    assert nested - grid == 2


def test_landscape_classes_turn_pages(folder: MeetingFolder) -> None:
    """``<table class="landscape">`` turns the pages its table is on;
    ``<div class="landscape">`` round a whole document turns every page of it."""
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "document.html").write_text(
        '{% extends "!theme/document.html" %}\n'
        '{% block body %}<p>Portrait before.</p>\n'
        '<table class="data landscape"><tr><td>Turned</td></tr></table>\n'
        '<p>Portrait after.</p>{% endblock %}\n')
    out = build_documents(folder, {"a.md": "# One\n\nText.\n"})
    pages = page_words(out)
    turned = [i for i, (w, h, _) in enumerate(pages) if w > h]
    assert turned == [_page_of(pages, "Turned")]
    assert turned[0] - 1 == _page_of(pages, "before.")
    assert turned[0] + 1 == _page_of(pages, "after.")

    (folder.folder / "templates" / "document.html").write_text(
        '<div class="landscape">{% include "!theme/document.html" %}'
        + "".join(f"<p>Line {n} of the long document.</p>" for n in range(80)) + "</div>\n")
    out = build_documents(folder, {"a.md": "# One\n\nText.\n"})
    pages = page_words(out)
    document = range(_page_of(pages, "One"), _page_of(pages, "79"))
    assert len(document) >= 1
    assert all(pages[i][0] > pages[i][1] for i in [*document, document[-1] + 1])
    assert footer_number(*pages[document[0]]) == document[0] + 1


def wide_rows(columns: int = 16, indent: str = "") -> str:
    heads = [f"WARD{n} Heading" for n in range(columns)]
    rows = ["| " + " | ".join(heads) + " |", "|" + "---|" * columns]
    rows += ["| " + " | ".join(str(n * r) for n in range(columns)) + " |" for r in range(5)]
    return "\n".join(indent + row for row in rows) + "\n"


def _problems(run_cli: BuildFn, folder: MeetingFolder, name: str, text: str) -> list[str]:
    (folder.folder / name).write_text(text)
    path = folder.write(basic_meeting([{"title": "Wide", "attachments": [name]}]))
    result = run_cli("build", str(path), "-o", str(folder.root / "pack.pdf"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not (folder.root / "pack.pdf").exists()
    return [x for x in (result.stdout + result.stderr).splitlines() if "error:" in x]


def test_a_wide_table_in_a_list_is_one_problem_at_its_line(folder: MeetingFolder,
                                                            run_cli: BuildFn) -> None:
    """Pages cannot turn inside a list: a table too wide for the item even at min_size is
    reported, never laid out past the page's edge."""
    lines = _problems(run_cli, folder, "w.md", "# In list\n\n- First item\n\n"
                      + wide_rows(indent="  "))
    assert len(lines) == 1
    assert lines[0].startswith("meeting/w.md:5:1: error: the table is too wide to print: "
                               "16 columns need ")
    assert "at 7 pt, and the space holds" in lines[0]


def test_a_wide_table_in_a_cell_is_one_problem_never_overprinted(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    """A Markdown table in a report's summary sits in a cover cell."""
    summary = "\n".join("    " + row for row in wide_rows().splitlines())
    report = ("kind: report\ntitle: Spend\nsummary: |\n    The figures.\n\n"
              f"{summary}\nsections:\n  - heading: One\n    body: Text.\n")
    lines = _problems(run_cli, folder, "r.yaml", report)
    assert len(lines) == 1
    assert lines[0].startswith("meeting/r.yaml:6:")
    assert "the table is too wide to print: 16 columns need" in lines[0]


def test_a_landscape_div_in_a_cell_is_laid_out_in_place(folder: MeetingFolder) -> None:
    (folder.folder / "templates").mkdir()
    (folder.folder / "templates" / "document.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>T</h1><table class="data"><tr>'
        '<td>Cell A</td><td><div class="landscape"><p>Inner text</p></div></td></tr>'
        "</table>{% endblock %}\n")
    out = build_documents(folder, {"a.md": "# One\n\nText.\n"})
    pages = page_words(out)
    at = _page_of(pages, "Inner")
    assert pages[at][0] < pages[at][1]
    words = {w.text: w for w in pages[at][2]}
    assert abs(words["Inner"].y0 - words["Cell"].y0) < 1  # in its cell, beside Cell A


def test_a_turned_table_takes_its_heading_and_its_note(folder: MeetingFolder) -> None:
    body = "\n".join("      " + row for row in wide_rows().splitlines())
    report = ("kind: report\ntitle: Spend\nsections:\n  - heading: Spend\n    body: |\n"
              "      Text before.\n\n      ### Figures by ward\n\n"
              f"{body}\n\n      Source: finance ledger, March 2026.\n\n"
              "      Text after the note.\n")
    out = build_documents(folder, {"r.yaml": report})
    pages = page_words(out)
    at = _page_of(pages, "WARD0")
    width, height, words = pages[at]
    texts = [w.text for w in words]
    assert width > height
    assert "Figures" in texts and "Source:" in texts
    y = {w.text: w.y0 for w in words}
    assert y["Figures"] < y["WARD0"] < y["Source:"]
    assert pages[_page_of(pages, "before.")][0] < pages[_page_of(pages, "before.")][1]
    after = _page_of(pages, "note.")
    assert after == at + 1 and pages[after][0] < pages[after][1]


def test_a_wide_table_in_a_quote_keeps_the_quotes_indent(folder: MeetingFolder) -> None:
    quote = "> Quoted paragraph.\n>\n" + wide_rows(indent="> ")
    out = build_documents(folder, {"q.md": "# In quote\n\nPlain paragraph.\n\n" + quote})
    pages = page_words(out)
    portrait = {w.text: w.x0 for w in pages[_page_of(pages, "Quoted")][2]}
    at = _page_of(pages, "WARD0")
    assert pages[at][0] > pages[at][1]
    table = min(w.x0 for w in pages[at][2] if w.text != "Page")
    indent = portrait["Quoted"] - portrait["Plain"]
    assert indent > 20
    # The table's first column starts at the quote's indent (plus the cell's padding).
    assert 0 <= table - portrait["Quoted"] < 6
