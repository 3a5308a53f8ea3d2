"""The care plan itself: one living plan per patient, its details and status, its history.

Rules (issue 4): only clinical roles change plans; a save names the version it edited
and is refused with both versions when someone else saved first. Every change is
audited. Goals, needs, tasks, team and reviews each have their own module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today
from db.models import CarePlan, Goal, Patient, PlanStatus
from db.models.care_plans import LIVING_PLAN_STATUSES
from services.care_plans.common import (
    EDIT,
    apply_changes,
    check_version,
    clean,
    current_plan,
    get_plan,
    record,
)
from services.care_plans.goals import CLOSED_GOALS
from services.care_plans.rows import PlanRow
from services.core.audit import Action
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require

DEFAULT_REVIEW_DAYS = 30


def plan_history(s: Session, patient_id: int) -> list[CarePlan]:
    """Every plan for the patient, newest first (the living one included)."""
    return list(
        s.scalars(
            select(CarePlan)
            .where(CarePlan.patient_id == patient_id)
            .order_by(CarePlan.start_on.desc(), CarePlan.id.desc())
        )
    )


def start_plan(
    s: Session,
    actor: Actor,
    patient_id: int,
    *,
    start_on: date | None = None,
    title: str = "Care plan",
    next_review_on: date | None = None,
    status: PlanStatus = PlanStatus.DRAFT,
) -> CarePlan:
    """Open the patient's living plan; refused while one is draft, active or on hold."""
    require(actor, EDIT)
    if s.get(Patient, patient_id) is None:
        raise NotFound("No such patient.")
    start_on = start_on or today()
    errors = {}
    if current_plan(s, patient_id) is not None:
        errors["plan"] = "This patient already has a living care plan; complete or revoke it first."
    if status not in LIVING_PLAN_STATUSES:
        errors["status"] = "A new plan starts as draft or active."
    if next_review_on is not None and next_review_on < start_on:
        errors["next_review_on"] = "The next review cannot be before the plan starts."
    if errors:
        raise InvalidInput(errors)
    plan = CarePlan(
        patient_id=patient_id,
        title=clean(title) or "Care plan",
        status=status,
        is_current=True,
        start_on=start_on,
        next_review_on=next_review_on or start_on + timedelta(days=DEFAULT_REVIEW_DAYS),
        author_id=actor.id,
    )
    s.add(plan)
    s.flush()
    record(s, actor, Action.CREATE, "care_plan", plan, patient_id, {"status": plan.status})
    return plan


@dataclass
class PlanInput:
    title: str = "Care plan"
    status: str = PlanStatus.DRAFT
    status_reason: str = ""
    start_on: date | None = None
    end_on: date | None = None
    next_review_on: date | None = None

    @classmethod
    def of(cls, plan: CarePlan | PlanRow) -> PlanInput:
        return cls(
            plan.title,
            plan.status,
            plan.status_reason or "",
            plan.start_on,
            plan.end_on,
            plan.next_review_on,
        )


PLAN_FIELDS = ["title", "status", "status_reason", "start_on", "end_on", "next_review_on"]


def update_plan(
    s: Session, actor: Actor, plan_id: int, data: PlanInput, *, expected_version: int | None
) -> CarePlan:
    require(actor, EDIT)
    plan = get_plan(s, plan_id)
    values = {
        "title": clean(data.title) or "Care plan",
        "status": PlanStatus(data.status),
        "status_reason": clean(data.status_reason),
        "start_on": data.start_on,
        "end_on": data.end_on,
        "next_review_on": data.next_review_on,
    }
    check_version(plan, expected_version, "care plan", values, PLAN_FIELDS)
    errors = {}
    if values["start_on"] is None:
        errors["start_on"] = "Give the date the plan starts."
    if values["end_on"] and values["start_on"] and values["end_on"] < values["start_on"]:
        errors["end_on"] = "The plan cannot end before it starts."
    if (
        values["next_review_on"]
        and values["start_on"]
        and values["next_review_on"] < values["start_on"]
    ):
        errors["next_review_on"] = "The next review cannot be before the plan starts."
    if not plan.is_current and values["status"] in LIVING_PLAN_STATUSES:
        errors["status"] = "A completed or revoked plan is kept as history; start a new plan."
    if values["status"] in (PlanStatus.REVOKED, PlanStatus.ON_HOLD) and not values["status_reason"]:
        errors["status_reason"] = "Say why the plan is revoked or on hold."
    goal_before_start = (
        values["start_on"]
        and s.scalar(
            select(Goal.id).where(
                Goal.plan_id == plan.id,
                Goal.target_on < values["start_on"],
                Goal.lifecycle_status.not_in(CLOSED_GOALS),
            )
        )
        is not None
    )
    if goal_before_start:
        errors["start_on"] = "A goal's target date would fall before this start date."
    if errors:
        raise InvalidInput(errors)
    if values["status"] in (PlanStatus.COMPLETED, PlanStatus.REVOKED):
        plan.is_current = False
        values["end_on"] = values["end_on"] or today()
    detail = apply_changes(plan, values)
    s.flush()
    record(s, actor, Action.UPDATE, "care_plan", plan, plan.patient_id, {"changes": detail})
    return plan


def plans_due_for_review(
    s: Session, on: date, case_manager_id: int | None = None
) -> list[CarePlan]:
    stmt = select(CarePlan).where(
        CarePlan.is_current.is_(True),
        CarePlan.status == PlanStatus.ACTIVE,
        CarePlan.next_review_on <= on,
    )
    if case_manager_id is not None:
        stmt = stmt.join(Patient, Patient.id == CarePlan.patient_id).where(
            Patient.primary_case_manager_id == case_manager_id
        )
    return list(s.scalars(stmt.order_by(CarePlan.next_review_on).limit(200)))
