"""The patient's safety plan: warning signs, coping strategies, people and places, the
professionals to call (988 is always on it) and making the surroundings safer.

One plan per patient, revised in place; each save names the version the form was opened
with (DESIGN.md §3.5) and moves `reviewed_at`, so "made or reviewed since the follow-up
was raised" is a plain comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Patient, SafetyPlan, User
from services.core import audit, clock
from services.core.audit import Action
from services.core.clock import us_date
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require

FIELD_MAX = 2000

# field -> (label, hint): the order of the plan on screen and on paper
PLAN_FIELDS: dict[str, tuple[str, str]] = {
    "warning_signs": (
        "Warning signs",
        "Thoughts, feelings or situations that tell the patient a crisis may be coming.",
    ),
    "coping_strategies": (
        "Things I can do on my own",
        "What helps the patient take their mind off problems without contacting anyone.",
    ),
    "people_and_places": (
        "People and places that help",
        "People to call or be with, and places to go, for distraction and support.",
    ),
    "professionals": (
        "Professionals and agencies to call",
        "Case manager, doctor, counselor, with phone numbers (988 is printed on every plan).",
    ),
    "means_safety": (
        "Making my surroundings safer",
        "How firearms, medicines and other means are locked away or removed, and by whom.",
    ),
}
REQUIRED = ("warning_signs", "coping_strategies", "means_safety")


@dataclass
class SafetyPlanInput:
    warning_signs: str = ""
    coping_strategies: str = ""
    people_and_places: str = ""
    professionals: str = ""
    means_safety: str = ""

    @classmethod
    def of(cls, plan: SafetyPlan | None) -> SafetyPlanInput:
        if plan is None:
            return cls()
        return cls(**{f.name: getattr(plan, f.name) or "" for f in fields(cls)})


@dataclass(frozen=True)
class SafetyPlanView:
    patient_id: int
    values: SafetyPlanInput
    version: int
    reviewed_at: datetime
    reviewed_by: str
    reviewed: str  # "Dec 4, 2026 by Nora Nurse", in the clinic's time


def plan_of(s: Session, patient_id: int) -> SafetyPlan | None:
    return s.scalar(select(SafetyPlan).where(SafetyPlan.patient_id == patient_id))


def plan_view(s: Session, plan: SafetyPlan | None) -> SafetyPlanView | None:
    if plan is None:
        return None

    by = s.get(User, plan.reviewed_by_id) if plan.reviewed_by_id else None
    day = clock.utc_to_local(plan.reviewed_at, clock.clinic_tz())
    return SafetyPlanView(
        patient_id=plan.patient_id,
        values=SafetyPlanInput.of(plan),
        version=plan.version,
        reviewed_at=plan.reviewed_at,
        reviewed_by=by.display_name if by else "",
        reviewed=us_date(day) + (f" by {by.display_name}" if by else ""),
    )


def save_plan(
    s: Session,
    actor: Actor,
    patient_id: int,
    data: SafetyPlanInput,
    expected_version: int | None,
) -> SafetyPlan:
    """Make or revise the plan. `expected_version` is the version the form showed (None for
    a new plan); a save in between is refused with both versions."""
    require(actor, "clinical.edit")
    if s.get(Patient, patient_id) is None:
        raise NotFound("No such patient.")
    values = {f.name: (getattr(data, f.name) or "").strip() for f in fields(SafetyPlanInput)}
    errors = {}
    for name, value in values.items():
        if name in REQUIRED and not value:
            errors[name] = "Write at least one line with the patient."
        elif len(value) > FIELD_MAX:
            errors[name] = f"Keep this under {FIELD_MAX} characters."
    if errors:
        raise InvalidInput(errors)
    plan = plan_of(s, patient_id)
    if plan is not None and plan.version != expected_version:
        raise Conflict(
            "Someone else saved this patient's safety plan since you opened it.",
            theirs={f: getattr(plan, f) for f in values},
            mine=values,
        )
    before = {f: getattr(plan, f) for f in values} if plan else {}
    if plan is None:
        plan = SafetyPlan(patient_id=patient_id, **values)
        s.add(plan)
    else:
        for name, value in values.items():
            setattr(plan, name, value)
    plan.reviewed_at = utcnow()
    plan.reviewed_by_id = actor.id
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE if before else Action.CREATE,
        entity="safety plan",
        entity_id=plan.id,
        patient_id=patient_id,
        category="safety",
        detail={"changes": audit.changes(before, values)} if before else {"fields": list(values)},
    )
    return plan
