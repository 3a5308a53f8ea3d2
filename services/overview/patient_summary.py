"""The patient summary: one page that pulls every capability together for one patient.

Each capability offers section functions that take (session, actor, patient) and return
a SummarySection or None. The record leads with what needs doing (NEEDS_DOING: open
tasks, upcoming appointments, active goals); MORE follows. The Patients page draws each
group by `order`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from db.models import Patient
from services.care_plans.sections import plan_summary_section
from services.contacts import liaison
from services.core.identity import Actor
from services.core.sections import SummarySection
from services.intake.history import intake_summary_section
from services.safety.views import safety_summary_section
from services.scheduling.reminders import upcoming_section
from services.tasks.tasks import open_tasks_section

Section = Callable[[Session, Actor, Patient], SummarySection | None]
NEEDS_DOING: tuple[Section, ...] = (
    open_tasks_section,
    upcoming_section,
    plan_summary_section,
)
MORE: tuple[Section, ...] = (
    safety_summary_section,
    intake_summary_section,
    liaison.family_section,
    liaison.coverage_section,
    liaison.prior_auths_section,
    liaison.referrals_section,
    liaison.communications_section,
)
SECTIONS = NEEDS_DOING + MORE


def _gather(s: Session, actor: Actor, patient: Patient, which) -> list[SummarySection]:
    sections = [section(s, actor, patient) for section in which]
    return sorted((x for x in sections if x is not None), key=lambda x: x.order)


def patient_summary(s: Session, actor: Actor, patient: Patient) -> list[SummarySection]:
    return _gather(s, actor, patient, NEEDS_DOING) + _gather(s, actor, patient, MORE)


def needs_doing(s: Session, actor: Actor, patient: Patient) -> list[SummarySection]:
    return _gather(s, actor, patient, NEEDS_DOING)


def more(s: Session, actor: Actor, patient: Patient) -> list[SummarySection]:
    return _gather(s, actor, patient, MORE)
