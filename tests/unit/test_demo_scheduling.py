"""Demo appointments: realistic mix, no double bookings, deterministic, and the bench option."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Appointment, AppointmentSeries, Organization, TransportBooking
from services.demo import scheduling as demo_scheduling
from services.demo import seed_demo
from tests.unit.test_scheduling_race import _count_overlaps


def test_seeded_calendar_is_realistic_and_clean(s):
    seed_demo(s, patients=60, seed=3)
    total = s.scalar(select(func.count(Appointment.id)))
    assert 150 < total < 600
    kinds = set(s.scalars(select(Appointment.kind).distinct()))
    assert {
        "medical appointment",
        "home-health visit",
        "follow-up call",
        "case conference",
    } <= kinds
    assert s.scalar(select(func.count(TransportBooking.id))) > 0
    assert s.scalar(select(func.count(AppointmentSeries.id))) > 0
    assert _count_overlaps(s, "staff_id") == 0  # no staff member double-booked
    cancelled = s.scalars(select(Appointment).where(Appointment.status == "cancelled")).all()
    assert all(a.status_reason for a in cancelled)


def test_outside_appointments_and_rides_link_to_the_demo_directory(s):
    seed_demo(s, patients=12, seed=5)
    medical = s.scalars(select(Appointment).where(Appointment.kind == "medical appointment")).all()
    assert medical and all(a.provider_org is not None for a in medical)
    assert all(a.provider == a.provider_org.name for a in medical)
    assert all(a.location == a.provider_org.address for a in medical)
    rides = s.scalars(select(TransportBooking)).all()
    assert rides and all(r.vendor_org.org_type == "transport vendor" for r in rides)
    assert all(r.vendor_org.phone for r in rides)  # the rides list shows who to call
    assert s.scalar(select(func.count(Organization.id))) >= 120 + 12  # partners + the rest


def test_target_adds_history(s, monkeypatch):
    original = demo_scheduling.seed
    monkeypatch.setattr(demo_scheduling, "seed", lambda ctx: original(ctx, target=3000))
    seed_demo(s, patients=20, seed=3)
    assert s.scalar(select(func.count(Appointment.id))) == 3000
