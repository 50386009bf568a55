"""A report's recommendations as real papers write them: one may hold a list (a planning
permission's conditions) beneath its numbered line; and the report's director may be a post
with no name given."""

from __future__ import annotations

import subprocess

import pytest

from packgen.build import build_pack
from packgen.errors import ValidationError
from tests.conftest import MeetingFolder, basic_meeting

REPORT = """\
kind: report
title: Hurst Road, Twyford
director: {role: Assistant Director – Place}
recommendations:
  - |
    That the committee authorise **approval** subject to:

    1. The development shall be commenced within three years.
    2. The development shall accord with the approved plans.
  - The committee notes the consultation responses.
sections: [{heading: Background, body: The application.}]
"""


def _text(folder: MeetingFolder, report: str) -> str:
    (folder.folder / "report.yaml").write_text(report)
    path = folder.write(basic_meeting([{"title": "Hurst Road", "attachments": ["report.yaml"]}]))
    build_pack(path, folder.root / "pack.pdf")
    return subprocess.run(["pdftotext", "-layout", str(folder.root / "pack.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout


def test_a_recommendation_keeps_its_list_beneath_its_number(folder: MeetingFolder) -> None:
    lines = [" ".join(line.split()) for line in _text(folder, REPORT).splitlines()]
    first = lines.index("1 That the committee authorise approval subject to:")
    assert lines[first + 1:first + 4] == [
        "1. The development shall be commenced within three years.",
        "2. The development shall accord with the approved plans.",
        "2 The committee notes the consultation responses."]


def test_a_director_may_be_a_post(folder: MeetingFolder) -> None:
    text = _text(folder, REPORT)
    assert "Relevant director" in text
    row = next(line for line in text.splitlines() if "Relevant director" in line)
    assert " ".join(row.split()) == "Relevant director Assistant Director – Place"


def test_a_director_needs_a_name_or_a_role(folder: MeetingFolder) -> None:
    with pytest.raises(ValidationError) as caught:
        _text(folder, REPORT.replace("{role: Assistant Director – Place}",
                                     "{email: place@example.org}"))
    assert [f"{p.position.line}:{p.position.column}: {p.message}"
            for p in caught.value.problems] == ['3:11: director: give "name", "role" or both']
