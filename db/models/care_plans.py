"""Care plans (FHIR CarePlan, Goal, CareTeam): goals first, in the patient's own words.

Links to other capabilities (intake findings, directory contacts) are plain kind + id,
never foreign keys, so each capability migrates on its own. Tasks live in the shared
`task` table with source_kind "goal" / "care_plan" / "teach_back".
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamps, Versioned, utcnow
from db.models.core import User


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ON_HOLD = "on hold"
    COMPLETED = "completed"
    REVOKED = "revoked"


LIVING_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.ON_HOLD)


class GoalLifecycle(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ON_HOLD = "on hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Achievement(StrEnum):
    IN_PROGRESS = "in progress"
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no change"
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not achieved"


class SaidBy(StrEnum):
    PATIENT = "patient"
    CAREGIVER = "caregiver"


class ConcernKind(StrEnum):
    NEED = "need"
    STRENGTH = "strength"
    BARRIER = "barrier"


class TeamRole(StrEnum):
    CASE_MANAGER = "primary case manager"
    PCP = "primary care provider"
    SPECIALIST = "specialist"
    HOME_HEALTH = "home health nurse"
    SOCIAL_WORKER = "social worker"
    PHARMACIST = "pharmacist"
    CAREGIVER = "caregiver/family"


class CarePlan(Versioned, Timestamps, Base):
    __tablename__ = "care_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="Care plan")
    status: Mapped[PlanStatus] = mapped_column(String(20), default=PlanStatus.DRAFT)
    status_reason: Mapped[str | None] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    start_on: Mapped[date]
    end_on: Mapped[date | None]
    next_review_on: Mapped[date | None] = mapped_column(index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    goals: Mapped[list[Goal]] = relationship(
        back_populates="plan", order_by="Goal.priority_rank, Goal.id"
    )


# One living plan per patient: `is_current` is true while draft, active or on hold.
Index(
    "uq_care_plan_current_patient",
    CarePlan.patient_id,
    unique=True,
    sqlite_where=CarePlan.is_current == true(),
    postgresql_where=CarePlan.is_current == true(),
)


class Goal(Versioned, Timestamps, Base):
    __tablename__ = "care_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    patients_words: Mapped[str | None] = mapped_column(Text)
    said_by: Mapped[SaidBy] = mapped_column(String(20), default=SaidBy.PATIENT)
    said_by_name: Mapped[str | None] = mapped_column(String(200))  # the caregiver's name
    description: Mapped[str] = mapped_column(Text)  # the measurable goal
    target_on: Mapped[date | None]
    priority_rank: Mapped[int] = mapped_column(default=1)  # 1 = matters most to the patient
    lifecycle_status: Mapped[GoalLifecycle] = mapped_column(
        String(20), default=GoalLifecycle.PROPOSED
    )
    achievement_status: Mapped[Achievement] = mapped_column(
        String(20), default=Achievement.IN_PROGRESS
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    source_kind: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[int | None]
    template_key: Mapped[str | None] = mapped_column(String(120))  # "template:goal" it came from
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    plan: Mapped[CarePlan] = relationship(back_populates="goals")


class GoalOptionDiscussion(Timestamps, Base):
    """The advocacy conversation: options discussed, what the patient prefers and why."""

    __tablename__ = "care_goal_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("care_goal.id"), index=True)
    options_discussed: Mapped[str] = mapped_column(Text)  # one option per line
    preference: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(Text)
    discussed_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class PlanConcern(Versioned, Timestamps, Base):
    """A need, strength or barrier, linked to the assessment result behind it."""

    __tablename__ = "care_plan_concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    kind: Mapped[ConcernKind] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("care_goal.id"))
    source_kind: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[int | None]
    template_key: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    status_reason: Mapped[str | None] = mapped_column(Text)


class CareTeamMember(Versioned, Timestamps, Base):
    __tablename__ = "care_team_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    role: Mapped[TeamRole] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str | None] = mapped_column(String(200))  # outside member or family
    organisation: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    contact_kind: Mapped[str | None] = mapped_column(String(40))  # directory link, no FK
    contact_id: Mapped[int | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    status_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()


class CarePlanReview(Timestamps, Base):
    __tablename__ = "care_plan_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    reviewed_on: Mapped[date]
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    next_review_on: Mapped[date]

    progress: Mapped[list[GoalProgress]] = relationship(order_by="GoalProgress.id")


class GoalProgress(Base):
    __tablename__ = "care_goal_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("care_plan_review.id"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("care_goal.id"), index=True)
    achievement_status: Mapped[Achievement] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class TeachMethod(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    DEMONSTRATION = "demonstration"
    VIDEO = "video"


class TeachResult(StrEnum):
    EXPLAINED = "explained back correctly"
    DEMONSTRATED = "demonstrated correctly"
    REINFORCE = "needs reinforcement"
    UNABLE = "unable"


class TeachBack(Timestamps, Base):
    __tablename__ = "teach_back"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("care_plan.id"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("care_goal.id"))
    taught_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(200))
    learner: Mapped[SaidBy] = mapped_column(String(20), default=SaidBy.PATIENT)
    learner_name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(40), default="English")
    interpreter_used: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[TeachMethod] = mapped_column(String(20))
    materials: Mapped[str | None] = mapped_column(Text)
    result: Mapped[TeachResult] = mapped_column(String(40))
    follow_up_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    taught_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class TransitionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ChecklistState(StrEnum):
    OPEN = "open"
    DONE = "done"
    NOT_APPLICABLE = "not applicable"


class CareTransition(Versioned, Timestamps, Base):
    """A stay in hospital or a facility and the discharge home from it."""

    __tablename__ = "care_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("care_plan.id"))
    facility: Mapped[str] = mapped_column(String(200))
    admitted_on: Mapped[date]
    discharged_on: Mapped[date | None]
    reason: Mapped[str | None] = mapped_column(Text)
    lace_score: Mapped[int | None]
    lace_source: Mapped[str | None] = mapped_column(String(40))  # "intake" or "computed"
    status: Mapped[TransitionStatus] = mapped_column(String(20), default=TransitionStatus.OPEN)
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    items: Mapped[list[DischargeItem]] = relationship(
        back_populates="transition", order_by="DischargeItem.position"
    )


class DischargeItem(Versioned, Base):
    __tablename__ = "discharge_item"
    __table_args__ = (UniqueConstraint("transition_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transition_id: Mapped[int] = mapped_column(ForeignKey("care_transition.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    state: Mapped[ChecklistState] = mapped_column(String(20), default=ChecklistState.OPEN)
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    transition: Mapped[CareTransition] = relationship(back_populates="items")


class PlacementStatus(StrEnum):
    APPLIED = "applied"
    WAITLISTED = "waitlisted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ADMITTED = "admitted"


class LtcPlacement(Versioned, Timestamps, Base):
    """A long-term-care application, followed by the social worker responsible."""

    __tablename__ = "ltc_placement"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    facility: Mapped[str] = mapped_column(String(200))
    applied_on: Mapped[date]
    status: Mapped[PlacementStatus] = mapped_column(String(20), default=PlacementStatus.APPLIED)
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    notes: Mapped[str | None] = mapped_column(Text)


class CarePlanTemplateVersion(Base):
    """An admin's edit of a template: every save is a new version; files are version 0."""

    __tablename__ = "care_plan_template_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)  # the YAML document as saved
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)


class PrintItem(Versioned, Timestamps, Base):
    """Whether a goal or task prints on the patient's own plan, and how it reads there.

    Nothing prints for the patient unless marked; `wording` holds the nurse's plain words
    per language code ("en", "es"), so the family reads their own language.
    """

    __tablename__ = "plan_print_item"
    __table_args__ = (UniqueConstraint("item_kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))  # "goal" or "task"
    item_id: Mapped[int]
    for_patient: Mapped[bool] = mapped_column(Boolean, default=False)
    wording: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
