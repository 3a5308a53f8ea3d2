"""A large clinic's size in the demo: staff scale with patients, and --history full adds
two years of the past in the proportions of a real clinic, the same for the same seed
(compared on two fresh SQLite databases: the order rows come back in is each database's)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Appointment,
    AuditEvent,
    Base,
    ContactPerson,
    Intake,
    Organization,
    Patient,
    Role,
    Task,
    User,
)
from db.session import make_engine
from services.core import audit
from services.demo import seed_demo
from services.demo.staff import team_size

PATIENTS = 40


def test_the_team_is_sized_like_a_case_management_clinic():
    team = team_size(5000)
    assert team == {Role.NURSE: 64, Role.SOCIAL_WORKER: 21, Role.SCHEDULER: 7}
    assert 60 <= 5000 * 0.9 / team[Role.NURSE] <= 80  # a nurse's caseload
    assert team_size(50)[Role.NURSE] == 3  # a small clinic still has a team


def _count(s: Session, column) -> int:
    return s.scalar(select(func.count(column))) or 0


def _past(s: Session) -> tuple:
    """What the history steps drew: its tasks and its audit chain's newest link."""
    tasks = s.execute(
        select(Task.title, Task.due_on, Task.owner_user_id, Task.status).order_by(Task.id)
    ).all()
    newest = s.scalar(
        select(AuditEvent.hmac)
        .where(AuditEvent.action == "sign-out")
        .order_by(AuditEvent.id.desc())
    )
    return tasks, newest


def test_full_history_has_a_real_clinics_proportions(s):
    seed_demo(s, patients=PATIENTS, seed=7, history=True)
    per_patient = {
        "appointments": _count(s, Appointment.id) / PATIENTS,
        "tasks": _count(s, Task.id) / PATIENTS,
        "intakes": _count(s, Intake.id) / PATIENTS,
        "directory": (_count(s, Organization.id) + _count(s, ContactPerson.id)) / PATIENTS,
        "audit": _count(s, AuditEvent.id) / PATIENTS,
    }
    assert 9 <= per_patient["appointments"] <= 12, per_patient
    assert 20 <= per_patient["tasks"] <= 21, per_patient
    assert 1.5 <= per_patient["intakes"] <= 2.6, per_patient
    assert per_patient["directory"] >= 4, per_patient
    assert 38 <= per_patient["audit"] <= 44, per_patient
    assert _count(s, ContactPerson.id) > 0
    done = s.scalar(select(func.count(Task.id)).where(Task.status.in_(["completed", "cancelled"])))
    assert done / _count(s, Task.id) > 0.8  # the past is finished work
    assert audit.verify(s).ok  # the past is chained like every other event
    # every active patient is on a case manager's caseload; the supervisor carries none
    managers = dict(s.execute(select(User.id, User.username)).all())
    owners = s.scalars(select(Patient.primary_case_manager_id)).all()
    assert all(o in managers for o in owners) and "supervisor" not in {managers[o] for o in owners}


def _seeded_past() -> tuple:
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        seed_demo(s, patients=PATIENTS // 2, seed=7, history=True)
        past = _past(s)
    engine.dispose()
    return past


def test_full_history_is_the_same_for_the_same_seed():
    assert _seeded_past() == _seeded_past()
