"""`.ics` export: valid, parsed back with icalendar, TZID times, no detail unless chosen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent
from services.scheduling import appointments as scheduling
from services.scheduling import ics as calendar_export
from services.scheduling.ics import IcsOptions
from services.scheduling.recurrence import Frequency, Repeat
from tests.unit.test_scheduling import at, data, make_patient

NY = "America/New_York"


@pytest.fixture(autouse=True)
def _clinic_tz(monkeypatch):
    monkeypatch.setenv("CAREDESK_TIMEZONE", NY)


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
    assert ev["location"] is None
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


def test_patient_schedule_and_staff_week(s, nurse):
    p = make_patient(s)
    monday = date.today() + timedelta(days=7 - date.today().weekday() + 7)
    first = at(monday.year, monday.month, monday.day, 10)
    scheduling.book_appointment(
        s, nurse, data(p, nurse.id, first), repeat=Repeat(Frequency.DAILY, count=10)
    )
    sched = calendar_export.parse_ics(
        calendar_export.export_patient_schedule(s, nurse, p.id, IcsOptions())
    )
    assert len(sched) == 10
    week = calendar_export.parse_ics(
        calendar_export.export_staff_week(
            s, nurse, nurse.id, monday + timedelta(days=2), IcsOptions()
        )
    )
    assert len(week) == 7  # Monday..Sunday only
    assert {e["start"].astimezone(UTC).date() for e in week} == {
        monday + timedelta(days=i) for i in range(7)
    }
    assert all(isinstance(e["start"], datetime) for e in week)
    assert len({e["uid"] for e in week}) == 7
