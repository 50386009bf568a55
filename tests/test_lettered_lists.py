"""Lettered and roman lists as officers type them: the labels print as typed, as the
items' bullets, and a paragraph of labelled lines is a list under its paragraph."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MeetingFolder, page_texts, page_words
from tests.test_documents import build_documents

REPORT = """kind: report
title: Lettered lists
sections:
  - heading: Jurisdiction
    body: |
      The four licensing objectives are:

      a. the prevention of crime & disorder
      b. public safety

      Roman numerals:

      (i) To grant the licence as applied for.
      (ii) To modify the conditions of the licence.
      (iii) To refuse the application.

      As bullets with own marker:

      - (a) the prevention of crime & disorder
      - (b) public safety

      Not in sequence:

      a. first line
      c. second line
"""


def _lines(out: Path) -> list[str]:
    return [" ".join(x.split()) for t in page_texts(out)[2:] for x in t.splitlines()
            if x.strip()]


def test_labelled_lines_and_items_print_their_labels_as_typed(folder: MeetingFolder) -> None:
    out = build_documents(folder, {"r.yaml": REPORT})
    lines = _lines(out)
    for line in ["a. the prevention of crime & disorder", "b. public safety",
                 "(i) To grant the licence as applied for.",
                 "(ii) To modify the conditions of the licence.",
                 "(iii) To refuse the application.", "(a) the prevention of crime & disorder",
                 "(b) public safety"]:
        assert line in lines
    assert not any("•" in line for line in lines)
    # Each list stands under the paragraph it belongs to: it takes no number of its own.
    numbers = [line.split()[0] for line in lines if line[:2] == "1."]
    assert numbers == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert "1.4 Not in sequence:" in lines
    # Labels out of sequence are the officer's text: one numbered paragraph, as typed.
    assert "1.5 a. first line c. second line" in lines


def test_labels_hang_and_their_items_align(folder: MeetingFolder) -> None:
    out = build_documents(folder, {"r.yaml": REPORT})
    words = next(w for _, _, w in page_words(out) if any(x.text == "(iii)" for x in w))
    x = {w.text: w.x0 for w in words}
    assert x["(i)"] == x["(ii)"] == x["(iii)"] == x["a."] == x["b."]
    assert x["Roman"] == x["(i)"]  # under the paragraph's text, not its number
    assert x["grant"] - x["To"] > 0 and x["To"] > x["(iii)"] + 10
    starts = [w.x0 for w in words if w.text == "To"]
    assert len(starts) == 3 and max(starts) - min(starts) < 0.01


FALSE_LISTS = """kind: report
title: Not lists
sections:
  - heading: Cases
    body: |
      A. Smith
      B. Jones

      1.4.2014 The first budget was set.
      1.4.2015 The second budget was set.

      a\\. is the first letter and
      b. is the second.

      The options are:

      (a) to grant the licence as applied for, with the
      conditions the police proposed; or
      (b) to refuse the
      application.

      A. The council will consult residents
      B. The council will report back
"""


def test_initials_dates_and_escapes_stay_text_wrapped_items_stay_items(
        folder: MeetingFolder) -> None:
    out = build_documents(folder, {"r.yaml": FALSE_LISTS})
    lines = _lines(out)
    # Initials, dates and an escaped first label are numbered paragraphs, as typed.
    assert "1.1 A. Smith B. Jones" in lines
    assert "1.2 1.4.2014 The first budget was set. 1.4.2015 The second budget was set." \
        in lines
    assert "1.3 a. is the first letter and b. is the second." in lines
    # A hard-wrapped item's next line continues it; the list stands under its paragraph.
    assert "1.4 The options are:" in lines
    assert "(a) to grant the licence as applied for, with the conditions the police " \
           "proposed; or" in lines
    assert "(b) to refuse the application." in lines
    # Upper-case labels with three words or more are a list.
    assert "A. The council will consult residents" in lines
    assert "B. The council will report back" in lines
    assert not any(line.startswith("1.5") for line in lines)
