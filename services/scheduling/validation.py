"""What makes an appointment bookable: its checked values, and no double booking.

The overlap check and the write that follows are race-free: SQLite sessions begin with
BEGIN IMMEDIATE (one writer at a time); on PostgreSQL we take a transaction-level
advisory lock per staff member and per patient before checking (DESIGN.md §3.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from db.models import Appointment, AppointmentKind, AppointmentStatus, Patient
from services.core import clock
from services.core.clock import clinic_tz
from services.core.errors import DomainError, InvalidInput
from services.patients.registry import home_address
from services.scheduling import providers
from services.scheduling.agenda import FREE_STATUSES, MAX_LENGTH, overlapping

PATIENT_OPTIONAL = (AppointmentKind.CASE_CONFERENCE, AppointmentKind.OTHER)
# Kinds that do not happen at the provider's address (a linked provider fills in the rest).
NOT_AT_PROVIDER = (
    AppointmentKind.HOME_VISIT,
    AppointmentKind.TELEHEALTH,
    AppointmentKind.FOLLOW_UP_CALL,
)
# A ride takes the patient from home to an appointment somewhere else: never to a visit
# that comes to them (home health), a video or phone visit, or a meeting about them.
RIDE_KINDS = (AppointmentKind.MEDICAL, AppointmentKind.OTHER)
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


# ---------------------------------------------------------------- validation


def clean(s: Session, data: AppointmentInput, current: Appointment | None = None) -> dict:
    """Checked, normalized column values; `current` is the appointment being edited."""
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
        errors["status_reason"] = "Say why it was canceled."
    if data.needs_transport and kind not in RIDE_KINDS:
        errors["needs_transport"] = (
            f"A {kind.value} needs no ride: rides take the patient from home to an "
            "appointment somewhere else."
        )
    elif data.needs_transport and patient is None:
        errors["needs_transport"] = "A ride is for a patient: choose the patient."
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
        *overlapping(start, end),
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
            "When": clock.us_date(clock.utc_to_local(a.start_at, tz), weekday=True, year=False)
            + f"–{clock.utc_to_local(a.end_at, tz):%H:%M}",
            "Type": a.kind,
            "Title": a.title,
            "Patient": a.patient.display_name if a.patient else "",
            "Staff": a.staff.display_name if a.staff else "",
        }
        for a in items
    ]


def check_slots(
    s: Session,
    slots: list[tuple[datetime, datetime]],
    *,
    staff_id: int | None,
    patient_id: int | None,
    kind: str,
    exclude_ids: set[int],
    override_reason: str | None,
) -> list[Appointment]:
    """The appointments these slots overlap; DoubleBooking unless a reason is given."""
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
