"""Holiday calendars computed from their rules (templates/calendars/*.yaml), checked
against the lists gov.uk publishes, and a council's own calendar file and its problems."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from packgen.calendars import calendar_names, holidays, load_calendar
from packgen.errors import ValidationError
from tests.conftest import BuildFn, MeetingFolder, basic_meeting

# gov.uk's published bank holidays (https://www.gov.uk/bank-holidays and its JSON, and for
# the years before 2018 the same data as published then, in alphagov/calendars'
# lib/data/bank-holidays.json): the oracle, written out by hand, not computed.
ENGLAND_AND_WALES = {
    2011: "01-03 04-22 04-25 04-29 05-02 05-30 08-29 12-26 12-27",
    2012: "01-02 04-06 04-09 05-07 06-04 06-05 08-27 12-25 12-26",
    2013: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    2014: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    2015: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
    2016: "01-01 03-25 03-28 05-02 05-30 08-29 12-26 12-27",
    2017: "01-02 04-14 04-17 05-01 05-29 08-28 12-25 12-26",
    2018: "01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26",
    2019: "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26",
    2020: "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28",
    2021: "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28",
    2022: "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
    2023: "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26",
    2024: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
    2027: "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28",
}
SCOTLAND = {
    # 2011: 2 January (a Sunday) moved to the 3rd by statute; no New Year's Day substitute
    # was proclaimed (https://dracos.co.uk/wrote/bad-bank-holidays).
    2011: "01-03 04-22 04-29 05-02 05-30 08-01 11-30 12-26 12-27",
    2012: "01-02 01-03 04-06 05-07 06-04 06-05 08-06 11-30 12-25 12-26",
    2013: "01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 12-26",
    2014: "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26",
    2015: "01-01 01-02 04-03 05-04 05-25 08-03 11-30 12-25 12-28",
    2016: "01-01 01-04 03-25 05-02 05-30 08-01 11-30 12-26 12-27",
    2017: "01-02 01-03 04-14 05-01 05-29 08-07 11-30 12-25 12-26",
    2018: "01-01 01-02 03-30 05-07 05-28 08-06 11-30 12-25 12-26",
    2019: "01-01 01-02 04-19 05-06 05-27 08-05 12-02 12-25 12-26",
    2020: "01-01 01-02 04-10 05-08 05-25 08-03 11-30 12-25 12-28",
    2021: "01-01 01-04 04-02 05-03 05-31 08-02 11-30 12-27 12-28",
    2022: "01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 11-30 12-26 12-27",
    2023: "01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 12-25 12-26",
    2024: "01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 12-26",
    2025: "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26",
    2026: "01-01 01-02 04-03 05-04 05-25 08-03 11-30 12-25 12-28",
    2027: "01-01 01-04 03-26 05-03 05-31 08-02 11-30 12-27 12-28",
}
# England and Wales's, plus these two.
NORTHERN_IRELAND_OWN = {
    2011: "03-17 07-12", 2012: "03-19 07-12", 2013: "03-18 07-12", 2014: "03-17 07-14",
    2015: "03-17 07-13", 2016: "03-17 07-12", 2017: "03-17 07-12", 2018: "03-19 07-12",
    2019: "03-18 07-12", 2020: "03-17 07-13", 2021: "03-17 07-12", 2022: "03-17 07-12",
    2023: "03-17 07-12", 2024: "03-18 07-12", 2025: "03-17 07-14", 2026: "03-17 07-13",
    2027: "03-17 07-12",
}
NORTHERN_IRELAND = {year: f"{ENGLAND_AND_WALES[year]} {own}"
                    for year, own in NORTHERN_IRELAND_OWN.items()}


def _dates(year: int, days: str) -> set[datetime.date]:
    return {datetime.date(year, int(d[:2]), int(d[3:])) for d in days.split()}


@pytest.mark.parametrize("name, published", [
    ("england-and-wales", ENGLAND_AND_WALES), ("scotland", SCOTLAND),
    ("northern-ireland", NORTHERN_IRELAND)])
def test_calendars_match_gov_uk_2011_to_2027(name: str, published: dict[int, str]) -> None:
    calendar = load_calendar(name)
    for year, days in published.items():
        assert holidays(calendar, year) == _dates(year, days), year


def test_the_theme_has_four_calendars_and_none() -> None:
    assert calendar_names() == ["england-and-wales", "none", "northern-ireland", "scotland",
                                "section-243"]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / "templates" / "calendars" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_council_calendar_extends_the_theme_and_overrides_it(tmp_path: Path) -> None:
    _write(tmp_path, "riverside", "title: holidays in Riverside\nextends: england-and-wales\n"
           "holidays:\n  - name: Riverside Fair\n    day: second Tuesday in September\n")
    # An override of a built-in calendar, extending the one it overrides: a one-off
    # holiday packgen does not know yet.
    _write(tmp_path, "england-and-wales", "title: bank holidays in England and Wales\n"
           "extends: england-and-wales\nchanges:\n  - name: A jubilee\n"
           "    added: 2027-06-04\n")
    dirs = [tmp_path / "templates"]
    assert "riverside" in calendar_names(dirs)
    riverside = holidays(load_calendar("riverside", dirs, tmp_path), 2027)
    assert riverside == _dates(2027, ENGLAND_AND_WALES[2027]) | _dates(2027, "09-14 06-04")
    theirs = holidays(load_calendar("england-and-wales", dirs, tmp_path), 2027)
    assert theirs == _dates(2027, ENGLAND_AND_WALES[2027]) | _dates(2027, "06-04")
    assert holidays(load_calendar("england-and-wales"), 2027) == _dates(
        2027, ENGLAND_AND_WALES[2027])


@pytest.mark.parametrize("text, line, message", [
    ("title: t\nholidays:\n  - name: Fair\n    date: 31 February\n    weekend: stays\n", 4,
     'holidays[0].date: expected a day and month like "25 December", found "31 February"'),
    ("title: t\nholidays:\n  - name: Fair\n    date: 1 May\n", 3,
     'holidays[0]: "date" needs "weekend" beside it'),
    ("title: t\nholidays:\n  - name: Fair\n    easter: 1\n    weekend: stays\n", 5,
     'holidays[0]: "weekend" goes only with "date"'),
    ("title: t\nholidays:\n  - name: Fair\n    easter: 1\n    day: first Monday in May\n", 4,
     'holidays[0]: "day" and "easter" together: give one of "date" or "day" or "easter" '
     'or "around"'),
    ("title: t\nholidays:\n  - name: Fair\n    day: fifth Monday in May\n", 4,
     'holidays[0].day: expected a day like "first Monday in May" or "last Monday in '
     'August", found "fifth Monday in May"'),
    ("title: t\nholidays:\n  - name: Fair\n    date: 1 May\n    weekend: next Sunday\n", 5,
     'holidays[0].weekend: expected "next weekday", "next Monday" or "stays", found '
     '"next Sunday"'),
    ("title: t\nchanges:\n  - name: Gone\n    moved: 2027-05-03\n", 3,
     'changes[0]: "moved" needs "to" beside it'),
    ("title: t\nchanges:\n  - name: Gone\n    added: 03/05/2027\n", 4,
     'changes[0].added: expected a date like 2026-07-08, found "03/05/2027"'),
    ("title: t\nextends: nowhere\n", 2,
     'extends: no holiday calendar "nowhere"; there are: england-and-wales, local, none, '
     'northern-ireland, other, scotland, section-243'),
    ("title: t\nextends: local\n", 2, 'extends: no calendar "local" for this one to override '
     "(one that extends its own name extends the theme's)"),
    # Reported in other.yaml, whose extends: closes the circle.
    ("title: t\nextends: other\n", 2, 'extends: "local" extends this calendar in turn'),
    ("titel: t\n", 1, 'unknown key "titel" (did you mean "title"?)'),
])
def test_a_wrong_calendar_is_a_problem_at_its_line(tmp_path: Path, text: str, line: int,
                                                   message: str) -> None:
    path = _write(tmp_path, "local", text)
    _write(tmp_path, "other", "title: t\nextends: local\n")
    with pytest.raises(ValidationError) as caught:
        load_calendar("local", [tmp_path / "templates"], tmp_path)
    assert [str(p).split(": error: ")[1] for p in caught.value.problems] == [message]
    assert caught.value.problems[0].position.file.parent == path.parent
    assert caught.value.problems[0].position.line == line


def test_a_calendar_linked_from_outside_the_repository_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("title: t\n", encoding="utf-8")
    link = tmp_path / "repo" / "templates" / "calendars" / "local.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    with pytest.raises(ValidationError) as caught:
        load_calendar("local", [tmp_path / "repo" / "templates"], tmp_path / "repo")
    assert "must lie inside it" in str(caught.value.problems[0])


def test_a_calendar_name_is_never_a_path(tmp_path: Path) -> None:
    _write(tmp_path, "local", "title: t\n")
    with pytest.raises(ValidationError) as caught:
        load_calendar("../calendars/local", [tmp_path / "templates"], tmp_path)
    assert 'no holiday calendar "../calendars/local"' in caught.value.problems[0].message


def test_a_broken_calendar_stops_build_and_shows_with_other_problems(
        folder: MeetingFolder, run_cli: BuildFn) -> None:
    """A council calendar is checked by build as by validate, and in the same run as the
    meeting's other problems (a missing file), not only once those are mended."""
    calendars = folder.folder / "templates" / "calendars"
    calendars.mkdir(parents=True)
    (calendars / "local.yaml").write_text("title: t\nholidays:\n  - name: Fair\n"
                                          "    date: 31 February\n    weekend: stays\n")
    good = folder.write(basic_meeting([{"title": "Budget"}]), {"notice": {"calendar": "local"}})
    built = run_cli("build", str(good), "-o", str(folder.root / "pack.pdf"))
    assert built.returncode == 1 and not (folder.root / "pack.pdf").exists()
    assert "local.yaml:4:11: error: holidays[0].date:" in built.stderr
    bad = folder.write(basic_meeting([{"title": "Budget", "attachments": ["missing.pdf"]}]),
                       {"notice": {"calendar": "local"}})
    checked = run_cli("validate", str(bad))
    errors = [line for line in checked.stderr.splitlines() if "error:" in line]
    assert any("missing.pdf" in line for line in errors)
    assert any("local.yaml:4:11: error: holidays[0].date:" in line for line in errors)
