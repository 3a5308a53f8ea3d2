"""Tasks (FHIR Task): created by people or by rules (intake alerts, referral follow-ups, ...)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today, utcnow
from db.models import OwnerKind, Patient, Role, Task, TaskPriority, TaskStatus, User
from services.core import audit, clock
from services.core.audit import Action
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.sections import SummarySection
from services.core.text import us_spelling

OPEN = (TaskStatus.REQUESTED, TaskStatus.IN_PROGRESS, TaskStatus.ON_HOLD)


def create_task(
    s: Session,
    actor: Actor,
    *,
    title: str,
    due_on: date | None,
    patient_id: int | None = None,
    owner_user_id: int | None = None,
    owner_kind: OwnerKind = OwnerKind.STAFF,
    owner_name: str | None = None,
    description: str | None = None,
    priority: TaskPriority = TaskPriority.ROUTINE,
    repeat_every_days: int | None = None,
    source_kind: str | None = None,
    source_id: int | None = None,
    permission: str = "patients.edit",
) -> Task:
    require(actor, permission)
    errors = {}
    if not title or not title.strip():
        errors["title"] = "Say what needs doing."
    if due_on is None:
        errors["due_on"] = "Give a due date."
    if owner_kind == OwnerKind.STAFF and owner_user_id is None:
        errors["owner"] = "Choose who owns this task."
    if owner_kind != OwnerKind.STAFF and not (owner_name or "").strip():
        errors["owner"] = "Name the person who owns this task."
    if repeat_every_days is not None and repeat_every_days < 1:
        errors["repeat_every_days"] = "Repeat every 1 day or more."
    if errors:
        raise InvalidInput(errors)
    task = Task(
        title=title.strip(),
        due_on=due_on,
        patient_id=patient_id,
        owner_kind=owner_kind,
        owner_user_id=owner_user_id if owner_kind == OwnerKind.STAFF else None,
        owner_name=(owner_name or "").strip() or None,
        description=description,
        priority=priority,
        repeat_every_days=repeat_every_days,
        source_kind=source_kind,
        source_id=source_id,
        created_by_id=actor.id,
    )
    s.add(task)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="task",
        entity_id=task.id,
        patient_id=patient_id,
        category="task",
        detail={"title": task.title, "source": source_kind},
    )
    return task


def set_task_status(
    s: Session,
    actor: Actor,
    task_id: int,
    status: TaskStatus,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Task:
    """Move a task; completing a repeating task schedules the next one."""
    require(actor, "patients.edit")
    task = s.get(Task, task_id)
    if task is None:
        raise NotFound("No such task.")
    if expected_version is not None and task.version != expected_version:
        raise Conflict(
            "Someone else updated this task; reload to see their change.",
            theirs={"status": task.status},
            mine={"status": status},
        )
    if status in (TaskStatus.CANCELLED, TaskStatus.ON_HOLD) and not (reason or "").strip():
        raise InvalidInput({"reason": "Give a reason for canceling or holding the task."})
    before = task.status
    task.status = TaskStatus(status)
    task.status_reason = (reason or "").strip() or None
    task.done_at = utcnow() if status == TaskStatus.COMPLETED else None
    if status == TaskStatus.COMPLETED and task.repeat_every_days:
        s.add(
            Task(
                title=task.title,
                description=task.description,
                patient_id=task.patient_id,
                owner_kind=task.owner_kind,
                owner_user_id=task.owner_user_id,
                owner_name=task.owner_name,
                due_on=task.due_on + timedelta(days=task.repeat_every_days),
                priority=task.priority,
                repeat_every_days=task.repeat_every_days,
                source_kind=task.source_kind,
                source_id=task.source_id,
                created_by_id=actor.id,
            )
        )
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="task",
        entity_id=task.id,
        patient_id=task.patient_id,
        category="task",
        detail={"changes": audit.changes({"status": before}, {"status": status})},
    )
    return task


# A task from a call or a referral follow-up, or anything urgent, is completed with a word
# on what happened; a routine to-do is simply done.
OUTCOME_SOURCES = ("communication", "referral follow-up")
NOTE_MAX = 2000


def asks_for_outcome(task: Task) -> bool:
    source = task.source_kind or ""
    return task.priority != TaskPriority.ROUTINE or source.startswith(OUTCOME_SOURCES)


def _open_task(s: Session, task_id: int, expected_version: int | None) -> Task:
    task = s.get(Task, task_id)
    if task is None:
        raise NotFound("No such task.")
    if task.status not in OPEN:
        raise Conflict(
            "This task was closed already; the list shows it as it is now.",
            theirs={"status": task.status},
        )
    if expected_version is not None and task.version != expected_version:
        raise Conflict(
            "Someone else updated this task; the list shows their change.",
            theirs={"status": task.status, "due_on": task.due_on},
        )
    return task


def complete_task(
    s: Session, actor: Actor, task_id: int, note: str = "", expected_version: int | None = None
) -> Task:
    """Done, with the outcome note the task asks for (kept as its status reason)."""
    require(actor, "patients.edit")
    task = _open_task(s, task_id, expected_version)
    note = (note or "").strip()
    if asks_for_outcome(task) and not note:
        raise InvalidInput({"note": "Say what happened: this task needs an outcome."})
    if len(note) > NOTE_MAX:
        raise InvalidInput({"note": f"Keep the note under {NOTE_MAX} characters."})
    return set_task_status(
        s, actor, task.id, TaskStatus.COMPLETED, reason=note, expected_version=task.version
    )


def snooze_task(
    s: Session,
    actor: Actor,
    task_id: int,
    until: date | None,
    reason: str,
    expected_version: int | None = None,
    *,
    on: date | None = None,
) -> Task:
    """Move the due date to a later day, with the reason why."""
    require(actor, "patients.edit")
    on = on or clock.utc_to_local(utcnow(), clock.clinic_tz()).date()  # the clinic's today
    task = _open_task(s, task_id, expected_version)
    errors = {}
    if until is None or until <= on:
        errors["until"] = "Choose a day after today."
    elif until <= task.due_on:
        errors["until"] = "Choose a day after the task's due date."
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why the task waits."
    elif len(reason) > NOTE_MAX:
        errors["reason"] = f"Keep the reason under {NOTE_MAX} characters."
    if errors:
        raise InvalidInput(errors)
    before = task.due_on
    task.due_on, task.status_reason = until, reason
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="task",
        entity_id=task.id,
        patient_id=task.patient_id,
        category="task",
        detail={
            "changes": audit.changes({"due_on": before}, {"due_on": until}),
            "snoozed": reason,
        },
    )
    return task


def reassign_task(
    s: Session,
    actor: Actor,
    task_id: int,
    owner_user_id: int | None,
    expected_version: int | None = None,
) -> Task:
    """Hand the task to a colleague who can act on it."""
    require(actor, "patients.edit")
    task = _open_task(s, task_id, expected_version)
    owner = s.get(User, owner_user_id) if owner_user_id else None
    if owner is None or not owner.active or owner.role == Role.VIEWER:
        raise InvalidInput({"owner": "Choose a colleague who can work on tasks."})
    if owner.id == task.owner_user_id:
        raise InvalidInput({"owner": "The task is already theirs: choose someone else."})
    before = task.owner_user_id
    task.owner_kind, task.owner_user_id, task.owner_name = OwnerKind.STAFF, owner.id, None
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="task",
        entity_id=task.id,
        patient_id=task.patient_id,
        category="task",
        detail={"changes": audit.changes({"owner": before}, {"owner": owner.id})},
    )
    return task


def open_tasks(
    s: Session,
    *,
    owner_user_id: int | None = None,
    patient_id: int | None = None,
    due_by: date | None = None,
    limit: int = 500,
) -> list[Task]:
    stmt = select(Task).where(Task.status.in_(OPEN))
    if owner_user_id is not None:
        stmt = stmt.where(Task.owner_user_id == owner_user_id)
    if patient_id is not None:
        stmt = stmt.where(Task.patient_id == patient_id)
    if due_by is not None:
        stmt = stmt.where(Task.due_on <= due_by)
    return list(s.scalars(stmt.order_by(Task.due_on, Task.priority.desc(), Task.id).limit(limit)))


def list_overdue_tasks(s: Session, owner_user_id: int, on: date | None = None) -> list[Task]:
    on = on or today()
    return [t for t in open_tasks(s, owner_user_id=owner_user_id, due_by=on) if t.due_on < on]


def task_rows(tasks: list[Task], on: date) -> list[dict]:
    """Plain rows for a table: overdue ones say so first."""
    rows = []
    for t in tasks:
        patient: Patient | None = t.patient
        rows.append(
            {
                "Due": t.due_on,
                "When": "OVERDUE" if t.due_on < on else ("today" if t.due_on == on else "upcoming"),
                "Priority": str(t.priority),
                "Task": t.title,
                "Patient": patient.display_name if patient else "",
                "Owner": t.owner.display_name if t.owner else (t.owner_name or ""),
                "Status": us_spelling(t.status),
                "id": t.id,
            }
        )
    return rows


def open_tasks_section(s: Session, actor: Actor, patient: Patient) -> SummarySection:
    rows = task_rows(open_tasks(s, patient_id=patient.id), today())
    return SummarySection(
        "Open tasks",
        [{k: v for k, v in r.items() if k not in ("Patient", "id")} for r in rows],
        empty_text="No open tasks.",
        order=20,
    )
