"""Interventions and tasks under the plan's goals, kept in the shared task table.

A goal's task has source_kind "goal"; a task for the plan as a whole "care_plan"; a
teach-back's reinforcement task "teach_back".
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import CarePlan, Goal, OwnerKind, Task, TaskPriority, TaskStatus, TeachBack
from services.care_plans.common import EDIT, apply_changes, check_version, clean, living_plan
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require
from services.tasks import tasks

OPEN_TASK = tasks.OPEN


def add_goal_task(
    s: Session,
    actor: Actor,
    goal_id: int,
    *,
    title: str,
    due_on: date | None,
    owner_kind: str = OwnerKind.STAFF,
    owner_user_id: int | None = None,
    owner_name: str | None = None,
    description: str | None = None,
    priority: str = TaskPriority.ROUTINE,
    repeat_every_days: int | None = None,
) -> Task:
    """An intervention under a goal, as a shared Task (source_kind "goal")."""
    require(actor, EDIT)
    goal = s.get(Goal, goal_id)
    if goal is None:
        raise NotFound("No such goal.")
    living_plan(s, goal.plan_id)
    try:
        owner_kind = OwnerKind(owner_kind)
    except ValueError:
        raise InvalidInput({"owner": "Choose who owns this task."}) from None
    return tasks.create_task(
        s,
        actor,
        title=title,
        due_on=due_on,
        patient_id=goal.patient_id,
        owner_kind=owner_kind,
        owner_user_id=owner_user_id,
        owner_name=owner_name,
        description=description,
        priority=TaskPriority(priority),
        repeat_every_days=repeat_every_days,
        source_kind="goal",
        source_id=goal.id,
        permission=EDIT,
    )


def add_plan_task(
    s: Session,
    actor: Actor,
    plan_id: int,
    *,
    title: str,
    due_on: date | None,
    owner_kind: str = OwnerKind.STAFF,
    owner_user_id: int | None = None,
    owner_name: str | None = None,
    description: str | None = None,
    repeat_every_days: int | None = None,
) -> Task:
    """A task for the plan as a whole (e.g. from an intake finding not tied to one goal)."""
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    return tasks.create_task(
        s,
        actor,
        title=title,
        due_on=due_on,
        patient_id=plan.patient_id,
        owner_kind=OwnerKind(owner_kind),
        owner_user_id=owner_user_id,
        owner_name=owner_name,
        description=description,
        repeat_every_days=repeat_every_days,
        source_kind="care_plan",
        source_id=plan.id,
        permission=EDIT,
    )


def plan_tasks(s: Session, plan: CarePlan, *, open_only: bool = False) -> list[Task]:
    """Tasks under the plan's goals, for the plan itself, and from its teach-backs."""
    goal_ids = select(Goal.id).where(Goal.plan_id == plan.id).scalar_subquery()
    teach_ids = select(TeachBack.id).where(TeachBack.plan_id == plan.id).scalar_subquery()
    stmt = select(Task).where(
        or_(
            (Task.source_kind == "goal") & Task.source_id.in_(goal_ids),
            (Task.source_kind == "care_plan") & (Task.source_id == plan.id),
            (Task.source_kind == "teach_back") & Task.source_id.in_(teach_ids),
        )
    )
    if open_only:
        stmt = stmt.where(Task.status.in_(OPEN_TASK))
    return list(s.scalars(stmt.order_by(Task.due_on, Task.id)))


def update_task(
    s: Session,
    actor: Actor,
    task_id: int,
    *,
    title: str,
    due_on: date | None,
    owner_kind: str,
    owner_user_id: int | None,
    owner_name: str | None,
    status: str,
    status_reason: str | None,
    expected_version: int | None,
) -> Task:
    """Edit a plan task's what/who/when/status in one save."""
    require(actor, EDIT)
    task = s.get(Task, task_id)
    if task is None:
        raise NotFound("No such task.")
    mine = {
        "title": clean(title),
        "due_on": due_on,
        "owner_kind": owner_kind,
        "owner_user_id": owner_user_id,
        "owner_name": clean(owner_name),
        "status": status,
        "status_reason": clean(status_reason),
    }
    check_version(task, expected_version, "task", mine, list(mine))
    errors = {}
    if not mine["title"]:
        errors["title"] = "Say what needs doing."
    if due_on is None:
        errors["due_on"] = "Give a due date."
    if owner_kind == OwnerKind.STAFF and owner_user_id is None:
        errors["owner"] = "Choose who owns this task."
    if owner_kind != OwnerKind.STAFF and not mine["owner_name"]:
        errors["owner"] = "Name the person who owns this task."
    if status in (TaskStatus.CANCELLED, TaskStatus.ON_HOLD) and not mine["status_reason"]:
        errors["status_reason"] = "Give a reason for canceling or holding the task."
    if errors:
        raise InvalidInput(errors)
    status_changed = TaskStatus(status) != task.status
    values = {
        "title": mine["title"],
        "due_on": due_on,
        "owner_kind": OwnerKind(owner_kind),
        "owner_user_id": owner_user_id if owner_kind == OwnerKind.STAFF else None,
        "owner_name": mine["owner_name"] if owner_kind != OwnerKind.STAFF else None,
    }
    detail = apply_changes(task, values)
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="task",
        entity_id=task.id,
        patient_id=task.patient_id,
        category="task",
        detail={"changes": detail},
    )
    if status_changed:
        tasks.set_task_status(s, actor, task.id, TaskStatus(status), reason=mine["status_reason"])
    return task
