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


def test_an_event_says_the_patients_short_name_and_the_type():
    from types import SimpleNamespace

    from services.scheduling.feed import event_for, staff_colors, transport_event

    patient = SimpleNamespace(given_name="Rosa", preferred_name=None, family_name="Diaz")
    visit = SimpleNamespace(
        id=1, kind="home-health visit", status="booked", title="Home health visit",
        patient=patient, staff_id=7, start_at=datetime(2026, 12, 3, 15, tzinfo=UTC),
        end_at=datetime(2026, 12, 3, 16, tzinfo=UTC), version=1, series_id=None,
        transport=None, needs_transport=False,
    )  # fmt: skip
    assert event_for(visit, "America/New_York", editable=False)["title"] == "R. Diaz · home visit"
    visit.kind, visit.title = "medical appointment", "Cardiology follow-up"
    event = event_for(visit, "America/New_York", editable=False, colors=staff_colors([3, 7]))
    assert event["title"] == "R. Diaz · appt: Cardiology follow-up"
    assert event["backgroundColor"] == staff_colors([3, 7])[7][1]  # the staff member's color
    visit.transport = SimpleNamespace(
        id=5, confirmed=True, vendor="Bellchester Rides",
        pickup_at=datetime(2026, 12, 3, 14, tzinfo=UTC),
    )  # fmt: skip
    visit.needs_transport = True
    ride = transport_event(visit, "America/New_York")
    assert ride["title"] == "Ride R. Diaz · Bellchester Rides (confirmed)"


def test_month_view_opens_on_this_month_from_this_week():
    from datetime import date

    from components.scheduling.calendar_view import initial_date

    week = {"activeStart": "2026-11-30", "activeEnd": "2026-12-07", "currentStart": "2026-11-30"}
    assert initial_date(week, date(2026, 12, 1)) == "2026-12-01"  # not November
    later = {"activeStart": "2027-01-04", "activeEnd": "2027-01-11", "currentStart": "2027-01-04"}
    assert initial_date(later, date(2026, 12, 1)) == "2027-01-04"
    assert initial_date(None, date(2026, 12, 1)) is None
