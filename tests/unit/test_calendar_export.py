"""`.ics` export: parsed back with icalendar; TZID times; no detail unless chosen; a series
as one RRULE event with EXDATE and RECURRENCE-ID; a VTIMEZONE that reads right in clients
that use the embedded definition and read only an RDATE's first value (a DST-week check)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy import select

from db.base import today as clinic_today
from db.models import AuditEvent
from services.scheduling import appointments as scheduling
from services.scheduling import ics as calendar_export
from services.scheduling.appointments import Scope
from services.scheduling.ics import IcsOptions
from services.scheduling.recurrence import Frequency, Repeat
from tests.unit.test_scheduling import at, data, make_patient

NY = "America/New_York"


@pytest.fixture(autouse=True)
def _clinic_tz(monkeypatch):
    monkeypatch.setenv("CAREDESK_TIMEZONE", NY)


def spring_forward(year: int) -> date:
    """The Sunday New York moves its clocks forward."""
    day = date(year, 3, 1)
    while ZoneInfo(NY).utcoffset(datetime(day.year, day.month, day.day, 12)) != timedelta(hours=-4):
        day += timedelta(days=1)
    return day


def expand(events: list[dict]) -> dict[str, list[datetime]]:
    """What a calendar client shows: each UID's occurrences (RRULE minus EXDATE, moved ones
    at their new time), as UTC instants."""
    out: dict[str, list[datetime]] = {}
    for ev in events:
        if ev["recurrence_id"] is not None:
            continue
        if ev["rrule"]:
            start = ev["start"]
            rule = rrulestr(ev["rrule"], dtstart=start)  # wall-clock steps in the event's zone
            out[ev["uid"]] = [d for d in rule if d not in ev["exdates"]]
        else:
            out[ev["uid"]] = [ev["start"]]
    for ev in events:
        if ev["recurrence_id"] is not None:
            times = out[ev["uid"]]
            times[times.index(ev["recurrence_id"])] = ev["start"]
    return {uid: sorted(t.astimezone(UTC) for t in times) for uid, times in out.items()}


def test_one_appointment_minimal_by_default(s, nurse):
    p = make_patient(s)
    a = scheduling.book_appointment(
        s, nurse, data(p, nurse.id, at(2026, 7, 1, 9), notes="HIV clinic follow-up", location="x")
    ).appointment
    raw = calendar_export.export_appointment(s, nurse, a.id, IcsOptions())
    assert b"BEGIN:VTIMEZONE" in raw and b"TZID=America/New_York" in raw
    (ev,) = calendar_export.parse_ics(raw)
    assert ev["summary"] == "Medical appointment"
    assert ev["tzid"] == NY
    assert ev["start"] == at(2026, 7, 1, 9) and ev["end"] - ev["start"] == timedelta(hours=1)
    assert ev["start"].utcoffset() == timedelta(hours=-4)
    assert b"Reyes" not in raw and b"HIV" not in raw and b"Cardiology" not in raw
    assert ev["location"] is None and ev["rrule"] is None
    exported = s.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert exported.patient_id == p.id


def test_chosen_detail_is_included(s, nurse):
    p = make_patient(s)
    a = scheduling.book_appointment(
        s, nurse, data(p, nurse.id, at(2026, 7, 1, 9), notes="Bring glucose log", location="Room 4")
    ).appointment
    opts = IcsOptions(title=True, patient_name=True, location=True, notes=True)
    (ev,) = calendar_export.parse_ics(calendar_export.export_appointment(s, nurse, a.id, opts))
    assert ev["summary"] == "Medical appointment: Cardiology — Reyes, Ana"
    assert ev["location"] == "Room 4" and "Bring glucose log" in ev["description"]


def _weekly_across_spring_forward(s, nurse, p, count=6):
    """Tuesdays 09:00 New York time, two before the clocks change and the rest after."""
    first_day = spring_forward(clinic_today().year + 1) - timedelta(days=12)
    return scheduling.book_appointment(
        s,
        nurse,
        data(p, nurse.id, at(first_day.year, first_day.month, first_day.day, 9)),
        repeat=Repeat(Frequency.WEEKLY, count=count),
    ).occurrences


def test_a_series_is_one_event_with_rrule_exdate_and_recurrence_id(s, nurse):
    p = make_patient(s)
    rows = _weekly_across_spring_forward(s, nurse, p)
    scheduling.cancel_appointment(s, nurse, rows[2].id, "Patient in hospital")
    original = rows[3].start_at
    moved_to = original + timedelta(days=1, hours=2)
    scheduling.reschedule(
        s, nurse, rows[3].id, moved_to, moved_to + timedelta(hours=1), None, scope=Scope.THIS
    )
    events = calendar_export.parse_ics(
        calendar_export.export_patient_schedule(s, nurse, p.id, IcsOptions())
    )
    masters = [e for e in events if e["rrule"]]
    assert len(masters) == 1 and len(events) == 2
    master, override = masters[0], next(e for e in events if e["recurrence_id"])
    assert "FREQ=WEEKLY" in master["rrule"] and "UNTIL=" in master["rrule"]
    assert master["rrule"].endswith("Z") or "Z;" in master["rrule"]  # UNTIL in UTC (RFC 5545)
    assert master["tzid"] == NY and master["start"].hour == 9
    assert master["exdates"] == [rows[2].start_at] and master["exdate_properties"] == [1]
    assert override["uid"] == master["uid"]
    assert override["recurrence_id"] == original and override["start"] == moved_to
    expected = sorted([r.start_at for r in rows if r.id not in (rows[2].id, rows[3].id)])
    assert expand(events)[master["uid"]] == sorted([*expected, moved_to])
    # every wall time stays 09:00 across the change, as booked
    assert {t.astimezone(ZoneInfo(NY)).hour for t in expected} == {9}


def test_occurrences_that_differ_in_what_is_shown_are_their_own_recurrence_ids(s, nurse):
    p = make_patient(s)
    rows = _weekly_across_spring_forward(s, nurse, p, count=3)
    edited = scheduling.AppointmentInput.from_appointment(rows[1])
    edited = scheduling.replace(edited, title="Cardiology with echo")
    scheduling.update_appointment(s, nurse, rows[1].id, edited, None, scope=Scope.THIS)
    minimal = calendar_export.parse_ics(
        calendar_export.export_patient_schedule(s, nurse, p.id, IcsOptions())
    )
    assert len(minimal) == 1  # the title is not exported: the occurrences read the same
    titled = calendar_export.parse_ics(
        calendar_export.export_patient_schedule(s, nurse, p.id, IcsOptions(title=True))
    )
    override = next(e for e in titled if e["recurrence_id"])
    assert override["summary"].endswith("Cardiology with echo")
    assert override["recurrence_id"] == override["start"] == rows[1].start_at


def _embedded_offset(cal: Calendar, tzid: str, local: datetime) -> timedelta:
    """The UTC offset at a wall time as a client using the file's own VTIMEZONE finds it,
    reading only the first value of each RDATE property (as Mozilla's ical.js does)."""
    zone = next(z for z in cal.walk("VTIMEZONE") if str(z["TZID"]) == tzid)
    onsets = []
    for obs in zone.subcomponents:
        props = obs.get("RDATE") or []
        props = props if isinstance(props, list) else [props]
        starts = [obs.decoded("DTSTART")] + [p.dts[0].dt for p in props]
        offset = obs["TZOFFSETTO"].td
        onsets += [(when.replace(tzinfo=None), offset) for when in starts]
    return max((o for o in onsets if o[0] <= local), key=lambda o: o[0])[1]


def test_vtimezone_reads_right_through_a_dst_week_in_embedded_definition_clients(s, nurse):
    p = make_patient(s)
    rows = _weekly_across_spring_forward(s, nurse, p)
    raw = calendar_export.export_patient_schedule(s, nurse, p.id, IcsOptions())
    cal = Calendar.from_ical(raw)
    zone = next(iter(cal.walk("VTIMEZONE")))
    rdates = [p for obs in zone.subcomponents for p in obs.property_items() if p[0] == "RDATE"]
    assert rdates and all(b"," not in prop.to_ical() for _, prop in rdates)
    for a in rows:
        local = a.start_at.astimezone(ZoneInfo(NY)).replace(tzinfo=None)
        assert local - _embedded_offset(cal, NY, local) == a.start_at.replace(tzinfo=None)
    # The same check on icalendar's own VTIMEZONE (many dates in one RDATE) goes wrong in
    # the week after the change: this is what the test guards against.
    naive = Calendar()
    naive.add_component(Calendar.from_ical(raw).walk("VEVENT")[0])
    naive.add_missing_timezones()
    after = rows[-1]
    local = after.start_at.astimezone(ZoneInfo(NY)).replace(tzinfo=None)
    assert local - _embedded_offset(naive, NY, local) != after.start_at.replace(tzinfo=None)


def test_patient_schedule_and_staff_week(s, nurse):
    p = make_patient(s)
    monday = clinic_today() + timedelta(days=7 - clinic_today().weekday() + 7)
    first = at(monday.year, monday.month, monday.day, 10)
    booked = scheduling.book_appointment(
        s, nurse, data(p, nurse.id, first), repeat=Repeat(Frequency.DAILY, count=10)
    ).occurrences
    sched = calendar_export.parse_ics(
        calendar_export.export_patient_schedule(s, nurse, p.id, IcsOptions())
    )
    assert len(sched) == 1
    assert expand(sched)[sched[0]["uid"]] == [a.start_at for a in booked]
    week = calendar_export.parse_ics(
        calendar_export.export_staff_week(
            s, nurse, nurse.id, monday + timedelta(days=2), IcsOptions()
        )
    )
    (series,) = week
    shown = expand(week)[series["uid"]]
    assert len(shown) == 7  # Monday..Sunday only: the rule ends with the week
    assert {t.date() for t in shown} == {monday + timedelta(days=i) for i in range(7)}


def test_a_lone_occurrence_and_rows_off_the_rule_leave_as_plain_events(s, nurse):
    p = make_patient(s)
    rows = _weekly_across_spring_forward(s, nurse, p, count=3)
    for r in rows[1:]:
        scheduling.cancel_appointment(s, nurse, r.id, "Moved away")
    events = calendar_export.parse_ics(
        calendar_export.export_patient_schedule(s, nurse, p.id, IcsOptions())
    )
    assert [(e["rrule"], e["start"]) for e in events] == [(None, rows[0].start_at)]
