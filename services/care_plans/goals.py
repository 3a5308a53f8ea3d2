"""Goals first, in the patient's words; and the options conversation behind each goal.

An empty goal, a target date before the plan starts, an active goal without the
patient's (or caregiver's) own words, a cancelled one without a reason are refused at
the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today
from db.models import Achievement, CarePlan, Goal, GoalLifecycle, GoalOptionDiscussion, SaidBy
from services.care_plans.common import (
    EDIT,
    apply_changes,
    check_version,
    clean,
    living_plan,
    record,
)
from services.care_plans.rows import GoalRow
from services.core.audit import Action
from services.core.clock import us_date
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require

CLOSED_GOALS = (GoalLifecycle.COMPLETED, GoalLifecycle.CANCELLED)


@dataclass
class GoalInput:
    description: str = ""  # the measurable goal
    patients_words: str = ""
    said_by: str = SaidBy.PATIENT
    said_by_name: str = ""
    target_on: date | None = None
    priority_rank: int = 1
    lifecycle_status: str = GoalLifecycle.PROPOSED
    achievement_status: str = Achievement.IN_PROGRESS
    status_reason: str = ""
    source_kind: str = ""
    source_id: int | None = None

    @classmethod
    def of(cls, goal: Goal | GoalRow) -> GoalInput:
        return cls(
            goal.description,
            goal.patients_words or "",
            goal.said_by,
            goal.said_by_name or "",
            goal.target_on,
            goal.priority_rank,
            goal.lifecycle_status,
            goal.achievement_status,
            goal.status_reason or "",
            goal.source_kind or "",
            goal.source_id,
        )


GOAL_FIELDS = [
    "description",
    "patients_words",
    "said_by",
    "said_by_name",
    "target_on",
    "priority_rank",
    "lifecycle_status",
    "achievement_status",
    "status_reason",
]


def _goal_values(plan: CarePlan, data: GoalInput) -> dict:
    errors: dict[str, str] = {}
    values = {
        "description": clean(data.description),
        "patients_words": clean(data.patients_words),
        "said_by": data.said_by,
        "said_by_name": clean(data.said_by_name),
        "target_on": data.target_on,
        "priority_rank": data.priority_rank,
        "lifecycle_status": data.lifecycle_status,
        "achievement_status": data.achievement_status,
        "status_reason": clean(data.status_reason),
    }
    if not values["description"]:
        errors["description"] = "Write the goal: what will be different, and how you will know."
    try:
        values["said_by"] = SaidBy(values["said_by"])
    except ValueError:
        errors["said_by"] = "Choose patient or caregiver."
    if values["said_by"] == SaidBy.CAREGIVER and not values["said_by_name"]:
        errors["said_by_name"] = "Name the caregiver who said it."
    if values["said_by"] == SaidBy.PATIENT:
        values["said_by_name"] = None
    try:
        values["lifecycle_status"] = GoalLifecycle(values["lifecycle_status"])
    except ValueError:
        errors["lifecycle_status"] = "Choose a status from the list."
    try:
        values["achievement_status"] = Achievement(values["achievement_status"])
    except ValueError:
        errors["achievement_status"] = "Choose a progress status from the list."
    if values["lifecycle_status"] == GoalLifecycle.ACTIVE and not values["patients_words"]:
        errors["patients_words"] = (
            "Before a goal is active, write what the patient (or caregiver) said, in their words."
        )
    if values["lifecycle_status"] == GoalLifecycle.CANCELLED and not values["status_reason"]:
        errors["status_reason"] = "Say why the goal is canceled."
    if values["target_on"] is not None and values["target_on"] < plan.start_on:
        errors["target_on"] = (
            f"The target date cannot be before the plan starts ({us_date(plan.start_on)})."
        )
    rank = values["priority_rank"]
    if not isinstance(rank, int) or rank < 1 or rank > 99:
        errors["priority_rank"] = "Rank the goal 1 (matters most) to 99."
    if errors:
        raise InvalidInput(errors)
    return values


def add_goal(
    s: Session,
    actor: Actor,
    plan_id: int,
    data: GoalInput,
    *,
    template_key: str | None = None,
) -> Goal:
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    values = _goal_values(plan, data)
    goal = Goal(
        plan_id=plan.id,
        patient_id=plan.patient_id,
        source_kind=clean(data.source_kind),
        source_id=data.source_id,
        template_key=template_key,
        created_by_id=actor.id,
        **values,
    )
    s.add(goal)
    s.flush()
    record(
        s,
        actor,
        Action.CREATE,
        "care_goal",
        goal,
        plan.patient_id,
        {"plan_id": plan.id, "source": goal.source_kind, "template": template_key},
    )
    return goal


def update_goal(
    s: Session, actor: Actor, goal_id: int, data: GoalInput, *, expected_version: int | None
) -> Goal:
    require(actor, EDIT)
    goal = s.get(Goal, goal_id)
    if goal is None:
        raise NotFound("No such goal.")
    plan = living_plan(s, goal.plan_id)
    values = _goal_values(plan, data)
    check_version(goal, expected_version, "goal", values, GOAL_FIELDS)
    detail = apply_changes(goal, values)
    s.flush()
    record(s, actor, Action.UPDATE, "care_goal", goal, goal.patient_id, {"changes": detail})
    return goal


def goals(s: Session, plan_id: int, *, include_closed: bool = True) -> list[Goal]:
    stmt = select(Goal).where(Goal.plan_id == plan_id)
    if not include_closed:
        stmt = stmt.where(Goal.lifecycle_status.not_in(CLOSED_GOALS))
    return list(s.scalars(stmt.order_by(Goal.priority_rank, Goal.id)))


def record_options(
    s: Session,
    actor: Actor,
    goal_id: int,
    *,
    options_discussed: str,
    preference: str = "",
    reasons: str = "",
    decision: str = "",
    discussed_on: date | None = None,
) -> GoalOptionDiscussion:
    """Write down the options conversation: what was offered, what the patient prefers, why."""
    require(actor, EDIT)
    goal = s.get(Goal, goal_id)
    if goal is None:
        raise NotFound("No such goal.")
    living_plan(s, goal.plan_id)
    errors = {}
    if not clean(options_discussed):
        errors["options_discussed"] = "List the options you discussed, one per line."
    if clean(preference) and not clean(reasons):
        errors["reasons"] = "Write the patient's reasons for their preference."
    if errors:
        raise InvalidInput(errors)
    row = GoalOptionDiscussion(
        goal_id=goal.id,
        options_discussed=options_discussed.strip(),
        preference=clean(preference),
        reasons=clean(reasons),
        decision=clean(decision),
        discussed_on=discussed_on or today(),
        recorded_by_id=actor.id,
    )
    s.add(row)
    s.flush()
    record(s, actor, Action.CREATE, "care_goal_option", row, goal.patient_id, {"goal_id": goal.id})
    return row


def option_discussions(s: Session, goal_ids: list[int]) -> list[GoalOptionDiscussion]:
    if not goal_ids:
        return []
    return list(
        s.scalars(
            select(GoalOptionDiscussion)
            .where(GoalOptionDiscussion.goal_id.in_(goal_ids))
            .order_by(GoalOptionDiscussion.discussed_on.desc(), GoalOptionDiscussion.id.desc())
        )
    )
