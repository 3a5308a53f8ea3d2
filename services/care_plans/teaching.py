"""Teach-back education log: what was taught, to whom, how, and whether it stuck.

A result of "needs reinforcement" (or "unable") puts a task on the plan so the topic
is taught again by the follow-up date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today
from db.models import Goal, OwnerKind, Patient, SaidBy, TeachBack, TeachMethod, TeachResult
from services.care_plans.common import CATEGORY, EDIT, clean, current_plan, living_plan
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require
from services.tasks import tasks

NEEDS_TASK = (TeachResult.REINFORCE, TeachResult.UNABLE)
REINFORCE_DAYS = 7


@dataclass
class TeachBackInput:
    topic: str = ""
    learner: str = SaidBy.PATIENT
    learner_name: str = ""
    language: str = "English"
    interpreter_used: bool = False
    method: str = TeachMethod.VERBAL
    materials: str = ""
    result: str = TeachResult.EXPLAINED
    follow_up_on: date | None = None
    goal_id: int | None = None
    note: str = ""
    taught_on: date | None = None


def record_teach_back(s: Session, actor: Actor, patient_id: int, data: TeachBackInput) -> TeachBack:
    require(actor, EDIT)
    if s.get(Patient, patient_id) is None:
        raise NotFound("No such patient.")
    plan = current_plan(s, patient_id)
    if plan is not None:
        living_plan(s, plan.id)
    taught_on = data.taught_on or today()
    errors: dict[str, str] = {}
    if not clean(data.topic):
        errors["topic"] = "Name the topic that was taught."
    if data.learner not in list(SaidBy):
        errors["learner"] = "Choose patient or caregiver."
    elif data.learner == SaidBy.CAREGIVER and not clean(data.learner_name):
        errors["learner_name"] = "Name the caregiver who was taught."
    if not clean(data.language):
        errors["language"] = "Say which language the teaching was in."
    if data.method not in list(TeachMethod):
        errors["method"] = "Choose how it was taught."
    if data.result not in list(TeachResult):
        errors["result"] = "Choose the teach-back result."
    if data.result in NEEDS_TASK and data.follow_up_on is None:
        errors["follow_up_on"] = "Set a follow-up date to teach this again."
    if data.follow_up_on is not None and data.follow_up_on < taught_on:
        errors["follow_up_on"] = "The follow-up cannot be before the teaching."
    if data.goal_id is not None:
        goal = s.get(Goal, data.goal_id)
        if goal is None or goal.patient_id != patient_id:
            errors["goal_id"] = "Choose one of this patient's goals."
    if errors:
        raise InvalidInput(errors)
    row = TeachBack(
        patient_id=patient_id,
        plan_id=plan.id if plan else None,
        goal_id=data.goal_id,
        taught_on=taught_on,
        topic=data.topic.strip(),
        learner=SaidBy(data.learner),
        learner_name=clean(data.learner_name) if data.learner == SaidBy.CAREGIVER else None,
        language=data.language.strip(),
        interpreter_used=bool(data.interpreter_used),
        method=TeachMethod(data.method),
        materials=clean(data.materials),
        result=TeachResult(data.result),
        follow_up_on=data.follow_up_on,
        note=clean(data.note),
        taught_by_id=actor.id,
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="teach_back",
        entity_id=row.id,
        patient_id=patient_id,
        category=CATEGORY,
        detail={"topic": row.topic, "result": row.result},
    )
    if row.result in NEEDS_TASK:
        task = tasks.create_task(
            s,
            actor,
            title=f"Teach again: {row.topic}"[:200],
            due_on=row.follow_up_on or taught_on + timedelta(days=REINFORCE_DAYS),
            patient_id=patient_id,
            owner_kind=OwnerKind.STAFF,
            owner_user_id=actor.id,
            description=f"Teach-back result: {row.result}. Use teach-back again.",
            source_kind="teach_back",
            source_id=row.id,
            permission=EDIT,
        )
        row.task_id = task.id
        s.flush()
    return row


def teach_backs(s: Session, plan_id: int) -> list[TeachBack]:
    return list(
        s.scalars(
            select(TeachBack)
            .where(TeachBack.plan_id == plan_id)
            .order_by(TeachBack.taught_on.desc(), TeachBack.id.desc())
        )
    )


def learner_label(row: TeachBack) -> str:
    return row.learner_name if row.learner == SaidBy.CAREGIVER else "patient"
