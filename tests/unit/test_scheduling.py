"""Scheduling service: booking, conflicts, series edits, transport, reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.base import today as clinic_today
from db.models import (
    Appointment,
    AppointmentSeries,
    AuditEvent,
    Patient,
    Role,
    TransportBooking,
)
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from services.scheduling import agenda, reminders, transport
from services.scheduling import appointments as scheduling
from services.scheduling.appointments import Scope
from services.scheduling.recurrence import Frequency, Repeat
from services.scheduling.validation import AppointmentInput, DoubleBooking

NY = "America/New_York"


@pytest.fixture(autouse=True)
def _clinic_tz(monkeypatch):
    monkeypatch.setenv("CAREDESK_TIMEZONE", NY)


def make_patient(s, given="Ana", family="Reyes", **kw) -> Patient:
    p = Patient(
        mrn=f"M{given}{family}",
        given_name=given,
        family_name=family,
        birth_date=date(1950, 1, 1),
        search_name=f"{given} {family}".lower(),
        **kw,
    )
    s.add(p)
    s.flush()
    return p


def at(y, mo, d, h, mi=0) -> datetime:
    """A New York wall time as an aware UTC datetime."""
    from services.core.clock import local_to_utc

    return local_to_utc(datetime(y, mo, d, h, mi), NY)


def data(patient, staff_id, start, minutes=60, **kw) -> AppointmentInput:
    return AppointmentInput(
        kind=kw.pop("kind", "medical appointment"),
        patient_id=patient.id if patient else None,
        title=kw.pop("title", "Cardiology"),
        start=start,
        end=start + timedelta(minutes=minutes),
        staff_id=staff_id,
        **kw,
    )


def test_book_one_stores_utc_and_audits(s, nurse):
    p = make_patient(s)
    booked = scheduling.book_appointment(s, nurse, data(p, nurse.id, at(2026, 7, 1, 9)))
    a = booked.appointment
    assert a.start_at == datetime(2026, 7, 1, 13, tzinfo=UTC)
    assert a.status == "booked"
    ev = s.scalars(select(AuditEvent).where(AuditEvent.entity == "appointment")).one()
    assert ev.action == "create" and ev.patient_id == p.id


def test_bad_input_saves_nothing(s, nurse):
    bad = AppointmentInput(kind="medical appointment", start=at(2026, 7, 1, 9))
    with pytest.raises(InvalidInput) as err:
        scheduling.book_appointment(s, nurse, replace(bad, end=at(2026, 7, 1, 8)))
    assert {"patient_id", "end"} <= set(err.value.errors)
    assert s.scalar(select(func.count(Appointment.id))) == 0


def test_case_conference_needs_no_patient(s, nurse):
    a = scheduling.book_appointment(
        s, nurse, data(None, nurse.id, at(2026, 7, 1, 9), kind="case conference")
    ).appointment
    assert a.patient_id is None and a.title == "Cardiology"


def test_home_visit_defaults_to_patient_address(s, nurse):
    p = make_patient(s, address_line="12 Elm St", city="Springfield", state="MA")
    a = scheduling.book_appointment(
        s, nurse, data(p, nurse.id, at(2026, 7, 1, 9), kind="home-health visit")
    ).appointment
    assert a.location == "12 Elm St, Springfield, MA"


def test_viewer_cannot_book(s, make_actor):
    viewer = make_actor(Role.VIEWER)
    p = make_patient(s)
    with pytest.raises(PermissionDenied):
        scheduling.book_appointment(s, viewer, data(p, None, at(2026, 7, 1, 9)))


@pytest.mark.parametrize(
    ("offset_min", "minutes", "clash"),
    [(0, 60, True), (30, 60, True), (-30, 60, True), (60, 30, False), (-60, 60, False)],
)
def test_same_staff_overlap_is_refused(s, nurse, offset_min, minutes, clash):
    p1, p2 = make_patient(s, "A", "One"), make_patient(s, "B", "Two")
    scheduling.book_appointment(s, nurse, data(p1, nurse.id, at(2026, 7, 1, 9)))
    attempt = data(p2, nurse.id, at(2026, 7, 1, 9) + timedelta(minutes=offset_min), minutes)
    if clash:
        with pytest.raises(DoubleBooking) as err:
            scheduling.book_appointment(s, nurse, attempt)
        assert err.value.conflicts[0]["Patient"] == "One, A"
    else:
        scheduling.book_appointment(s, nurse, attempt)


def test_same_patient_overlap_with_other_staff_is_refused(s, nurse, make_actor):
    other = make_actor(Role.SOCIAL_WORKER)
    p = make_patient(s)
    scheduling.book_appointment(s, nurse, data(p, nurse.id, at(2026, 7, 1, 9)))
    with pytest.raises(DoubleBooking):
        scheduling.book_appointment(s, nurse, data(p, other.id, at(2026, 7, 1, 9, 30)))


def test_override_with_reason_keeps_both(s, nurse):
    p1, p2 = make_patient(s, "A", "One"), make_patient(s, "B", "Two")
    scheduling.book_appointment(s, nurse, data(p1, nurse.id, at(2026, 7, 1, 9)))
    with pytest.raises(DoubleBooking):
        scheduling.book_appointment(
            s, nurse, data(p2, nurse.id, at(2026, 7, 1, 9)), override_reason="   "
        )
    a = scheduling.book_appointment(
        s, nurse, data(p2, nurse.id, at(2026, 7, 1, 9)), override_reason="joint visit"
    ).appointment
    assert a.conflict_override == "joint visit"


def test_cancelled_frees_the_slot_and_needs_reason(s, nurse):
    p = make_patient(s)
    a = scheduling.book_appointment(s, nurse, data(p, nurse.id, at(2026, 7, 1, 9))).appointment
    with pytest.raises(InvalidInput):
        scheduling.cancel_appointment(s, nurse, a.id, " ")
    scheduling.cancel_appointment(s, nurse, a.id, "patient in hospital")
    assert a.status == "cancelled" and a.status_reason == "patient in hospital"
    scheduling.book_appointment(s, nurse, data(p, nurse.id, at(2026, 7, 1, 9)))


def test_transport_does_not_double_book_its_patient(s, nurse, make_actor):
    p = make_patient(s)
    scheduling.book_appointment(s, nurse, data(p, nurse.id, at(2026, 7, 1, 9)))
    sched = make_actor(Role.SCHEDULER)
    scheduling.book_appointment(
        s, sched, data(p, sched.id, at(2026, 7, 1, 8, 30), 90, kind="transport")
    )


def test_reschedule_checks_version_and_conflicts(s, nurse):
    p1, p2 = make_patient(s, "A", "One"), make_patient(s, "B", "Two")
    a = scheduling.book_appointment(s, nurse, data(p1, nurse.id, at(2026, 7, 1, 9))).appointment
    b = scheduling.book_appointment(s, nurse, data(p2, nurse.id, at(2026, 7, 1, 11))).appointment
    with pytest.raises(DoubleBooking):
        scheduling.reschedule(s, nurse, a.id, at(2026, 7, 1, 11), at(2026, 7, 1, 12), a.version)
    stale = a.version
    scheduling.reschedule(s, nurse, a.id, at(2026, 7, 2, 9), at(2026, 7, 2, 10), a.version)
    assert a.start_at == at(2026, 7, 2, 9)
    with pytest.raises(Conflict) as err:
        scheduling.reschedule(s, nurse, a.id, at(2026, 7, 3, 9), at(2026, 7, 3, 10), stale)
    assert err.value.theirs["start"] == at(2026, 7, 2, 9)
    # moving onto itself (resize) is not a conflict with itself
    scheduling.reschedule(s, nurse, b.id, at(2026, 7, 1, 11), at(2026, 7, 1, 12, 30), b.version)


def weekly(s, nurse, p, count=6, start=None):
    return scheduling.book_appointment(
        s,
        nurse,
        data(p, nurse.id, start or at(2026, 2, 24, 9), kind="home-health visit"),
        repeat=Repeat(Frequency.WEEKLY, count=count),
    )


def test_series_is_expanded_across_dst(s, nurse):
    p = make_patient(s)
    booked = weekly(s, nurse, p)
    assert len(booked.occurrences) == 6
    assert booked.series.rrule == "FREQ=WEEKLY;BYDAY=TU;COUNT=6"
    local_hours = {scheduling_local(a.start_at).hour for a in booked.occurrences}
    assert local_hours == {9}
    assert {a.start_at.hour for a in booked.occurrences} == {13, 14}


def scheduling_local(v):
    from services.core.clock import utc_to_local

    return utc_to_local(v, NY)


def test_series_conflict_names_the_clashing_occurrence(s, nurse):
    p, q = make_patient(s, "A", "One"), make_patient(s, "B", "Two")
    scheduling.book_appointment(s, nurse, data(q, nurse.id, at(2026, 3, 17, 9, 30)))
    with pytest.raises(DoubleBooking) as err:
        weekly(s, nurse, p)
    assert len(err.value.conflicts) == 1


def test_edit_this_occurrence_only(s, nurse):
    p = make_patient(s)
    occ = weekly(s, nurse, p).occurrences
    third = occ[2]
    scheduling.reschedule(
        s, nurse, third.id, at(2026, 3, 11, 14), at(2026, 3, 11, 15), third.version
    )
    assert third.is_exception and third.series_id == occ[0].series_id
    assert scheduling_local(occ[3].start_at).hour == 9


def test_this_and_following_splits_the_series(s, nurse):
    p = make_patient(s)
    booked = weekly(s, nurse, p)
    occ = booked.occurrences
    fourth = occ[3]  # Tue 17 March, after the DST change
    moved = scheduling.reschedule(
        s,
        nurse,
        fourth.id,
        at(2026, 3, 17, 10),
        at(2026, 3, 17, 11),
        fourth.version,
        scope=Scope.FOLLOWING,
    )
    assert [a.id for a in moved] == [a.id for a in occ[3:]]
    assert [scheduling_local(a.start_at).hour for a in occ] == [9, 9, 9, 10, 10, 10]
    assert occ[2].series_id == booked.series.id
    assert occ[3].series_id != booked.series.id and occ[5].series_id == occ[3].series_id
    assert "UNTIL=20260310T090000" in booked.series.rrule
    new = s.get(AppointmentSeries, occ[3].series_id)
    assert new.dtstart_local == "2026-03-17T10:00:00"


def test_whole_series_edit_keeps_exceptions_and_past(s, nurse):
    p = make_patient(s)
    occ = weekly(s, nurse, p).occurrences
    scheduling.set_status(s, nurse, occ[0].id, "completed")
    scheduling.reschedule(
        s, nurse, occ[1].id, at(2026, 3, 3, 15), at(2026, 3, 3, 16), occ[1].version
    )
    data2 = replace(
        AppointmentInput.from_appointment(occ[2]),
        start=at(2026, 3, 10, 8),
        end=at(2026, 3, 10, 9),
        title="Wound care",
    )
    rows = scheduling.update_appointment(
        s, nurse, occ[2].id, data2, occ[2].version, scope=Scope.SERIES
    )
    assert occ[0] not in rows  # completed stays as it happened
    hours = [scheduling_local(a.start_at).hour for a in occ]
    assert hours == [9, 15, 8, 8, 8, 8]
    assert {a.title for a in occ[1:]} == {"Wound care"}


def test_cancel_this_and_following(s, nurse):
    p = make_patient(s)
    booked = weekly(s, nurse, p)
    occ = booked.occurrences
    scheduling.cancel_appointment(
        s, nurse, occ[4].id, "moved to another agency", scope="this and following"
    )
    assert [a.status for a in occ] == ["booked"] * 4 + ["cancelled"] * 2
    assert "UNTIL=20260317T090000" in booked.series.rrule


def test_needs_transport_creates_ride_that_follows_the_move(s, nurse):
    p = make_patient(s, address_line="1 Oak Rd")
    a = scheduling.book_appointment(
        s, nurse, data(p, nurse.id, at(2026, 7, 1, 9), needs_transport=True), pickup_minutes=45
    ).appointment
    ride = s.scalars(select(TransportBooking)).one()
    assert ride.pickup_at == a.start_at - timedelta(minutes=45)
    assert ride.pickup_address == "1 Oak Rd" and ride.return_trip
    transport.set_confirmed(s, nurse, ride.id, True)
    scheduling.reschedule(s, nurse, a.id, at(2026, 7, 2, 9), at(2026, 7, 2, 10), a.version)
    assert ride.pickup_at == at(2026, 7, 2, 8, 15)
    assert ride.confirmed is False  # the vendor must hear about the move


def test_unconfirmed_transport_list(s, nurse):
    p = make_patient(s)
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    a = scheduling.book_appointment(
        s, nurse, data(p, nurse.id, at(2026, 7, 1, 9), needs_transport=True)
    ).appointment
    assert [t.appointment_id for t in transport.unconfirmed_transport(s, now)] == [a.id]
    with pytest.raises(InvalidInput):
        transport.save_transport(
            s, nurse, a.id, transport.TransportInput(pickup_at=a.start_at + timedelta(hours=1))
        )
    transport.save_transport(
        s,
        nurse,
        a.id,
        transport.TransportInput(
            pickup_at=a.start_at - timedelta(hours=1), vendor="Blue Van", confirmed=True
        ),
    )
    assert transport.unconfirmed_transport(s, now) == []


def test_reminders_worklist_and_logged_calls(s, nurse):
    p = make_patient(s, phone="+1 617 555 0100", preferred_language="Spanish")
    q = make_patient(s, "B", "Two")
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    soon = scheduling.book_appointment(s, nurse, data(p, nurse.id, at(2026, 7, 1, 9))).appointment
    scheduling.book_appointment(s, nurse, data(q, nurse.id, at(2026, 7, 5, 9)))  # too far
    due = reminders.reminders_due(s, now)
    assert [a.id for a in due] == [soon.id]
    row = reminders.reminder_rows(due, NY)[0]
    assert row["Phone"] == "+1 617 555 0100" and row["Language"] == "Spanish"
    reminders.record_reminder(s, nurse, soon.id, "left message")
    assert reminders.reminders_due(s, now)[0].reminder_attempts == 1
    reminders.record_reminder(s, nurse, soon.id, "confirmed")
    assert soon.status == "confirmed"
    assert reminders.reminders_due(s, now) == []
    calls = s.scalars(select(AuditEvent).where(AuditEvent.category == "reminder call")).all()
    assert [c.detail.count("left message") + c.detail.count("confirmed") for c in calls] == [1, 1]
    with pytest.raises(InvalidInput):
        reminders.record_reminder(s, nurse, soon.id, "shrug")


def test_my_day_and_patient_summary_providers(s, nurse):
    from services.overview import my_day as worklist
    from services.overview import patient_summary as summary

    p = make_patient(s)
    day = clinic_today() + timedelta(days=3)
    start = at(day.year, day.month, day.day, 9)
    scheduling.book_appointment(s, nurse, data(p, nurse.id, start, kind="home-health visit"))
    sections = worklist.my_day(s, nurse, day)
    mine = next(x for x in sections if x.title == "Today's visits and calls")
    assert mine.rows[0]["Time"] == "09:00" and mine.rows[0]["Patient"] == "Reyes, Ana"
    other = worklist.my_day(s, nurse, day + timedelta(days=1))
    assert next(x for x in other if x.title == "Today's visits and calls").rows == []
    sections = summary.patient_summary(s, nurse, p)
    up = next(x for x in sections if x.title == "Upcoming appointments")
    assert up.rows[0]["Type"] == "home-health visit"
    assert up.rows[0]["When"].endswith("09:00")


def test_visible_range_query_uses_overlap(s, nurse):
    p = make_patient(s)
    scheduling.book_appointment(s, nurse, data(p, nurse.id, at(2026, 7, 1, 23, 30), 60))
    got = agenda.appointments_between(s, at(2026, 7, 2, 0), at(2026, 7, 3, 0))
    assert len(got) == 1  # starts the day before, ends inside
    assert agenda.appointments_between(s, at(2026, 7, 3, 0), at(2026, 7, 4, 0)) == []


def test_my_day_lists_rides_to_confirm_in_the_next_two_days(s, nurse, make_actor):
    from services.overview import my_day as worklist

    p = make_patient(s)
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    later = soon + timedelta(days=4)
    for start in (soon, later):
        scheduling.book_appointment(s, nurse, data(p, None, start, needs_transport=True))

    def rides(actor):
        sections = worklist.my_day(s, actor, clinic_today())
        return next((x for x in sections if x.title.startswith("Rides to confirm")), None)

    section = rides(make_actor(Role.SCHEDULER))
    assert section.urgent and len(section.rows) == 1  # not the one in five days
    assert section.rows[0]["Patient"] == "Reyes, Ana" and "id" not in section.rows[0]
    assert rides(make_actor(Role.VIEWER)) is None  # who cannot book rides is not asked to


def test_no_reminder_call_for_an_archived_patient(s, nurse):
    from services.patients import registry as patients

    p = make_patient(s)
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    scheduling.book_appointment(s, nurse, data(p, nurse.id, at(2026, 7, 1, 9)))
    assert len(reminders.reminders_due(s, now)) == 1
    patients.archive_patient(s, nurse, p.id, "Moved to Florida")
    assert reminders.reminders_due(s, now) == []
