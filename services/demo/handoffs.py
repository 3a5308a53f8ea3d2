"""Demo: what crosses between pages. Staff have direct lines (printed on the patient's
plan), goals in the patient's words and the patient's own tasks are marked for the
patient's printout (a few with Spanish wording), and each latest intake's accepted
referral suggestions wait in Contacts as draft referrals, with an organization proposed
from the directory by the service (or left to choose).
"""

from __future__ import annotations

from sqlalchemy import func, insert, select, update

from db.models import (
    CarePlan,
    Goal,
    GoalLifecycle,
    Intake,
    IntakeSuggestion,
    Organization,
    OwnerKind,
    Patient,
    PrintItem,
    RecordStatus,
    Referral,
    ReferralEvent,
    SuggestionStatus,
    Task,
    User,
)
from services.contacts.referral_services import TOPICS, topic_of
from services.demo.context import DemoContext
from services.demo.region import current_region

SPANISH = {  # the demo templates' patient-facing goals, as a nurse would write them
    "walk": "Caminar todos los días un poco más",
    "home": "Seguir viviendo en mi casa",
}


def seed(ctx: DemoContext) -> None:
    s, rng = ctx.s, ctx.rng
    _direct_lines(ctx)
    _marks(ctx)
    orgs = _organizations_by_type(s)
    latest = (
        select(Intake.patient_id, func.max(Intake.id).label("intake_id"))
        .where(Intake.status == "completed")
        .group_by(Intake.patient_id)
        .subquery()
    )
    rows = s.execute(
        select(IntakeSuggestion.id, IntakeSuggestion.patient_id, IntakeSuggestion.text,
               IntakeSuggestion.source_finding, IntakeSuggestion.decided_at,
               IntakeSuggestion.decided_by_id)
        .join(latest, latest.c.intake_id == IntakeSuggestion.intake_id)
        .where(
            IntakeSuggestion.kind == "referral",
            IntakeSuggestion.status == SuggestionStatus.ACCEPTED,
            IntakeSuggestion.handed_off_at.is_(None),
        )
        .order_by(IntakeSuggestion.id)
    ).all()  # fmt: skip
    next_id = (s.scalar(select(func.max(Referral.id))) or 0) + 1
    refs, events, handed = [], [], []
    seen: set[tuple[int, str]] = set()
    for sug_id, patient_id, text, finding, decided_at, by in rows:
        topic = topic_of(text)
        service = TOPICS[topic].service if topic else text.rstrip(".")[:200]
        if (patient_id, service) in seen:  # one referral per service, as the intake merges
            handed.append({"id": sug_id, "referral_id": None, "at": decided_at})
            continue
        seen.add((patient_id, service))
        choices = [o for t in (TOPICS[topic].org_types if topic else ()) for o in orgs.get(t, [])]
        org = rng.choice(choices) if choices and rng.random() < 0.8 else None
        urgent = "suicide" in text.lower() or "urgent" in text.lower()
        refs.append(
            {
                "id": next_id,
                "patient_id": patient_id,
                "organization_id": org,
                "service": service,
                "reason_text": f"{text} (intake: {finding})",
                "reason_kind": "intake finding",
                "reason_id": sug_id,
                "urgency": "urgent" if urgent else "routine",
                "consent_recorded": False,
                "status": "draft",
                "owner_user_id": by,
                "version": 1,
                "created_at": decided_at,
                "updated_at": decided_at,
            }
        )
        events.append(
            {"referral_id": next_id, "to_status": "draft", "at": decided_at, "by_user_id": by}
        )
        handed.append({"id": sug_id, "referral_id": next_id, "at": decided_at})
        next_id += 1
    for table, chunk in ((Referral, refs), (ReferralEvent, events)):
        for start in range(0, len(chunk), 2000):
            s.execute(insert(table.__table__), chunk[start : start + 2000])
    if handed:  # an UPDATE by primary key for each, sent as one batch
        s.execute(
            update(IntakeSuggestion),
            [
                {
                    "id": h["id"],
                    "handed_off_at": h["at"],
                    "details": {"referral_id": h["referral_id"]},
                }
                for h in handed
            ],
        )


def _direct_lines(ctx: DemoContext) -> None:
    """Every staff member gets a direct line: the clinic's own area code (its region's first
    town), in the fictional 555-0100..0199 range."""
    s = ctx.s
    code = current_region().towns[0].area_codes[0]
    for n, user in enumerate(s.scalars(select(User).order_by(User.id))):
        user.phone = f"+1{code}55501{n % 100:02d}"
    s.flush()


def _marks(ctx: DemoContext) -> None:
    """Goals in the patient's words, and tasks for the patient or family, go on the
    patient's own plan; Spanish speakers' goals get Spanish wording where the demo has it."""
    s = ctx.s
    spanish = {
        pid
        for (pid,) in s.execute(
            select(Patient.id).where(
                Patient.preferred_language == "Spanish", Patient.status == RecordStatus.ACTIVE
            )
        )
    }
    goals = s.execute(
        select(Goal.id, Goal.patient_id, Goal.description)
        .join(CarePlan, CarePlan.id == Goal.plan_id)
        .where(
            Goal.patients_words.is_not(None),
            Goal.lifecycle_status.not_in((GoalLifecycle.COMPLETED, GoalLifecycle.CANCELLED)),
        )
    ).all()
    rows = []
    for goal_id, patient_id, description in goals:
        wording = {}
        if patient_id in spanish:
            key = next((k for k in SPANISH if k in description.lower()), None)
            if key:
                wording["es"] = SPANISH[key]
        rows.append(_mark("goal", goal_id, wording))
    tasks = s.scalars(
        select(Task.id).where(
            Task.owner_kind.in_((OwnerKind.PATIENT, OwnerKind.FAMILY)),
            Task.source_kind.in_(("goal", "care_plan", "teach_back")),
        )
    ).all()
    rows += [_mark("task", task_id, {}) for task_id in tasks]
    for start in range(0, len(rows), 5000):
        s.execute(insert(PrintItem.__table__), rows[start : start + 5000])


def _mark(kind: str, item_id: int, wording: dict) -> dict:
    return {
        "item_kind": kind,
        "item_id": item_id,
        "for_patient": True,
        "wording": wording,
        "version": 1,
    }


def _organizations_by_type(s) -> dict[str, list[int]]:
    """Active organizations someone can reach, by type (where drafts are proposed)."""
    found: dict[str, list[int]] = {}
    reachable = (
        Organization.phone.is_not(None)
        | Organization.fax.is_not(None)
        | Organization.email.is_not(None)
    )
    for ident, kind in s.execute(
        select(Organization.id, Organization.org_type).where(
            Organization.status == RecordStatus.ACTIVE, reachable
        )
    ):
        found.setdefault(str(kind), []).append(ident)
    return found
