"""Minutes' attendance as the officer marked it: statuses in words, substitutes, groups,
apologies only where the minutes say so, and contradictions refused at their line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from packgen import build_pack
from packgen.errors import ValidationError
from tests.conftest import MeetingFolder, basic_meeting, page_texts

HEAD = "kind: minutes\ndate: 2026-03-22\n"
TAIL = "minutes:\n  - title: Apologies for absence\n    body: As listed.\n"


def build_minutes(folder: MeetingFolder, text: str) -> list[str]:
    """The minutes' lines as laid out, spaces between columns squeezed to " | "."""
    (folder.folder / "minutes.yaml").write_text(text)
    path = folder.write(basic_meeting([{"title": "Minutes", "attachments": ["minutes.yaml"]}]))
    out = folder.root / "pack.pdf"
    build_pack(path, out)
    pages = page_texts(out)[2:len(PdfReader(out).pages)]
    return [" | ".join(part.strip() for part in line.strip().split("  ") if part.strip())
            for page in pages for line in page.splitlines() if line.strip()]


def cells(lines: list[str]) -> list[list[str]]:
    return [[c.strip() for c in line.split(" | ")] for line in lines]


def problems(folder: MeetingFolder, text: str) -> list[str]:
    (folder.folder / "minutes.yaml").write_text(text)
    path = folder.write(basic_meeting([{"title": "Minutes", "attachments": ["minutes.yaml"]}]))
    with pytest.raises(ValidationError) as caught:
        build_pack(path, folder.root / "pack.pdf")
    assert not (folder.root / "pack.pdf").exists()
    return [f"{p.position.line}:{p.position.column}: {p.message}"
            for p in caught.value.problems]


def test_statuses_print_in_words_and_apologies_come_only_from_them(folder: MeetingFolder
                                                                     ) -> None:
    rows = cells(build_minutes(folder, HEAD + """\
attendance:
  - {name: Ann Able, role: Chair, present: true}
  - {name: Ben Bell, role: Member, status: apologies, substitute: Cal Cole}
  - {name: Cal Cole, role: Member, status: substitute, for: Ben Bell}
  - {name: Dee Dunn, role: Member, present: false}
  - {name: Eve East, role: Member, status: absent}
  - {name: Fay Ford, role: Member}
  - {name: Gus Gray, role: Member, status: apologies}
apologies: [Hal Hunt, Gus Gray]
""" + TAIL))
    table = {row[0]: row[1:] for row in rows if row[0] in {
        "Ann Able", "Ben Bell", "Cal Cole", "Dee Dunn", "Eve East", "Fay Ford", "Gus Gray"}}
    assert table == {
        "Ann Able": ["Chair", "Present"],
        "Ben Bell": ["Member", "Apologies (substitute: Cal Cole)"],
        "Cal Cole": ["Member", "Substitute for Ben Bell"],
        "Dee Dunn": ["Member", "Absent"],  # present: false is absent, not apologies
        "Eve East": ["Member", "Absent"],
        "Fay Ford": ["Member"],  # not marked: nothing is said of them
        "Gus Gray": ["Member", "Apologies"],
    }
    assert ["Member", "Role", "Attendance"] in rows
    [apologies] = [" ".join(row) for row in rows if row[0].startswith("Apologies:")]
    assert apologies == "Apologies: Ben Bell (substitute: Cal Cole), Gus Gray, Hal Hunt"


def test_a_member_named_in_the_apologies_list_reads_apologies(folder: MeetingFolder) -> None:
    rows = cells(build_minutes(folder, HEAD + """\
attendance:
  - {name: Ann Able, role: Chair}
  - {name: Ben Bell, role: Member, present: false}
apologies: [Ann Able]
""" + TAIL))
    assert ["Ann Able", "Chair", "Apologies"] in rows
    assert ["Ben Bell", "Member", "Absent"] in rows
    assert ["Apologies: Ann Able"] in rows


def test_a_substitute_named_on_the_member_alone_is_marked_on_both_rows(
        folder: MeetingFolder) -> None:
    rows = cells(build_minutes(folder, HEAD + """\
attendance:
  - {name: Ben Bell, role: Member, present: false, substitute: Cal Cole}
  - {name: Cal Cole, role: Member, present: true}
  - {name: Dee Dunn, role: Member, status: apologies, substitute: Sam Side}
""" + TAIL))
    assert ["Ben Bell", "Member", "Absent (substitute: Cal Cole)"] in rows
    assert ["Cal Cole", "Member", "Substitute for Ben Bell"] in rows
    assert ["Dee Dunn", "Member", "Apologies (substitute: Sam Side)"] in rows
    assert not any("Apologies:" in row[0] and "Ben Bell" in " ".join(row) for row in rows)


def test_groups_head_their_rows_in_first_seen_order(folder: MeetingFolder) -> None:
    lines = build_minutes(folder, HEAD + """\
attendance:
  - {name: Ann Able, role: Member, group: Labour, present: true}
  - {name: Ben Bell, role: Member, group: Conservative, status: apologies}
  - {name: Cal Cole, role: Member, group: Labour, present: true}
  - {name: Dee Dunn, role: Independent co-optee, present: true}
  - {name: Eve East, role: Member, status: substitute, for: Ben Bell}
""" + TAIL)
    start = lines.index("Member | Role | Attendance")
    assert lines[start + 1:start + 8] == [
        "Dee Dunn | Independent co-optee | Present",  # no group: first, under no heading
        "Labour",
        "Ann Able | Member | Present",
        "Cal Cole | Member | Present",
        "Conservative",
        "Ben Bell | Member | Apologies (substitute: Eve East)",
        # a substitute with no group of their own sits with the member they stood in for
        "Eve East | Member | Substitute for Ben Bell",
    ]


def test_without_groups_there_are_no_heading_rows(folder: MeetingFolder) -> None:
    lines = build_minutes(folder, HEAD + """\
attendance:
  - {name: Ann Able, role: Member, present: true}
  - {name: Ben Bell, role: Member, present: true}
""" + TAIL)
    start = lines.index("Member | Role | Attendance")
    assert lines[start + 1:start + 3] == ["Ann Able | Member | Present",
                                          "Ben Bell | Member | Present"]


def test_officers_in_attendance_keep_working(folder: MeetingFolder) -> None:
    rows = cells(build_minutes(folder, HEAD + """\
attendance: [{name: Ann Able, present: true}]
in_attendance:
  - {name: Phil Wade, role: Governance Officer, present: true}
  - {name: Jo Patel, role: Head of Strategy}
""" + TAIL))
    assert ["Phil Wade", "Governance Officer"] in rows and ["Jo Patel", "Head of Strategy"] in rows


ONE = "attendance:\n  - {name: Ann Able, present: true}\n"


@pytest.mark.parametrize("attendance, expected", [
    ("  - {name: Ben Bell, present: true, status: apologies}\n",
     ["5:45: attendance[1].status: apologies disagrees with present: true; give one of them"]),
    ("  - {name: Ben Bell, present: false, for: Ann Able}\n",
     ["5:31: attendance[1].present: substitute disagrees with present: false; give one of "
      "them"]),
    ("  - {name: Ben Bell, status: absent, for: Ann Able}\n",
     ["5:43: attendance[1].for: only a substitute attends for a member, and the status here "
      "is absent"]),
    ("  - {name: Ben Bell, status: substitute, for: Zed Zane}\n",
     ["5:47: attendance[1].for: Zed Zane is neither in attendance nor in apologies"]),
    ("  - {name: Ben Bell, status: substitute, for: Ann Able}\n",
     ["5:47: attendance[1].for: Ann Able is marked present (attendance[0]); a substitute "
      "attends for a member who sent apologies or was absent"]),
    ("  - {name: Ben Bell, present: true, substitute: Cal Cole}\n",
     ["5:49: attendance[1].substitute: only a member who sent apologies or was absent has a "
      "substitute; the status here is present"]),
    ("  - {name: Ben Bell, status: apologies, substitute: Cal Cole}\n"
     "  - {name: Cal Cole, status: substitute, for: Ben Bell}\n"
     "  - {name: Dee Dunn, status: substitute, for: Ben Bell}\n",
     ["7:47: attendance[3].for: Ben Bell already has a substitute, Cal Cole"]),
    ("  - {name: Ben Bell, status: apologies, substitute: Dee Dunn}\n"
     "  - {name: Cal Cole, status: substitute, for: Ben Bell}\n",
     ["5:53: attendance[1].substitute: Cal Cole is given as the substitute for Ben Bell "
      "(attendance[2].for)"]),
    ("  - {name: Ben Bell, status: absent}\n"
     "  - {name: Cal Cole, status: apologies, substitute: Ben Bell}\n",
     ["6:53: attendance[2].substitute: Ben Bell is marked absent (attendance[1])"]),
    ("  - {name: Ann  able, present: false}\n",
     ["5:12: attendance[1].name: Ann  able is listed twice (attendance[0])"]),
    ("  - {name: Ben Bell, present: false}\napologies: [Zed Zane, Ben Bell]\n",
     ["6:23: apologies[1]: Ben Bell is marked absent in attendance[1]"]),
    ("  - {name: Ben Bell, status: apologies}\n  - {name: Cal Cole, status: substitute, "
     "for: Ben Bel}\n",
     ['6:47: attendance[2].for: Ben Bel is neither in attendance nor in apologies (did you '
      'mean "Ben Bell"?)']),
    ("  - {name: Ben Bell, status: apologies}\n  - {name: Cal Cole, status: substitute, "
     "for: Dee Dunn}\n",
     ["6:47: attendance[2].for: Dee Dunn is neither in attendance nor in apologies"]),
    # nobody close: no guess
    # Officers and guests attended, once: not also sending apologies, nor members too.
    ("in_attendance:\n  - {name: Phil Wade, role: Clerk, present: false}\n",
     ["6:45: in_attendance[0].present: everyone in in_attendance attended; list who did not "
      "come under apologies, or leave them out"]),
    ("in_attendance:\n  - {name: Phil Wade}\napologies: [Phil Wade]\n",
     ["7:13: apologies[0]: Phil Wade is listed as attending in in_attendance[0]"]),
    ("  - {name: Ben Bell, status: apologies}\n  - {name: Cal Cole, present: false}\n"
     "in_attendance:\n  - {name: Ben Bell}\n  - {name: Cal Cole}\n",
     ["8:12: in_attendance[0].name: Ben Bell is marked apologies in attendance[1]",
      "9:12: in_attendance[1].name: Cal Cole is marked absent in attendance[2]"]),
    ("in_attendance:\n  - {name: Ann Able}\n  - {name: Phil Wade}\n  - {name: phil wade}\n",
     ["6:12: in_attendance[0].name: Ann Able is listed twice (attendance[0])",
      "8:12: in_attendance[2].name: phil wade is listed twice (in_attendance[1])"]),
    # A substitute named on the member's row alone attended: not also with apologies, in
    # in_attendance, or in a second member's seat.
    ("  - {name: Ben Bell, status: apologies, substitute: Sam Side}\napologies: [Sam Side]\n",
     ["6:13: apologies[0]: Sam Side is the substitute for Ben Bell (attendance[1].substitute)"]),
    ("  - {name: Ben Bell, status: apologies, substitute: Sam Side}\n"
     "in_attendance:\n  - {name: Sam Side, role: Clerk}\n",
     ["7:12: in_attendance[0].name: Sam Side is listed twice (the substitute for Ben Bell, "
      "attendance[1].substitute)"]),
    ("  - {name: Ben Bell, status: apologies, substitute: Sam Side}\n"
     "  - {name: Cal Cole, status: absent, substitute: Sam Side}\n",
     ["6:50: attendance[2].substitute: Sam Side is the substitute for Ben Bell"]),
    # One person by any title of office: "Councillor" and "Cllr" name the same member.
    ("  - {name: Cllr Ben Bell, status: present}\n  - {name: Councillor Ben  Bell}\n",
     ["6:12: attendance[2].name: Councillor Ben  Bell is listed twice (attendance[1])"]),
    ("  - {name: Cllr Tom Whitby, status: present}\napologies: [Tom Whitby]\n",
     ["6:13: apologies[0]: Tom Whitby is marked present in attendance[1] as Cllr Tom Whitby"]),
    ("  - {name: Cllr Ben Bell, status: apologies}\n"
     "  - {name: Cal Cole, status: substitute, for: Councillor Ben Bel}\n",
     ['6:47: attendance[2].for: Councillor Ben Bel is neither in attendance nor in apologies '
      '(did you mean "Cllr Ben Bell"?)']),
    ("in_attendance:\n  - {name: Councillor Ann Able, role: Chair}\n",
     ["6:12: in_attendance[0].name: Councillor Ann Able is listed twice (attendance[0])"]),
    # And in Welsh: "Y Cynghorydd" and "Cyng." name the same member as "Cllr".
    ("  - {name: Y Cynghorydd Eleri Lloyd, status: present}\napologies: [Cyng. Eleri Lloyd]\n",
     ["6:13: apologies[0]: Cyng. Eleri Lloyd is marked present in attendance[1] as "
      "Y Cynghorydd Eleri Lloyd"]),
    # A name in apologies: close to someone listed is a slip, not a second person.
    ("  - {name: Cllr Tom Whitby, status: present}\n  - {name: Cllr Ann Lee, status: apologies}\n"
     "in_attendance:\n  - {name: Dr Phil Wade, role: Clerk}\n"
     "apologies: [T Whitby, Councillor A. Lee, Thomas Whitby, Mrs Ann Able, P Wade, Ann Abel]\n",
     [f'9:{column}: apologies[{n}]: {name} is close to a name already listed (did you mean '
      f'"{near}"?); write one person\'s name the same way each time, so that they are '
      "listed once" for n, column, name, near in (
          (0, 13, "T Whitby", "Cllr Tom Whitby"), (1, 23, "Councillor A. Lee", "Cllr Ann Lee"),
          (2, 42, "Thomas Whitby", "Cllr Tom Whitby"), (3, 57, "Mrs Ann Able", "Ann Able"),
          (4, 71, "P Wade", "Dr Phil Wade"), (5, 79, "Ann Abel", "Ann Able"))]),
    # Two substitutes for one name in apologies:, written with and without a title.
    ("  - {name: Cal Cole, status: substitute, for: L Parkinson}\n"
     "  - {name: Dee Dunn, status: substitute, for: Cllr L Parkinson}\napologies: [L Parkinson]\n",
     ["6:47: attendance[2].for: Cllr L Parkinson already has a substitute, Cal Cole"]),
])
def test_contradictions_are_one_line_each_where_written(folder: MeetingFolder,
                                                        attendance: str,
                                                        expected: list[str]) -> None:
    assert problems(folder, HEAD + ONE + attendance + TAIL) == expected


def test_a_member_present_may_be_named_as_another_members_substitute(
        folder: MeetingFolder) -> None:
    rows = cells(build_minutes(folder, HEAD + ONE + """\
  - {name: Ben Bell, role: Member, status: apologies, substitute: Ann Able}
""" + TAIL))
    assert ["Ann Able", "Substitute for Ben Bell"] in rows
    assert ["Ben Bell", "Member", "Apologies (substitute: Ann Able)"] in rows
    assert ["Apologies: Ben Bell (substitute: Ann Able)"] in rows


def test_a_substitute_for_nobody_named_or_for_a_name_in_apologies_only(
        folder: MeetingFolder) -> None:
    # Lancashire's "A Riggott was in attendance as substitute": for whom is not recorded.
    rows = cells(build_minutes(folder, HEAD + """\
attendance:
  - {name: A Ali, status: present}
  - {name: A Riggott, status: substitute}
  - {name: B Booth, status: substitute, for: L Parkinson}
apologies: [Cllr L Parkinson, G Baker]
""" + TAIL))
    assert ["A Riggott", "Substitute"] in rows
    assert ["B Booth", "Substitute for Cllr L Parkinson"] in rows
    assert ["Apologies: Cllr L Parkinson (substitute: B Booth), G Baker"] in rows


def test_the_unnamed_substitute_has_its_own_words(folder: MeetingFolder) -> None:
    (folder.folder / "minutes.yaml").write_text(HEAD + """\
attendance:
  - {name: A Riggott, status: substitute}
  - {name: B Booth, status: substitute, for: L Parkinson}
apologies: [L Parkinson]
""" + TAIL)
    path = folder.write(basic_meeting(
        [{"title": "Minutes", "attachments": ["minutes.yaml"]}],
        minutes={"labels": {"substitute_unnamed": "Substitute member"}}))
    build_pack(path, folder.root / "pack.pdf")
    lines = [" ".join(line.split()) for page in page_texts(folder.root / "pack.pdf")[2:]
             for line in page.splitlines()]
    assert "A Riggott Substitute member" in lines
    assert "B Booth Substitute for L Parkinson" in lines


def test_one_person_under_two_titles_is_listed_once(folder: MeetingFolder) -> None:
    rows = cells(build_minutes(folder, HEAD + """\
attendance:
  - {name: Cllr Tom Whitby, status: present}
  - {name: Cllr Ann Lee, status: apologies}
  - {name: Mr J Smith, status: present}
  - {name: Ben Bell, role: Member}
apologies: [Councillor Ann Lee, Mrs J Smith, County Councillor Ben Bell]
""" + TAIL))
    assert ["Cllr Tom Whitby", "Present"] in rows
    assert ["Ben Bell", "Member", "Apologies"] in rows
    # Mr and Mrs J Smith are two people: their titles say so.
    assert ["Apologies: Cllr Ann Lee, Ben Bell, Mrs J Smith"] in rows


def test_guests_are_judged_when_something_else_in_the_minutes_is_wrong(
        folder: MeetingFolder) -> None:
    assert problems(folder, """\
kind: minutes
date: 22/03/2026
attendance:
  - {name: Ann Able, status: apologise}
  - {name: Ben Bell, status: absent}
in_attendance:
  - {name: Ann Able, role: Clerk}
  - {name: Ben Bell, role: Chair}
  - {name: Phil Wade, present: false}
  - {name: Jo Patel, role: Head, room: 4}
apologies: [Jo Patel, Sam Side]
""" + TAIL) == [
        '2:7: date: expected a date like 2026-07-08, found "22/03/2026"',
        '4:30: attendance[0].status: expected present, apologies, absent or substitute, found '
        '"apologise" (did you mean "apologies"?)',
        "8:12: in_attendance[1].name: Ben Bell is marked absent in attendance[1]",
        "9:32: in_attendance[2].present: everyone in in_attendance attended; list who did not "
        "come under apologies, or leave them out",
        '10:34: in_attendance[3]: unknown key "room"',
    ]


def test_the_example_minutes_say_apologies_as_their_minute_does() -> None:
    example = Path(__file__).parent.parent / "examples" / "childrens-partnership-board"
    text = (example / "minutes-2026-03-22.yaml").read_text()
    assert "Kay Bell, role" in text and "status: apologies" in text
