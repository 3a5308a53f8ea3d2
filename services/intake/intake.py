"""Completing an intake and what it hands on.

Completing scores the chosen instruments, stores the responses and the nurse's decisions
on each suggestion, closes the draft and updates Contacts (`services.intake.handoffs`:
the caregiver, the coverage, draft referrals). The care-plan builder then takes the
accepted goals, needs and tasks (`accepted_suggestions`) and stamps them handed off
(`mark_handed_off`).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today, utcnow
from db.models import (
    AssessmentResponse,
    Intake,
    IntakeStatus,
    IntakeSuggestion,
    SuggestionStatus,
)
from services.contacts.referrals import URGENCIES
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput
from services.core.identity import Actor, require
from services.intake import handoffs, instrument_store
from services.intake.alerts import raise_urgent_alerts
from services.intake.draft import editable_draft
from services.intake.steps import STEPS, TEXT_LIMIT, answers_of
from services.intake.suggestions import DUE, Proposal, due_on
from services.intake.summary import summarize

TASK_TITLE_LIMIT = 200  # an accepted task becomes a care-plan task with a title this long


def complete_intake(
    s: Session,
    actor: Actor,
    intake_id: int,
    decisions: dict[str, dict],
    expected_version: int,
) -> Intake:
    """Score, store responses and the nurse's decisions, close the intake and hand on.

    `decisions` maps a suggestion key to {"accepted": bool, "text": str, "details": {...}}
    (the goal's words, priority and target, a task's due, a referral's urgency and
    organization); suggestions not named are accepted as proposed. Refused (nothing saved)
    while any chosen instrument has unanswered items. Completing also updates Contacts:
    the caregiver, the insurance coverage and a draft referral per accepted referral.
    """
    intake = editable_draft(s, actor, intake_id, expected_version)
    summary = summarize(s, actor, intake)
    if summary.incomplete:
        raise InvalidInput(
            {
                code: f"{summary.titles[code]}: {len(missing)} item(s) not answered, "
                f"first: {missing[0]}"
                for code, missing in summary.incomplete.items()
            }
        )
    active = instrument_store.active_instruments(s)
    answers = answers_of(intake.data or {}, {c: a.definition for c, a in active.items()})
    now = utcnow()
    on = today()
    errors = {}
    chosen = []
    for sug in summary.suggestions:
        decision = decisions.get(sug.key, {})
        accepted = bool(decision.get("accepted", sug.preselected)) or sug.covered_by_alert
        text = str(decision.get("text") or "").strip() or sug.text
        limit = TASK_TITLE_LIMIT if sug.kind == "task" else TEXT_LIMIT
        if accepted and len(text) > limit:
            errors[sug.key] = f"Keep this under {limit} characters."
        try:
            details = settled_details(sug, decision.get("details") or {}, on)
        except InvalidInput as exc:
            errors |= {f"{sug.key}|{k}": v for k, v in exc.errors.items()}
            details = {}
        chosen.append((sug, accepted, text, details))
    if errors:
        raise InvalidInput(errors)
    for code, result in summary.results.items():
        s.add(
            AssessmentResponse(
                intake_id=intake.id,
                patient_id=intake.patient_id,
                instrument_code=code,
                instrument_title=active[code].definition.title,
                instrument_version=active[code].definition.version,
                definition_revision=active[code].revision,
                answers=answers[code],
                total=result.total,
                band=result.band,
                positive=result.positive,
                flags=list(result.flags),
                assessed_at=now,
                assessed_by_id=actor.id,
            )
        )
    referral_rows = []
    for sug, accepted, text, details in chosen:
        row = IntakeSuggestion(
            intake_id=intake.id,
            patient_id=intake.patient_id,
            kind=sug.kind,
            text=text,
            suggested_text=sug.text or sug.patients_words,
            source_instrument=sug.source_instrument,
            source_finding=sug.source_finding,
            status=SuggestionStatus.ACCEPTED if accepted else SuggestionStatus.DISMISSED,
            decided_by_id=actor.id,
            decided_at=now,
            details=details,
            # the same-day alert already put this on a list: never a routine plan task
            handed_off_at=now if sug.covered_by_alert else None,
        )
        s.add(row)
        if accepted and sug.kind == "referral":
            referral_rows.append(row)
    intake.status = IntakeStatus.COMPLETED
    intake.completed_at = now
    intake.completed_by_id = actor.id
    intake.updated_by_id = actor.id
    intake.current_step = len(STEPS)
    intake.risk_tier = summary.tier.tier
    intake.risk_reasons = "; ".join(summary.tier.reasons)
    s.flush()
    raise_urgent_alerts(s, actor, intake)
    handoffs.apply_caregiver(s, actor, intake)
    handoffs.apply_coverage(s, actor, intake)
    drafts_made = handoffs.draft_referrals(s, actor, referral_rows)
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="intake",
        entity_id=intake.id,
        patient_id=intake.patient_id,
        category="assessment",
        detail={
            "status": "completed",
            "risk_tier": summary.tier.tier,
            "instruments": {c: [r.total, r.band] for c, r in summary.results.items()},
            "accepted": sum(1 for _, accepted, _, _ in chosen if accepted),
            "draft_referrals": drafts_made,
        },
    )
    return intake


def settled_details(sug: Proposal, chosen: dict, on: date) -> dict:
    """What the preview settled for a suggestion (its proposal where the nurse left it)."""
    errors: dict[str, str] = {}
    details: dict = {"findings": list(sug.findings)}
    if sug.kind == "goal":
        words = str(chosen.get("patients_words", sug.patients_words) or "").strip()
        said_by = chosen.get("said_by") or sug.said_by
        if said_by not in ("patient", "caregiver"):
            errors["said_by"] = "Choose patient or caregiver."
        priority = chosen.get("priority", sug.priority) or sug.priority or 1
        if not isinstance(priority, int) or not 1 <= priority <= 99:
            errors["priority"] = "Rank the goal 1 (matters most) to 99."
        target = chosen.get("target_on") or on + timedelta(weeks=sug.target_weeks or 12)
        if isinstance(target, str):
            target = date.fromisoformat(target)
        if target < on:
            errors["target_on"] = "The target date cannot be in the past."
        details |= {
            "patients_words": words,
            "said_by": said_by,
            "said_by_name": str(chosen.get("said_by_name", sug.said_by_name) or "").strip(),
            "priority": priority,
            "target_on": target.isoformat(),
        }
    elif sug.kind == "task":
        due = chosen.get("due") or sug.due or "7_days"
        if due not in DUE:
            errors["due"] = "Choose when it is due."
        details |= {
            "due": due,
            "due_on": due_on(due, on).isoformat(),
            "covered_by_alert": sug.covered_by_alert,
        }
    elif sug.kind == "referral":
        urgency = chosen.get("urgency") or sug.urgency
        if urgency not in URGENCIES:
            errors["urgency"] = "Choose an urgency."
        org = chosen.get("organization_id")
        details |= {
            "service": str(chosen.get("service") or sug.service or sug.text)[:200],
            "urgency": urgency,
            "organization_id": int(org) if org else None,
        }
    if errors:
        raise InvalidInput(errors)
    return details


def draft_referrals_of(s: Session, done: Intake) -> list[int]:
    """The draft referrals completing this intake made in Contacts."""
    rows = s.scalars(
        select(IntakeSuggestion).where(
            IntakeSuggestion.intake_id == done.id, IntakeSuggestion.kind == "referral"
        )
    )
    return [r.details["referral_id"] for r in rows if (r.details or {}).get("referral_id")]


# ---------------------------------------------------------------- hand-off to the care plan


def accepted_suggestions(
    s: Session,
    actor: Actor,
    *,
    patient_id: int | None = None,
    intake_id: int | None = None,
    not_handed_off: bool = True,
) -> list[IntakeSuggestion]:
    """What the care-plan builder picks up: accepted suggestions with kind, text and source."""
    require(actor, "clinical.read")
    stmt = select(IntakeSuggestion).where(IntakeSuggestion.status == SuggestionStatus.ACCEPTED)
    if patient_id is not None:
        stmt = stmt.where(IntakeSuggestion.patient_id == patient_id)
    if intake_id is not None:
        stmt = stmt.where(IntakeSuggestion.intake_id == intake_id)
    if not_handed_off:
        stmt = stmt.where(IntakeSuggestion.handed_off_at.is_(None))
    return list(s.scalars(stmt.order_by(IntakeSuggestion.id)))


def mark_handed_off(s: Session, actor: Actor, suggestion_ids: list[int], care_plan_id: int) -> int:
    """Called by the care-plan builder once it has taken the suggestions into a plan."""
    require(actor, "clinical.edit")
    rows = s.scalars(select(IntakeSuggestion).where(IntakeSuggestion.id.in_(suggestion_ids))).all()
    now = utcnow()
    for row in rows:
        row.care_plan_id = care_plan_id
        row.handed_off_at = now
    s.flush()
    return len(rows)
