"""Reminder calls, and the calendar's contributions to "My day" and the patient summary."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from db.base import utcnow
from db.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Patient,
    RecordStatus,
    ReminderOutcome,
)
from services.core import audit, clock
from services.core.audit import Action
from services.core.clock import clinic_tz
from services.core.errors import InvalidInput
from services.core.identity import Actor, require
from services.core.sections import SummarySection, WorklistSection
from services.core.text import us_spelling
from services.scheduling import transport
from services.scheduling.agenda import get_appointment, upcoming_for_patient

NEEDS_REMINDER = (AppointmentStatus.PROPOSED, AppointmentStatus.BOOKED)
NO_REMINDER_KINDS = (AppointmentKind.CASE_CONFERENCE, AppointmentKind.FOLLOW_UP_CALL)


def due_statement(now: datetime, hours: int = 48, staff_id: int | None = None):
    """Appointments in the next `hours` not yet confirmed with the patient, soonest first.

    With staff_id: those the staff member attends and those of their own caseload.
    """
    q = (
        select(Appointment)
        .join(Patient, Appointment.patient_id == Patient.id)
        .where(
            Appointment.start_at >= now,
            Appointment.start_at < now + timedelta(hours=hours),
            Appointment.status.in_(NEEDS_REMINDER),
            Appointment.kind.not_in(NO_REMINDER_KINDS),
            Patient.status == RecordStatus.ACTIVE,  # nobody calls a patient who moved or died
        )
        .order_by(Appointment.start_at)
    )
    if staff_id is not None:  # mine: what I attend, and my caseload's outside appointments
        q = q.where(
            or_(Appointment.staff_id == staff_id, Patient.primary_case_manager_id == staff_id)
        )
    return q


def reminders_due(
    s: Session, now: datetime | None = None, hours: int = 48, staff_id: int | None = None
) -> list[Appointment]:
    """The appointments of due_statement, with their patient and staff loaded."""
    q = due_statement(now or utcnow(), hours, staff_id)
    return list(
        s.scalars(q.options(joinedload(Appointment.patient), joinedload(Appointment.staff)))
    )


def reminder_rows(items: list[Appointment], tz: str | None = None) -> list[dict]:
    tz = tz or clinic_tz()
    return [
        {
            "id": a.id,
            "When": clock.us_date(clock.utc_to_local(a.start_at, tz), weekday=True, year=False),
            "Patient": a.patient.display_name,
            "Phone": a.patient.phone or "—",
            "Language": a.patient.preferred_language
            + (" (interpreter)" if a.patient.interpreter_needed else ""),
            "Type": a.kind,
            "Last call": a.reminder_outcome or "",
            "Calls": a.reminder_attempts,
        }
        for a in items
    ]


def record_reminder(s: Session, actor: Actor, appointment_id: int, outcome: str) -> Appointment:
    """Log a reminder call; "confirmed" also confirms the appointment."""
    require(actor, "schedule.edit")
    try:
        result = ReminderOutcome(outcome)
    except ValueError:
        raise InvalidInput({"outcome": "Choose what happened on the call."}) from None
    a = get_appointment(s, appointment_id)
    a.reminder_outcome = result.value
    a.reminder_at = utcnow()
    a.reminder_attempts = (a.reminder_attempts or 0) + 1
    if result == ReminderOutcome.CONFIRMED and a.status in NEEDS_REMINDER:
        a.status = AppointmentStatus.CONFIRMED
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="appointment",
        entity_id=a.id,
        patient_id=a.patient_id,
        category="reminder call",
        detail={"outcome": result.value, "attempt": a.reminder_attempts},
    )
    return a


# ---------------------------------------------------------------- My day / patient summary


def reminder_calls_section(s: Session, actor: Actor, on: date) -> WorklistSection | None:
    if actor.id is None:
        return None
    tz = clinic_tz()
    start, end = clock.day_bounds_utc(on, tz)
    rows = s.scalars(
        select(Appointment)
        .options(joinedload(Appointment.patient))
        .where(
            Appointment.staff_id == actor.id,
            Appointment.start_at >= start,
            Appointment.start_at < end,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .order_by(Appointment.start_at)
    ).all()
    return WorklistSection(
        "Today's visits and calls",
        [
            {
                "Time": f"{clock.utc_to_local(a.start_at, tz):%H:%M}",
                "Type": a.kind,
                "Patient": a.patient.display_name if a.patient else "",
                "Where": a.location or "",
                "Status": us_spelling(a.status),
            }
            for a in rows
        ],
        empty_text="No visits or calls on your calendar today.",
        order=15,
    )


def upcoming_section(s: Session, actor: Actor, patient: Patient) -> SummarySection:
    tz = clinic_tz()
    items = upcoming_for_patient(s, patient.id, limit=10)
    stays = (
        f"{len(items)}{'+' if len(items) == 10 else ''} upcoming appointment(s) stay on the "
        "calendar: cancel those that will not happen (reminder calls and rides stop)."
    )
    return SummarySection(
        "Upcoming appointments",
        [
            {
                "When": clock.us_date(clock.utc_to_local(a.start_at, tz), weekday=True),
                "Type": a.kind,
                "Title": a.title,
                "Where": a.location or a.provider or "",
                "Status": us_spelling(a.status),
                "Transport": (
                    ("confirmed" if a.transport.confirmed else "NOT confirmed")
                    if a.transport
                    else ""
                ),
            }
            for a in items
        ],
        empty_text="No upcoming appointments.",
        order=30,
        before_archiving=stays if items else None,
    )


def rides_to_confirm_section(s: Session, actor: Actor, on: date) -> WorklistSection | None:
    """Rides in the next two days the vendor has not confirmed: a missed ride is a missed
    appointment, so whoever books rides sees them first thing."""
    if not actor.can("schedule.edit"):
        return None
    tz = clinic_tz()
    rows = [transport.ride_row(t, tz) for t in transport.unconfirmed_transport(s, days=2)]
    return WorklistSection(
        "Rides to confirm with the vendor (next two days)",
        [{k: v for k, v in r.items() if k != "id"} for r in rows],
        empty_text="Every ride in the next two days is confirmed.",
        urgent=True,
        order=16,
    )
