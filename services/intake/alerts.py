"""Urgent alerts: an urgent flag (PHQ-9 item 9 above 0) raises a same-day STAT task for the
signed-in case manager as soon as the screening step is saved, not only when the intake is
completed, and marks the draft so the patient's record shows the alert."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today
from db.models import Intake, Task, TaskPriority
from services.core.identity import Actor
from services.intake import instrument_store
from services.intake.scoring import early_urgent_flags
from services.intake.steps import answers_of
from services.tasks import tasks

ALERT_SOURCE = "intake"


def raise_urgent_alerts(s: Session, actor: Actor, intake: Intake) -> list[Task]:
    """A same-day STAT task for each urgent flag, once per intake; marks suicide risk."""
    defs = {c: a.definition for c, a in instrument_store.active_instruments(s).items()}
    created = []
    for code, answers in answers_of(intake.data or {}, defs).items():
        definition = defs[code]
        for flag in early_urgent_flags(definition, answers):
            label = definition.flag_labels[flag]
            if flag == "suicide_risk":
                intake.suicide_alert = True
            title = f"Same-day: {label}"[:200]
            exists = s.scalar(
                select(Task.id).where(
                    Task.source_kind == ALERT_SOURCE,
                    Task.source_id == intake.id,
                    Task.title == title,
                )
            )
            if exists or actor.id is None:
                continue
            created.append(
                tasks.create_task(
                    s,
                    actor,
                    title=title,
                    description=f"Raised by the {definition.title} answered during intake.",
                    due_on=today(),
                    patient_id=intake.patient_id,
                    owner_user_id=actor.id,
                    priority=TaskPriority.STAT,
                    source_kind=ALERT_SOURCE,
                    source_id=intake.id,
                    permission="clinical.edit",
                )
            )
    s.flush()
    return created
