"""The plain shapes the safety screens show: one follow-up with what it still needs, and the
patient's safety panel (open follow-ups, the plan, past follow-ups)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Communication, FollowUpStatus, Patient, SafetyConcern, SafetyFollowUp
from services.core import clock
from services.core.identity import Actor
from services.core.sections import SummarySection
from services.safety import followups
from services.safety.assessment import assessment_rows
from services.safety.plans import SafetyPlanView, plan_of, plan_view

CRISIS_LINE = (
    "In a crisis, call or text 988 (Suicide & Crisis Lifeline; press 2 for Spanish). "
    "In immediate danger, call 911."
)
DV_HOTLINE = "National Domestic Violence Hotline: 1-800-799-7233 (text START to 88788)."


def crisis_lines(concern: str) -> str:
    lines = CRISIS_LINE
    if concern == SafetyConcern.INTERPERSONAL:
        lines += " " + DV_HOTLINE
    return lines


@dataclass(frozen=True)
class FollowUpView:
    id: int
    version: int
    patient_id: int
    patient_name: str
    mrn: str
    concern: str
    reason: str
    raised: str  # "May 3, 2026 14:05 by Nora Nurse"
    raised_at: datetime
    owner: str
    is_open: bool
    assessment: list[dict]  # question/answer rows; empty until recorded
    assessed: str
    supervisor_told: str  # "" until logged
    primary_care_told: str
    plan_current: bool  # made or reviewed since the follow-up was raised
    missing: list[str]  # what completing still needs
    outcome: str
    outcome_note: str
    completed: str
    crisis_lines: str


@dataclass(frozen=True)
class SafetyPanel:
    patient_id: int
    open: list[FollowUpView] = field(default_factory=list)
    plan: SafetyPlanView | None = None
    past: list[FollowUpView] = field(default_factory=list)
    staff: str = ""  # the primary case manager, for the plan's default "professionals"


def when(value: datetime | None, tz: str) -> str:
    return clock.us_date(clock.utc_to_local(value, tz)) if value else ""


def _told(s: Session, comm_id: int | None, tz: str) -> str:
    comm = s.get(Communication, comm_id) if comm_id else None
    if comm is None:
        return ""
    return f"{comm.with_name} ({comm.channel}, {when(comm.occurred_at, tz)})"


def follow_up_view(s: Session, f: SafetyFollowUp, tz: str | None = None) -> FollowUpView:
    tz = tz or clock.clinic_tz()
    raised_by = followups.staff_name(s, f.raised_by_id)
    is_open = f.status == FollowUpStatus.OPEN
    completed_by = followups.staff_name(s, f.completed_by_id)
    return FollowUpView(
        id=f.id,
        version=f.version,
        patient_id=f.patient_id,
        patient_name=f.patient.display_name,
        mrn=f.patient.mrn,
        concern=str(f.concern),
        reason=f.reason,
        raised=when(f.raised_at, tz) + (f" by {raised_by}" if raised_by else ""),
        raised_at=f.raised_at,
        owner=followups.staff_name(s, f.owner_user_id),
        is_open=is_open,
        assessment=assessment_rows(f.concern, f.assessment),
        assessed=(
            f"{when(f.assessed_at, tz)} by {followups.staff_name(s, f.assessed_by_id)}"
            if f.assessed_at
            else ""
        ),
        supervisor_told=_told(s, f.supervisor_comm_id, tz),
        primary_care_told=_told(s, f.primary_care_comm_id, tz),
        plan_current=(plan_current := followups.plan_reviewed_since(s, f)),
        missing=followups.still_needed(s, f, plan_current) if is_open else [],
        outcome=str(f.outcome or ""),
        outcome_note=f.outcome_note or "",
        completed=(f"{when(f.completed_at, tz)} by {completed_by}" if f.completed_at else ""),
        crisis_lines=crisis_lines(f.concern),
    )


def safety_panel(s: Session, patient_id: int) -> SafetyPanel:
    tz = clock.clinic_tz()
    every = [follow_up_view(s, f, tz) for f in followups.follow_ups_of(s, patient_id)]
    patient = s.get(Patient, patient_id)
    manager = patient.primary_case_manager if patient else None
    return SafetyPanel(
        patient_id=patient_id,
        open=[f for f in every if f.is_open],
        plan=plan_view(s, plan_of(s, patient_id)),
        past=[f for f in every if not f.is_open],
        staff=manager.display_name if manager else "",
    )


def safety_summary_section(s: Session, actor: Actor, patient: Patient) -> SummarySection | None:
    """Past safety follow-ups on the patient's record; archiving says an open one stays."""
    if not actor.can("clinical.read"):
        return None
    every = followups.follow_ups_of(s, patient.id)
    if not every:
        return None
    tz = clock.clinic_tz()
    rows = [
        {
            "Raised": when(f.raised_at, tz),
            "Concern": str(f.concern),
            "Status": str(f.status),
            "Outcome": str(f.outcome or ""),
            "Completed": when(f.completed_at, tz),
        }
        for f in every
    ]
    still_open = any(f.status == FollowUpStatus.OPEN for f in every)
    return SummarySection(
        "Safety follow-ups",
        rows,
        order=12,
        before_archiving=(
            "An urgent safety follow-up is still open: it stays on My day until someone "
            "completes it with an outcome."
            if still_open
            else None
        ),
    )
