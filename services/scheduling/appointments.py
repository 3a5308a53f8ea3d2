"""Scheduling (FHIR Appointment): book, reschedule, edit, cancel, one or a series.

One call is one user action inside the caller's transaction. Checks and double-booking
live in validation.py, reading the calendar in agenda.py; a booking that needs a ride
keeps it with the appointment through transport.py.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Appointment, AppointmentSeries, AppointmentStatus
from services.core import audit, clock
from services.core.audit import Action
from services.core.clock import clinic_tz
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor, require
from services.scheduling import recurrence, transport
from services.scheduling.agenda import FREE_STATUSES, get_appointment

# Care-plan printouts read the calendar by these names here (they live in agenda.py).
from services.scheduling.agenda import Filters as Filters
from services.scheduling.agenda import appointments_between as appointments_between
from services.scheduling.agenda import upcoming_for_patient as upcoming_for_patient
from services.scheduling.recurrence import Repeat
from services.scheduling.validation import EDITABLE, AppointmentInput, check_slots, clean

CATEGORY = "schedule"
CLOSED_STATUSES = (
    AppointmentStatus.COMPLETED,
    AppointmentStatus.CANCELLED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.ARRIVED,
)


class Scope(StrEnum):
    THIS = "this appointment"
    FOLLOWING = "this and following"
    SERIES = "whole series"


@dataclass
class Booked:
    appointment: Appointment
    occurrences: list[Appointment] = field(default_factory=list)
    series: AppointmentSeries | None = None


# ---------------------------------------------------------------- booking


def book_appointment(
    s: Session,
    actor: Actor,
    data: AppointmentInput,
    *,
    repeat: Repeat | None = None,
    override_reason: str | None = None,
    tz: str | None = None,
    pickup_minutes: int = 60,
    ride: transport.RideRequest | None = None,
) -> Booked:
    """Book one appointment, or a recurring series of them (expanded into rows); with
    `ride`, each gets its ride from the patient's home with that vendor, confirmed or not."""
    require(actor, "schedule.edit")
    tz = tz or clinic_tz()
    values = clean(s, data)
    series = None
    slots = [(values["start_at"], values["end_at"])]
    if repeat is not None:
        first_local = clock.utc_to_local(values["start_at"], tz)
        minutes = int((values["end_at"] - values["start_at"]).total_seconds() // 60)
        rule = recurrence.build_rule(repeat, first_local)
        occ = recurrence.expand(rule, first_local, tz)
        if not occ:
            raise InvalidInput({"repeat_end": "This repeat gives no appointments."})
        slots = [(u, recurrence.end_for(loc, minutes, tz)) for loc, u in occ]
        series = AppointmentSeries(
            rrule=rule,
            timezone=tz,
            dtstart_local=first_local.isoformat(timespec="seconds"),
            duration_minutes=minutes,
            created_by_id=actor.id,
        )
        s.add(series)
        s.flush()
    conflicts = check_slots(
        s,
        slots,
        staff_id=values["staff_id"],
        patient_id=values["patient_id"],
        kind=values["kind"],
        exclude_ids=set(),
        override_reason=override_reason,
    )
    rows = []
    for start, end in slots:
        a = Appointment(
            **(values | {"start_at": start, "end_at": end}),
            series_id=series.id if series else None,
            recurrence_id=start if series else None,
            conflict_override=override_reason.strip() if conflicts else None,
            source_kind=data.source_kind,
            source_id=data.source_id,
            created_by_id=actor.id,
        )
        s.add(a)
        rows.append(a)
    s.flush()
    if values["needs_transport"]:
        for a in rows:
            booking = transport.ensure_transport(s, a, pickup_minutes=pickup_minutes)
            if ride is not None:
                transport.arrange_ride(s, booking, ride)
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="appointment",
        entity_id=rows[0].id,
        patient_id=values["patient_id"],
        category=CATEGORY,
        detail={
            "kind": values["kind"].value,
            "start": values["start_at"],
            "occurrences": len(rows),
            "rule": series.rrule if series else None,
            "double_booking_reason": override_reason if conflicts else None,
            "ride": None
            if ride is None
            else {"vendor": ride.vendor_contact_id or ride.vendor, "confirmed": ride.confirmed},
        },
    )
    return Booked(rows[0], rows, series)


def _snapshot(a: Appointment) -> dict:
    return {k: getattr(a, k) for k in EDITABLE} | {"start": a.start_at, "end": a.end_at}


def _check_version(a: Appointment, version: int | None, mine: dict) -> None:
    if version is not None and a.version != version:
        raise Conflict(
            "Someone else changed this appointment after you opened it.",
            theirs=_snapshot(a),
            mine=mine,
        )


def _targets(s: Session, a: Appointment, scope: Scope) -> list[Appointment]:
    """The rows an edit with this scope touches (open occurrences only, for a series)."""
    if a.series_id is None or scope == Scope.THIS:
        return [a]
    q = select(Appointment).where(
        Appointment.series_id == a.series_id, Appointment.status.not_in(CLOSED_STATUSES)
    )
    if scope == Scope.FOLLOWING:
        q = q.where(Appointment.recurrence_id >= a.recurrence_id)
    rows = list(s.scalars(q.order_by(Appointment.start_at)))
    return rows if a in rows else [a, *rows]


def _occurrence_before(s: Session, series_id: int, recurrence_id: datetime) -> datetime | None:
    """The original start of the series' occurrence just before this one (None: first)."""
    return s.scalar(
        select(Appointment.recurrence_id)
        .where(Appointment.series_id == series_id, Appointment.recurrence_id < recurrence_id)
        .order_by(Appointment.recurrence_id.desc())
        .limit(1)
    )


def _split_series(s: Session, a: Appointment, rows: list[Appointment]) -> None:
    """ "This and following": end the old rule before `a`, give the rest a series of their own."""
    old = s.get(AppointmentSeries, a.series_id)
    earlier = _occurrence_before(s, old.id, a.recurrence_id)
    if earlier is None:
        return  # `a` is the first occurrence: the whole series moves, nothing to split
    new = AppointmentSeries(
        rrule=old.rrule,
        timezone=old.timezone,
        dtstart_local=clock.utc_to_local(a.recurrence_id, old.timezone).isoformat(),
        duration_minutes=old.duration_minutes,
        created_by_id=old.created_by_id,
    )
    old.rrule = recurrence.with_until(old.rrule, clock.utc_to_local(earlier, old.timezone))
    s.add(new)
    s.flush()
    for r in rows:
        r.series_id = new.id


def update_appointment(
    s: Session,
    actor: Actor,
    appointment_id: int,
    data: AppointmentInput,
    version: int | None,
    *,
    scope: Scope = Scope.THIS,
    override_reason: str | None = None,
    tz: str | None = None,
) -> list[Appointment]:
    """Save an edit (fields and/or time) to one occurrence, the following ones, or the series.

    A time change to several occurrences moves each by the same wall-clock shift, so a
    weekly 09:00 visit moved to 10:00 stays at 10:00 across a DST change.
    """
    require(actor, "schedule.edit")
    tz = tz or clinic_tz()
    a = get_appointment(s, appointment_id)
    values = clean(s, data, current=a)
    _check_version(a, version, asdict(data))
    before = _snapshot(a)
    rows = _targets(s, a, Scope(scope))
    old_start_local = clock.utc_to_local(a.start_at, tz)
    shift = clock.utc_to_local(values["start_at"], tz) - old_start_local
    minutes = int((values["end_at"] - values["start_at"]).total_seconds() // 60)
    time_changed = values["start_at"] != a.start_at or values["end_at"] != a.end_at
    plan: list[tuple[Appointment, datetime, datetime]] = []
    for r in rows:
        if r is a:
            plan.append((r, values["start_at"], values["end_at"]))
        elif time_changed and not r.is_exception:
            local = clock.utc_to_local(r.start_at, tz) + shift
            plan.append((r, clock.local_to_utc(local, tz), recurrence.end_for(local, minutes, tz)))
        else:
            plan.append((r, r.start_at, r.end_at))
    conflicts = []
    if values["status"] not in FREE_STATUSES:
        conflicts = check_slots(
            s,
            [(st, en) for _, st, en in plan],
            staff_id=values["staff_id"],
            patient_id=values["patient_id"],
            kind=values["kind"],
            exclude_ids={r.id for r in rows},
            override_reason=override_reason,
        )
    if len(rows) > 1 and scope == Scope.FOLLOWING:
        _split_series(s, a, rows)
    if len(rows) > 1 and time_changed:
        series = s.get(AppointmentSeries, a.series_id)
        first_local = datetime.fromisoformat(series.dtstart_local)
        series.dtstart_local = (first_local + shift).isoformat()
        series.duration_minutes = minutes
    for r, start, end in plan:
        moved_by = start - r.start_at
        for k in EDITABLE:
            if r is a or k not in ("status", "status_reason"):
                setattr(r, k, values[k])
        r.start_at, r.end_at = start, end
        if r is a and len(rows) == 1 and r.series_id is not None and time_changed:
            r.is_exception = True
        if conflicts:
            r.conflict_override = override_reason.strip()
        transport.follow_appointment(s, r, moved_by)
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="appointment",
        entity_id=a.id,
        patient_id=a.patient_id,
        category=CATEGORY,
        detail={
            "changes": audit.changes(before, _snapshot(a)),
            "scope": Scope(scope).value,
            "occurrences": len(rows),
            "double_booking_reason": override_reason if conflicts else None,
        },
    )
    return rows


def reschedule(
    s: Session,
    actor: Actor,
    appointment_id: int,
    start: datetime,
    end: datetime,
    version: int | None,
    *,
    scope: Scope = Scope.THIS,
    override_reason: str | None = None,
    tz: str | None = None,
) -> list[Appointment]:
    """Move (drag) or resize an appointment."""
    a = get_appointment(s, appointment_id)
    data = replace(AppointmentInput.from_appointment(a), start=start, end=end)
    return update_appointment(
        s,
        actor,
        appointment_id,
        data,
        version,
        scope=scope,
        override_reason=override_reason,
        tz=tz,
    )


def cancel_appointment(
    s: Session,
    actor: Actor,
    appointment_id: int,
    reason: str,
    *,
    scope: Scope = Scope.THIS,
    version: int | None = None,
) -> list[Appointment]:
    """Cancel with a reason (nothing is deleted); a series can be canceled from here on."""
    require(actor, "schedule.edit")
    if not (reason or "").strip():
        raise InvalidInput({"reason": "Say why it is canceled."})
    a = get_appointment(s, appointment_id)
    _check_version(a, version, {"status": "cancelled", "status_reason": reason})
    rows = _targets(s, a, Scope(scope))
    for r in rows:
        r.status, r.status_reason = AppointmentStatus.CANCELLED, reason.strip()
    if a.series_id is not None and Scope(scope) != Scope.THIS and len(rows) > 1:
        series = s.get(AppointmentSeries, a.series_id)
        earlier = _occurrence_before(s, series.id, rows[0].recurrence_id)
        if earlier is not None and Scope(scope) == Scope.FOLLOWING:
            series.rrule = recurrence.with_until(
                series.rrule, clock.utc_to_local(earlier, series.timezone)
            )
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="appointment",
        entity_id=a.id,
        patient_id=a.patient_id,
        category=CATEGORY,
        detail={"cancelled": len(rows), "scope": Scope(scope).value, "reason": reason.strip()},
    )
    return rows


def set_status(
    s: Session,
    actor: Actor,
    appointment_id: int,
    status: str,
    reason: str | None = None,
    version: int | None = None,
) -> Appointment:
    """Arrived, completed, no-show, confirmed ... (cancel has its own call: it needs a reason)."""
    require(actor, "schedule.edit")
    new = AppointmentStatus(status)
    if new == AppointmentStatus.CANCELLED:
        return cancel_appointment(s, actor, appointment_id, reason or "", version=version)[0]
    a = get_appointment(s, appointment_id)
    _check_version(a, version, {"status": new.value})
    before = a.status
    a.status, a.status_reason = new, (reason or "").strip() or None
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="appointment",
        entity_id=a.id,
        patient_id=a.patient_id,
        category=CATEGORY,
        detail={"status": {"before": str(before), "after": new.value}},
    )
    return a
