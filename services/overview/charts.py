"""The numbers behind My day's charts: the caseload by risk tier (and who is in each tier),
tasks done and overdue by week, referrals by status. For one person or the whole team."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
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
    counts = dict.fromkeys(TIERS, 0)
    for _, tier in _latest_tiers(s, owner_id):
        counts[tier] += 1
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


def tasks_by_week(s: Session, owner_id: int | None, on: date) -> list[dict]:
    """For each of the last weeks (Monday first): tasks completed that week, and tasks due
    that week that were not done by their due date (done late, or still open)."""
    start = on - timedelta(days=on.weekday()) - timedelta(weeks=WEEKS - 1)
    since = datetime.combine(start, time(), tzinfo=UTC)
    stmt = select(Task.due_on, Task.status, Task.done_at).where(
        or_(Task.due_on >= start, Task.done_at >= since)
    )
    if owner_id is not None:
        stmt = stmt.where(Task.owner_user_id == owner_id)
    done = dict.fromkeys(range(WEEKS), 0)
    late = dict.fromkeys(range(WEEKS), 0)
    for due_on, status, done_at in s.execute(stmt):
        if done_at is not None and status == TaskStatus.COMPLETED:
            week = (done_at.date() - start).days // 7
            if 0 <= week < WEEKS:
                done[week] += 1
        if start <= due_on <= on and status != TaskStatus.CANCELLED:
            missed = (done_at is None and due_on < on) or (
                done_at is not None and done_at.date() > due_on
            )
            if missed:
                late[(due_on - start).days // 7] += 1
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
