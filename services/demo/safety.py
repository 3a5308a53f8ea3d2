"""Demo urgent safety follow-ups: the intakes' recent suicide-risk alerts become open
follow-ups (one already assessed), older ones completed follow-ups with their safety plan,
the supervisor told in the communication log, and an outcome."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import (
    Channel,
    Communication,
    Direction,
    FollowUpStatus,
    SafetyConcern,
    SafetyFollowUp,
    SafetyOutcome,
    SafetyPlan,
    Task,
    TaskPriority,
    TaskStatus,
    WithKind,
)
from services.demo.context import DemoContext
from services.safety.followups import adopt_alert_tasks

PLAN = {
    "warning_signs": "Not sleeping\nStaying in bed all day\nThinking I am a burden",
    "coping_strategies": "Walk around the block\nCall in to the church radio show\nShower",
    "people_and_places": "My sister Ana\nThe senior center on weekday mornings",
    "professionals": "My case manager at the clinic\nDr. Imani Brooks, Eastside Family Clinic",
    "means_safety": "Daughter keeps the extra pills at her home; no firearms in the house",
}
ASSESSMENT = {
    "answers": {
        "thoughts": "wishes to be dead, no active thoughts",
        "plan": "no",
        "intent": "no",
        "means": "no",
        "past_attempt": "never",
    },
    "protective_factors": "Grandchildren; goes to church; sister visits weekly",
    "risk_level": "low",
    "note": "Passive thoughts when lonely at night. No plan or intent. Safety plan made.",
}


def seed(ctx: DemoContext) -> None:
    s = ctx.s
    adopt_alert_tasks(s)  # the recent alerts: open follow-ups
    supervisor = ctx.users.get("admin")
    opened = s.scalars(
        select(SafetyFollowUp).where(SafetyFollowUp.status == FollowUpStatus.OPEN)
    ).all()
    nurse = ctx.users.get("nurse")
    if opened and nurse is not None:  # the demo nurse has one on her day
        mine = [
            f for f in opened if nurse.id in (f.owner_user_id, f.patient.primary_case_manager_id)
        ]
        if not mine:
            opened[0].owner_user_id = nurse.id
    if opened:  # one is under way: assessed, the rest still to do
        first = opened[-1]
        first.assessment = ASSESSMENT | {"risk_level": "moderate"}
        first.assessed_at = first.raised_at + timedelta(hours=1)
        first.assessed_by_id = first.owner_user_id
    done = s.scalars(
        select(Task)
        .where(
            Task.source_kind == "intake",
            Task.priority == TaskPriority.STAT,
            Task.status == TaskStatus.COMPLETED,
            Task.patient_id.is_not(None),
        )
        .order_by(Task.id)
    ).all()
    seen: set[int] = set()
    for task in done:
        if task.patient_id in seen:
            continue
        seen.add(task.patient_id)
        raised = task.created_at
        closed = task.done_at or raised + timedelta(hours=3)
        told = None
        if supervisor is not None:
            told = Communication(
                patient_id=task.patient_id,
                with_kind=WithKind.STAFF.value,
                with_name=supervisor.display_name,
                channel=Channel.PHONE.value,
                direction=Direction.OUTGOING.value,
                occurred_at=raised + timedelta(hours=2),
                summary="Told of the urgent safety follow-up (suicide risk) for this patient.",
                by_user_id=task.owner_user_id,
            )
            s.add(told)
            s.flush()
        s.add(
            SafetyFollowUp(
                patient_id=task.patient_id,
                concern=SafetyConcern.SUICIDE_RISK,
                reason=task.title.removeprefix("Same-day: ")[:300],
                source_kind="intake",
                source_id=task.source_id,
                raised_at=raised,
                raised_by_id=task.created_by_id,
                owner_user_id=task.owner_user_id,
                status=FollowUpStatus.COMPLETED,
                assessment=ASSESSMENT,
                assessed_at=raised + timedelta(hours=1),
                assessed_by_id=task.owner_user_id,
                supervisor_comm_id=told.id if told else None,
                outcome=SafetyOutcome.PLAN_IN_PLACE,
                outcome_note="Safety plan made and printed; check-in call booked for next week.",
                completed_at=closed,
                completed_by_id=task.owner_user_id,
            )
        )
        if s.scalar(select(SafetyPlan.id).where(SafetyPlan.patient_id == task.patient_id)):
            continue
        s.add(
            SafetyPlan(
                patient_id=task.patient_id,
                reviewed_at=raised + timedelta(hours=2),
                reviewed_by_id=task.owner_user_id,
                **PLAN,
            )
        )
    s.flush()
