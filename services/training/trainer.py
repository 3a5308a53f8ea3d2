"""The trainer's side: everyone's progress, starting one trainee over, more trainee accounts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Role, RunStatus, TrainingRun, User
from services.core import audit
from services.core.audit import Action
from services.core.auth import hash_password
from services.core.errors import InvalidInput
from services.core.identity import Actor, require
from services.demo.context import DEMO_PASSWORD
from services.demo.trainees import trainee_username
from services.training.runs import RunState, end, get_run, require_training, start, state

TRAINER_RESET = "Started over by the trainer"
MAX_NEW_TRAINEES = 40


def overview(s: Session, actor: Actor) -> list[RunState]:
    """Every scenario in progress, by trainee, oldest first."""
    require(actor, "admin")
    require_training(s)
    runs = s.scalars(
        select(TrainingRun)
        .join(User, User.id == TrainingRun.trainee_id)
        .where(TrainingRun.status == RunStatus.ACTIVE)
        .order_by(User.username, TrainingRun.started_at)
    )
    return [state(s, run) for run in runs]


def start_over(s: Session, actor: Actor, run_id: int, reason: str = TRAINER_RESET) -> TrainingRun:
    """End a trainee's run (its copy archived) and give them a fresh copy of the scenario."""
    require_training(s)
    run = get_run(s, run_id)
    if run.trainee_id != actor.id:
        require(actor, "admin")
    trainee = s.get(User, run.trainee_id)
    end(s, actor, run, reason)
    as_trainee = Actor(trainee.id, trainee.username, trainee.display_name, Role(trainee.role))
    return start(s, as_trainee, run.scenario_key)


def add_trainees(s: Session, actor: Actor, count: int) -> list[str]:
    """`count` more trainee accounts (nurse role, password `demo`), numbered on from the
    highest; returns their usernames."""
    require(actor, "admin")
    require_training(s)
    if not isinstance(count, int) or not 1 <= count <= MAX_NEW_TRAINEES:
        raise InvalidInput({"count": f"Add between 1 and {MAX_NEW_TRAINEES} trainees at a time."})
    names = s.scalars(select(User.username).where(User.username.like("trainee%"))).all()
    numbers = [int(n[7:]) for n in names if n[7:].isdigit()]
    first = max(numbers, default=0) + 1
    password_hash = hash_password(DEMO_PASSWORD)
    made = []
    for n in range(first, first + count):
        user = User(
            username=trainee_username(n),
            display_name=f"Trainee {n} (demo)",
            role=Role.NURSE,
            password_hash=password_hash,
        )
        s.add(user)
        s.flush()
        audit.record(
            s,
            actor,
            Action.USER_CHANGE,
            entity="user",
            entity_id=user.id,
            detail={"created": user.username, "role": Role.NURSE.value},
        )
        made.append(user.username)
    return made


def trainee_count(s: Session) -> int:
    return s.scalar(select(func.count(User.id)).where(User.username.like("trainee%"))) or 0
