"""Training: guided scenarios in the training database.

A trainee starts a scenario; CareDesk makes the trainee their own copy of the scenario's
synthetic patients (a run) and ticks each step off as the database shows it done. The
scenario definitions are YAML files; an administrator's edit is stored as a new version.
Which page a trainee opened is kept only when a step asks for it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, utcnow
from db.models.core import User


class RunStatus(StrEnum):
    ACTIVE = "active"
    RESET = "reset"  # started over (by the trainee or the trainer); its copy is archived


class TrainingScenarioVersion(Base):
    """An administrator's edit of a scenario: every save is a new version (files are 0)."""

    __tablename__ = "training_scenario_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)  # the YAML document as saved
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)


class TrainingRun(Base):
    """One trainee working through one scenario on their own copy of its patients."""

    __tablename__ = "training_run"
    __table_args__ = (Index("ix_training_run_trainee", "trainee_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_key: Mapped[str] = mapped_column(String(80))
    scenario_version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict] = mapped_column(JSON)  # the scenario as it was when started
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[RunStatus] = mapped_column(String(20), default=RunStatus.ACTIVE)
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    end_reason: Mapped[str | None] = mapped_column(Text)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    patients: Mapped[list[TrainingRunPatient]] = relationship(
        back_populates="run", order_by="TrainingRunPatient.id"
    )


# One active run per trainee and scenario: starting again first ends the one in progress.
Index(
    "uq_training_run_active",
    TrainingRun.trainee_id,
    TrainingRun.scenario_key,
    unique=True,
    sqlite_where=TrainingRun.status == RunStatus.ACTIVE.value,
    postgresql_where=TrainingRun.status == RunStatus.ACTIVE.value,
)


class TrainingRunPatient(Base):
    """A patient of the trainee's copy, by the key the scenario gives it ("walter")."""

    __tablename__ = "training_run_patient"
    __table_args__ = (UniqueConstraint("run_id", "patient_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("training_run.id"), index=True)
    patient_key: Mapped[str] = mapped_column(String(40))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)

    run: Mapped[TrainingRun] = relationship(back_populates="patients")


class TrainingVisit(Base):
    """A page a trainee opened while a step of their run asked them to."""

    __tablename__ = "training_visit"
    __table_args__ = (Index("ix_training_visit_run", "run_id", "page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("training_run.id"))
    page: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(default=utcnow)
