"""The care plans' sections on My day and on the patient summary."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Patient
from services.care_plans.common import current_plan
from services.care_plans.goals import goals
from services.care_plans.plans import plans_due_for_review
from services.core.clock import us_date
from services.core.identity import Actor
from services.core.sections import SummarySection, WorklistSection
from services.core.text import us_spelling


def plans_due_section(s: Session, actor: Actor, on: date):
    due = plans_due_for_review(s, on + timedelta(days=7), case_manager_id=actor.id)
    patients = {
        p.id: p
        for p in s.scalars(select(Patient).where(Patient.id.in_([p.patient_id for p in due])))
    }
    rows = [
        {
            "Review due": p.next_review_on,
            "When": "OVERDUE" if p.next_review_on < on else "this week",
            "Patient": patients[p.patient_id].display_name,
            "Plan": p.title,
            "patient_id": p.patient_id,
        }
        for p in due
    ]
    return WorklistSection(
        title="Care plans due for review",
        rows=rows,
        empty_text="No care plans due for review this week.",
        urgent=any(r["When"] == "OVERDUE" for r in rows),
        order=30,
    )


def plan_summary_section(s: Session, actor: Actor, patient: Patient):
    plan = current_plan(s, patient.id)
    if plan is None:
        return SummarySection("Care plan", [], empty_text="No living care plan.", order=30)
    rows = [
        {
            "Rank": g.priority_rank,
            "In their words": g.patients_words or "",
            "Goal": g.description,
            "Status": us_spelling(g.lifecycle_status),
            "Progress": str(g.achievement_status),
            "Target": g.target_on,
        }
        for g in goals(s, plan.id, include_closed=False)
    ]
    return SummarySection(
        f"Care plan ({us_spelling(plan.status)}, next review {us_date(plan.next_review_on)})",
        rows,
        empty_text="The plan has no open goals yet.",
        order=30,
    )
