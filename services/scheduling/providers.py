"""Providers, facilities and transport vendors for appointments, from the Contacts directory.

An appointment or a ride links to a directory entry when there is one, so the nurse
has its phone number at hand; a name typed by hand stays possible for someone not
(yet) in the directory. The entry's name is copied onto the appointment when linked,
so exports and history read the same after the entry is edited or archived.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from db.base import utcnow
from db.models import (
    Appointment,
    AppointmentStatus,
    Organization,
    OrgType,
    Patient,
    RecordStatus,
    TransportBooking,
)
from services.core.clock import us_date, utc_to_local
from services.core.contact_data import display_phone
from services.core.errors import InvalidInput
from services.core.text import fold, us_spelling

PICKER_SIZE = 25
# Directory entries that are never the place an appointment happens.
NOT_A_PROVIDER = (OrgType.INSURER.value, OrgType.TRANSPORT.value)


def _label(name: str, org_type: str) -> str:
    return f"{name} ({org_type})"


def _with_included(s: Session, found: dict[int, str], include: tuple) -> dict[int, str]:
    """Keep already-linked entries in a picker whatever the search (even if archived since)."""
    wanted = [i for i in include if i is not None and i not in found]
    if wanted:
        cols = (Organization.id, Organization.name, Organization.org_type)
        for i, name, kind in s.execute(select(*cols).where(Organization.id.in_(wanted))):
            found[i] = _label(name, kind)
    return found


def provider_choices(s: Session, query: str = "", *, include: tuple = ()) -> dict[int, str]:
    """Directory entries to pick a provider or facility from: id -> "Name (type)".

    With words, the active entries whose name, type or services hold every word; without,
    the entries appointments were most recently booked with (the clinic's usual places).
    """
    q = select(Organization.id, Organization.name, Organization.org_type).where(
        Organization.status == RecordStatus.ACTIVE, Organization.org_type.not_in(NOT_A_PROVIDER)
    )  # the same rule as is_provider, in SQL
    words = fold(query or "").split()
    if words:
        for word in words:
            q = q.where(Organization.search_text.contains(word, autoescape=True))
        q = q.order_by(Organization.name_key, Organization.id)
    else:
        recent = (
            select(Appointment.provider_contact_id, func.max(Appointment.id).label("last"))
            .where(Appointment.provider_contact_id.is_not(None))
            .group_by(Appointment.provider_contact_id)
            .order_by(func.max(Appointment.id).desc())
            .limit(PICKER_SIZE)
            .subquery()
        )
        q = q.join(recent, recent.c.provider_contact_id == Organization.id).order_by(
            recent.c.last.desc()
        )
    found = {i: _label(name, kind) for i, name, kind in s.execute(q.limit(PICKER_SIZE))}
    return _with_included(s, found, include)


def vendor_choices(s: Session, *, include: tuple = (), usual_first: bool = False) -> dict[int, str]:
    """Active transport vendors (a clinic works with a handful), by name; `usual_first`
    puts the one most rides were booked with in the last 90 days first."""
    q = (
        select(Organization.id, Organization.name, Organization.org_type)
        .where(
            Organization.status == RecordStatus.ACTIVE,
            Organization.org_type == OrgType.TRANSPORT.value,
        )
        .order_by(Organization.name_key, Organization.id)
        .limit(200)
    )
    found = _with_included(s, {i: n for i, n, _ in s.execute(q)}, include)
    if usual_first and found:
        since = utcnow() - timedelta(days=90)
        usual = s.scalar(
            select(TransportBooking.vendor_contact_id)
            .where(
                TransportBooking.vendor_contact_id.in_(list(found)),
                TransportBooking.created_at >= since,
            )
            .group_by(TransportBooking.vendor_contact_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        if usual is not None:
            found = {usual: found[usual]} | found
    return found


def is_provider(org_type: str) -> bool:
    return org_type not in NOT_A_PROVIDER


def is_vendor(org_type: str) -> bool:
    return org_type == OrgType.TRANSPORT.value


def entry_named(s: Session, name: str | None, fits) -> int | None:
    """The one active entry (of a fitting type) with exactly this name, accents and case
    aside: a name typed before the entry was in the directory is offered as the entry."""
    if not (name or "").strip():
        return None
    q = select(Organization.id, Organization.org_type).where(
        Organization.status == RecordStatus.ACTIVE, Organization.name_key == fold(name)[:200]
    )
    found = [i for i, kind in s.execute(q) if fits(kind)]
    return found[0] if len(found) == 1 else None


def linked_entry(s: Session, org_id: int, *, current: int | None, field: str, fits) -> Organization:
    """The directory entry being linked; refused when it is gone, of a type that does not
    fit (`fits(org_type)`), or archived and new here."""
    org = s.get(Organization, org_id)
    if org is None:
        raise InvalidInput({field: "That entry is no longer in the directory."})
    if not fits(org.org_type):
        raise InvalidInput(
            {field: f"{org.name} ({org.org_type}) does not fit here; choose another."}
        )
    if org.status != RecordStatus.ACTIVE and org_id != current:
        raise InvalidInput(
            {field: f"{org.name} was archived in the directory; choose another or type a name."}
        )
    return org


def with_phone(name: str | None, org: Organization | None) -> str | None:
    """ "Name · phone" when the directory has a phone for it, for people who will call."""
    phone = display_phone(org.phone) if org is not None and org.phone else ""
    return f"{name} · {phone}" if name and phone else name


def coming_up_with(
    s: Session, org_id: int, tz: str, *, now: datetime | None = None, days: int = 60
) -> list[dict]:
    """Open appointments booked with this entry, and rides it drives, from now on: what the
    liaison talks about when calling them ("who of ours is coming next week?")."""
    now = now or utcnow()
    until = now + timedelta(days=days)
    gone = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
    archived = Appointment.patient.has(Patient.status != RecordStatus.ACTIVE)
    visits = s.scalars(
        select(Appointment)
        .options(joinedload(Appointment.patient))
        .where(
            Appointment.provider_contact_id == org_id,
            Appointment.start_at >= now,
            Appointment.start_at < until,
            Appointment.status.not_in(gone),
            ~archived,
        )
        .order_by(Appointment.start_at)
        .limit(200)
    ).all()
    rides = s.scalars(
        select(TransportBooking)
        .join(Appointment)
        .options(joinedload(TransportBooking.appointment).joinedload(Appointment.patient))
        .where(
            TransportBooking.vendor_contact_id == org_id,
            TransportBooking.pickup_at >= now,
            TransportBooking.pickup_at < until,
            Appointment.status.not_in(gone),
            Appointment.needs_transport.is_(True),
            ~archived,
        )
        .order_by(TransportBooking.pickup_at)
        .limit(200)
    ).all()
    rows = [(a.start_at, a, a.title, str(a.status)) for a in visits]
    rows += [
        (t.pickup_at, t.appointment, f"Ride to {t.appointment.title}",
         "confirmed" if t.confirmed else "not confirmed")
        for t in rides
    ]  # fmt: skip
    return [
        {
            "When": us_date(utc_to_local(at, tz), weekday=True, year=False),
            "Patient": a.patient.display_name if a.patient else "",
            "What": what,
            "Status": us_spelling(status),
        }
        for at, a, what, status in sorted(rows, key=lambda r: r[0])
    ]
