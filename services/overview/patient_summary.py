"""The patient summary: one page that pulls every capability together for one patient.

Each capability offers section functions that take (session, actor, patient) and return
a SummarySection or None. SECTIONS lists them; the Patients page draws them by `order`.
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
from services.scheduling.reminders import upcoming_section
from services.tasks.tasks import open_tasks_section

Section = Callable[[Session, Actor, Patient], SummarySection | None]
SECTIONS: tuple[Section, ...] = (
    open_tasks_section,
    intake_summary_section,
    plan_summary_section,
    upcoming_section,
    liaison.family_section,
    liaison.coverage_section,
    liaison.prior_auths_section,
    liaison.referrals_section,
    liaison.communications_section,
)


def patient_summary(s: Session, actor: Actor, patient: Patient) -> list[SummarySection]:
    sections = [section(s, actor, patient) for section in SECTIONS]
    return sorted((x for x in sections if x is not None), key=lambda x: x.order)
