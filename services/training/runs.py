"""Runs: a trainee starting a scenario on their own copy, their checklist, starting over.

Everything here works only in the training database (it refuses elsewhere), so a
scenario can never create its synthetic patients among a clinic's real ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import config
from db.base import today, utcnow
from db.models import (
    Appointment,
    AppointmentStatus,
    Patient,
    RecordStatus,
    Role,
    RunStatus,
    Task,
    TrainingRun,
    TrainingRunPatient,
    TrainingVisit,
    User,
)
from services.core import audit
from services.core.audit import Action
from services.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from services.core.identity import Actor
from services.core.training_mode import is_training_database
from services.patients.registry import archive_patient
from services.scheduling.appointments import cancel_appointment
from services.tasks.tasks import OPEN, set_task_status
from services.training.checks import CHECKS, PAGE_KEYS, CheckContext
from services.training.copies import SET_UP, make_copy
from services.training.scenarios import scenario

RESET_REASON = "Training scenario started over"
QUIET_CHECKS = ("record_viewed",)


class NotTrainingDatabase(DomainError):
    def __init__(self):
        super().__init__(
            "Training scenarios run only in the training database. Start it from the first-run "
            "screen, or with `python manage.py seed-demo`."
        )


@dataclass(frozen=True)
class StepState:
    key: str
    title: str
    hint: str
    page: str  # page key (services.training.checks.PAGE_TITLES)
    patient_id: int | None  # the trainee's copy the step's link opens on, if any
    done_at: datetime | None
    check: str = ""  # the kind of check (services.training.checks.CHECKS)


@dataclass(frozen=True)
class RunState:
    """One run as a checklist, in plain values."""

    id: int
    scenario_key: str
    title: str
    story: str
    trainee_id: int
    trainee: str  # display name
    username: str
    started_at: datetime
    status: RunStatus
    steps: list[StepState]
    patients: dict[str, int]  # scenario key -> patient id of the copy

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.done_at)

    @property
    def finished(self) -> bool:
        return self.done == len(self.steps)

    @property
    def waits_for_a_view(self) -> bool:
        """A step not done yet ticks when a page merely shows something (a record opened):
        nothing reruns after that, so the checklist has to look again by itself."""
        return any(not step.done_at and step.check in QUIET_CHECKS for step in self.steps)

    @property
    def next_step(self) -> StepState | None:
        return next((step for step in self.steps if not step.done_at), None)


def require_training(s: Session) -> None:
    if not is_training_database(s):
        raise NotTrainingDatabase()


def allowed(doc: dict, role: Role) -> bool:
    return Role(role).value in doc["roles"]


def _active(s: Session, trainee_id: int, key: str | None = None) -> list[TrainingRun]:
    q = select(TrainingRun).where(
        TrainingRun.trainee_id == trainee_id, TrainingRun.status == RunStatus.ACTIVE
    )
    if key is not None:
        q = q.where(TrainingRun.scenario_key == key)
    return list(s.scalars(q.order_by(TrainingRun.started_at.desc(), TrainingRun.id.desc())))


def start(s: Session, actor: Actor, key: str, *, tz: str | None = None) -> TrainingRun:
    """Start (or start over) a scenario: the trainee's own fresh copy of its patients."""
    require_training(s)
    trainee = s.get(User, actor.id)
    if trainee is None:
        raise NotFound("No such account.")
    doc, version = scenario(s, key)
    if not allowed(doc, trainee.role):
        raise PermissionDenied("This scenario is for another role.")
    for old in _active(s, trainee.id, key):
        end(s, actor, old, RESET_REASON)
    run = TrainingRun(
        scenario_key=key,
        scenario_version=version,
        title=doc["title"],
        definition=doc,
        trainee_id=trainee.id,
        status=RunStatus.ACTIVE,
    )
    s.add(run)
    s.flush()
    rng = random.Random(run.id * 7919)
    on, zone = today(), tz or config.load().timezone
    for patient in doc["patients"]:
        pid = make_copy(s, trainee, patient, rng, on, zone)
        s.add(TrainingRunPatient(run_id=run.id, patient_key=patient["key"], patient_id=pid))
    # Work counts from here on: nothing the set-up made can tick a step.
    run.started_at = utcnow()
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="training_run",
        entity_id=run.id,
        category="training",
        detail={"scenario": key, "version": version, "patients": len(doc["patients"])},
    )
    return run


def end(s: Session, actor: Actor, run: TrainingRun, reason: str) -> None:
    """End a run: its copies are archived (with their open tasks cancelled and their coming
    appointments cancelled), so nothing of it lingers on anyone's day."""
    if run.status != RunStatus.ACTIVE:
        raise InvalidInput({"run": "This scenario was already started over."})
    now = utcnow()
    ids = [p.patient_id for p in run.patients]
    for task in s.scalars(select(Task).where(Task.patient_id.in_(ids), Task.status.in_(OPEN))):
        set_task_status(s, SET_UP, task.id, "cancelled", reason=reason)
    coming = select(Appointment).where(
        Appointment.patient_id.in_(ids),
        Appointment.start_at >= now,
        Appointment.status.not_in([AppointmentStatus.CANCELLED, AppointmentStatus.COMPLETED]),
    )
    for a in s.scalars(coming):
        cancel_appointment(s, SET_UP, a.id, reason)
    for pid in ids:
        if s.get(Patient, pid).status == RecordStatus.ACTIVE:
            archive_patient(s, SET_UP, pid, reason)
    run.status = RunStatus.RESET
    run.ended_at = now
    run.ended_by_id = actor.id
    run.end_reason = reason
    s.flush()
    audit.record(
        s,
        actor,
        Action.ARCHIVE,
        entity="training_run",
        entity_id=run.id,
        category="training",
        detail={"scenario": run.scenario_key, "trainee_id": run.trainee_id, "reason": reason},
    )


def get_run(s: Session, run_id: int) -> TrainingRun:
    run = s.get(TrainingRun, run_id)
    if run is None:
        raise NotFound("No such training run.")
    return run


def state(s: Session, run: TrainingRun) -> RunState:
    """The run's checklist as the database shows it now."""
    patients = {p.patient_key: p.patient_id for p in run.patients}
    ctx = CheckContext(s, run.id, run.trainee_id, run.started_at, patients)
    steps = []
    for step in run.definition["steps"]:
        check = step["check"]
        steps.append(
            StepState(
                key=step["key"],
                title=step["title"],
                hint=step["hint"],
                page=step["page"],
                patient_id=patients.get(step.get("patient") or ""),
                done_at=CHECKS[check["kind"]].evaluate(ctx, check),
                check=check["kind"],
            )
        )
    trainee = run.trainee
    return RunState(
        id=run.id,
        scenario_key=run.scenario_key,
        title=run.title,
        story=run.definition["story"],
        trainee_id=trainee.id,
        trainee=trainee.display_name,
        username=trainee.username,
        started_at=run.started_at,
        status=RunStatus(run.status),
        steps=steps,
        patients=patients,
    )


def my_runs(s: Session, actor: Actor) -> list[RunState]:
    """The trainee's scenarios in progress, newest first."""
    return [state(s, run) for run in _active(s, actor.id)]


def visit_needed(s: Session, actor: Actor, page_title: str) -> list[int]:
    """The trainee's active runs with a not-yet-recorded step asking for this page."""
    page = PAGE_KEYS.get(page_title)
    if page is None:
        return []
    wanted = []
    for run in _active(s, actor.id):
        asks = any(
            st["check"]["kind"] == "page_opened" and st["check"]["page"] == page
            for st in run.definition["steps"]
        )
        seen = s.scalar(
            select(TrainingVisit.id).where(
                TrainingVisit.run_id == run.id, TrainingVisit.page == page
            )
        )
        if asks and not seen:
            wanted.append(run.id)
    return wanted


def record_visit(s: Session, actor: Actor, page_title: str) -> int:
    """Note that the trainee opened a page a step asks for; returns how many runs noted it."""
    page = PAGE_KEYS.get(page_title)
    runs = visit_needed(s, actor, page_title)
    for run_id in runs:
        s.add(TrainingVisit(run_id=run_id, page=page))
    s.flush()
    return len(runs)
