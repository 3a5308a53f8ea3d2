"""The sections of My day, each for one person's work (owner_id) or the whole team (None):
tasks, the calendar, plans and intakes (the rest are in outreach.py).

Each builder takes (session, owner_id, on, tz) and returns a DaySection whose rows carry
plain values, with where each row opens beside them. Queries go through the rooms'
domain functions where those fit and read the shared tables directly where they do not.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer, joinedload

from db.base import utcnow
from db.models import (
    Appointment,
    AppointmentStatus,
    CarePlan,
    Intake,
    IntakeStatus,
    Patient,
    PlanStatus,
    Task,
    User,
)
from services.care_plans.plans import plans_due_for_review
from services.core import clock
from services.core.text import us_spelling
from services.intake.steps import STEPS
from services.overview.worklist import (
    CALENDAR,
    CARE_PLAN,
    INTAKE,
    DaySection,
    Link,
    patient_link,
    rows_wanted,
    task_link,
    task_ref,
)
from services.scheduling.reminders import due_statement
from services.scheduling.transport import ride_row, unconfirmed_transport
from services.tasks.tasks import OPEN as OPEN_TASK

GONE = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
# what a row shows of a patient (display_name): the team's 200-row sections load no more
NAME_COLUMNS = (Patient.given_name, Patient.family_name, Patient.preferred_name)


def patient_name(p: Patient | None) -> str:
    return p.display_name if p else ""


def first_rows(items: list) -> list:
    return items[: rows_wanted()]


def found_and_count(s: Session, stmt, *, rows: bool = False) -> tuple[list, int]:
    """At most ROW_LIMIT results (none when only counting), and how many there are in all."""
    limit = rows_wanted()
    got = list((s.execute if rows else s.scalars)(stmt.limit(limit))) if limit else []
    if len(got) < limit:
        return got, len(got)
    return got, s.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


# ---------------------------------------------------------------- tasks


def _tasks(s: Session, owner_id: int | None, where) -> tuple[list[Task], int]:
    stmt = select(Task).where(Task.status.in_(OPEN_TASK), *where)
    if owner_id is not None:
        stmt = stmt.where(Task.owner_user_id == owner_id)
    limit = rows_wanted()
    found = (
        s.scalars(
            stmt.options(
                defer(Task.description),
                defer(Task.status_reason),
                joinedload(Task.patient).load_only(*NAME_COLUMNS),
                joinedload(Task.owner).load_only(User.display_name),
            )
            .order_by(Task.due_on, Task.priority.desc(), Task.id)
            .limit(limit)
        ).all()
        if limit
        else []
    )
    if limit and len(found) < limit:  # all of them are here: no need to count
        return list(found), len(found)
    return list(found), s.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _task_section(
    s: Session, owner_id: int | None, on: date, *, key: str, title: str, where, empty: str
) -> DaySection:
    found, total = _tasks(s, owner_id, where)
    rows = []
    for t in found:
        row = {}
        if key == "overdue":
            row["Was due"] = t.due_on
            row["Days late"] = (on - t.due_on).days
        row |= {"Task": t.title, "Patient": patient_name(t.patient), "Priority": str(t.priority)}
        if owner_id is None:
            row["Owner"] = t.owner.display_name if t.owner else (t.owner_name or "")
        rows.append(row)
    return DaySection(
        key=key,
        title=title,
        rows=rows,
        links=[task_link(t) for t in found],
        tasks=[task_ref(t) for t in found],
        total=total,
        empty_text=empty,
        urgent=key == "overdue" and total > 0,
        order={"overdue": 10, "today": 11, "tomorrow": 12}[key],
    )


def overdue_tasks(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    return _task_section(
        s, owner_id, on, key="overdue", title="Overdue tasks",
        where=(Task.due_on < on,), empty="Nothing overdue.",
    )  # fmt: skip


def tasks_today(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    return _task_section(
        s, owner_id, on, key="today", title="Tasks due today",
        where=(Task.due_on == on,), empty="No task is due today.",
    )  # fmt: skip


def tasks_tomorrow(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    return _task_section(
        s, owner_id, on, key="tomorrow", title="Tasks due tomorrow",
        where=(Task.due_on == on + timedelta(days=1),), empty="No task is due tomorrow.",
    )  # fmt: skip


# ---------------------------------------------------------------- the calendar


def visits_today(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    start, end = clock.day_bounds_utc(on, tz)
    stmt = (
        select(Appointment)
        .options(
            joinedload(Appointment.patient).load_only(*NAME_COLUMNS),
            joinedload(Appointment.staff).load_only(User.display_name),
        )
        .where(
            Appointment.start_at >= start,
            Appointment.start_at < end,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .order_by(Appointment.start_at, Appointment.id)
    )
    if owner_id is not None:
        stmt = stmt.where(Appointment.staff_id == owner_id)
    found, total = found_and_count(s, stmt)
    rows = []
    for a in found:
        row = {
            "Time": f"{clock.utc_to_local(a.start_at, tz):%H:%M}",
            "Type": str(a.kind),
            "Patient": patient_name(a.patient),
            "Where": a.location or a.provider or "",
            "Status": us_spelling(a.status),
        }
        if owner_id is None:
            row["Staff"] = a.staff.display_name if a.staff else ""
        rows.append(row)
    return DaySection(
        key="visits",
        title="Today's visits and calls" if owner_id is not None else "Today's appointments",
        rows=rows,
        links=[_appointment_link(a) for a in found],
        total=total,
        empty_text="Nothing on the calendar today.",
        order=20,
    )


def _appointment_link(a: Appointment) -> Link:
    if a.patient_id is None:  # a case conference: the appointment alone
        return Link(CALENDAR, {"appointment": str(a.id)}, "Open the appointment")
    return patient_link(CALENDAR, a.patient_id, "Open the appointment", appointment=a.id)


def reminder_calls(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    """Appointments in the next two days not yet confirmed with the patient."""
    found, total = found_and_count(
        s,
        due_statement(utcnow(), hours=48, staff_id=owner_id).options(
            joinedload(Appointment.patient), joinedload(Appointment.staff)
        ),
    )
    rows = [
        {
            "When": clock.us_date(clock.utc_to_local(a.start_at, tz), weekday=True, year=False),
            "Patient": patient_name(a.patient),
            "Phone": (a.patient.phone if a.patient else None) or "not on file",
            "Language": (a.patient.preferred_language if a.patient else "")
            + (" (interpreter)" if a.patient and a.patient.interpreter_needed else ""),
            "Type": str(a.kind),
            "Last call": a.reminder_outcome or "",
        }
        for a in first_rows(found)
    ]
    return DaySection(
        key="reminders",
        title="Reminder calls to make",
        rows=rows,
        links=[_appointment_link(a) for a in first_rows(found)],
        total=total,
        empty_text="Every appointment in the next two days is confirmed.",
        order=21,
    )


def rides_to_confirm(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    """Rides in the next two days the vendor has not confirmed."""
    found = [
        t
        for t in unconfirmed_transport(s, utcnow(), days=2)
        if owner_id is None
        or t.appointment.staff_id == owner_id
        or (t.appointment.patient and t.appointment.patient.primary_case_manager_id == owner_id)
    ]
    return DaySection(
        key="rides",
        title="Rides to confirm with the vendor (next two days)",
        rows=[{k: v for k, v in ride_row(t, tz).items() if k != "id"} for t in first_rows(found)],
        links=[_appointment_link(t.appointment) for t in first_rows(found)],
        total=len(found),
        empty_text="Every ride in the next two days is confirmed.",
        urgent=bool(found),
        order=22,
    )


# ---------------------------------------------------------------- plans and intakes


def reviews_due(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    if not rows_wanted():  # the count and whether one is late, without loading plans
        total = _reviews_due_count(s, owner_id, on + timedelta(days=7))
        late = bool(total) and bool(_reviews_due_count(s, owner_id, on - timedelta(days=1)))
        every = due = []
    else:
        every = plans_due_for_review(s, on + timedelta(days=7), case_manager_id=owner_id)
        late, due = any(d.next_review_on < on for d in every), first_rows(every)
        total = (
            len(every)
            if len(every) < 200
            else _reviews_due_count(s, owner_id, on + timedelta(days=7))
        )
    patients = {
        p.id: p
        for p in s.scalars(select(Patient).where(Patient.id.in_([d.patient_id for d in due])))
    }
    rows = [
        {
            "Review due": d.next_review_on,
            "When": "OVERDUE" if d.next_review_on < on else "this week",
            "Patient": patient_name(patients.get(d.patient_id)),
            "Plan": d.title,
        }
        for d in due
    ]
    return DaySection(
        key="reviews",
        title="Care plans due for review",
        rows=rows,
        links=[patient_link(CARE_PLAN, d.patient_id, "Open the care plan") for d in due],
        total=total,
        empty_text="No care plan is due for review this week.",
        urgent=late,
        order=30,
    )


def _reviews_due_count(s: Session, owner_id: int | None, by: date) -> int:
    """plans_due_for_review stops at 200: the full count, on the same terms (due by `by`)."""
    stmt = select(func.count(CarePlan.id)).where(
        CarePlan.is_current.is_(True),
        CarePlan.status == PlanStatus.ACTIVE,
        CarePlan.next_review_on <= by,
    )
    if owner_id is not None:
        stmt = stmt.join(Patient, Patient.id == CarePlan.patient_id).where(
            Patient.primary_case_manager_id == owner_id
        )
    return s.scalar(stmt) or 0


def intakes_to_finish(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    stmt = (
        select(Intake)
        .options(
            defer(Intake.data),
            joinedload(Intake.patient).load_only(*NAME_COLUMNS),
            joinedload(Intake.updated_by).load_only(User.display_name),
        )
        .where(Intake.status == IntakeStatus.DRAFT)
        .order_by(Intake.updated_at.desc())
    )
    if owner_id is not None:
        stmt = stmt.where(Intake.updated_by_id == owner_id)
    found, total = found_and_count(s, stmt)
    rows = []
    for i in found:
        row = {
            "Patient": patient_name(i.patient),
            "Step": f"{i.current_step} of {len(STEPS)}: {STEPS[i.current_step - 1][1]}",
            "Last saved": clock.us_date(clock.utc_to_local(i.updated_at, tz), year=False),
        }
        if owner_id is None:
            row["By"] = i.updated_by.display_name if i.updated_by else ""
        rows.append(row)
    return DaySection(
        key="intakes",
        title="Intakes to finish",
        rows=rows,
        links=[patient_link(INTAKE, i.patient_id, "Open the intake") for i in found],
        total=total,
        empty_text="No unfinished intakes.",
        order=31,
    )
