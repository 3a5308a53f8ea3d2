"""Intake assessment: drafts and completed intakes, instrument responses, suggestions,
and admin-uploaded definitions (instruments and risk-tier rules).

No foreign keys to other capabilities' tables: the care-plan builder finds accepted
suggestions by patient and status, and records which plan took them by plain id.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamps, Versioned, utcnow
from db.models.core import Patient, User


class IntakeStatus(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class SuggestionStatus(StrEnum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class Intake(Versioned, Timestamps, Base):
    """One intake per visit; while a draft, each step's answers live in `data` (JSON)."""

    __tablename__ = "intake"
    __table_args__ = (
        Index("ix_intake_patient_status", "patient_id", "status"),
        # My day (0014): each patient's latest tier without reading the rows; drafts by age
        Index("ix_intake_latest_tier", "status", "patient_id", "completed_at", "risk_tier"),
        Index("ix_intake_status_updated", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    status: Mapped[IntakeStatus] = mapped_column(String(20), default=IntakeStatus.DRAFT)
    current_step: Mapped[int] = mapped_column(default=1)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    risk_tier: Mapped[str | None] = mapped_column(String(20))
    risk_reasons: Mapped[str | None] = mapped_column(Text)
    suicide_alert: Mapped[bool] = mapped_column(Boolean, default=False)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[datetime | None]
    status_reason: Mapped[str | None] = mapped_column(Text)

    patient: Mapped[Patient] = relationship()
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])


class AssessmentResponse(Timestamps, Base):
    """A scored instrument (FHIR QuestionnaireResponse), kept for history and trends."""

    __tablename__ = "assessment_response"
    __table_args__ = (
        Index("ix_assessment_response_patient", "patient_id", "instrument_code", "assessed_at"),
        Index("ix_assessment_response_intake", "intake_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intake.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    instrument_code: Mapped[str] = mapped_column(String(40))
    instrument_title: Mapped[str] = mapped_column(String(120))
    instrument_version: Mapped[str] = mapped_column(String(40))
    definition_revision: Mapped[int | None]  # an admin upload's revision; None = shipped file
    answers: Mapped[list] = mapped_column(JSON)
    total: Mapped[int]
    band: Mapped[str] = mapped_column(String(60))
    positive: Mapped[bool] = mapped_column(Boolean)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class IntakeSuggestion(Timestamps, Base):
    """A need, goal, referral or task the intake suggested, with the nurse's decision.

    Accepted rows are what "Start care plan from this intake" hands on: the care-plan
    builder reads them (`services.intake.intake.accepted_suggestions`) and stamps
    `care_plan_id`/`handed_off_at` when it takes them.
    """

    __tablename__ = "intake_suggestion"
    __table_args__ = (
        Index("ix_intake_suggestion_patient", "patient_id", "status"),
        Index("ix_intake_suggestion_intake", "intake_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    kind: Mapped[str] = mapped_column(String(20))  # need, goal, referral, task
    text: Mapped[str] = mapped_column(Text)  # as accepted (possibly edited)
    suggested_text: Mapped[str] = mapped_column(Text)  # as the rule suggested it
    source_instrument: Mapped[str] = mapped_column(String(40))  # instrument code or intake step
    source_finding: Mapped[str] = mapped_column(String(300))
    status: Mapped[SuggestionStatus] = mapped_column(String(20))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    care_plan_id: Mapped[int | None]  # plain id: set by the care-plan builder
    handed_off_at: Mapped[datetime | None]
    # What the nurse settled in the summary's preview: the goal's words and who said them,
    # priority and target date, a task's due date, a referral's urgency and organization,
    # every finding behind a merged suggestion, and where it went (the draft referral).
    details: Mapped[dict | None] = mapped_column(JSON)


class ClinicDefinition(Timestamps, Base):
    """An admin-uploaded instrument or risk-tier rule set; each upload is a new revision."""

    __tablename__ = "clinic_definition"
    __table_args__ = (UniqueConstraint("kind", "code", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "instrument" or "risk_tiers"
    code: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int]
    body: Mapped[str] = mapped_column(Text)  # the YAML as uploaded
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
