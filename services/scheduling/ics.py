"""`.ics` export (RFC 5545, icalendar library): one appointment, a patient's schedule, a week.

A calendar file leaves the building, so by default it carries only the type, time and
staff member; the title, patient name, place and notes go in only when the user ticks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Appointment, AppointmentStatus
from services.core import audit, clock
from services.core.audit import Action
from services.core.clock import clinic_tz
from services.core.identity import Actor, require
from services.scheduling.agenda import (
    Filters,
    appointments_between,
    get_appointment,
    upcoming_for_patient,
)

PRODID = "-//CareDesk//Scheduling//EN"


@dataclass(frozen=True)
class IcsOptions:
    title: bool = False
    patient_name: bool = False
    location: bool = False
    notes: bool = False


def _event(a: Appointment, tz: str, opts: IcsOptions, host: str) -> Event:
    zone = ZoneInfo(tz)
    ev = Event()
    ev.add("uid", f"appointment-{a.id}@{host}")
    ev.add("dtstamp", utcnow().replace(microsecond=0))
    ev.add("dtstart", a.start_at.astimezone(zone))
    ev.add("dtend", a.end_at.astimezone(zone))
    summary = str(a.kind).capitalize()
    if opts.title and a.title:
        summary += f": {a.title}"
    if opts.patient_name and a.patient is not None:
        summary += f" — {a.patient.display_name}"
    ev.add("summary", summary)
    if opts.location and a.location:
        ev.add("location", a.location)
    lines = []
    if a.staff is not None:
        lines.append(f"Staff: {a.staff.display_name}")
    if opts.notes and a.notes:
        lines.append(a.notes)
    if lines:
        ev.add("description", "\n".join(lines))
    status = {
        AppointmentStatus.CANCELLED: "CANCELLED",
        AppointmentStatus.PROPOSED: "TENTATIVE",
    }.get(AppointmentStatus(a.status), "CONFIRMED")
    ev.add("status", status)
    ev.add("sequence", max(a.version - 1, 0))
    return ev


def to_ics(
    items: list[Appointment], opts: IcsOptions, tz: str | None = None, name: str = "CareDesk"
) -> bytes:
    tz = tz or clinic_tz()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for a in items:
        cal.add_component(_event(a, tz, opts, "caredesk.local"))
    cal.add_missing_timezones()  # VTIMEZONE for every TZID used
    return cal.to_ical()


def _audit(s: Session, actor: Actor, what: str, items: list[Appointment], opts: IcsOptions, pid):
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="appointment",
        entity_id=items[0].id if len(items) == 1 else None,
        patient_id=pid,
        category="schedule",
        detail={"export": what, "count": len(items), "included": opts.__dict__},
    )


def export_appointment(s: Session, actor: Actor, appointment_id: int, opts: IcsOptions) -> bytes:
    require(actor, "patients.read")
    a = get_appointment(s, appointment_id)
    _audit(s, actor, "one appointment", [a], opts, a.patient_id)
    return to_ics([a], opts)


def export_patient_schedule(s: Session, actor: Actor, patient_id: int, opts: IcsOptions) -> bytes:
    require(actor, "patients.read")
    items = upcoming_for_patient(s, patient_id, limit=500)
    _audit(s, actor, "patient schedule", items, opts, patient_id)
    return to_ics(items, opts, name="Upcoming appointments")


def export_staff_week(
    s: Session, actor: Actor, staff_id: int, week_of: date, opts: IcsOptions
) -> bytes:
    """Monday to Sunday of the week containing week_of, in the clinic's time zone."""
    require(actor, "patients.read")
    tz = clinic_tz()
    monday = week_of - timedelta(days=week_of.weekday())
    start, _ = clock.day_bounds_utc(monday, tz)
    end, _ = clock.day_bounds_utc(monday + timedelta(days=7), tz)
    items = [
        a
        for a in appointments_between(s, start, end, Filters(staff_id=staff_id))
        if a.status != AppointmentStatus.CANCELLED
    ]
    _audit(s, actor, f"staff week of {monday}", items, opts, None)
    return to_ics(items, opts, name=f"Week of {monday:%d %b %Y}")


def parse_ics(data: bytes) -> list[dict]:
    """Read events back (used by tests and for a quick check of an exported file)."""
    cal = Calendar.from_ical(data)
    out = []
    for ev in cal.walk("VEVENT"):
        start: datetime = ev.decoded("dtstart")
        out.append(
            {
                "uid": str(ev.get("uid")),
                "summary": str(ev.get("summary")),
                "start": start,
                "end": ev.decoded("dtend"),
                "tzid": ev["dtstart"].params.get("TZID"),
                "location": str(ev.get("location")) if ev.get("location") else None,
                "description": str(ev.get("description")) if ev.get("description") else None,
                "status": str(ev.get("status")),
            }
        )
    return out
