"""Scheduling (FHIR Appointment): book, reschedule, edit, cancel, with double-booking checks.

One call is one user action inside the caller's transaction. The overlap check and
the write are race-free: SQLite sessions begin with BEGIN IMMEDIATE (one writer at a
time); on PostgreSQL we take a transaction-level advisory lock per staff member and
per patient before checking (DESIGN.md §3.4).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session, selectinload

from db.base import utcnow
from db.models import (
    Appointment,
    AppointmentKind,
    AppointmentSeries,
    AppointmentStatus,
    Patient,
    TransportBooking,
)
from services.core import audit, clock
from services.core.audit import Action
from services.core.clock import clinic_tz
from services.core.errors import Conflict, DomainError, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.patients.registry import home_address
from services.scheduling import providers, recurrence
from services.scheduling.recurrence import Repeat

CATEGORY = "schedule"
PATIENT_OPTIONAL = (AppointmentKind.CASE_CONFERENCE, AppointmentKind.OTHER)
# Statuses that no longer hold the time slot.
FREE_STATUSES = (AppointmentStatus.CANCELLED,)
CLOSED_STATUSES = (
    AppointmentStatus.COMPLETED,
    AppointmentStatus.CANCELLED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.ARRIVED,
)
MAX_LENGTH = timedelta(hours=12)
# Kinds that do not happen at the provider's address (a linked provider fills in the rest).
NOT_AT_PROVIDER = (
    AppointmentKind.HOME_VISIT,
    AppointmentKind.TELEHEALTH,
    AppointmentKind.FOLLOW_UP_CALL,
)
_LOCK_STAFF, _LOCK_PATIENT = 5401, 5402  # advisory-lock namespaces on PostgreSQL

EDITABLE = (
    "kind",
    "patient_id",
    "title",
    "location",
    "provider",
    "provider_contact_id",
    "staff_id",
    "status",
    "status_reason",
    "notes",
    "needs_transport",
)


class Scope(StrEnum):
    THIS = "this appointment"
    FOLLOWING = "this and following"
    SERIES = "whole series"


@dataclass
class AppointmentInput:
    kind: str = AppointmentKind.MEDICAL.value
    patient_id: int | None = None
    title: str = ""
    start: datetime | None = None  # timezone-aware
    end: datetime | None = None
    location: str | None = None
    provider: str | None = None  # typed by hand: someone not in the directory
    provider_contact_id: int | None = None  # or a Contacts directory entry
    staff_id: int | None = None
    status: str = AppointmentStatus.BOOKED.value
    status_reason: str | None = None
    notes: str | None = None
    needs_transport: bool = False
    source_kind: str | None = None
    source_id: int | None = None

    @classmethod
    def from_appointment(cls, a: Appointment) -> AppointmentInput:
        return cls(
            **{k: getattr(a, k) for k in EDITABLE},
            start=a.start_at,
            end=a.end_at,
            source_kind=a.source_kind,
            source_id=a.source_id,
        )


class DoubleBooking(DomainError):
    """The slot overlaps another appointment of the same patient or staff member."""

    def __init__(self, conflicts: list[dict]):
        self.conflicts = conflicts
        super().__init__(
            f"{len(conflicts)} overlapping appointment(s); give a reason to book anyway."
        )


@dataclass
class Booked:
    appointment: Appointment
    occurrences: list[Appointment] = field(default_factory=list)
    series: AppointmentSeries | None = None


# ---------------------------------------------------------------- validation


def _clean(s: Session, data: AppointmentInput, current: Appointment | None = None) -> dict:
    """Checked, normalised column values; `current` is the appointment being edited."""
    errors: dict[str, str] = {}
    provider, org = (data.provider or "").strip() or None, None
    was = current.provider_org if current is not None else None
    if data.provider_contact_id is not None:
        try:
            org = providers.linked_entry(
                s, data.provider_contact_id, current=was.id if was else None,
                field="provider", fits=providers.is_provider,
            )  # fmt: skip
            provider = org.name
        except InvalidInput as exc:
            errors |= exc.errors
    if provider and len(provider) > 200:
        errors["provider"] = "Keep the provider's name under 200 characters."
    try:
        kind = AppointmentKind(data.kind)
    except ValueError:
        errors["kind"] = "Choose an appointment type."
        kind = AppointmentKind.OTHER
    try:
        status = AppointmentStatus(data.status)
    except ValueError:
        errors["status"] = "Unknown status."
        status = AppointmentStatus.BOOKED
    title = (data.title or "").strip()
    patient = None
    if data.patient_id is None:
        if kind not in PATIENT_OPTIONAL:
            errors["patient_id"] = "Choose the patient."
    else:
        patient = s.get(Patient, data.patient_id)
        if patient is None:
            errors["patient_id"] = "No such patient."
    if not title:
        title = kind.value.capitalize()
    if len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if data.start is None or data.start.tzinfo is None:
        errors["start"] = "Give a start date and time."
    if data.end is None or data.end.tzinfo is None:
        errors["end"] = "Give an end time."
    elif data.start is not None and data.start.tzinfo is not None:
        if data.end <= data.start:
            errors["end"] = "The end must be after the start."
        elif data.end - data.start > MAX_LENGTH:
            errors["end"] = "An appointment can last at most 12 hours."
    if status == AppointmentStatus.CANCELLED and not (data.status_reason or "").strip():
        errors["status_reason"] = "Say why it was cancelled."
    if errors:
        raise InvalidInput(errors)
    location = (data.location or "").strip() or None
    if location is None and kind == AppointmentKind.HOME_VISIT and patient is not None:
        location = home_address(patient)
    # The provider's address fills an empty place, or replaces the old provider's address.
    replaced = was is not None and was is not org and location == was.address
    if org is not None and kind not in NOT_AT_PROVIDER and (location is None or replaced):
        location = org.address
    return {
        "kind": kind,
        "patient_id": data.patient_id,
        "title": title,
        "start_at": data.start.astimezone(UTC),
        "end_at": data.end.astimezone(UTC),
        "location": location,
        "provider": provider,
        "provider_contact_id": org.id if org is not None else None,
        "staff_id": data.staff_id,
        "status": status,
        "status_reason": (data.status_reason or "").strip() or None,
        "notes": (data.notes or "").strip() or None,
        "needs_transport": bool(data.needs_transport),
    }


# ---------------------------------------------------------------- conflicts


def lock_people(s: Session, staff_ids: set[int | None], patient_ids: set[int | None]) -> None:
    """Serialise bookings per person on PostgreSQL (SQLite's BEGIN IMMEDIATE already does)."""
    if s.get_bind().dialect.name != "postgresql":
        return
    keys = sorted(
        [(_LOCK_STAFF, i) for i in staff_ids if i is not None]
        + [(_LOCK_PATIENT, i) for i in patient_ids if i is not None]
    )
    for ns, ident in keys:  # a fixed order, so two bookings never deadlock
        s.execute(text("SELECT pg_advisory_xact_lock(:ns, :id)"), {"ns": ns, "id": ident})


def _overlapping(start: datetime, end: datetime) -> tuple:
    """Rows overlapping [start, end). The lower bound on start_at (nothing lasts longer
    than MAX_LENGTH) lets the start_at indexes scan only the range, not all history."""
    return (
        Appointment.start_at < end,
        Appointment.start_at > start - MAX_LENGTH,
        Appointment.end_at > start,
    )


def find_conflicts(
    s: Session,
    start: datetime,
    end: datetime,
    *,
    staff_id: int | None,
    patient_id: int | None,
    kind: str | None = None,
    exclude_ids: set[int] | frozenset[int] = frozenset(),
) -> list[Appointment]:
    """Appointments of the same staff member or patient that overlap [start, end)."""
    who = []
    if staff_id is not None:
        who.append(Appointment.staff_id == staff_id)
    if patient_id is not None and kind != AppointmentKind.TRANSPORT:
        # A ride overlaps its own appointment by design; it never double-books the patient.
        who.append(
            (Appointment.patient_id == patient_id) & (Appointment.kind != AppointmentKind.TRANSPORT)
        )
    if not who:
        return []
    q = select(Appointment).where(
        or_(*who),
        *_overlapping(start, end),
        Appointment.status.not_in(FREE_STATUSES),
    )
    if exclude_ids:
        q = q.where(Appointment.id.not_in(exclude_ids))
    return list(s.scalars(q.order_by(Appointment.start_at)))


def conflict_rows(items: list[Appointment], tz: str | None = None) -> list[dict]:
    tz = tz or clinic_tz()
    return [
        {
            "id": a.id,
            "When": f"{clock.utc_to_local(a.start_at, tz):%a %d %b %H:%M}"
            f"–{clock.utc_to_local(a.end_at, tz):%H:%M}",
            "Type": a.kind,
            "Title": a.title,
            "Patient": a.patient.display_name if a.patient else "",
            "Staff": a.staff.display_name if a.staff else "",
        }
        for a in items
    ]


def _check(
    s: Session,
    slots: list[tuple[datetime, datetime]],
    *,
    staff_id: int | None,
    patient_id: int | None,
    kind: str,
    exclude_ids: set[int],
    override_reason: str | None,
) -> list[Appointment]:
    lock_people(s, {staff_id}, {patient_id})
    found: dict[int, Appointment] = {}
    for start, end in slots:
        for a in find_conflicts(
            s,
            start,
            end,
            staff_id=staff_id,
            patient_id=patient_id,
            kind=kind,
            exclude_ids=exclude_ids,
        ):
            found[a.id] = a
    conflicts = sorted(found.values(), key=lambda a: a.start_at)
    if conflicts and not (override_reason or "").strip():
        raise DoubleBooking(conflict_rows(conflicts))
    return conflicts


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
) -> Booked:
    """Book one appointment, or a recurring series of them (expanded into rows)."""
    require(actor, "schedule.edit")
    tz = tz or clinic_tz()
    values = _clean(s, data)
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
    conflicts = _check(
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
        from services.scheduling import transport

        for a in rows:
            transport.ensure_transport(s, a, pickup_minutes=pickup_minutes)
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
        },
    )
    return Booked(rows[0], rows, series)


def get_appointment(s: Session, appointment_id: int) -> Appointment:
    a = s.get(Appointment, appointment_id)
    if a is None:
        raise NotFound("That appointment no longer exists.")
    return a


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
    values = _clean(s, data, current=a)
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
        conflicts = _check(
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
    from services.scheduling import transport

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
    """Cancel with a reason (nothing is deleted); a series can be cancelled from here on."""
    require(actor, "schedule.edit")
    if not (reason or "").strip():
        raise InvalidInput({"reason": "Say why it is cancelled."})
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


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Filters:
    staff_id: int | None = None
    patient_id: int | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


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
        .where(*_overlapping(start, end))
    )
    if filters.staff_id is not None:
        q = q.where(Appointment.staff_id == filters.staff_id)
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


def transport_of(s: Session, a: Appointment) -> TransportBooking | None:
    return s.scalar(select(TransportBooking).where(TransportBooking.appointment_id == a.id))


def patient_choices(
    s: Session, query: str = "", *, limit: int = 50, include: tuple[int | None, ...] = ()
) -> dict[int, str]:
    """Active patients matching a name or MRN, for pickers: id -> "Family, Given · MRN".

    `include` keeps already-chosen patients in the list whatever the query.
    """
    from db.models import RecordStatus
    from services.core.text import fold

    cols = (Patient.id, Patient.family_name, Patient.given_name, Patient.mrn)
    q = select(*cols).where(Patient.status == RecordStatus.ACTIVE)
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
        "When": f"{clock.utc_to_local(a.start_at, tz):%a %d %b %Y %H:%M}"
        f"–{clock.utc_to_local(a.end_at, tz):%H:%M}",
        "Staff": a.staff.display_name if a.staff else "—",
        "Status": a.status + (f" ({a.status_reason})" if a.status_reason else ""),
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
