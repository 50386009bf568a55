"""Resolutions as the officer wrote them: labels they typed print as typed, with no number
or lead word added, read back from the pack."""

from __future__ import annotations

from packgen import build_pack
from tests.conftest import MeetingFolder, basic_meeting, page_texts

MINUTES = """\
kind: minutes
date: 2026-05-27
minutes:
  - title: Own numbers
    resolved:
      - (1) that the report be noted; and
      - (2) that officers report back.
  - title: One with own numbers
    resolved:
      - |
        (1) that the report be noted; and
        (2) that officers report back.
  - title: Typed numbers
    resolved:
      - 1. that the report be noted; and
      - 2. that officers report back.
  - title: A numbered list
    resolved:
      - |
        1. that the report be noted; and
        2. that officers report back.
  - title: Letters
    resolved:
      - a. note the report;
      - b. approve the plan.
  - title: Mixed
    resolved:
      - that the report be noted.
      - To approve the plan.
      - officers report back.
  - title: Labelled and not
    resolved: ["(a) that the report be noted;", "officers report back & <x>."]
  - title: None has a lead word
    resolved: [note the report;, approve the plan.]
  - title: An initial
    resolved: [A. Mellor be appointed Chair.]
"""


def resolutions(folder: MeetingFolder) -> dict[str, list[str]]:
    """Each minute's lines after its heading, spaces squeezed, by the minute's title."""
    (folder.folder / "minutes.yaml").write_text(MINUTES)
    path = folder.write(basic_meeting([{"title": "Minutes", "attachments": ["minutes.yaml"]}]))
    build_pack(path, folder.root / "pack.pdf")
    found: dict[str, list[str]] = {}
    for page in page_texts(folder.root / "pack.pdf")[2:]:
        for line in page.splitlines():
            words = line.split()
            if len(words) > 1 and words[0].isdigit() and " ".join(words[1:]).isupper():
                found[" ".join(words[1:])] = []
            elif words and found and not line.strip().startswith("Page "):
                found[list(found)[-1]].append(" ".join(words))
    return found


def test_labels_the_officer_typed_print_as_typed(folder: MeetingFolder) -> None:
    got = resolutions(folder)
    as_written = ["RESOLVED", "(1) that the report be noted; and", "(2) that officers report back."]
    # Never "RESOLVED to (1) (1) that ...", nor "RESOLVED that (1) that ...".
    assert got["OWN NUMBERS"] == as_written
    assert got["ONE WITH OWN NUMBERS"] == as_written
    typed = ["RESOLVED", "1. that the report be noted; and", "2. that officers report back."]
    assert got["TYPED NUMBERS"] == typed
    assert got["A NUMBERED LIST"] == typed
    assert got["LETTERS"] == ["RESOLVED", "a. note the report;", "b. approve the plan."]


def test_lead_words_are_added_only_where_missing(folder: MeetingFolder) -> None:
    got = resolutions(folder)
    # Mixed: each keeps its own, "that" where it has none ("to officers report back" was not
    # what the meeting resolved).
    assert got["MIXED"] == ["RESOLVED", "(1) that the report be noted.",
                            "(2) To approve the plan.", "(3) that officers report back."]
    assert got["LABELLED AND NOT"] == ["RESOLVED", "(a) that the report be noted;",
                                       "(2) that officers report back & <x>."]
    # None has one: they share "to", as the SPEC's "RESOLVED to (1) ...; (2) ...".
    assert got["NONE HAS A LEAD WORD"] == ["RESOLVED to", "(1) note the report;",
                                           "(2) approve the plan."]
    # "A." opens a sentence here: a lone letter is a label only in a sequence.
    assert got["AN INITIAL"] == ["RESOLVED that A. Mellor be appointed Chair."]
