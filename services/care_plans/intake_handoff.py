"""Starting a plan from an intake: its accepted suggestions arrive as proposed items."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from db.base import today
from db.models import CarePlan, ConcernKind, GoalLifecycle
from services.care_plans.common import EDIT, clean, current_plan
from services.care_plans.concerns import add_concern, concerns
from services.care_plans.goals import GoalInput, add_goal, goals
from services.care_plans.interventions import add_plan_task, plan_tasks
from services.care_plans.plans import start_plan
from services.core.errors import InvalidInput
from services.core.identity import Actor, require
from services.intake import intake


def start_plan_from_suggestions(
    s: Session, actor: Actor, patient_id: int, suggestions: list[dict]
) -> CarePlan:
    """Accepted intake suggestions arrive as proposed goals, needs and tasks.

    Each suggestion is a plain dict {kind: goal|need|task, text, source_kind, source_id}
    (optionally due_on for a task). Uses the living plan, or starts a draft. A goal or
    need already linked to the same source is not added twice.
    """
    require(actor, EDIT)
    errors = {}
    for i, sug in enumerate(suggestions):
        if sug.get("kind") not in ("goal", "need", "task"):
            errors[f"suggestions.{i}.kind"] = "A suggestion is a goal, a need or a task."
        if not clean(sug.get("text")):
            errors[f"suggestions.{i}.text"] = "A suggestion needs its text."
    if errors:
        raise InvalidInput(errors)
    plan = current_plan(s, patient_id) or start_plan(s, actor, patient_id)
    have_goal = {(g.source_kind, g.source_id) for g in goals(s, plan.id) if g.source_kind}
    have_need = {(c.source_kind, c.source_id) for c in concerns(s, plan.id) if c.source_kind}
    have_task = {t.description for t in plan_tasks(s, plan)}
    for sug in suggestions:
        src = (clean(sug.get("source_kind")), sug.get("source_id"))
        link = src if src[0] else (None, None)
        if sug["kind"] == "goal" and (not link[0] or link not in have_goal):
            add_goal(
                s,
                actor,
                plan.id,
                GoalInput(
                    description=sug["text"],
                    lifecycle_status=GoalLifecycle.PROPOSED,
                    source_kind=link[0] or "",
                    source_id=link[1],
                ),
            )
        elif sug["kind"] == "need" and (not link[0] or link not in have_need):
            add_concern(
                s,
                actor,
                plan.id,
                ConcernKind.NEED,
                sug["text"],
                source_kind=link[0],
                source_id=link[1] if link[0] else None,
            )
        elif sug["kind"] == "task":
            origin = f"From {link[0]} #{link[1]}" if link[0] else None
            if origin and origin in have_task:
                continue
            add_plan_task(
                s,
                actor,
                plan.id,
                title=sug["text"],
                due_on=sug.get("due_on") or today() + timedelta(days=7),
                owner_user_id=actor.id,
                description=origin,
            )
    return plan


def start_plan_from_intake(
    s: Session, actor: Actor, patient_id: int, intake_id: int | None = None
) -> tuple[CarePlan, int]:
    """Take an intake's accepted suggestions into the living plan (or a new draft).

    Needs and goals arrive as proposed items, referrals and tasks as tasks for the
    signed-in case manager, each linked to the suggestion it came from. Returns the plan
    and how many suggestions were taken; each is taken only once.
    """
    rows = intake.accepted_suggestions(s, actor, patient_id=patient_id, intake_id=intake_id)
    suggestions = [
        {
            "kind": "task" if r.kind == "referral" else r.kind,
            "text": f"Refer: {r.text}" if r.kind == "referral" else r.text,
            "source_kind": "intake_suggestion",
            "source_id": r.id,
        }
        for r in rows
    ]
    if not suggestions:
        return current_plan(s, patient_id) or start_plan(s, actor, patient_id), 0
    plan = start_plan_from_suggestions(s, actor, patient_id, suggestions)
    intake.mark_handed_off(s, actor, [r.id for r in rows], plan.id)
    return plan, len(rows)
