"""The numbers behind My day's charts: the caseload by risk tier (and who is in each tier),
tasks done and overdue by week, referrals by status. For one person or the whole team."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from db.models import Intake, IntakeStatus, Patient, RecordStatus, Referral, Task, TaskStatus
from services.contacts.referral_status import OPEN as OPEN_REFERRAL
from services.core.text import us_spelling
from services.overview.worklist import PATIENTS, ROW_LIMIT, Link, patient_link

TIERS = ("urgent", "high", "moderate", "low", "not assessed")
WEEKS = 8


def _latest_tiers(s: Session, owner_id: int | None) -> list[tuple[Patient, str]]:
    """Active patients (mine or the team's) with the tier of their latest completed intake."""
    latest = (
        select(Intake.patient_id, func.max(Intake.completed_at).label("at"))
        .where(Intake.status == IntakeStatus.COMPLETED)
        .group_by(Intake.patient_id)
        .subquery()
    )
    stmt = (
        select(Patient, Intake.risk_tier)
        .outerjoin(latest, latest.c.patient_id == Patient.id)
        .outerjoin(
            Intake,
            (Intake.patient_id == Patient.id)
            & (Intake.completed_at == latest.c.at)
            & (Intake.status == IntakeStatus.COMPLETED),
        )
        .where(Patient.status == RecordStatus.ACTIVE)
    )
    if owner_id is not None:
        stmt = stmt.where(Patient.primary_case_manager_id == owner_id)
    seen: dict[int, tuple[Patient, str]] = {}
    for p, tier in s.execute(stmt):
        seen.setdefault(p.id, (p, tier if tier in TIERS else "not assessed"))
    return list(seen.values())


def caseload_by_tier(s: Session, owner_id: int | None) -> list[dict]:
    """Counted in the database (the team's chart at 5,000 patients loaded every one): the
    tier of each active patient's latest completed intake; no intake is "not assessed"."""
    latest = (
        select(
            Intake.risk_tier,
            func.row_number()
            .over(
                partition_by=Intake.patient_id,
                order_by=(Intake.completed_at.desc(), Intake.id.desc()),
            )
            .label("n"),
        )
        .join(Patient, Patient.id == Intake.patient_id)
        .where(Intake.status == IntakeStatus.COMPLETED, Patient.status == RecordStatus.ACTIVE)
    )
    patients = select(func.count(Patient.id)).where(Patient.status == RecordStatus.ACTIVE)
    if owner_id is not None:
        latest = latest.where(Patient.primary_case_manager_id == owner_id)
        patients = patients.where(Patient.primary_case_manager_id == owner_id)
    latest = latest.subquery()
    stmt = (
        select(latest.c.risk_tier, func.count()).where(latest.c.n == 1).group_by(latest.c.risk_tier)
    )
    counts = dict.fromkeys(TIERS, 0)
    for tier, n in s.execute(stmt):
        counts[tier if tier in TIERS else "not assessed"] += n
    counts["not assessed"] += (s.scalar(patients) or 0) - sum(counts.values())
    return [{"Risk tier": t, "Patients": n} for t, n in counts.items()]


def patients_in_tier(
    s: Session, owner_id: int | None, tier: str
) -> tuple[list[dict], list[Link | None], int]:
    """Who is in a tier (the chart's bar clicked): rows, where each opens, and how many."""
    found = sorted(
        (p for p, t in _latest_tiers(s, owner_id) if t == tier), key=lambda p: p.display_name
    )
    shown = found[:ROW_LIMIT]
    rows = [
        {
            "Patient": p.display_name,
            "MRN": p.mrn,
            "Born": p.birth_date,
            "Language": p.preferred_language,
        }
        for p in shown
    ]
    return rows, [patient_link(PATIENTS, p.id, "Open the patient") for p in shown], len(found)


def _utc_day(s: Session, column):
    """The UTC calendar day of a stored moment, in SQL (as `.date()` does in Python): on
    PostgreSQL date() of a timestamptz would follow the server's time zone."""
    if s.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def tasks_by_week(s: Session, owner_id: int | None, on: date) -> list[dict]:
    """For each of the last weeks (Monday first): tasks completed that week, and tasks due
    that week that were not done by their due date (done late, or still open). Counted by
    day in the database: the team's eight weeks are thousands of tasks."""
    start = on - timedelta(days=on.weekday()) - timedelta(weeks=WEEKS - 1)
    since = datetime.combine(start, time(), tzinfo=UTC)
    done_day = _utc_day(s, Task.done_at)
    # the status is counted, not filtered on: filtered, SQLite reads every completed task
    # by the status index instead of the few weeks' by done_at
    done_stmt = (
        select(done_day, func.sum(case((Task.status == TaskStatus.COMPLETED, 1), else_=0)))
        .where(Task.done_at >= since)
        .group_by(done_day)
    )
    missed = or_(
        (Task.done_at.is_(None)) & (Task.due_on < on),
        done_day > Task.due_on,
    )
    late_stmt = (
        select(Task.due_on, func.count())
        .where(
            Task.due_on >= start,
            Task.due_on <= on,
            Task.status != TaskStatus.CANCELLED,
            missed,
        )
        .group_by(Task.due_on)
    )
    if owner_id is not None:
        done_stmt = done_stmt.where(Task.owner_user_id == owner_id)
        late_stmt = late_stmt.where(Task.owner_user_id == owner_id)
    done = dict.fromkeys(range(WEEKS), 0)
    late = dict.fromkeys(range(WEEKS), 0)
    for day, n in s.execute(done_stmt):
        if not n:
            continue
        week = (date.fromisoformat(str(day)) - start).days // 7
        if 0 <= week < WEEKS:
            done[week] += n
    for due_on, n in s.execute(late_stmt):
        late[(due_on - start).days // 7] += n
    rows = []
    for week in range(WEEKS):
        monday = start + timedelta(weeks=week)
        rows.append({"Week of": monday, "Tasks": done[week], "Kind": "Done"})
        rows.append({"Week of": monday, "Tasks": late[week], "Kind": "Overdue"})
    return rows


def referrals_by_status(s: Session, owner_id: int | None, on: date) -> list[dict]:
    """Open referrals, and those closed in the last 90 days, by status."""
    stmt = (
        select(Referral.status, func.count(Referral.id))
        .where(
            or_(
                Referral.status.in_(OPEN_REFERRAL),
                Referral.closed_on >= on - timedelta(days=90),
            )
        )
        .group_by(Referral.status)
    )
    if owner_id is not None:
        stmt = stmt.where(Referral.owner_user_id == owner_id)
    return [{"Status": us_spelling(status), "Referrals": n} for status, n in s.execute(stmt) if n]
