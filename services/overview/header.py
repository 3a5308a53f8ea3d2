"""The patient header every page about one patient starts with: who the patient is, their
risk tier and case manager, the alerts that need someone (each linking where it is
handled) and the links to the patient's intake, care plan, calendar and contacts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Intake, IntakeStatus, Patient, RecordStatus
from services.care_plans.common import current_plan
from services.contacts.family import consent_state, current_consent, family_of
from services.contacts.prior_auths import expiring_prior_auths
from services.core import clock
from services.core.clock import us_date
from services.core.errors import NotFound
from services.core.identity import Actor
from services.overview.worklist import CARE_PLAN, CONTACTS, PATIENTS, Link, patient_link
from services.safety.followups import open_follow_ups
from services.safety.views import crisis_lines


@dataclass(frozen=True)
class SafetyAlert:
    concern: str
    reason: str
    raised_on: date
    crisis_lines: str
    link: Link  # where the follow-up is worked on


@dataclass(frozen=True)
class Chip:
    kind: str  # "prior_auth", "consent", "review"
    text: str
    link: Link | None


@dataclass(frozen=True)
class PatientHeader:
    id: int
    name: str  # "Family, Given (Preferred)"
    age: int
    birth_date: date
    mrn: str
    language: str
    interpreter_needed: bool
    risk_tier: str  # of the latest completed intake, or "not assessed"
    case_manager: str
    archived: bool
    safety: list[SafetyAlert] = field(default_factory=list)
    chips: list[Chip] = field(default_factory=list)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def latest_tier(s: Session, patient_id: int) -> str:
    tier = s.scalar(
        select(Intake.risk_tier)
        .where(Intake.patient_id == patient_id, Intake.status == IntakeStatus.COMPLETED)
        .order_by(Intake.completed_at.desc(), Intake.id.desc())
        .limit(1)
    )
    return tier or "not assessed"


def _chips(s: Session, actor: Actor, p: Patient, on: date) -> list[Chip]:
    chips = []
    for pa in expiring_prior_auths(s, on, patient_id=p.id):
        days = (pa.expires_on - on).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        chips.append(
            Chip(
                "prior_auth",
                f"Prior authorization for {pa.service} expires {when}",
                patient_link(CONTACTS, p.id, "Insurance and prior authorizations"),
            )
        )
    caregiver = next((r for r in family_of(s, actor, p.id) if r.primary_caregiver), None)
    if caregiver is not None and current_consent(caregiver, on) is None:
        chips.append(
            Chip(
                "consent",
                f"No consent to share with the main caregiver, {caregiver.name} "
                f"({consent_state(caregiver, on).lower()})",
                patient_link(CONTACTS, p.id, "Family and consent"),
            )
        )
    plan = current_plan(s, p.id) if actor.can("clinical.read") else None
    if plan is not None and plan.next_review_on is not None and plan.next_review_on < on:
        chips.append(
            Chip(
                "review",
                f"Care plan review overdue since {us_date(plan.next_review_on)}",
                patient_link(CARE_PLAN, p.id, "Care plan"),
            )
        )
    return chips


def patient_header(s: Session, actor: Actor, patient_id: int, on: date) -> PatientHeader:
    p = s.get(Patient, patient_id)
    if p is None:
        raise NotFound("No such patient.")
    manager = p.primary_case_manager
    tz = clock.clinic_tz()
    safety = [
        SafetyAlert(
            concern=str(f.concern),
            reason=f.reason,
            raised_on=clock.utc_to_local(f.raised_at, tz).date(),
            crisis_lines=crisis_lines(f.concern),
            link=patient_link(PATIENTS, p.id, "Open the safety follow-up"),
        )
        for f in open_follow_ups(s, patient_id=p.id)
    ]
    return PatientHeader(
        id=p.id,
        name=p.display_name,
        age=age_on(p.birth_date, on),
        birth_date=p.birth_date,
        mrn=p.mrn,
        language=p.preferred_language or "English",
        interpreter_needed=bool(p.interpreter_needed),
        risk_tier=latest_tier(s, p.id) if actor.can("clinical.read") else "",
        case_manager=manager.display_name if manager else "not assigned",
        archived=p.status == RecordStatus.ARCHIVED,
        safety=safety,
        chips=_chips(s, actor, p, on),
    )
