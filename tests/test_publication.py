"""Five clear working days: the agenda's publication deadline."""

from __future__ import annotations

import datetime

import pytest

from packgen.publication import bank_holidays, clear_working_days, easter, latest_publication
from tests.conftest import EXAMPLE, BuildFn

D = datetime.date


def test_bank_holidays_in_england() -> None:
    assert bank_holidays(2026) == {D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4),
                                   D(2026, 5, 25), D(2026, 8, 31), D(2026, 12, 25),
                                   D(2026, 12, 28)}
    # Christmas on a Saturday, Boxing Day on a Sunday: Monday and Tuesday instead.
    assert {D(2021, 12, 27), D(2021, 12, 28)} <= bank_holidays(2021)
    # The Platinum Jubilee moved the spring holiday; the Queen's funeral was added.
    holidays_2022 = bank_holidays(2022)
    assert {D(2022, 6, 2), D(2022, 6, 3), D(2022, 9, 19)} <= holidays_2022
    assert D(2022, 5, 30) not in holidays_2022
    assert D(2020, 5, 8) in bank_holidays(2020) and D(2020, 5, 4) not in bank_holidays(2020)
    assert [easter(y) for y in (2024, 2025, 2026, 2027)] == [
        D(2024, 3, 31), D(2025, 4, 20), D(2026, 4, 5), D(2027, 3, 28)]


@pytest.mark.parametrize("published, meeting, clear", [
    (D(2026, 6, 30), D(2026, 7, 8), 5),   # Tue to Wed week after: Wed Thu Fri Mon Tue
    (D(2026, 7, 1), D(2026, 7, 8), 4),
    (D(2026, 3, 27), D(2026, 4, 8), 5),   # Easter: Good Friday and Easter Monday skipped
    (D(2026, 3, 30), D(2026, 4, 8), 4),
    (D(2026, 12, 21), D(2026, 12, 31), 5),  # Christmas Day and the Boxing Day substitute
])
def test_clear_working_days(published: D, meeting: D, clear: int) -> None:
    assert clear_working_days(published, meeting) == clear


def test_latest_publication() -> None:
    assert latest_publication(D(2026, 7, 8)) == D(2026, 6, 30)
    # Published on the Sunday, 30 and 31 March, 1, 2 and 7 April are the five clear days.
    assert latest_publication(D(2026, 4, 8)) == D(2026, 3, 29)


def test_validate_warns_of_late_publication(run_cli: BuildFn) -> None:
    late = run_cli("validate", "--publish-date", "2026-07-03", str(EXAMPLE))
    assert late.returncode == 0
    assert late.stderr.splitlines()[0].endswith(
        "warning: published on Friday 3 July 2026, the agenda would be open for 2 clear "
        "working days before the meeting; the law asks for 5 (publish by Tuesday 30 June 2026)")
    on_time = run_cli("validate", "--publish-date", "2026-06-30", str(EXAMPLE))
    assert on_time.returncode == 0 and on_time.stderr == ""
    assert run_cli("validate", "--publish-date", "30/06/2026", str(EXAMPLE)).returncode == 2
