"""Real papers' wording as settings: the report's list headings and the minutes' fixed
words, set in packgen.yaml and overridden by a meeting label by label; and the report's
list of appendices, which reads as its bookmarks do."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from packgen import build_pack
from packgen.errors import ValidationError
from tests.conftest import MeetingFolder, basic_meeting, page_texts

MINUTES = """\
kind: minutes
date: 2026-03-22
attendance:
  - {name: Ann Able, role: Chair, present: true}
  - {name: Ben Bell, role: Member, status: apologies, substitute: Cal Cole}
  - {name: Cal Cole, role: Member, status: substitute, for: Ben Bell}
  - {name: Eve East, role: Member, status: absent}
in_attendance:
  - {name: Phil Wade, role: Governance Officer}
minutes:
  - title: Budget
    body: Discussed.
    resolved: [to note the report.]
"""


def lines_of(folder: MeetingFolder, files: dict[str, str], config: dict[str, Any],
             **meeting: Any) -> list[str]:
    """The pack's pages after the front sheet as lines, spaces squeezed."""
    for name, text in files.items():
        (folder.folder / name).write_text(text)
    path = folder.write(basic_meeting([{"title": "Doc", "attachments": [next(iter(files))]}],
                                      **meeting), {"organisation": "X", **config})
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    return [" ".join(line.split()) for page in page_texts(out)[2:]
            for line in page.splitlines() if line.strip()]


def test_minutes_print_the_words_the_settings_give(folder: MeetingFolder) -> None:
    config = {"minutes": {"labels": {
        "membership": "Attendance record", "member": "Name", "role": "Position",
        "attendance": "Status", "present": "Attended", "apologies": "Sent apologies",
        "absent": "Did not attend", "substitute": "[sub {name}]",
        "substitute_for": "Deputising for {name}", "apologies_list": "Apologies received:",
        "in_attendance": "Officers present", "resolved": "AGREED"}}}
    # The meeting's labels are laid over the organisation's, label by label.
    lines = lines_of(folder, {"m.yaml": MINUTES}, config,
                     minutes={"labels": {"resolved": "RECOMMENDED"}})
    text = "\n".join(lines)
    assert "Attendance record" in lines and "Name Position Status" in lines
    assert "Ann Able Chair Attended" in lines
    assert "Ben Bell Member Sent apologies [sub Cal Cole]" in lines
    assert "Cal Cole Member Deputising for Ben Bell" in lines
    assert "Eve East Member Did not attend" in lines
    assert "Apologies received: Ben Bell [sub Cal Cole]" in lines
    assert "Officers present" in lines
    assert "RECOMMENDED to note the report." in lines
    for theme in ("Membership", "Present", "Absent", "Substitute for", "RESOLVED", "AGREED",
                  "Also in attendance", "(substitute:"):
        assert theme not in text


def test_minutes_words_default_to_the_theme(folder: MeetingFolder) -> None:
    lines = lines_of(folder, {"m.yaml": MINUTES}, {})
    assert "Membership" in lines and "Member Role Attendance" in lines
    assert "Ben Bell Member Apologies (substitute: Cal Cole)" in lines
    assert "Cal Cole Member Substitute for Ben Bell" in lines
    assert "Apologies: Ben Bell (substitute: Cal Cole)" in lines
    assert "Also in attendance" in lines and "RESOLVED to note the report." in lines


@pytest.mark.parametrize("labels, message", [
    ({"substitute_for": "Deputy"}, 'minutes.labels.substitute_for: expected text with "{name}" '
                                   'where the name goes, like "Substitute for {name}", found '
                                   '"Deputy"'),
    ({"resolvd": "AGREED"}, 'minutes.labels: unknown key "resolvd" (did you mean "resolved"?)'),
])
def test_bad_minutes_labels(folder: MeetingFolder, labels: dict[str, str], message: str
                            ) -> None:
    with pytest.raises(ValidationError) as caught:
        lines_of(folder, {"m.yaml": MINUTES}, {"minutes": {"labels": labels}})
    assert [str(p).split("error: ")[-1] for p in caught.value.problems] == [message]


REPORT = {"kind": "report", "title": "Hall lettings", "sections": [
    {"heading": "Background", "body": "Text."}], "background_papers": ["Lettings policy"]}


def test_report_list_headings_are_labels(folder: MeetingFolder) -> None:
    folder.pdf("plan.pdf", 1)
    report = {**REPORT, "appendices": ["plan.pdf"]}
    lines = lines_of(folder, {"r.yaml": yaml.safe_dump(report)}, {"report": {"labels": {
        "background_papers": "Background documents", "appendices": "Annexes"}}})
    assert "Background documents" in lines and "Annexes" in lines
    assert "Background papers" not in lines and "Appendices" not in lines


def test_the_appendix_list_reads_as_the_bookmarks(folder: MeetingFolder) -> None:
    folder.pdf("plan.pdf", 1)
    folder.pdf("map.pdf", 1)
    (folder.folder / "procedure.md").write_text("# Hearing procedure\n\nThe order.\n")
    report = {**REPORT, "appendices": ["plan.pdf", "procedure.md",
                                       {"file": "map.pdf", "title": "Site map"}]}
    lines = lines_of(folder, {"r.yaml": yaml.safe_dump(report)}, {})
    listed = lines[lines.index("Appendices") + 1:lines.index("Appendices") + 4]
    outline = PdfReader(folder.root / "pack.pdf").outline
    marks = [e.title for e in _children_of(outline, "Hall lettings")]
    assert marks == ["Appendix 1", "Hearing procedure", "Site map"]
    assert listed == [f"• {m}" for m in marks]


def _children_of(outline: list[Any], title: str) -> list[Any]:
    """The bookmarks beneath the one titled ``title``, anywhere in the outline."""
    for n, entry in enumerate(outline):
        if isinstance(entry, list):
            found = _children_of(entry, title)
            if found:
                return found
        elif entry.title == title and n + 1 < len(outline) \
                and isinstance(outline[n + 1], list):
            return [e for e in outline[n + 1] if not isinstance(e, list)]
    return []
