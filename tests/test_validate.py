"""Every SPEC §5 input problem: one line, at the right place, all problems at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from packgen import schema
from packgen.errors import ValidationError
from tests.conftest import MeetingFolder, basic_meeting, make_pdf

HEAD = """\
organisation: Test Borough Council
body: Test Committee
date: 2026-07-08
time: "16:00"
venue: Town Hall
"""


def problems_of(folder: MeetingFolder, text: str, config: str | None = None) -> list[str]:
    path = folder.write(text, config)
    with pytest.raises(ValidationError) as caught:
        schema.validate(path)
    return [f"{p.position.line}:{p.position.column}: {p.message}" for p in caught.value.problems]


CASES = {
    "yaml syntax": (HEAD + "items:\n  - title: [unclosed\n",
                    ["8:1: YAML syntax: did not find expected ',' or ']' (while parsing a flow "
                     "sequence that starts at line 7)"]),
    "bad date": (HEAD.replace("2026-07-08", "08/07/2026") + "items: [{title: A}]\n",
                 ['3:7: date: expected a date like 2026-07-08, found "08/07/2026"']),
    "impossible date": (HEAD.replace("2026-07-08", "2026-02-30") + "items: [{title: A}]\n",
                        ['3:7: date: expected a date like 2026-07-08, found "2026-02-30"']),
    "quoted date": (HEAD.replace("2026-07-08", '"2026-07-08"') + "items: [{title: A}]\n",
                    ['3:7: date: expected a date like 2026-07-08, found "2026-07-08" in quotes; '
                     "leave the quotes out"]),
    "bad time": (HEAD.replace('"16:00"', '"4pm"') + "items: [{title: A}]\n",
                 ['4:7: time: expected a 24-hour time like "16:00", found "4pm"']),
    # "venue" is given already, so "venu" means something else: no hint that would lose it.
    "unknown key": (HEAD + "venu: x\nitems: [{title: A}]\n", ['6:1: unknown key "venu"']),
    "misspelt key": (HEAD.replace("venue:", "venu:") + "items: [{title: A}]\n",
                     ['5:1: unknown key "venu" (did you mean "venue"?)']),
    "unknown item key": (HEAD + "items:\n  - title: A\n    descripton: x\n",
                         ['8:5: items[0]: unknown key "descripton" (did you mean '
                          '"description"?)']),
    "missing key": (HEAD.replace("venue: Town Hall\n", "") + "items: [{title: A}]\n",
                    ['1:1: missing required key "venue"']),
    "missing item title": (HEAD + "items:\n  - description: x\n",
                           ['7:5: items[0]: missing required key "title"']),
    "wrong type": (HEAD + "items: Apologies\n",
                   ['6:8: items: expected a list, found "Apologies"']),
    "empty agenda": (HEAD + "items: []\n", ["6:8: items: the agenda has no items"]),
    "exempt out of range": (HEAD + "items:\n  - title: A\n    exempt: 9\n",
                            ['8:13: items[0].exempt: no paragraph "9" in England\'s table of '
                             'exempt information; valid keys: 1, 2, 3, 4, 5, 6, 7']),
    "duplicate numbers": (HEAD + "items:\n  - title: A\n  - title: B\n    number: 1\n",
                          ['8:5: items[1]: duplicate item number "1" (item 1 is at line 7)']),
    "missing file": (HEAD + "items:\n  - title: A\n    attachments: [report.pdf]\n",
                     ['8:19: items[0].attachments[0]: no such file "report.pdf"']),
    "not a pdf name": (HEAD + "items:\n  - title: A\n    attachments: [report.docx]\n",
                       ['8:19: items[0].attachments[0]: expected a file name ending .pdf, '
                        '.yaml, .yml or .md, found "report.docx"']),
    "path leaves the repository": (
        HEAD + "items:\n  - title: A\n    attachments: [../../outside.pdf]\n",
        ['8:19: items[0].attachments[0]: "../../outside.pdf" is outside the repository '
         "(the folder holding the meeting)"]),
    "absolute path": (HEAD + "items:\n  - title: A\n    attachments: [/etc/passwd.pdf]\n",
                      ['8:19: items[0].attachments[0]: "/etc/passwd.pdf" is an absolute path; '
                       "give it relative to this file"]),
    "python tag": (HEAD + "items: !!python/object/apply:os.system [echo hi]\n",
                   ["6:8: unsupported YAML tag tag:yaml.org,2002:python/object/apply:os.system"]),
    "duplicate key": (HEAD + "venue: Other\nitems: [{title: A}]\n",
                      ['6:1: duplicate key "venue"']),
    "not a mapping": ("- just\n- a list\n", ["1:1: expected a mapping of keys at the top of "
                                             "the file"]),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_invalid_meeting(folder: MeetingFolder, text: str, expected: list[str]) -> None:
    assert problems_of(folder, text) == expected


def test_every_problem_at_once(folder: MeetingFolder) -> None:
    text = HEAD.replace("2026-07-08", "soon") + "titel: x\nitems:\n  - title: A\n    exempt: 0\n"
    found = problems_of(folder, text)
    assert [line.split(":")[0] for line in found] == ["3", "6", "9"]


def test_misspelt_file_gets_a_hint(folder: MeetingFolder) -> None:
    folder.pdf("budget-q3.pdf", 1)
    text = HEAD + "items:\n  - title: A\n    attachments: [budget-g3.pdf]\n"
    assert problems_of(folder, text) == [
        '8:19: items[0].attachments[0]: no such file "budget-g3.pdf" (did you mean '
        '"budget-q3.pdf"?)']


def test_symlink_out_of_the_repository(folder: MeetingFolder, tmp_path: Path) -> None:
    outside = make_pdf(tmp_path / "secret.pdf", ["SECRET"])
    os.symlink(outside, folder.folder / "link.pdf")
    text = HEAD + "items:\n  - title: A\n    attachments: [link.pdf]\n"
    assert problems_of(folder, text) == [
        '8:19: items[0].attachments[0]: "link.pdf" links to a file outside the repository']


def test_alias_bomb_is_refused_quickly(folder: MeetingFolder) -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join('*' + previous for _ in range(10))}]\n"
    found = problems_of(folder, bomb)
    assert len(found) == 1 and "too many values" in found[0]


def test_huge_file_is_refused_before_parsing(folder: MeetingFolder) -> None:
    huge = HEAD + "summons: " + "x" * (3 * 1024 * 1024) + "\nitems: [{title: A}]\n"
    found = problems_of(folder, huge)
    assert found == [f"1:1: file is too large for YAML ({len(huge):,} bytes; "
                     "the limit is 2,097,152)"]


def test_deep_nesting_is_refused(folder: MeetingFolder) -> None:
    found = problems_of(folder, HEAD + "items: " + "[" * 200 + "]" * 200 + "\n")
    assert len(found) == 1 and "nested" in found[0]


def test_config_problems_name_the_config_file(folder: MeetingFolder) -> None:
    path = folder.write(HEAD + "items: [{title: A}]\n", "duplex: maybe\n")
    with pytest.raises(ValidationError) as caught:
        schema.validate(path)
    [problem] = caught.value.problems
    assert problem.position.file.name == "packgen.yaml"
    assert str(problem).endswith('1:9: error: duplex: expected true or false, found "maybe"')


def test_meeting_wins_over_config(folder: MeetingFolder) -> None:
    config = "organisation: From Config\nduplex: false\nlanguage: cy\n"
    path = folder.write(HEAD.replace("organisation: Test Borough Council\n", "") +
                        "duplex: true\nitems: [{title: A}]\n", config)
    meeting = schema.validate(path)
    assert (meeting.organisation, meeting.duplex, meeting.language) == ("From Config", True, "cy")
    assert meeting.root == folder.root


def test_organisation_is_required_somewhere(folder: MeetingFolder) -> None:
    text = HEAD.replace("organisation: Test Borough Council\n", "") + "items: [{title: A}]\n"
    assert problems_of(folder, text) == [
        '1:1: missing required key "organisation" (set it here or in packgen.yaml)']


def test_item_numbers(folder: MeetingFolder) -> None:
    items = "".join(f"  - title: T{i}\n" for i in range(3))
    path = folder.write(HEAD + "start_number: 5\nitems:\n" + items +
                        "  - title: Late\n    number: 7a\n  - title: After\n")
    assert [i.number for i in schema.validate(path).items] == ["5", "6", "7", "7a", "8"]


def test_unquoted_time_is_read_as_written(folder: MeetingFolder) -> None:
    # YAML 1.1 reads 16:00 as the number 960; the officer meant four o'clock.
    path = folder.write(HEAD.replace('"16:00"', "16:00") + "items: [{title: A}]\n")
    assert schema.validate(path).time.hour == 16


def test_item_numbers_are_short_codes(folder: MeetingFolder) -> None:
    assert problems_of(folder, HEAD + "items:\n  - title: A\n    number: seven and a half\n") == [
        '8:13: items[0].number: expected a short item number such as "7" or "7a", '
        'found "seven and a half"']


@pytest.mark.parametrize("fork", [False, True], ids=["here", "forked"])
def test_validate_reports_every_bad_pdf_in_order(folder: MeetingFolder, fork: bool) -> None:
    from packgen.check import validate
    from packgen.errors import PackgenError

    names = [folder.pdf(f"r{n}.pdf", 1) for n in range(10)]
    for broken in (1, 8):  # one in each half
        (folder.folder / names[broken]).write_bytes(b"%PDF-1.4 cut short")
    path = folder.write(basic_meeting([{"title": f"R{n}", "attachments": [name]}
                                       for n, name in enumerate(names)]))
    with pytest.raises(PackgenError) as caught:
        validate(path, fork=fork)
    assert [p.message.split(":")[0] for p in caught.value.problems] == ['"r1.pdf"', '"r8.pdf"']
    (folder.folder / names[1]).write_bytes((folder.folder / names[0]).read_bytes())
    (folder.folder / names[8]).write_bytes((folder.folder / names[0]).read_bytes())
    assert validate(path, fork=fork).meeting.items[8].title == "R8"


def test_a_meeting_that_fails_to_load_stops_the_forked_checkers(folder: MeetingFolder) -> None:
    from packgen.check import validate
    from packgen.errors import ValidationError

    path = folder.write("organisation: X\n")
    with pytest.raises(ValidationError):
        validate(path, fork=True)
    with pytest.raises(ChildProcessError):  # every process it started has ended, and is reaped
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize(("config", "meeting", "expected"), [
    ({"make_room": True}, {"count_front_sheet": False}, (False, True)),
    ({"make_room": True, "count_front_sheet": False}, {"make_room": False}, (False, False)),
    ({}, {"make_room": True}, (True, True)),
    ({"count_front_sheet": False}, None, (False, False)),
])
def test_a_meetings_page_numbers_override_the_organisations_key_by_key(
        folder: MeetingFolder, config: dict[str, bool], meeting: dict[str, bool] | None,
        expected: tuple[bool, bool]) -> None:
    extra = {} if meeting is None else {"page_numbers": meeting}
    path = folder.write(basic_meeting([{"title": "Apologies"}], **extra),
                        {"organisation": "Test Borough Council", "page_numbers": config})
    numbering = schema.validate(path).page_numbers
    assert (numbering.count_front_sheet, numbering.make_room) == expected


def test_merge_damaged_on_a_document_packgen_writes_is_refused(folder: MeetingFolder) -> None:
    (folder.folder / "notes.md").write_text("# Notes\n\nText.\n")
    path = folder.write(basic_meeting([{"title": "Notes", "attachments": [
        {"file": "notes.md", "merge_damaged": True}]}]))
    with pytest.raises(ValidationError) as caught:
        schema.validate(path)
    [problem] = caught.value.problems
    assert (problem.position.file.resolve(), problem.position.line) == (path.resolve(), 9)
    assert problem.message == ('"notes.md": merge_damaged is for a PDF; packgen writes this '
                               "document's pages itself")
