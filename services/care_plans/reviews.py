"""Plan reviews: each goal's progress, the review note, and the date of the next review."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.base import today
from db.models import Achievement, CarePlanReview, GoalLifecycle, GoalProgress
from services.care_plans.common import EDIT, check_version, clean, living_plan, record
from services.care_plans.goals import goals
from services.care_plans.plans import PLAN_FIELDS
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput
from services.core.identity import Actor, require


def record_review(
    s: Session,
    actor: Actor,
    plan_id: int,
    *,
    progress: dict[int, tuple[str, str]],
    next_review_on: date | None,
    note: str = "",
    reviewed_on: date | None = None,
    expected_version: int | None = None,
) -> CarePlanReview:
    """Per-goal achievement + note; moves each goal's achievement and the plan's next review."""
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    reviewed_on = reviewed_on or today()
    check_version(
        plan, expected_version, "care plan", {"next_review_on": next_review_on}, PLAN_FIELDS
    )
    errors = {}
    if next_review_on is None:
        errors["next_review_on"] = "Set the date of the next review."
    elif next_review_on <= reviewed_on:
        errors["next_review_on"] = "The next review must be after today's review."
    plan_goals = {g.id: g for g in goals(s, plan.id)}
    for goal_id, (status, _note) in progress.items():
        if goal_id not in plan_goals:
            errors[f"goal.{goal_id}"] = "That goal is not on this plan."
        else:
            try:
                Achievement(status)
            except ValueError:
                errors[f"goal.{goal_id}"] = "Choose a progress status from the list."
    if errors:
        raise InvalidInput(errors)
    review = CarePlanReview(
        plan_id=plan.id,
        reviewed_on=reviewed_on,
        reviewer_id=actor.id,
        note=clean(note),
        next_review_on=next_review_on,
    )
    s.add(review)
    s.flush()
    changed = {}
    for goal_id, (status, goal_note) in progress.items():
        goal = plan_goals[goal_id]
        s.add(
            GoalProgress(
                review_id=review.id,
                goal_id=goal_id,
                achievement_status=Achievement(status),
                note=clean(goal_note),
            )
        )
        if goal.achievement_status != status:
            changed[goal_id] = {"before": goal.achievement_status, "after": status}
            goal.achievement_status = Achievement(status)
            if status == Achievement.ACHIEVED and goal.lifecycle_status == GoalLifecycle.ACTIVE:
                goal.lifecycle_status = GoalLifecycle.COMPLETED
    before_review = plan.next_review_on
    plan.next_review_on = next_review_on
    s.flush()
    record(
        s,
        actor,
        Action.CREATE,
        "care_plan_review",
        review,
        plan.patient_id,
        {
            "goals": changed,
            "next_review_on": {"before": audit.plain_value(before_review), "after": next_review_on},
        },
    )
    return review


def reviews(s: Session, plan_id: int) -> list[CarePlanReview]:
    return list(
        s.scalars(
            select(CarePlanReview)
            .options(selectinload(CarePlanReview.progress))
            .where(CarePlanReview.plan_id == plan_id)
            .order_by(CarePlanReview.reviewed_on.desc(), CarePlanReview.id.desc())
        )
    )
