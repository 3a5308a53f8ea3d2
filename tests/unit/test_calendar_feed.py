"""Calendar callback strings and the events sent to the widget, round-tripped through UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.scheduling import feed as calendar_feed
from services.scheduling.feed import parse_calendar_time, wall_string

NY = "America/New_York"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07-01T13:00:00Z", datetime(2026, 7, 1, 13, tzinfo=UTC)),
        ("2026-07-01T13:00:00.000Z", datetime(2026, 7, 1, 13, tzinfo=UTC)),
        ("2026-07-01T09:00:00-04:00", datetime(2026, 7, 1, 13, tzinfo=UTC)),
        ("2026-01-15T09:00:00-05:00", datetime(2026, 1, 15, 14, tzinfo=UTC)),
        ("2026-07-01T09:00:00", datetime(2026, 7, 1, 13, tzinfo=UTC)),  # clinic wall time
        ("2026-01-15T09:00:00", datetime(2026, 1, 15, 14, tzinfo=UTC)),
    ],
)
def test_parse_callback_strings(text, expected):
    got = parse_calendar_time(text, NY)
    assert got == expected and got.tzinfo == UTC


def test_coerced_z_is_wall_time():
    # A Date from the widget on a named zone without plugin: "Z" carries wall time.
    assert parse_calendar_time("2026-07-01T09:00:00.000Z", NY, coerced=True) == datetime(
        2026, 7, 1, 13, tzinfo=UTC
    )
    # An explicit non-zero offset is still a real instant.
    assert parse_calendar_time("2026-07-01T09:00:00-04:00", NY, coerced=True) == datetime(
        2026, 7, 1, 13, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 3, 8, 6, 59, tzinfo=UTC),  # just before spring forward
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # just after
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # fall back: 01:30 EDT... second 01:30 EST
        datetime(2026, 12, 31, 23, 45, tzinfo=UTC),
    ],
)
def test_round_trip_utc_to_widget_and_back(instant):
    # through the wall-clock string the widget gets
    back = parse_calendar_time(wall_string(instant, NY), NY)
    if instant != datetime(2026, 11, 1, 6, 30, tzinfo=UTC):
        assert back == instant
    else:
        # the repeated hour is ambiguous as wall time; we read the first (daylight) one
        assert back == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    # through the two explicit forms
    assert parse_calendar_time(instant.isoformat().replace("+00:00", "Z"), NY) == instant
    local = instant.astimezone(__import__("zoneinfo").ZoneInfo(NY)).isoformat()
    assert parse_calendar_time(local, NY) == instant


def test_visible_range_pads_the_view():
    view = {"activeStart": "2026-06-28T00:00:00.000Z", "activeEnd": "2026-07-05T00:00:00.000Z"}
    start, end = calendar_feed.visible_range(view, NY, date(2026, 7, 1))
    assert start == datetime(2026, 6, 27, 4, tzinfo=UTC)
    assert end == datetime(2026, 7, 6, 4, tzinfo=UTC)
    # no view yet: the week around today
    start, end = calendar_feed.visible_range(None, NY, date(2026, 7, 1))
    assert start < datetime(2026, 6, 29, 4, tzinfo=UTC) and end > datetime(2026, 7, 6, tzinfo=UTC)


def test_signature_distinguishes_changes_and_repeats():
    change = {
        "callback": "eventChange",
        "eventChange": {
            "oldEvent": {"id": "7", "start": "2026-07-01T09:00:00"},
            "event": {"id": "7", "start": "2026-07-02T09:00:00", "end": "2026-07-02T10:00:00"},
        },
    }
    again = {**change}
    sig = calendar_feed.change_signature(change)
    assert sig == calendar_feed.change_signature(again)
    moved_back = {
        "callback": "eventChange",
        "eventChange": {
            "oldEvent": {"id": "7", "start": "2026-07-02T09:00:00"},
            "event": {"id": "7", "start": "2026-07-01T09:00:00", "end": "2026-07-01T10:00:00"},
        },
    }
    assert calendar_feed.change_signature(moved_back) != sig
