"""Transport bookings: the ride to (and back from) an appointment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from db.base import utcnow
from db.models import Appointment, AppointmentStatus, Patient, RecordStatus, TransportBooking
from services.core import audit
from services.core.audit import Action
from services.core.clock import us_date, utc_to_local
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor, require
from services.core.versions import check_version
from services.patients.registry import home_address
from services.scheduling import providers
from services.scheduling.agenda import get_appointment

RETURN_AFTER = timedelta(minutes=15)


@dataclass
class TransportInput:
    pickup_at: datetime | None = None
    pickup_address: str | None = None
    return_trip: bool = True
    return_pickup_at: datetime | None = None
    vendor: str | None = None  # typed by hand: a vendor not in the directory
    vendor_contact_id: int | None = None  # or a Contacts directory entry
    wheelchair: bool = False
    confirmed: bool = False
    notes: str | None = None


@dataclass
class RideRequest:
    """The ride asked for while booking: its vendor and whether the vendor confirmed it.

    It starts at the patient's home an hour before, with a return trip (change either
    afterwards in the appointment's Transport section)."""

    vendor_contact_id: int | None = None  # a transport vendor from Contacts
    vendor: str | None = None  # or one typed by hand
    confirmed: bool = False


def arrange_ride(s: Session, booking: TransportBooking, request: RideRequest) -> None:
    """Give a new ride its vendor and confirmation (InvalidInput names the field)."""
    vendor, vendor_id = (request.vendor or "").strip() or None, None
    if request.vendor_contact_id is not None:
        entry = providers.linked_entry(
            s, request.vendor_contact_id, current=None, field="vendor", fits=providers.is_vendor
        )
        vendor, vendor_id = entry.name, entry.id
    if vendor and len(vendor) > 200:
        raise InvalidInput({"vendor": "Keep the vendor's name under 200 characters."})
    if request.confirmed and not vendor:
        raise InvalidInput({"vendor": "Choose the vendor who confirmed the ride."})
    booking.vendor, booking.vendor_contact_id = vendor, vendor_id
    booking.confirmed = request.confirmed
    s.flush()


def ensure_transport(s: Session, a: Appointment, *, pickup_minutes: int = 60) -> TransportBooking:
    """The appointment's booking, created with sensible defaults when missing."""
    existing = s.scalar(select(TransportBooking).where(TransportBooking.appointment_id == a.id))
    if existing is not None:
        return existing
    booking = TransportBooking(
        appointment_id=a.id,
        pickup_at=a.start_at - timedelta(minutes=pickup_minutes),
        pickup_address=home_address(a.patient) if a.patient else None,
        return_trip=True,
        return_pickup_at=a.end_at + RETURN_AFTER,
        confirmed=False,
    )
    s.add(booking)
    s.flush()
    return booking


def follow_appointment(s: Session, a: Appointment, moved_by: timedelta) -> None:
    """Keep the ride with a moved appointment; a moved ride must be confirmed again."""
    booking = s.scalar(select(TransportBooking).where(TransportBooking.appointment_id == a.id))
    if booking is None:
        if a.needs_transport:
            ensure_transport(s, a)
        return
    if moved_by:
        booking.pickup_at += moved_by
        if booking.return_pickup_at is not None:
            booking.return_pickup_at += moved_by
        booking.confirmed = False


def save_transport(
    s: Session,
    actor: Actor,
    appointment_id: int,
    data: TransportInput,
    version: int | None = None,
) -> TransportBooking:
    require(actor, "schedule.edit")
    a = get_appointment(s, appointment_id)
    errors = {}
    if data.pickup_at is None or data.pickup_at.tzinfo is None:
        errors["pickup_at"] = "Give the pick-up time."
    elif data.pickup_at > a.start_at:
        errors["pickup_at"] = "Pick-up must be before the appointment starts."
    if data.return_trip and data.return_pickup_at is not None and data.return_pickup_at < a.end_at:
        errors["return_pickup_at"] = "The return pick-up must be after the appointment ends."
    vendor, vendor_id = (data.vendor or "").strip() or None, None
    if data.vendor_contact_id is not None:
        current = a.transport.vendor_contact_id if a.transport else None
        try:
            entry = providers.linked_entry(
                s, data.vendor_contact_id, current=current, field="vendor", fits=providers.is_vendor
            )
            vendor, vendor_id = entry.name, entry.id
        except InvalidInput as exc:
            errors |= exc.errors
    if vendor and len(vendor) > 200:
        errors["vendor"] = "Keep the vendor's name under 200 characters."
    if errors:
        raise InvalidInput(errors)
    booking = ensure_transport(s, a)
    if version is not None and booking.version != version:
        raise Conflict("Someone else changed this ride after you opened it.")
    booking.pickup_at = data.pickup_at
    booking.pickup_address = (data.pickup_address or "").strip() or None
    booking.return_trip = data.return_trip
    booking.return_pickup_at = data.return_pickup_at if data.return_trip else None
    booking.vendor, booking.vendor_contact_id = vendor, vendor_id
    booking.wheelchair = data.wheelchair
    booking.confirmed = data.confirmed
    booking.notes = (data.notes or "").strip() or None
    a.needs_transport = True
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="transport_booking",
        entity_id=booking.id,
        patient_id=a.patient_id,
        category="schedule",
        detail={"appointment": a.id, "confirmed": booking.confirmed, "vendor": booking.vendor},
    )
    return booking


def set_confirmed(
    s: Session, actor: Actor, booking_id: int, confirmed: bool, *, version: int | None = None
) -> TransportBooking:
    """The vendor confirmed (or un-confirmed) the ride, as the list showed it (`version`)."""
    require(actor, "schedule.edit")
    booking = s.get(TransportBooking, booking_id)
    if booking is None:
        raise InvalidInput({"transport": "No such ride."})
    check_version(
        booking, version, "ride", {"confirmed": confirmed},
        ["pickup_at", "vendor", "confirmed"], editing=False,
    )  # fmt: skip
    booking.confirmed = confirmed
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="transport_booking",
        entity_id=booking.id,
        patient_id=booking.appointment.patient_id,
        category="schedule",
        detail={"confirmed": confirmed},
    )
    return booking


def unconfirmed_transport(
    s: Session, now: datetime | None = None, days: int = 14
) -> list[TransportBooking]:
    """Rides for appointments in the next `days` that the vendor has not confirmed."""
    now = now or utcnow()
    q = (
        select(TransportBooking)
        .join(Appointment)
        .options(
            joinedload(TransportBooking.appointment).joinedload(Appointment.patient),
            joinedload(TransportBooking.vendor_org),
        )
        .where(
            TransportBooking.confirmed.is_(False),
            Appointment.needs_transport.is_(True),  # unticked: the ride is not wanted now
            ~Appointment.patient.has(Patient.status != RecordStatus.ACTIVE),  # not archived
            Appointment.start_at >= now,
            Appointment.start_at < now + timedelta(days=days),
            Appointment.status.not_in((AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)),
        )
        .order_by(TransportBooking.pickup_at)
    )
    return list(s.scalars(q))


def ride_values(a: Appointment) -> dict | None:
    """The appointment's ride as plain values for a form, or None."""
    t = a.transport
    if t is None:
        return None
    keys = (
        "pickup_at",
        "pickup_address",
        "return_trip",
        "return_pickup_at",
        "vendor",
        "vendor_contact_id",
    )
    return {k: getattr(t, k) for k in keys} | {"wheelchair": t.wheelchair, "confirmed": t.confirmed}


def ride_row(t: TransportBooking, tz: str) -> dict:
    a = t.appointment
    return {
        "id": t.id,
        "Pick-up": us_date(utc_to_local(t.pickup_at, tz), weekday=True, year=False),
        "Patient": a.patient.display_name if a.patient else "",
        "To": a.title,
        "Vendor": providers.with_phone(t.vendor, t.vendor_org) or "vendor not set",
        "Return": "with return" if t.return_trip else "one way",
        "version": t.version,  # what the list showed, for a one-click confirmation
    }
