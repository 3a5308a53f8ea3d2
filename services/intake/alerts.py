"""Urgent alerts: a positive suicide-risk item (PHQ-9 item 9 above 0) or interpersonal-safety
screen raises the patient's urgent safety follow-up (services.safety) as soon as the
screening step is saved, not only when the intake is completed, and marks the draft so the
patient's record shows the alert. Once per intake and concern; never a routine task."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today
from db.models import Intake, Patient, SafetyFollowUp, Task, TaskPriority
from services.core.identity import Actor
from services.intake import instrument_store
from services.intake.scoring import early_urgent_flags
from services.intake.steps import answers_of
from services.safety.followups import FLAG_CONCERNS, raise_follow_up
from services.tasks import tasks

ALERT_SOURCE = "intake"


def raise_urgent_alerts(s: Session, actor: Actor, intake: Intake) -> list[SafetyFollowUp]:
    """The urgent safety follow-up for each urgent flag, once per intake; marks suicide risk."""
    defs = {c: a.definition for c, a in instrument_store.active_instruments(s).items()}
    raised = []
    for code, answers in answers_of(intake.data or {}, defs).items():
        definition = defs[code]
        for flag in early_urgent_flags(definition, answers):
            if flag == "suicide_risk":
                intake.suicide_alert = True
            concern = FLAG_CONCERNS.get(flag)
            if concern is None:  # a clinic's own instrument with another urgent flag
                _same_day_task(s, actor, intake, definition.title, definition.flag_labels[flag])
                continue
            patient = s.get(Patient, intake.patient_id)
            follow_up = raise_follow_up(
                s,
                actor,
                patient_id=intake.patient_id,
                concern=concern,
                reason=definition.flag_labels[flag],
                owner_user_id=actor.id or (patient.primary_case_manager_id if patient else None),
                source_kind=ALERT_SOURCE,
                source_id=intake.id,
            )
            if follow_up is not None:
                raised.append(follow_up)
    s.flush()
    return raised


def _same_day_task(s: Session, actor: Actor, intake: Intake, title: str, label: str) -> None:
    """A same-day STAT task for an urgent flag that is not a safety concern, once per intake."""
    task_title = f"Same-day: {label}"[:200]
    exists = s.scalar(
        select(Task.id).where(
            Task.source_kind == ALERT_SOURCE,
            Task.source_id == intake.id,
            Task.title == task_title,
        )
    )
    if exists or actor.id is None:
        return
    tasks.create_task(
        s,
        actor,
        title=task_title,
        description=f"Raised by the {title} answered during intake.",
        due_on=today(),
        patient_id=intake.patient_id,
        owner_user_id=actor.id,
        priority=TaskPriority.STAT,
        source_kind=ALERT_SOURCE,
        source_id=intake.id,
        permission="clinical.edit",
    )
