"""What the intake leaves on the patient's record: past intakes, scores and their trends,
the suicide-risk alert, and the sections for the patient summary and My day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import AssessmentResponse, Intake, IntakeStatus, Patient
from services.core.clock import clinic_tz, us_date, utc_to_local
from services.core.identity import Actor, require
from services.core.sections import SummarySection, WorklistSection
from services.core.text import us_spelling
from services.intake.draft import draft_rows, open_draft

# ---------------------------------------------------------------- history and trends


def patient_intakes(s: Session, actor: Actor, patient_id: int) -> list[dict]:
    require(actor, "clinical.read")
    rows = s.scalars(
        select(Intake).where(Intake.patient_id == patient_id).order_by(Intake.created_at.desc())
    ).all()
    tz = clinic_tz()
    return [
        {
            "Started": us_date(utc_to_local(i.created_at, tz)),
            "Status": us_spelling(i.status),
            "Risk tier": i.risk_tier or "",
            "Completed": us_date(utc_to_local(i.completed_at, tz)) if i.completed_at else "",
            "By": i.started_by.display_name if i.started_by else "",
            "id": i.id,
        }
        for i in rows
    ]


def history(s: Session, actor: Actor, patient_id: int) -> list[AssessmentResponse]:
    """Every scored instrument for the patient, oldest first."""
    require(actor, "clinical.read")
    return list(
        s.scalars(
            select(AssessmentResponse)
            .where(AssessmentResponse.patient_id == patient_id)
            .order_by(AssessmentResponse.assessed_at, AssessmentResponse.id)
        )
    )


def history_rows(responses: list[AssessmentResponse]) -> list[dict]:
    return [
        {
            "Date": r.assessed_at.date(),
            "Instrument": r.instrument_title,
            "Score": r.total,
            "Result": r.band,
            "Positive": "yes" if r.positive else "no",
            "Flags": ", ".join(r.flags or []),
        }
        for r in reversed(responses)
    ]


def trends(responses: list[AssessmentResponse]) -> dict[str, list[dict]]:
    """Per instrument title, the scores over time (data for a line chart)."""
    found: dict[str, list[dict]] = {}
    for r in responses:
        found.setdefault(r.instrument_title, []).append(
            {"Date": r.assessed_at, "Score": r.total, "Result": r.band}
        )
    return found


def latest_results(s: Session, patient_id: int) -> dict[str, AssessmentResponse]:
    rows = s.scalars(
        select(AssessmentResponse)
        .where(AssessmentResponse.patient_id == patient_id)
        .order_by(AssessmentResponse.assessed_at, AssessmentResponse.id)
    ).all()
    return {r.instrument_code: r for r in rows}


def suicide_risk_alert(s: Session, patient_id: int) -> str | None:
    """The alert for the patient's record: the newest PHQ-9 (or a draft's item 9) says so."""
    latest = latest_results(s, patient_id).get("phq9")
    draft = open_draft(s, patient_id)
    if draft is not None and draft.suicide_alert:
        return (
            "SUICIDE RISK: PHQ-9 item 9 answered above 0 in the intake in progress "
            f"({us_date(draft.updated_at.date())}). Assess safety today."
        )
    if latest is not None and "suicide_risk" in (latest.flags or []):
        recent = latest.assessed_at > utcnow() - timedelta(days=365)
        if recent:
            return (
                f"SUICIDE RISK: PHQ-9 item 9 answered above 0 on {us_date(latest.assessed_at.date())}. "
                "Check the safety plan is in place."
            )
    return None


# ---------------------------------------------------------------- patient record and My day


def intake_summary_section(s: Session, actor: Actor, patient: Patient) -> SummarySection | None:
    if not actor.can("clinical.read"):
        return None
    latest = latest_results(s, patient.id)
    rows = [
        {
            "Instrument": r.instrument_title,
            "Date": r.assessed_at.date(),
            "Score": r.total,
            "Result": r.band,
            "Flags": ", ".join(r.flags or []),
        }
        for r in sorted(latest.values(), key=lambda r: r.instrument_title)
    ]
    last = s.scalar(
        select(Intake)
        .where(Intake.patient_id == patient.id, Intake.status == IntakeStatus.COMPLETED)
        .order_by(Intake.completed_at.desc())
        .limit(1)
    )
    title = "Assessments"
    if last is not None:
        title += f" · risk tier {last.risk_tier} ({us_date(last.completed_at.date())})"
    return SummarySection(
        title,
        rows,
        empty_text="No assessments yet. Start an intake from the Intake page.",
        alert=suicide_risk_alert(s, patient.id),
        order=15,
    )


def my_drafts_section(s: Session, actor: Actor, on: date) -> WorklistSection | None:
    if not actor.can("clinical.edit"):
        return None
    rows = [r for r in draft_rows(s, actor) if r["updated_by_id"] == actor.id]
    return WorklistSection(
        "Intakes to finish",
        [{k: v for k, v in r.items() if k not in ("patient_id", "updated_by_id")} for r in rows],
        empty_text="No unfinished intakes.",
        order=30,
    )
