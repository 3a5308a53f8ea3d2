"""Recurrence expansion: DST changes, month ends, every N weeks, ends by date or count."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.core import clock
from services.core.errors import InvalidInput
from services.scheduling import recurrence
from services.scheduling.recurrence import Frequency, Repeat

NY = "America/New_York"


def test_weekly_keeps_wall_time_across_spring_forward():
    first = datetime(2026, 3, 3, 9, 0)  # Tuesday before the 8 March change
    rule = recurrence.build_rule(Repeat(Frequency.WEEKLY, count=3), first)
    occ = recurrence.expand(rule, first, NY)
    assert [loc.hour for loc, _ in occ] == [9, 9, 9]
    assert [u.hour for _, u in occ] == [14, 13, 13]  # EST then EDT
    assert all(u.tzinfo == UTC for _, u in occ)


def test_daily_across_fall_back_and_duration_is_wall_clock():
    first = datetime(2026, 10, 31, 23, 30)
    rule = recurrence.build_rule(Repeat(Frequency.DAILY, count=2), first)
    occ = recurrence.expand(rule, first, NY)
    assert [u for _, u in occ] == [
        datetime(2026, 11, 1, 3, 30, tzinfo=UTC),
        datetime(2026, 11, 2, 4, 30, tzinfo=UTC),
    ]
    # 01:00 -> 02:00 local on the fall-back night spans 2 real hours of wall time? No: the
    # end is computed in wall time, so a 60-minute visit at 00:30 ends at 01:30 local.
    end = recurrence.end_for(datetime(2026, 11, 1, 0, 30), 60, NY)
    assert end == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_nonexistent_local_time_moves_forward():
    # 02:30 does not exist on 8 March 2026 in New York.
    assert clock.local_to_utc(datetime(2026, 3, 8, 2, 30), NY) == datetime(
        2026, 3, 8, 7, 30, tzinfo=UTC
    )


def test_every_eight_weeks_on_tuesday():
    first = datetime(2026, 1, 6, 10, 0)  # a Tuesday
    rule = recurrence.build_rule(Repeat(Frequency.WEEKLY, interval=8, count=4), first)
    assert rule == "FREQ=WEEKLY;INTERVAL=8;BYDAY=TU;COUNT=4"
    dates = [loc.date() for loc, _ in recurrence.expand(rule, first, NY)]
    assert dates == [date(2026, 1, 6), date(2026, 3, 3), date(2026, 4, 28), date(2026, 6, 23)]
    assert recurrence.describe(rule) == "every 8 weeks on Tue, 4 times"


def test_weekly_on_chosen_weekdays_until_date():
    first = datetime(2026, 6, 1, 8, 0)  # Monday
    rule = recurrence.build_rule(
        Repeat(Frequency.WEEKLY, weekdays=("MO", "WE", "FR"), until=date(2026, 6, 12)), first
    )
    dates = [loc.day for loc, _ in recurrence.expand(rule, first, NY)]
    assert dates == [1, 3, 5, 8, 10, 12]


@pytest.mark.parametrize(
    ("start_day", "expected"),
    [
        (31, [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31)]),
        (30, [(1, 30), (2, 28), (3, 30), (4, 30), (5, 30)]),
        (29, [(1, 29), (2, 28), (3, 29), (4, 29), (5, 29)]),
        (15, [(1, 15), (2, 15), (3, 15), (4, 15), (5, 15)]),
    ],
)
def test_monthly_month_ends(start_day, expected):
    first = datetime(2027, 1, start_day, 11, 0)  # 2027: February has 28 days
    rule = recurrence.build_rule(Repeat(Frequency.MONTHLY, count=5), first)
    got = [(loc.month, loc.day) for loc, _ in recurrence.expand(rule, first, NY)]
    assert got == expected


def test_monthly_leap_year_february():
    first = datetime(2028, 1, 31, 9, 0)
    rule = recurrence.build_rule(Repeat(Frequency.MONTHLY, count=2), first)
    assert [loc.day for loc, _ in recurrence.expand(rule, first, NY)] == [31, 29]


def test_with_until_ends_the_rule():
    first = datetime(2026, 1, 5, 9, 0)
    rule = recurrence.build_rule(Repeat(Frequency.WEEKLY, count=10), first)
    cut = recurrence.with_until(rule, datetime(2026, 1, 19, 9, 0))
    assert [loc.day for loc, _ in recurrence.expand(cut, first, NY)] == [5, 12, 19]


@pytest.mark.parametrize(
    ("repeat", "field"),
    [
        (Repeat(Frequency.WEEKLY), "repeat_end"),
        (Repeat(Frequency.WEEKLY, count=3, until=date(2027, 1, 1)), "repeat_end"),
        (Repeat(Frequency.WEEKLY, count=0), "repeat_end"),
        (Repeat(Frequency.WEEKLY, interval=0, count=2), "interval"),
        (Repeat(Frequency.WEEKLY, weekdays=("XX",), count=2), "weekdays"),
    ],
)
def test_bad_repeat_is_refused(repeat, field):
    with pytest.raises(InvalidInput) as err:
        recurrence.build_rule(repeat, datetime(2026, 1, 1, 9))
    assert field in err.value.errors


def test_day_bounds_on_dst_day_are_23_hours():
    start, end = clock.day_bounds_utc(date(2026, 3, 8), NY)
    assert (end - start).total_seconds() == 23 * 3600
