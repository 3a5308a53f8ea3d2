"""Safety: the urgent safety follow-up a positive suicide-risk item or interpersonal-safety
screen raises, and the patient's safety plan.

A follow-up is open until someone completes it with an outcome; while open, `open_key`
holds "patient id:concern", so a unique constraint keeps one open follow-up per patient
and concern on every database (NULLs never collide). Who was notified is logged in the
contacts room's communication log; the follow-up points at those entries.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamps, Versioned, utcnow
from db.models.core import Patient, User


class SafetyConcern(StrEnum):
    SUICIDE_RISK = "suicide risk"
    INTERPERSONAL = "interpersonal safety"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


class SafetyOutcome(StrEnum):
    PLAN_IN_PLACE = "safety plan in place"
    CRISIS_SERVICES = "connected with crisis services"
    URGENT_BEHAVIORAL_HEALTH = "urgent behavioral health visit booked"
    EMERGENCY = "sent to emergency care"


class SafetyFollowUp(Versioned, Timestamps, Base):
    """One urgent safety follow-up (a FHIR Task of the safety kind, kept on its own so it is
    never listed, copied or closed like a routine task)."""

    __tablename__ = "safety_follow_up"
    __table_args__ = (
        Index("ix_safety_follow_up_patient", "patient_id", "status"),
        Index("ix_safety_follow_up_owner", "owner_user_id", "status"),
        Index("ix_safety_follow_up_source", "source_kind", "source_id"),
        UniqueConstraint("open_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    concern: Mapped[SafetyConcern] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(300))  # what raised it, in words
    source_kind: Mapped[str | None] = mapped_column(String(40))  # "intake", ...
    source_id: Mapped[int | None]
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[FollowUpStatus] = mapped_column(String(20), default=FollowUpStatus.OPEN)
    open_key: Mapped[str | None] = mapped_column(String(80))
    # The structured safety assessment: {"answers": {...}, "risk_level": ..., "note": ...}
    assessment: Mapped[dict | None] = mapped_column(JSON)
    assessed_at: Mapped[datetime | None]
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    supervisor_comm_id: Mapped[int | None] = mapped_column(ForeignKey("communication.id"))
    primary_care_comm_id: Mapped[int | None] = mapped_column(ForeignKey("communication.id"))
    outcome: Mapped[SafetyOutcome | None] = mapped_column(String(60))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    patient: Mapped[Patient] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])


class SafetyPlan(Versioned, Timestamps, Base):
    """The patient's safety plan, one per patient, revised in place (the audit trail keeps
    every change); `reviewed_at` moves on every save, changed or not."""

    __tablename__ = "safety_plan"
    __table_args__ = (UniqueConstraint("patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    warning_signs: Mapped[str] = mapped_column(Text, default="")
    coping_strategies: Mapped[str] = mapped_column(Text, default="")
    people_and_places: Mapped[str] = mapped_column(Text, default="")
    professionals: Mapped[str] = mapped_column(Text, default="")
    means_safety: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
