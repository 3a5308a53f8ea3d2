"""My day: the home page's worklist, gathered from every capability in one place.

Each capability offers section functions that take (session, actor, today) and return
a WorklistSection or None (not for this role). SECTIONS lists them; the page draws them
sorted by their `order`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Patient, RecordStatus, User
from services.care_plans.sections import plans_due_section
from services.contacts import liaison
from services.core.identity import Actor
from services.core.sections import WorklistSection
from services.intake.history import my_drafts_section
from services.scheduling.reminders import reminder_calls_section, rides_to_confirm_section
from services.tasks.tasks import my_tasks_section

Section = Callable[[Session, Actor, date], WorklistSection | None]
SECTIONS: tuple[Section, ...] = (
    my_tasks_section,
    my_drafts_section,
    plans_due_section,
    reminder_calls_section,
    rides_to_confirm_section,
    liaison.prior_auths_expiring_section,
    liaison.referrals_unanswered_section,
)


def caseload_counts(s: Session, actor: Actor) -> dict[str, int]:
    mine = s.scalar(
        select(func.count(Patient.id)).where(
            Patient.primary_case_manager_id == actor.id, Patient.status == RecordStatus.ACTIVE
        )
    )
    active = s.scalar(select(func.count(Patient.id)).where(Patient.status == RecordStatus.ACTIVE))
    return {"mine": mine or 0, "active": active or 0}


def caseload_by_manager(s: Session) -> list[dict]:
    rows = s.execute(
        select(User.display_name, func.count(Patient.id))
        .join(Patient, Patient.primary_case_manager_id == User.id)
        .where(Patient.status == RecordStatus.ACTIVE)
        .group_by(User.display_name)
        .order_by(User.display_name)
    ).all()
    return [{"Case manager": name, "Patients": n} for name, n in rows]


def my_day(s: Session, actor: Actor, today: date) -> list[WorklistSection]:
    # Unanswered referrals get their 7/14/30-day follow-up tasks before the tasks are read.
    liaison.create_referral_followups(s, actor, today)
    sections = [section(s, actor, today) for section in SECTIONS]
    return sorted((x for x in sections if x is not None), key=lambda x: x.order)
