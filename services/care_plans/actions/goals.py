"""Goals in the patient's words, the options conversation, the tasks under each goal, and
adding a template's goals and tasks to the plan."""

from __future__ import annotations

from datetime import date

from db.models import OwnerKind
from db.session import read_scope, session_scope
from services.care_plans import goals, interventions, patient_items, templates
from services.care_plans.common import EDIT
from services.care_plans.goals import GoalInput
from services.core.identity import Actor, require, user_action


@user_action("clinical.edit")
def add_goal(
    actor: Actor,
    plan_id: int,
    data: GoalInput,
    *,
    for_patient: bool = False,
    wording: dict[str, str] | None = None,
) -> int:
    """A goal in the patient's words; `for_patient` prints it on the patient's own plan."""
    with session_scope() as s:
        goal = goals.add_goal(s, actor, plan_id, data)
        if for_patient or wording:
            patient_items.set_for_patient(
                s, actor, "goal", goal.id, for_patient=for_patient, wording=wording or {}
            )
        return goal.id


@user_action("clinical.edit")
def save_goal(
    actor: Actor,
    goal_id: int,
    data: GoalInput,
    expected_version: int | None = None,
    *,
    for_patient: bool | None = None,
    wording: dict[str, str] | None = None,
) -> int:
    """Save a goal; with `for_patient`, also how it prints on the patient's own plan."""
    with session_scope() as s:
        goal = goals.update_goal(s, actor, goal_id, data, expected_version=expected_version)
        if for_patient is not None:
            patient_items.set_for_patient(
                s, actor, "goal", goal.id, for_patient=for_patient, wording=wording or {}
            )
        return goal.id


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
    for_patient: bool = False,
    wording: dict[str, str] | None = None,
) -> int:
    """An intervention under a goal; `for_patient` prints it on the patient's own plan,
    in `wording` (language code -> the patient's words) when given."""
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
        # the patient's or family's own to-do is theirs to read
        for_patient = for_patient or owner_kind in (OwnerKind.PATIENT, OwnerKind.FAMILY)
        if for_patient or wording:
            patient_items.set_for_patient(
                s, actor, "task", task.id, for_patient=for_patient, wording=wording or {}
            )
        return task.id


@user_action("clinical.edit")
def mark_for_patient(
    actor: Actor,
    kind: str,
    item_id: int,
    *,
    for_patient: bool,
    wording: dict[str, str],
    expected_version: int | None = None,
) -> None:
    """Put a goal or task on the patient's own plan (or take it off), in their words."""
    with session_scope() as s:
        patient_items.set_for_patient(
            s, actor, kind, item_id,
            for_patient=for_patient, wording=wording, expected_version=expected_version,
        )  # fmt: skip


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
    for_patient: bool | None = None,
    wording: dict[str, str] | None = None,
) -> int:
    """A plan task's what, who, when and status in one save; with `for_patient`, also
    whether (and in which words) it prints on the patient's own plan."""
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
        if for_patient is not None:
            patient_items.set_for_patient(
                s, actor, "task", task.id, for_patient=for_patient, wording=wording or {}
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
