"""Starting a plan from an intake: its accepted goals, needs and tasks arrive in the plan.

What the nurse settled in the intake's summary arrives as settled: the patient's own
words are the goal's "in their words" (with who said them), the measurable goal is the
nurse's or left to finish with the patient, priorities and target dates as proposed,
each task due as its urgency says (same day, 2 business days, 7 days, 30 days). Referral
suggestions are not here: completing the intake made them draft referrals in Contacts.
A task the urgent safety alert already put on a list never arrives as a routine task.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from db.base import today
from db.models import CarePlan, ConcernKind, GoalLifecycle, IntakeSuggestion, SaidBy
from services.care_plans.common import EDIT, clean, current_plan
from services.care_plans.concerns import add_concern, concerns
from services.care_plans.goals import GoalInput, add_goal, goals
from services.care_plans.interventions import add_plan_task, plan_tasks
from services.care_plans.patient_items import set_for_patient
from services.care_plans.plans import start_plan
from services.core.errors import InvalidInput
from services.core.identity import Actor, require
from services.intake import handoffs, intake
from services.intake.suggestions import MEASURABLE_TO_FINISH

INTAKE_SOURCE = "intake_suggestion"


def start_plan_from_suggestions(
    s: Session, actor: Actor, patient_id: int, suggestions: list[dict]
) -> CarePlan:
    """Accepted suggestions arrive as proposed goals, needs and plan tasks.

    Each suggestion is a plain dict {kind: goal|need|task, text, source_kind, source_id}
    and, from an intake, what was settled for it: a goal's patients_words, said_by,
    said_by_name, priority and target_on; a task's due_on and origin (the finding in
    words). Uses the living plan, or starts a draft. A goal or need already linked to the
    same source, or a task already on the plan with the same title and origin, is not
    added twice.
    """
    require(actor, EDIT)
    errors = {}
    for i, sug in enumerate(suggestions):
        if sug.get("kind") not in ("goal", "need", "task"):
            errors[f"suggestions.{i}.kind"] = "A suggestion is a goal, a need or a task."
        words = sug.get("patients_words") if sug.get("kind") == "goal" else None
        if not clean(sug.get("text")) and not clean(words):
            errors[f"suggestions.{i}.text"] = "A suggestion needs its text."
    if errors:
        raise InvalidInput(errors)
    plan = current_plan(s, patient_id) or start_plan(s, actor, patient_id)
    have_goal = {(g.source_kind, g.source_id) for g in goals(s, plan.id) if g.source_kind}
    have_need = {(c.source_kind, c.source_id) for c in concerns(s, plan.id) if c.source_kind}
    have_task = {(t.title, t.description) for t in plan_tasks(s, plan)}
    for sug in suggestions:
        src = (clean(sug.get("source_kind")), sug.get("source_id"))
        link = src if src[0] else (None, None)
        if sug["kind"] == "goal" and (not link[0] or link not in have_goal):
            goal = add_goal(s, actor, plan.id, _goal(sug, link, plan.start_on))
            if goal.patients_words:  # their own words go on their own printout
                set_for_patient(s, actor, "goal", goal.id, for_patient=True, wording={})
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
            origin = sug.get("origin") or None
            if (clean(sug["text"]), origin) in have_task:
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


def _goal(sug: dict, link: tuple, plan_start: date) -> GoalInput:
    target = sug.get("target_on")
    return GoalInput(
        description=clean(sug.get("text")) or MEASURABLE_TO_FINISH,
        patients_words=sug.get("patients_words") or "",
        said_by=sug.get("said_by") or SaidBy.PATIENT,
        said_by_name=sug.get("said_by_name") or "",
        target_on=max(target, plan_start) if target else None,
        priority_rank=sug.get("priority") or 1,
        lifecycle_status=GoalLifecycle.PROPOSED,
        source_kind=link[0] or "",
        source_id=link[1],
    )


def origin_words(row: IntakeSuggestion) -> str:
    """Where an intake suggestion came from, in words for the plan."""
    when = row.decided_at.date() if row.decided_at else None
    return f"From the intake of {when}: {row.source_finding}"[:2000]


def suggestion_for_plan(row: IntakeSuggestion) -> dict:
    """An accepted intake suggestion as start_plan_from_suggestions takes it."""
    details = row.details or {}
    out = {
        "kind": row.kind,
        "text": row.text,
        "source_kind": INTAKE_SOURCE,
        "source_id": row.id,
    }
    if row.kind == "goal":
        target = details.get("target_on")
        out |= {
            "patients_words": details.get("patients_words") or "",
            "said_by": details.get("said_by") or SaidBy.PATIENT,
            "said_by_name": details.get("said_by_name") or "",
            "priority": details.get("priority") or 1,
            "target_on": date.fromisoformat(target) if target else None,
        }
    elif row.kind == "task":
        due = details.get("due_on")
        out |= {
            "due_on": date.fromisoformat(due) if due else None,
            "origin": origin_words(row),
        }
    return out


def start_plan_from_intake(
    s: Session, actor: Actor, patient_id: int, intake_id: int | None = None
) -> tuple[CarePlan, int]:
    """Take an intake's accepted goals, needs and tasks into the living plan (or a new
    draft), tasks for the signed-in case manager. Returns the plan and how many were
    taken; each is taken only once."""
    accepted = intake.accepted_suggestions(s, actor, patient_id=patient_id, intake_id=intake_id)
    # An intake completed before referrals went to Contacts still has them here.
    handoffs.draft_referrals(s, actor, [r for r in accepted if r.kind == "referral"])
    rows = [
        r
        for r in accepted
        if r.kind in ("goal", "need", "task") and not (r.details or {}).get("covered_by_alert")
    ]
    if not rows:
        return current_plan(s, patient_id) or start_plan(s, actor, patient_id), 0
    plan = start_plan_from_suggestions(s, actor, patient_id, [suggestion_for_plan(r) for r in rows])
    intake.mark_handed_off(s, actor, [r.id for r in rows], plan.id)
    return plan, len(rows)
