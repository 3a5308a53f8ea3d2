"""Foundation models: staff users, patients, the audit trail, and key/value settings."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db import append_only
from db.base import Base, Timestamps, Versioned, utcnow


class Role(StrEnum):
    ADMIN = "admin"
    NURSE = "nurse"
    SOCIAL_WORKER = "social_worker"
    SCHEDULER = "scheduler"
    VIEWER = "viewer"


class RecordStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class LivingSituation(StrEnum):
    HOME = "home"
    HOME_WITH_FAMILY = "home with family"
    ASSISTED_LIVING = "assisted living"
    SKILLED_NURSING = "skilled nursing"
    HOMELESS = "homeless"
    OTHER = "other"


class User(Timestamps, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))  # direct line, printed for patients
    role: Mapped[Role] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]


class Patient(Versioned, Timestamps, Base):
    __tablename__ = "patient"
    __table_args__ = (
        Index("ix_patient_search_name", "search_name"),
        Index("ix_patient_birth_date", "birth_date"),
        Index("ix_patient_case_manager", "primary_case_manager_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mrn: Mapped[str] = mapped_column(String(32), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date]
    sex: Mapped[str | None] = mapped_column(String(20))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    preferred_language: Mapped[str] = mapped_column(String(40), default="English")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address_line: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(50))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    living_situation: Mapped[str | None] = mapped_column(String(40))
    primary_case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Accent- and case-folded "given family preferred" for search on any database.
    search_name: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[RecordStatus] = mapped_column(String(20), default=RecordStatus.ACTIVE)
    status_reason: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None]

    primary_case_manager: Mapped[User | None] = relationship()

    @property
    def display_name(self) -> str:
        shown = f"{self.family_name}, {self.given_name}"
        return f"{shown} ({self.preferred_name})" if self.preferred_name else shown


class AuditEvent(Base):
    """Append-only. Each row's hmac covers its content and the previous row's hmac."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_patient", "patient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None]  # no FK: the trail outlives accounts
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str | None] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    patient_id: Mapped[int | None]
    category: Mapped[str | None] = mapped_column(String(40))
    success: Mapped[bool] = mapped_column(Boolean, default=True)
    detail: Mapped[str | None] = mapped_column(Text)  # JSON: changed fields, before/after
    prev_hmac: Mapped[str] = mapped_column(String(64))
    hmac: Mapped[str] = mapped_column(String(64), unique=True)


@event.listens_for(AuditEvent.__table__, "after_create")
def _append_only(target, connection, **_kw) -> None:
    # A database made with create_all (tests, a fresh demo) gets the same triggers as
    # one made by the migrations (0008).
    for statement in append_only.statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


class AppSetting(Base):
    """Small per-database facts, e.g. that this is the training database."""

    __tablename__ = "app_setting"
    __table_args__ = (UniqueConstraint("key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(Text)


class TaskStatus(StrEnum):
    REQUESTED = "requested"
    IN_PROGRESS = "in progress"
    ON_HOLD = "on hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TaskPriority(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    STAT = "stat"  # same day, cannot wait


class OwnerKind(StrEnum):
    STAFF = "staff"
    CONTACT = "outside contact"
    PATIENT = "patient"
    FAMILY = "family member"


class Task(Versioned, Timestamps, Base):
    """Something someone must do by a date (FHIR Task). Shared by every capability.

    `source_kind`/`source_id` say what created it ("intake", "referral", "goal", ...)
    without a foreign key, so each capability can point at its own rows.
    """

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_owner_due", "owner_user_id", "status", "due_on"),
        Index("ix_task_patient", "patient_id"),
        Index("ix_task_source", "source_kind", "source_id"),
        # the team's worklist and its charts (0014): open tasks by due date, done since
        Index("ix_task_status_due", "status", "due_on"),
        Index("ix_task_due_on", "due_on"),
        Index("ix_task_done_at", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    owner_kind: Mapped[OwnerKind] = mapped_column(String(20), default=OwnerKind.STAFF)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    owner_name: Mapped[str | None] = mapped_column(String(200))  # contact, patient or family member
    due_on: Mapped[date]
    priority: Mapped[TaskPriority] = mapped_column(String(20), default=TaskPriority.ROUTINE)
    status: Mapped[TaskStatus] = mapped_column(String(20), default=TaskStatus.REQUESTED)
    status_reason: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    repeat_every_days: Mapped[int | None]  # a repeating task spawns its next one when done
    source_kind: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    patient: Mapped[Patient | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
