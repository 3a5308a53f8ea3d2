"""Follow-ups of unanswered referrals: a task to call the organization at 7, 14 and 30
days after sending, created by the worklist and the Contacts page, closed once answered."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import exists, literal, select, union_all
from sqlalchemy.orm import Session, selectinload

from db.base import today, utcnow
from db.models import Patient, Referral, Task, TaskPriority, TaskStatus
from services.contacts.referral_status import AWAITING_ANSWER
from services.core import audit
from services.core.audit import Action
from services.core.identity import SYSTEM
from services.tasks.tasks import OPEN as OPEN_TASK

FOLLOW_UP_DAYS = (7, 14, 30)
FOLLOW_UP_KIND = "referral follow-up"


def close_followups(s: Session, ref: Referral, why: str) -> None:
    """The referral was answered (or closed): its open follow-up tasks are done."""
    for task in s.scalars(
        select(Task).where(
            Task.source_kind.like(f"{FOLLOW_UP_KIND}%"),
            Task.source_id == ref.id,
            Task.status.in_(OPEN_TASK),
        )
    ):
        task.status = TaskStatus.COMPLETED
        task.status_reason = why
        task.done_at = utcnow()


def _owner_for(s: Session, ref: Referral) -> int | None:
    if ref.owner_user_id:
        return ref.owner_user_id
    return s.scalar(select(Patient.primary_case_manager_id).where(Patient.id == ref.patient_id))


def _due_statement(on: date):
    """Referral id and milestone, for each unanswered referral whose latest milestone
    passed (7, 14 or 30 days since sending) and has no follow-up task of that milestone
    or a later one yet. One query in the database: My day and the referral board ask on
    every run, most runs find nothing, and a clinic keeps years of referrals."""
    newest_first = sorted(FOLLOW_UP_DAYS, reverse=True)
    bands = []
    for i, milestone in enumerate(newest_first):
        created = select(Task.id).where(
            # the exact kinds, not LIKE: SQLite's LIKE cannot use the (kind, id) index
            Task.source_kind.in_(
                [f"{FOLLOW_UP_KIND} {d}" for d in FOLLOW_UP_DAYS if d >= milestone]
            ),
            Task.source_id == Referral.id,
        )
        band = select(Referral.id, literal(milestone)).where(
            Referral.status.in_(list(AWAITING_ANSWER)),
            Referral.sent_on <= on - timedelta(days=milestone),
            ~exists(created),
        )
        if i:  # not yet old enough for the next milestone up
            band = band.where(Referral.sent_on > on - timedelta(days=newest_first[i - 1]))
        bands.append(band)
    return union_all(*bands)


def due_followups(s: Session, on: date) -> dict[int, int]:
    """Referral id -> the follow-up milestone (7, 14 or 30 days) whose task is due and not
    yet created."""
    return {ref_id: milestone for ref_id, milestone in s.execute(_due_statement(on))}


def any_followups_due(s: Session, on: date) -> bool:
    """Whether due_followups would find any (it stops at the first)."""
    return s.execute(_due_statement(on).limit(1)).first() is not None


def create_due_followups(s: Session, now: datetime | date | None = None) -> list[Task]:
    """Create the 7/14/30-day follow-up task for each referral still unanswered. Idempotent.

    Only the latest milestone that has passed is created (a referral found unanswered at
    day 31 gets one day-30 task, not three); a milestone already created is never repeated.
    """
    on = now.date() if isinstance(now, datetime) else (now or today())
    due = due_followups(s, on)
    if not due:
        return []
    waiting = s.scalars(
        select(Referral)
        .where(Referral.id.in_(list(due)))
        .options(selectinload(Referral.organization))
        .order_by(Referral.id)
    ).all()
    created = []
    for ref in waiting:
        milestone = due[ref.id]
        task = Task(
            patient_id=ref.patient_id,
            title=f"Referral to {ref.organization.name[:120]}: no answer after {milestone} days"
            " - call them",
            description=f"Service: {ref.service}. Sent on {ref.sent_on}.",
            owner_user_id=_owner_for(s, ref),
            due_on=ref.sent_on + timedelta(days=milestone),
            priority=TaskPriority.ROUTINE if ref.urgency == "routine" else TaskPriority.URGENT,
            source_kind=f"{FOLLOW_UP_KIND} {milestone}",
            source_id=ref.id,
        )
        s.add(task)
        created.append(task)
    if created:
        s.flush()
        for task in created:
            audit.record(
                s,
                SYSTEM,
                Action.CREATE,
                entity="task",
                entity_id=task.id,
                patient_id=task.patient_id,
                category="referral",
                detail={"follow_up": task.source_kind, "referral_id": task.source_id},
            )
    return created
