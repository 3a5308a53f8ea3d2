"""Scheduling (FHIR Appointment): appointments, recurring series and transport bookings.

Times are stored in UTC; a series keeps its rule in the clinic's local time so that
"every Tuesday 09:00" stays 09:00 across daylight-saving changes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamps, Versioned
from db.models.contacts import Organization
from db.models.core import Patient, User


class AppointmentKind(StrEnum):
    MEDICAL = "medical appointment"
    HOME_VISIT = "home-health visit"
    TRANSPORT = "transport"
    TELEHEALTH = "telehealth"
    FOLLOW_UP_CALL = "follow-up call"
    CASE_CONFERENCE = "case conference"
    OTHER = "other"


class AppointmentStatus(StrEnum):
    PROPOSED = "proposed"
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no-show"


class ReminderOutcome(StrEnum):
    CONFIRMED = "confirmed"
    LEFT_MESSAGE = "left message"
    NO_ANSWER = "no answer"


class AppointmentSeries(Versioned, Timestamps, Base):
    """A recurrence rule (RFC 5545 RRULE) expanded into appointment rows."""

    __tablename__ = "appointment_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    rrule: Mapped[str] = mapped_column(String(300))  # e.g. "FREQ=WEEKLY;INTERVAL=8;BYDAY=TU"
    timezone: Mapped[str] = mapped_column(String(64))
    dtstart_local: Mapped[str] = mapped_column(String(19))  # "YYYY-MM-DDTHH:MM:SS" wall time
    duration_minutes: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Appointment(Versioned, Timestamps, Base):
    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_start", "start_at"),
        Index("ix_appointment_staff_start", "staff_id", "start_at"),
        Index("ix_appointment_patient_start", "patient_id", "start_at"),
        Index("ix_appointment_series", "series_id"),
        Index("ix_appointment_provider", "provider_contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AppointmentKind] = mapped_column(String(30))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    title: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(String(300))
    # The outside provider or facility: a directory entry when linked (its name is copied
    # into `provider` so exports and history read the same after the entry changes),
    # or a name typed by hand for someone not in the directory.
    provider: Mapped[str | None] = mapped_column(String(200))
    provider_contact_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[AppointmentStatus] = mapped_column(String(20), default=AppointmentStatus.BOOKED)
    status_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    needs_transport: Mapped[bool] = mapped_column(Boolean, default=False)
    conflict_override: Mapped[str | None] = mapped_column(Text)  # why a double booking was kept
    series_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_series.id"))
    recurrence_id: Mapped[datetime | None]  # the occurrence's original start (RFC 5545)
    is_exception: Mapped[bool] = mapped_column(Boolean, default=False)  # moved/edited alone
    reminder_outcome: Mapped[str | None] = mapped_column(String(20))
    reminder_at: Mapped[datetime | None]
    reminder_attempts: Mapped[int] = mapped_column(default=0)
    source_kind: Mapped[str | None] = mapped_column(String(40))  # e.g. "task", "care plan"
    source_id: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    patient: Mapped[Patient | None] = relationship()
    staff: Mapped[User | None] = relationship(foreign_keys=[staff_id])
    provider_org: Mapped[Organization | None] = relationship()
    transport: Mapped[TransportBooking | None] = relationship(
        back_populates="appointment", uselist=False
    )


class TransportBooking(Versioned, Timestamps, Base):
    """A ride to and from an appointment."""

    __tablename__ = "transport_booking"
    __table_args__ = (Index("ix_transport_booking_pickup", "pickup_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), unique=True)
    pickup_at: Mapped[datetime]
    pickup_address: Mapped[str | None] = mapped_column(String(300))
    return_trip: Mapped[bool] = mapped_column(Boolean, default=True)
    return_pickup_at: Mapped[datetime | None]
    vendor: Mapped[str | None] = mapped_column(String(200))  # as for Appointment.provider
    vendor_contact_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    wheelchair: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    appointment: Mapped[Appointment] = relationship(back_populates="transport")
    vendor_org: Mapped[Organization | None] = relationship()
