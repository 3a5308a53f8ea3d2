"""What a referral can answer: the patient's care-plan goals and intake findings, as
choices for the referral form (a picker, never a number to type).

Read from the care-plan and intake tables by plain id, like the referral's own
`reason_kind` + `reason_id` link: nothing here changes them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CarePlan, Goal, GoalLifecycle, IntakeSuggestion, SuggestionStatus
from services.core.clock import us_date

GOAL, FINDING = "care-plan goal", "intake finding"
CLOSED = (GoalLifecycle.COMPLETED, GoalLifecycle.CANCELLED)


def reason_choices(s: Session, patient_id: int, limit: int = 30) -> dict[tuple[str, int], str]:
    """(kind, id) -> words, the living plan's open goals first, then recent intake findings."""
    found: dict[tuple[str, int], str] = {}
    goals = s.execute(
        select(Goal.id, Goal.description, Goal.patients_words)
        .join(CarePlan, CarePlan.id == Goal.plan_id)
        .where(
            Goal.patient_id == patient_id,
            CarePlan.is_current.is_(True),
            Goal.lifecycle_status.not_in(CLOSED),
        )
        .order_by(Goal.priority_rank, Goal.id)
        .limit(limit)
    )
    for ident, description, words in goals:
        found[(GOAL, ident)] = f"Goal: {words or description}"[:160]
    findings = s.execute(
        select(IntakeSuggestion.id, IntakeSuggestion.text, IntakeSuggestion.decided_at)
        .where(
            IntakeSuggestion.patient_id == patient_id,
            IntakeSuggestion.status == SuggestionStatus.ACCEPTED,
            IntakeSuggestion.kind.in_(("need", "referral")),
        )
        .order_by(IntakeSuggestion.id.desc())
        .limit(limit)
    )
    for ident, text, decided in findings:
        when = us_date(decided) if decided else ""
        found[(FINDING, ident)] = f"Intake {when}: {text}"[:160]
    return found
