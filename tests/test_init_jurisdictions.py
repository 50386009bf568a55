"""`packgen init` plus one line: every built-in jurisdiction builds the starter, and
`validate --publish-date` gives that jurisdiction's last day to publish.

Each case moves the starter meeting (Wednesday 16 September 2026, near no holiday in any
calendar) to a date where the jurisdiction's own rule and holidays decide the answer. The
days were worked out by hand from each rule (templates/jurisdictions/NAME.yaml: clear days,
the days skipped) and the calendars (gov.uk's lists). "Clear" days leave out the day of
publication and the day of the meeting; counting back from the meeting, the last day to
publish is the day before the N-th day that counts.

england, 5 clear days, no weekends or bank holidays in England and Wales. Meeting Thursday
  3 September 2026: Wed 2 (1), Tue 1 (2), Mon 31 August is the summer bank holiday, Sun and
  Sat skipped, Fri 28 (3), Thu 27 (4), Wed 26 (5): publish by Tuesday 25 August. Published on
  Wed 26, it would have 4.
wales, 3 clear days, the same days skipped. Meeting Wednesday 2 September 2026: Tue 1 (1),
  Mon 31 August (bank holiday), Sun, Sat, Fri 28 (2), Thu 27 (3): publish by Wednesday
  26 August. Published on Thu 27: 2.
scotland, 3 clear days, no weekends or Scottish bank holidays. 2 January 2027 is a Saturday,
  so Scotland's 2 January holiday moves to Monday 4 January (England has none). Meeting
  Thursday 7 January 2027: Wed 6 (1), Tue 5 (2), Mon 4 (holiday), Sun, Sat, Fri 1 January
  (New Year's Day), Thu 31 December (3): publish by Wednesday 30 December 2026. Published
  on Thu 31 December: 2.
northern-ireland, 3 days counted as clear working days, Northern Ireland's holidays. 12 July
  2026 is a Sunday, so its holiday is Monday 13 July. Meeting Wednesday 15 July 2026: Tue 14
  (1), Mon 13 (holiday), Sun, Sat, Fri 10 (2), Thu 9 (3): publish by Wednesday 8 July.
  Published on Thu 9: 2.
parish, 3 clear days; Sundays and bank holidays do not count, Saturdays do. Meeting Tuesday
  1 September 2026: Mon 31 August (bank holiday), Sun 30, Sat 29 (1), Fri 28 (2), Thu 27 (3):
  publish by Wednesday 26 August. Published on Thu 27: 2 (Fri, Sat).
nhs, 3 working days, England and Wales. Easter 2027 is 28 March: Good Friday 26 March and
  Easter Monday 29 March. Meeting Wednesday 31 March 2027: Tue 30 (1), Mon 29 (holiday), Sun,
  Sat, Fri 26 (holiday), Thu 25 (2), Wed 24 (3): publish by Tuesday 23 March. Published on
  Wed 24: 2.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

import pytest

# name: (meeting date, last day to publish, what the warning says of the rule)
CASES = {
    "england": ("2026-09-03", "2026-08-25", "the law asks for 5 clear days (section 100B(3)"),
    "wales": ("2026-09-02", "2026-08-26",
              "the law asks for 3 clear days (section 100A(6)(aa) and section 100B(3)"),
    "scotland": ("2027-01-07", "2026-12-30",
                 "the law asks for 3 clear days (section 50B of the Local Government "
                 "(Scotland) Act 1973), not counting Saturdays, Sundays or bank holidays in "
                 "Scotland"),
    "northern-ireland": ("2026-07-15", "2026-07-08",
                         "the law asks for 3 clear days (paragraph 5 of Schedule 5 to the Local "
                         "Government Act (Northern Ireland) 2014), not counting Saturdays, "
                         "Sundays or bank holidays in Northern Ireland"),
    "parish": ("2026-09-01", "2026-08-26",
               "the law asks for 3 clear days (paragraph 10 of Schedule 12 to, and section "
               "243 of, the Local Government Act 1972), not counting Sundays or bank "
               "holidays, the Christmas break or the Easter break"),
    "nhs": ("2027-03-31", "2027-03-23",
            "the law asks for 3 clear days (the trust's standing orders"),
}


def packgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "packgen", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def said(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_init_plus_one_line_builds_and_gives_the_last_day_to_publish(
        tmp_path: Path, name: str) -> None:
    meeting_day, last_day, rule = CASES[name]
    made = packgen("init", "council", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    council = tmp_path / "council"
    with (council / "packgen.yaml").open("a") as config:
        config.write(f"jurisdiction: {name}\n")
    meeting = council / "first-meeting" / "meeting.yaml"
    text = meeting.read_text()
    assert text.count("date: 2026-09-16\n") == 1
    meeting.write_text(text.replace("date: 2026-09-16\n", f"date: {meeting_day}\n"))

    built = packgen("build", "first-meeting/meeting.yaml", cwd=council)
    assert built.returncode == 0, built.stderr
    assert (council / "build" / "first-meeting.pdf").stat().st_size > 0

    last = datetime.date.fromisoformat(last_day)
    late = last + datetime.timedelta(days=1)
    warned = packgen("validate", "first-meeting/meeting.yaml", "--publish-date",
                     late.isoformat(), cwd=council)
    assert warned.returncode == 0, warned.stderr
    [warning] = [line for line in warned.stderr.splitlines() if "warning" in line]
    assert re.match(r"first-meeting/meeting\.yaml:\d+:\d+: warning: published on "
                    + re.escape(said(late)), warning), warning
    short = 4 if name == "england" else 2  # clear days a day too late: see above
    assert f"the agenda would be open for {short} clear days before the meeting" in warning
    assert rule in warning, warning
    assert warning.endswith(f"(publish by {said(last)})"), warning

    on_time = packgen("validate", "first-meeting/meeting.yaml", "--publish-date", last_day,
                      cwd=council)
    assert on_time.returncode == 0 and "warning" not in on_time.stderr, on_time.stderr
