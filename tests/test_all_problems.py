"""One run reports every problem: meeting.yaml's, packgen.yaml's, and those of every document
and PDF the meeting names, together (SPEC section 5); an unknown key names the key meant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from packgen.suggest import suggestion
from tests.conftest import BuildFn, MeetingFolder

MEETING = """\
organisation: Test Borough Council
body: Test Committee
date: 2026-07-08
time: "16:00"
venu: Town Hall
items:
  - title: Budget
    presented_by: Report of the Director of Finance
    attachments: [budget.yaml, broken.pdf, notes.md]
  - title: Minutes
    attachments: [{file: minutes.yaml, titel: Minutes of 1 May}]
"""

REPORT = """\
kind: report
title: Budget
Recomendations: [Note the report]
sections:
  - heading: Background
    text: The budget.
"""

MINUTES = """\
kind: minutes
date: 2026-05-01
minutes:
  - title: Apologies
    body: None.
    resolution: [note]
"""

EVERY_PROBLEM = [
    'packgen.yaml:1:1: unknown key "colours" (did you mean "style"?)',
    'meeting.yaml:5:1: unknown key "venu" (did you mean "venue"?)',
    'meeting.yaml:8:5: items[0]: unknown key "presented_by" (did you mean "presenter"?)',
    'meeting.yaml:9:32: "broken.pdf": not a PDF file',
    'meeting.yaml:11:40: items[1].attachments[0]: unknown key "titel" (did you mean "title"?)',
    'budget.yaml:3:1: unknown key "Recomendations" (did you mean "recommendations"?)',
    'budget.yaml:6:5: sections[0]: unknown key "text" (did you mean "body"?)',
    'notes.md:3:1: Markdown: horizontal rules (---) are not supported; use a heading to '
    "divide the text",
    'minutes.yaml:6:5: minutes[0]: unknown key "resolution" (did you mean "resolved"?)',
]


def _write(folder: MeetingFolder, meeting: str = MEETING) -> None:
    folder.write(meeting, "colours: {text: '#000000'}\n")
    (folder.folder / "budget.yaml").write_text(REPORT)
    (folder.folder / "minutes.yaml").write_text(MINUTES)
    (folder.folder / "notes.md").write_text("# Notes\n\n---\n")
    (folder.folder / "broken.pdf").write_text("this was never a PDF\n")


def _lines(stderr: str) -> list[str]:
    """Problem lines without the folder, in the order printed."""
    return [re.sub(r"^[^:]*/", "", line).replace(": error: ", ": ", 1)
            for line in stderr.splitlines() if ": error: " in line]


@pytest.mark.parametrize("command", ["validate", "build"])
def test_one_run_lists_the_meeting_config_documents_and_pdfs_together(
        folder: MeetingFolder, run_cli: BuildFn, command: str) -> None:
    _write(folder)
    done = run_cli(command, str(folder.file))
    assert done.returncode == 1, done.stderr
    assert sorted(_lines(done.stderr)) == sorted(EVERY_PROBLEM)
    assert "Traceback" not in done.stderr
    assert f"{len(EVERY_PROBLEM)} problems; nothing was written." in done.stderr
    assert not (folder.root / "build").exists()


def test_documents_and_pdfs_are_reported_together_when_the_meeting_is_right(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    _write(folder, MEETING.replace("venu:", "venue:").replace("presented_by", "presenter")
           .replace("titel", "title"))
    (folder.root / "packgen.yaml").write_text("duplex: true\n")
    done = run_cli("validate", str(folder.file))
    assert done.returncode == 1
    assert sorted(_lines(done.stderr)) == sorted(
        p for p in EVERY_PROBLEM if not p.startswith(("meeting.yaml:5", "meeting.yaml:8",
                                                       "meeting.yaml:11", "packgen")))


def test_a_hint_replaces_the_missing_key_it_names(folder: MeetingFolder,
                                                  run_cli: BuildFn) -> None:
    """"unknown key venu (did you mean venue?)" says all there is; "missing required key
    venue" at the top of the file would be a second line for one slip."""
    folder.write(MEETING.split("items:")[0] + "items: [{title: A}]\n")
    done = run_cli("validate", str(folder.file))
    assert _lines(done.stderr) == ['meeting.yaml:5:1: unknown key "venu" (did you mean '
                                   '"venue"?)']


@pytest.mark.parametrize("written, known, meant", [
    ("presented_by", ("title", "presenter", "attachments"), "presenter"),
    ("report_of", ("title", "presenter", "attachments"), "presenter"),
    ("author", ("title", "presenter", "attachments"), "presenter"),
    ("author", ("title", "contacts", "director"), "contacts"),
    ("files", ("title", "presenter", "attachments"), "attachments"),
    ("Report To", ("title", "report_to", "date"), "report_to"),
    ("report-to", ("title", "report_to", "date"), "report_to"),
    ("relevant_director", ("title", "report_to", "director"), "director"),
    ("wards_affected", ("wards", "director"), "wards"),
    ("presenter_name", ("title", "presenter"), "presenter"),
    ("descripton", ("title", "description"), "description"),
    ("resolution", ("title", "body", "resolved"), "resolved"),
    ("colors", ("logo", "colours", "fonts"), "colours"),
    ("zebra", ("title", "presenter", "attachments"), None),
])
def test_unknown_keys_name_the_key_meant(written: str, known: tuple[str, ...],
                                         meant: str | None) -> None:
    assert suggestion(written, known) == meant


def test_a_synonym_is_offered_only_where_its_key_belongs(tmp_path: Path) -> None:
    """"papers" means attachments on an item and background papers in a report: the hint
    names the key of the mapping being checked."""
    assert suggestion("papers", ("title", "attachments")) == "attachments"
    assert suggestion("papers", ("title", "background_papers")) == "background_papers"


REPORT_WITH_APPENDICES = """\
kind: report
title: Pavement licences
recommendation: [Approve the fees]
appendices: [draft-policy.md, {file: fees.yaml, title: Fees}]
"""


@pytest.mark.parametrize("alone", [False, True])
def test_a_wrong_report_does_not_hide_its_appendices_problems(
        folder: MeetingFolder, run_cli: BuildFn, alone: bool) -> None:
    folder.write(MEETING.replace("venu:", "venue:").replace("presented_by", "presenter")
                 .replace("[budget.yaml, broken.pdf, notes.md]", "[report.yaml]")
                 .replace("  - title: Minutes\n    attachments: [{file: minutes.yaml, titel: "
                          "Minutes of 1 May}]\n", ""))
    (folder.folder / "report.yaml").write_text(REPORT_WITH_APPENDICES)
    (folder.folder / "draft-policy.md").write_text("# Draft policy\n\n![map](map.png)\n")
    (folder.folder / "fees.yaml").write_text("kind: document\ntitel: Fees\n")
    done = run_cli("validate", str(folder.folder / "report.yaml" if alone else folder.file))
    assert done.returncode == 1
    assert sorted(_lines(done.stderr)) == [
        "draft-policy.md:3:1: Markdown: images are not supported in text; attach the figure "
        "as a PDF appendix",
        'fees.yaml:2:1: unknown key "titel" (did you mean "title"?)',
        'report.yaml:3:1: unknown key "recommendation" (did you mean "recommendations"?)']


def test_minutes_attendance_is_judged_when_something_else_is_wrong(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    """A wrong date, and an entry whose status is misspelt, do not put off what the rest
    of the attendance says: a contradiction and a substitute for nobody listed."""
    (folder.folder / "minutes.yaml").write_text("""\
kind: minutes
date: 16/01/2023
attendance:
  - {name: Cllr Carpenter, status: present}
  - {name: Cllr Borg, status: apologies, present: true}
  - {name: Cllr Galer, status: apologise}
  - {name: Cllr Mogford, status: substitute, for: Cllr Gaeler}
  - {name: Cllr Smith, status: substitute, for: Cllr Galer}
minutes:
  - title: Minutes
""")
    done = run_cli("validate", str(folder.folder / "minutes.yaml"))
    assert sorted(_lines(done.stderr)) == [
        'minutes.yaml:2:7: date: expected a date like 2026-07-08, found "16/01/2023"',
        "minutes.yaml:5:31: attendance[1].status: apologies disagrees with present: true; "
        "give one of them",
        'minutes.yaml:6:32: attendance[2].status: expected present, apologies, absent or '
        'substitute, found "apologise" (did you mean "apologies"?)',
        'minutes.yaml:7:51: attendance[3].for: Cllr Gaeler is neither in attendance nor in '
        'apologies (did you mean "Cllr Galer"?)']


@pytest.mark.parametrize("written, known, given, meant", [
    # An item's file: its attachments, never the title it already has.
    ("file", ("title", "presenter", "attachments"), ("title",), "attachments"),
    ("titel", ("title", "description"), ("title",), None),
    # Opposites and reversed relations are not hints.
    ("absent", ("name", "present", "status", "for", "substitute"), (), "status"),
    ("substitute_for", ("name", "present", "status", "for", "substitute"), (), "for"),
    ("representing", ("name", "present", "status", "for", "group"), (), "group"),
    ("absent", ("name", "present"), (), None),
])
def test_a_hint_never_names_a_key_given_or_its_opposite(
        written: str, known: tuple[str, ...], given: tuple[str, ...], meant: str | None) -> None:
    assert suggestion(written, known, given) == meant


def test_a_choice_is_taken_in_any_case_and_a_near_miss_is_named(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    (folder.folder / "minutes.yaml").write_text("""\
kind: minutes
date: 2023-01-16
attendance:
  - {name: Cllr Carpenter, status: Present}
  - {name: Cllr Borg, status: apologys}
minutes:
  - title: Minutes
""")
    done = run_cli("validate", str(folder.folder / "minutes.yaml"))
    assert _lines(done.stderr) == [
        'minutes.yaml:5:31: attendance[1].status: expected present, apologies, absent or '
        'substitute, found "apologys" (did you mean "apologies"?)']


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_document_built_alone_reports_its_appendices_and_pdfs_together(
        folder: MeetingFolder, run_cli: BuildFn, command: str) -> None:
    (folder.folder / "report.yaml").write_text(
        "kind: report\ntitle: Fees\nappendices: [bad.yaml, broken.pdf]\n")
    (folder.folder / "bad.yaml").write_text("kind: document\ntitle: Bad\nbdy: text\n")
    (folder.folder / "broken.pdf").write_text("this was never a PDF\n")
    done = run_cli(command, str(folder.folder / "report.yaml"))
    assert sorted(_lines(done.stderr)) == [
        'bad.yaml:3:1: unknown key "bdy" (did you mean "body"?)',
        'report.yaml:3:24: "broken.pdf": not a PDF file']
    assert not (folder.root / "build").exists()


def test_the_agenda_checks_come_with_a_wrong_key(folder: MeetingFolder, run_cli: BuildFn
                                                 ) -> None:
    """A missing organisation, a duplicate item number and one file both public and exempt
    are judged in the same run as a misspelt key elsewhere."""
    folder.write("""\
body: Test Board
date: 2026-07-22
time: "14:00"
venu: Room 1
items:
  - title: Report
    number: 3
    attachments: [public.md]
  - title: Other
    number: 3
  - title: Contract
    exempt: 3
    attachments: [secret.md]
""")
    (folder.folder / "public.md").write_text("# Fees\n\nThe same words.\n")
    (folder.folder / "secret.md").write_text("# Fees\n\nThe same words.\n")
    done = run_cli("validate", str(folder.file))
    assert sorted(_lines(done.stderr)) == sorted([
        'meeting.yaml:1:1: missing required key "organisation" (set it here or in '
        "packgen.yaml)",
        'meeting.yaml:9:5: items[1]: duplicate item number "3" (item 3 is at line 6)',
        'meeting.yaml:4:1: unknown key "venu" (did you mean "venue"?)',
        'meeting.yaml:8:19: "public.md" has the same content as "secret.md", which is attached '
        "to an exempt item; give the public and the exempt version their own files",
        'meeting.yaml:13:19: "secret.md" has the same content as "public.md", which is '
        "attached to a public item; give the public and the exempt version their own files"])
