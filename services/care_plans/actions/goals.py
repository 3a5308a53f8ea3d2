"""Goals in the patient's words, the options conversation, the tasks under each goal, and
adding a template's goals and tasks to the plan."""

from __future__ import annotations

from datetime import date

from db.session import read_scope, session_scope
from services.care_plans import goals, interventions, templates
from services.care_plans.common import EDIT
from services.care_plans.goals import GoalInput
from services.core.identity import Actor, require, user_action


@user_action("clinical.edit")
def add_goal(actor: Actor, plan_id: int, data: GoalInput) -> int:
    with session_scope() as s:
        return goals.add_goal(s, actor, plan_id, data).id


@user_action("clinical.edit")
def save_goal(
    actor: Actor, goal_id: int, data: GoalInput, expected_version: int | None = None
) -> int:
    with session_scope() as s:
        return goals.update_goal(s, actor, goal_id, data, expected_version=expected_version).id


@user_action("clinical.edit")
def record_options(
    actor: Actor,
    goal_id: int,
    *,
    options_discussed: str,
    preference: str = "",
    reasons: str = "",
    decision: str = "",
) -> int:
    """Write down the options offered, what the patient prefers and why."""
    with session_scope() as s:
        row = goals.record_options(
            s,
            actor,
            goal_id,
            options_discussed=options_discussed,
            preference=preference,
            reasons=reasons,
            decision=decision,
        )
        return row.id


@user_action("clinical.edit")
def add_task(
    actor: Actor,
    goal_id: int,
    *,
    title: str,
    due_on: date | None,
    owner_kind: str,
    owner_user_id: int | None,
    owner_name: str | None,
    repeat_every_days: int | None,
) -> int:
    """An intervention under a goal."""
    with session_scope() as s:
        task = interventions.add_goal_task(
            s,
            actor,
            goal_id,
            title=title,
            due_on=due_on,
            owner_kind=owner_kind,
            owner_user_id=owner_user_id,
            owner_name=owner_name,
            repeat_every_days=repeat_every_days,
        )
        return task.id


@user_action("clinical.edit")
def save_task(
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
    expected_version: int | None = None,
) -> int:
    """A plan task's what, who, when and status in one save."""
    with session_scope() as s:
        task = interventions.update_task(
            s,
            actor,
            task_id,
            title=title,
            due_on=due_on,
            owner_kind=owner_kind,
            owner_user_id=owner_user_id,
            owner_name=owner_name,
            status=status,
            status_reason=status_reason,
            expected_version=expected_version,
        )
        return task.id


@user_action("clinical.edit")
def template_choices(actor: Actor) -> dict[str, str]:
    """Every template's title by its key, for the "Start from a template" picker."""
    require(actor, EDIT)
    with read_scope() as s:
        return {key: doc["title"] for key, (doc, _version) in templates.templates(s).items()}


@user_action("clinical.edit")
def preview_template(actor: Actor, plan_id: int, key: str) -> list[dict]:
    """The template as items to edit or leave out; those already on the plan are unticked."""
    with read_scope() as s:
        return templates.preview(s, actor, plan_id, key)


@user_action("clinical.edit")
def add_template_items(actor: Actor, plan_id: int, key: str, items: list[dict]) -> dict[str, int]:
    """Add the ticked preview items; returns how many goals, tasks and needs were added."""
    with session_scope() as s:
        return templates.apply_template(s, actor, plan_id, key, items)
