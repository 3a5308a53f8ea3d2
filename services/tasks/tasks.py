"""Tasks (FHIR Task): created by people or by rules (intake alerts, referral follow-ups, ...)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today, utcnow
from db.models import OwnerKind, Patient, Task, TaskPriority, TaskStatus
from services.core import audit
from services.core.audit import Action
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.sections import SummarySection, WorklistSection

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
        raise InvalidInput({"reason": "Give a reason for cancelling or holding the task."})
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
                "Status": str(t.status),
                "id": t.id,
            }
        )
    return rows


def my_tasks_section(s: Session, actor: Actor, on: date) -> WorklistSection:
    tasks = open_tasks(s, owner_user_id=actor.id, due_by=on + timedelta(days=1))
    urgent = any(t.due_on < on or t.priority != TaskPriority.ROUTINE for t in tasks)
    return WorklistSection(
        title="My tasks: overdue, today and tomorrow",
        rows=task_rows(tasks, on),
        empty_text="No open tasks due. Well done.",
        urgent=urgent,
        order=10,
    )


def open_tasks_section(s: Session, actor: Actor, patient: Patient) -> SummarySection:
    return SummarySection(
        "Open tasks",
        task_rows(open_tasks(s, patient_id=patient.id), today()),
        empty_text="No open tasks.",
        order=20,
    )
