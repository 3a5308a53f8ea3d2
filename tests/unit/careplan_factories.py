"""Plain factory functions for care-plan tests."""

from __future__ import annotations

from datetime import date

from db.models import Patient
from services.care_plans import plans as care_plans
from services.care_plans.goals import GoalInput


def make_patient(s, given="Ana", family="Núñez", birth=date(1950, 3, 4)) -> Patient:
    p = Patient(
        mrn=f"T{given}{family}"[:30],
        given_name=given,
        family_name=family,
        birth_date=birth,
        search_name=f"{given} {family}".lower(),
    )
    s.add(p)
    s.flush()
    return p


def make_plan(s, actor, patient=None, start_on=date(2026, 1, 10)):
    patient = patient or make_patient(s)
    return care_plans.start_plan(s, actor, patient.id, start_on=start_on)


def words_goal(**kw) -> GoalInput:
    base = {
        "description": "Walk to the corner shop without stopping by March",
        "patients_words": "I want to walk to the shop by myself again",
        "lifecycle_status": "active",
        "target_on": date(2026, 3, 1),
    }
    base.update(kw)
    return GoalInput(**base)
