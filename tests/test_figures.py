"""Tables of figures read as officers expect: figures flush right, and short row names
kept on one line while long headings wrap."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MeetingFolder, page_words
from tests.test_documents import build_documents

PIPE = ("# Spend\n\n| Ward | Spend | Change | Note |\n|---|---|---|:-|\n"
        "| Abbey | £41.2m | (3.5) | 12 |\n| Bramcote | 1,204 | -14 | 7 |\n")
CSV = ("# Spend\n\n```table csv\nWard,Spend,Change\nAbbey,£41.2m,(3.5)\n"
       'Bramcote,"1,204",-14\n```\n')


def _words(out: Path, on: str = "Bramcote") -> dict[str, tuple[float, float]]:
    words = next(w for _, _, w in page_words(out) if any(x.text == on for x in w))
    return {w.text: (w.x0, w.x1) for w in words}


def test_figures_are_set_flush_right(folder: MeetingFolder) -> None:
    for body in (PIPE, CSV):
        x = _words(build_documents(folder, {"s.md": body}))
        # One right edge per column of figures; the words and headings start left.
        assert abs(x["£41.2m"][1] - x["1,204"][1]) < 0.5
        assert abs(x["(3.5)"][1] - x["-14"][1]) < 0.5
        assert x["1,204"][0] > x["£41.2m"][0] + 5 and x["Spend"][0] < x["1,204"][0]
        assert x["Abbey"][0] == x["Bramcote"][0]
    # A column aligned left by the officer stays left.
    x = _words(build_documents(folder, {"s.md": PIPE}))
    assert x["12"][0] == x["7"][0]


def test_short_row_names_stay_on_one_line(folder: MeetingFolder) -> None:
    """The browser would share the room by how much more each column wants, and the long
    headings would take what "Development Services" needs."""
    avg, april = '"Average days / shifts lost per FTE"', "{text: April to Sept 20"
    table = f"""# Absence

```table
header: 2
rows:
  - ["", {april}13, align: center}}, {april}14, align: center}}, "", ""]
  - [Directorate, {avg}, {avg}, Half-year target, Revised annual target]
  - [Social Services, "5.42", "6.31", "5.46", "10.92"]
  - [Development Services, "3.07", "2.96", "2.66", "5.31"]
  - [Visible and Housing Services, "6.93", "6.42", "5.87*", "11.74*"]
  - [Learning and Skills, "3.41", "4.04", "3.39*", "6.77*"]
```
"""
    out = build_documents(folder, {"a.md": table})
    words = next(w for _, _, w in page_words(out) if any(x.text == "Development" for x in w))
    texts = [w.text for w in words]
    for name in ("Development Services", "Visible and Housing Services", "Learning and Skills"):
        parts = name.split()
        at = texts.index(parts[0])
        assert texts[at:at + len(parts)] == parts
        assert all(abs(w.y0 - words[at].y0) < 0.5 for w in words[at:at + len(parts)]), \
            f"{name} wrapped"


def test_a_long_description_is_not_starved_by_short_columns(folder: MeetingFolder) -> None:
    """Six short columns each given their whole text left a 120-word description one
    word wide: a row taller than a page. It shares the width and stays with its title."""
    heads = ["Description", "Lead officer name", "Start quarter", "End quarter",
             "Budget holder", "RAG status", "Review body"]
    words = ("the council will review the arrangements for delivery with partners and "
             "report ") * 10
    cells = [words.strip(), "Head of Strategy", "Quarter one", "Quarter four",
             "Finance team", "Amber rating", "Scrutiny panel"]
    table = ("# Widths\n\n| " + " | ".join(heads) + " |\n|" + "---|" * len(heads)
             + "\n| " + " | ".join(cells) + " |\n")
    out = build_documents(folder, {"w.md": table})
    pages = page_words(out)
    at = next(i for i, (_, _, w) in enumerate(pages) if any(x.text == "Widths" for x in w))
    texts = [w.text for w in pages[at][2]]
    assert texts.count("delivery") == 10 and "Scrutiny" in texts, "table not under its title"
    lines = {round(w.y0) for w in pages[at][2] if w.text == "delivery"}
    assert len(lines) == 10
    body = [w for w in pages[at][2] if w.text in {"council", "review", "arrangements"}]
    top, bottom = min(w.y0 for w in body), max(w.y1 for w in body)
    assert bottom - top < pages[at][1] / 2, "the description is set too narrow"


def test_figures_are_decided_by_the_column(folder: MeetingFolder) -> None:
    """A column is flush right only when all its body cells are figures or nil marks;
    dates, phone numbers, sections and a reference beside names never are figures."""
    table = ("# T\n\n| Item | Budget | Phone | Date | Years |\n|---|---|---|---|---|\n"
             "| Alpha | 1,204 | 0115 876 0311 | 12.03.2026 | 2025 |\n"
             "| Beta | – | ext 311 | 3.4.1 | 2026 |\n"
             "| Gamma | 41 | +44 115 876 | (12 | 2027 |\n")
    kv = ('# K\n\n```table\nheader: 0\nrows:\n  - ["**Application Number**", "172704"]\n'
          '  - ["**Applicant**", "Hicks Development Ltd"]\n  - ["**PS Category**", "13"]\n```\n')
    x = _words(build_documents(folder, {"t.md": table}), "Gamma")
    assert abs(x["1,204"][1] - x["41"][1]) < 0.5 and abs(x["–"][1] - x["41"][1]) < 0.5
    assert abs(x["2025"][1] - x["2027"][1]) < 0.5
    assert x["0115"][0] == x["ext"][0] == x["+44"][0]
    assert x["12.03.2026"][0] == x["3.4.1"][0] == x["(12"][0]
    x = _words(build_documents(folder, {"k.md": kv}), "Hicks")
    assert x["172704"][0] == x["Hicks"][0] == x["13"][0]
