"""Clear days by a jurisdiction's notice rule: the agenda's publication deadline, across
each calendar's holidays, and the warning that names the rule and its source."""

from __future__ import annotations

import datetime

import pytest

from packgen.errors import ValidationError
from packgen.notice import NoticeRule
from packgen.publication import clear_days, latest_publication, publication_warnings
from packgen.schema import validate
from tests.conftest import EXAMPLE, BuildFn, MeetingFolder, basic_meeting, besides_untagged

D = datetime.date
WEEKDAYS_AND_HOLIDAYS = frozenset({"saturday", "sunday", "holidays"})
ENGLAND = NoticeRule()
SCOTLAND = NoticeRule(3, WEEKDAYS_AND_HOLIDAYS, "scotland", (),
                      "section 50B of the Local Government (Scotland) Act 1973")
NORTHERN_IRELAND = NoticeRule(3, WEEKDAYS_AND_HOLIDAYS, "northern-ireland", (),
                              "the Local Government Act (Northern Ireland) 2014")
PARISH = NoticeRule(3, frozenset({"sunday", "holidays"}), "england-and-wales", (),
                    "paragraph 10 of Schedule 12 to the Local Government Act 1972")


@pytest.mark.parametrize("published, meeting, clear", [
    (D(2026, 6, 30), D(2026, 7, 8), 5),   # Tue to Wed week after: Wed Thu Fri Mon Tue
    (D(2026, 7, 1), D(2026, 7, 8), 4),
    (D(2026, 3, 27), D(2026, 4, 8), 5),   # Easter: Good Friday and Easter Monday skipped
    (D(2026, 3, 30), D(2026, 4, 8), 4),
    (D(2026, 12, 21), D(2026, 12, 31), 5),  # Christmas Day and the Boxing Day substitute
    (D(2026, 12, 22), D(2026, 12, 31), 4),
    (D(2026, 7, 8), D(2026, 7, 8), 0),
])
def test_englands_five_clear_days(published: D, meeting: D, clear: int) -> None:
    assert clear_days(published, meeting, ENGLAND) == clear


@pytest.mark.parametrize("rule, meeting, latest", [
    (ENGLAND, D(2026, 7, 8), D(2026, 6, 30)),
    # Published on the Sunday, 30 and 31 March, 1, 2 and 7 April are the five clear days.
    (ENGLAND, D(2026, 4, 8), D(2026, 3, 29)),
    # 30, 29, 24, 23, 22 December: Christmas Day, the Boxing Day substitute and a weekend out.
    (ENGLAND, D(2026, 12, 31), D(2026, 12, 21)),
    # St Andrew's Day on a Sunday: Monday 1 December 2025 does not count in Scotland...
    (SCOTLAND, D(2025, 12, 4), D(2025, 11, 27)),
    # ...and does in England.
    (NoticeRule(3), D(2025, 12, 4), D(2025, 11, 30)),
    # St Andrew's Day on a Saturday: Monday 2 December 2024 in its place.
    (SCOTLAND, D(2024, 12, 5), D(2024, 11, 28)),
    # 2 January 2026 (a Friday) is a holiday in Scotland only.
    (SCOTLAND, D(2026, 1, 7), D(2025, 12, 30)),
    (NoticeRule(3), D(2026, 1, 7), D(2026, 1, 1)),
    # 2 January 2027 is a Saturday: Scotland's substitute is Monday 4 January.
    (SCOTLAND, D(2027, 1, 7), D(2026, 12, 30)),
    (NoticeRule(3), D(2027, 1, 7), D(2027, 1, 3)),
    # 12 July 2026 is a Sunday: Monday 13 July does not count in Northern Ireland...
    (NORTHERN_IRELAND, D(2026, 7, 16), D(2026, 7, 9)),
    (NoticeRule(3), D(2026, 7, 16), D(2026, 7, 12)),
    # ...nor does St Patrick's Day (Tuesday 17 March 2026).
    (NORTHERN_IRELAND, D(2026, 3, 19), D(2026, 3, 12)),
    # A parish: Saturday 4 July counts, Sunday 5 July does not.
    (PARISH, D(2026, 7, 7), D(2026, 7, 2)),
    (NoticeRule(3, WEEKDAYS_AND_HOLIDAYS), D(2026, 7, 7), D(2026, 7, 1)),
    # A parish at Easter: Tuesday 7 April, Saturday 4 April, Thursday 2 April.
    (PARISH, D(2026, 4, 8), D(2026, 4, 1)),
])
def test_latest_publication_across_holidays(rule: NoticeRule, meeting: D, latest: D) -> None:
    assert latest_publication(meeting, rule) == latest


def test_extra_days_count_as_holidays() -> None:
    show_day = NoticeRule(extra_days=(D(2026, 7, 6),))
    assert latest_publication(D(2026, 7, 8), show_day) == D(2026, 6, 29)
    assert clear_days(D(2026, 6, 30), D(2026, 7, 8), show_day) == 4
    # Only where the rule skips holidays at all.
    every_weekday = NoticeRule(skip=frozenset({"saturday", "sunday"}),
                               extra_days=(D(2026, 7, 6),))
    assert clear_days(D(2026, 6, 30), D(2026, 7, 8), every_weekday) == 5
    # With no calendar, extra_days are the only holidays: Easter Monday counts.
    local_only = NoticeRule(calendar="none", extra_days=(D(2026, 4, 7),))
    assert clear_days(D(2026, 3, 31), D(2026, 4, 9), local_only) == 5  # 1 2 3 6 8 April


def test_warning_names_the_rule_and_its_source(folder: MeetingFolder) -> None:
    meeting = validate(folder.write(basic_meeting([{"title": "Budget"}],
                                                  date=D(2026, 12, 3))))
    [warning] = publication_warnings(meeting, D(2026, 11, 27), SCOTLAND)
    assert warning.message == (
        "published on Friday 27 November 2026, the agenda would be open for 2 clear days "
        "before the meeting; the law asks for 3 clear days (section 50B of the Local "
        "Government (Scotland) Act 1973), not counting Saturdays, Sundays or bank holidays "
        "in Scotland "
        "(publish by Thursday 26 November 2026)")
    assert warning.position == meeting.pos and warning.severity == "warning"
    assert publication_warnings(meeting, D(2026, 11, 26), SCOTLAND) == []
    parish = NoticeRule(3, frozenset({"sunday", "holidays"}), "england-and-wales",
                        (D(2026, 12, 1), D(2026, 12, 2)), "paragraph 10 of Schedule 12")
    [warning] = publication_warnings(meeting, D(2026, 11, 30), parish)
    assert warning.message == (
        "published on Monday 30 November 2026, the agenda would be open for 0 clear days "
        "before the meeting; the law asks for 3 clear days (paragraph 10 of Schedule 12), "
        "not counting "
        "Sundays, bank holidays in England and Wales or the 2 days in notice.extra_days "
        "(publish by Thursday 26 November 2026)")


def test_a_council_calendar_in_the_meetings_templates(folder: MeetingFolder) -> None:
    meeting = validate(folder.write(basic_meeting([{"title": "Budget"}],
                                                  date=D(2026, 9, 10))))
    calendars = folder.folder / "templates" / "calendars"
    calendars.mkdir(parents=True)
    (calendars / "riverside.yaml").write_text(
        "title: holidays in Riverside\nextends: england-and-wales\nholidays:\n"
        "  - name: Riverside Fair\n    day: second Tuesday in September\n", encoding="utf-8")
    fair = NoticeRule(calendar="riverside")
    # The fair, Tuesday 8 September, does not count: four clear days, not five.
    [warning] = publication_warnings(meeting, D(2026, 9, 2), fair)
    assert warning.message.endswith("not counting Saturdays, Sundays or holidays in Riverside "
                                    "(publish by Tuesday 1 September 2026)")
    assert publication_warnings(meeting, D(2026, 9, 2), ENGLAND) == []


def test_an_unknown_calendar_is_a_problem_at_the_meeting(folder: MeetingFolder) -> None:
    meeting = validate(folder.write(basic_meeting([{"title": "Budget"}])))
    with pytest.raises(ValidationError) as caught:
        publication_warnings(meeting, D(2026, 7, 1), NoticeRule(calendar="wales"))
    [problem] = caught.value.problems
    assert problem.position == meeting.pos
    assert problem.message == ('no holiday calendar "wales"; there are: england-and-wales, '
                               "none, northern-ireland, scotland, section-243")


def test_validate_warns_of_late_publication(run_cli: BuildFn) -> None:
    late = run_cli("validate", "--publish-date", "2026-07-03", str(EXAMPLE))
    assert late.returncode == 0
    assert besides_untagged(late.stderr.splitlines())[0].endswith(
        "warning: published on Friday 3 July 2026, the agenda would be open for 2 clear days "
        "before the meeting; the law asks for 5 clear days (section 100B(3) of the Local "
        "Government Act 1972), not counting Saturdays, Sundays or bank holidays in England "
        "and Wales "
        "(publish by Tuesday 30 June 2026)")
    on_time = run_cli("validate", "--publish-date", "2026-06-30", str(EXAMPLE))
    assert on_time.returncode == 0 and besides_untagged(on_time.stderr.splitlines()) == []
    assert run_cli("validate", "--publish-date", "30/06/2026", str(EXAMPLE)).returncode == 2


def test_a_parish_does_not_count_the_easter_or_christmas_breaks(folder: MeetingFolder) -> None:
    """Section 243 disregards Maundy Thursday to Easter Tuesday, and the last weekday
    before Christmas Day to the first weekday after it that is not a bank holiday, which
    are more than the bank holidays; a Saturday Christmas Day does not count either."""
    parish = validate(folder.write(basic_meeting([{"title": "Budget"}], date=D(2026, 4, 8),
                                                 jurisdiction="parish"))).jurisdiction.notice
    # Easter Day 5 April 2026: Thursday 2 to Tuesday 7 April do not count; 30 and 31 March
    # and 1 April do, so Sunday 29 March is the last day to publish.
    assert latest_publication(D(2026, 4, 8), parish) == D(2026, 3, 29)
    # Christmas Day 2027 is a Saturday: Friday 24 to Wednesday 29 December do not count;
    # 30, 23 and 22 December do.
    assert latest_publication(D(2027, 12, 31), parish) == D(2027, 12, 21)
