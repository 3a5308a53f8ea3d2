"""Reading the calendar: one appointment, a range of them, a patient's upcoming ones.

Nothing here writes. Booking (appointments.py), rides (transport.py), reminder calls and
the .ics files all read through these functions, so this module imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from db.base import utcnow
from db.models import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    Patient,
    RecordStatus,
)
from services.core import clock
from services.core.errors import NotFound
from services.core.text import fold, us_spelling
from services.scheduling import providers

# Statuses that no longer hold the time slot.
FREE_STATUSES = (AppointmentStatus.CANCELLED,)
MAX_LENGTH = timedelta(hours=12)


@dataclass(frozen=True)
class Filters:
    staff_id: int | None = None
    patient_id: int | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    staff_ids: tuple[int, ...] = ()  # several staff members (the team week); empty: all


def overlapping(start: datetime, end: datetime) -> tuple:
    """Rows overlapping [start, end). The lower bound on start_at (nothing lasts longer
    than MAX_LENGTH) lets the start_at indexes scan only the range, not all history."""
    return (
        Appointment.start_at < end,
        Appointment.start_at > start - MAX_LENGTH,
        Appointment.end_at > start,
    )


def get_appointment(s: Session, appointment_id: int) -> Appointment:
    a = s.get(Appointment, appointment_id)
    if a is None:
        raise NotFound("That appointment no longer exists.")
    return a


def appointments_between(
    s: Session, start: datetime, end: datetime, filters: Filters = Filters(), limit: int = 2000
) -> list[Appointment]:
    """Appointments overlapping [start, end) — the calendar loads only its visible range."""
    q = (
        select(Appointment)
        .options(
            selectinload(Appointment.patient),
            selectinload(Appointment.staff),
            selectinload(Appointment.transport),
        )
        .where(*overlapping(start, end))
    )
    if filters.staff_id is not None:
        q = q.where(Appointment.staff_id == filters.staff_id)
    if filters.staff_ids:
        q = q.where(Appointment.staff_id.in_(filters.staff_ids))
    if filters.patient_id is not None:
        q = q.where(Appointment.patient_id == filters.patient_id)
    if filters.kinds:
        q = q.where(Appointment.kind.in_(filters.kinds))
    if filters.statuses:
        q = q.where(Appointment.status.in_(filters.statuses))
    return list(s.scalars(q.order_by(Appointment.start_at).limit(limit)))


def upcoming_for_patient(
    s: Session, patient_id: int, now: datetime | None = None, limit: int = 50
) -> list[Appointment]:
    now = now or utcnow()
    q = (
        select(Appointment)
        .where(
            Appointment.patient_id == patient_id,
            Appointment.end_at > now,
            Appointment.status.not_in(FREE_STATUSES + (AppointmentStatus.NO_SHOW,)),
        )
        .order_by(Appointment.start_at)
        .limit(limit)
    )
    return list(s.scalars(q))


def series_of(s: Session, a: Appointment) -> AppointmentSeries | None:
    return s.get(AppointmentSeries, a.series_id) if a.series_id else None


def patient_choices(
    s: Session,
    query: str = "",
    *,
    limit: int = 50,
    include: tuple[int | None, ...] = (),
    caseload_of: int | None = None,
) -> dict[int, str]:
    """Active patients matching a name or MRN, for pickers: id -> "Family, Given · MRN".

    With no words and `caseload_of`, that case manager's patients (the picker then finds
    one by typing, in one step). `include` keeps already-chosen patients in the list.
    """
    cols = (Patient.id, Patient.family_name, Patient.given_name, Patient.mrn)
    q = select(*cols).where(Patient.status == RecordStatus.ACTIVE)
    if caseload_of is not None and not (query or "").strip():
        q = q.where(Patient.primary_case_manager_id == caseload_of)
        limit = max(limit, 1000)
    for token in fold(query or "").split():
        q = q.where(
            or_(Patient.search_name.contains(token, autoescape=True), Patient.mrn == query.strip())
        )
    rows = list(s.execute(q.order_by(Patient.family_name, Patient.given_name).limit(limit)))
    wanted = [i for i in include if i is not None]
    if wanted:
        rows += list(s.execute(select(*cols).where(Patient.id.in_(wanted))))
    return {r.id: f"{r.family_name}, {r.given_name} · {r.mrn}" for r in rows}


def details(a: Appointment, tz: str) -> list[dict]:
    """The appointment as label/value rows for a read-only view."""
    rows = {
        "Type": a.kind,
        "Title": a.title,
        "Patient": a.patient.display_name if a.patient else "—",
        "When": clock.us_date(clock.utc_to_local(a.start_at, tz), weekday=True)
        + f"–{clock.utc_to_local(a.end_at, tz):%H:%M}",
        "Staff": a.staff.display_name if a.staff else "—",
        "Status": us_spelling(a.status) + (f" ({a.status_reason})" if a.status_reason else ""),
        "Location": a.location or "—",
        "Provider or facility": providers.with_phone(a.provider, a.provider_org) or "—",
        "Notes": a.notes or "—",
        "Repeats": "yes (part of a series)" if a.series_id else None,
        "Transport": (
            ("confirmed" if a.transport.confirmed else "not confirmed yet")
            if a.transport and a.needs_transport
            else ("needed" if a.needs_transport else "—")
        ),
        "Double booking kept because": a.conflict_override,
    }
    return [{"": k, " ": str(v)} for k, v in rows.items() if v is not None]
