"""Completing an intake and what it hands on.

Completing scores the chosen instruments, stores the responses and the nurse's decisions
on each suggestion, and closes the draft; the caregiver it names joins the patient's
family in Contacts. The care-plan builder then takes the accepted suggestions
(`accepted_suggestions`) and stamps them handed off (`mark_handed_off`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import config
from db.base import utcnow
from db.models import (
    AssessmentResponse,
    Intake,
    IntakeStatus,
    IntakeSuggestion,
    SuggestionStatus,
)
from services.contacts import family
from services.contacts.family import RELATIONSHIPS
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput
from services.core.identity import Actor, require
from services.core.text import fold
from services.intake import instrument_store
from services.intake.alerts import raise_urgent_alerts
from services.intake.draft import editable_draft
from services.intake.steps import STEPS, TEXT_LIMIT, answers_of
from services.intake.summary import summarize


def complete_intake(
    s: Session,
    actor: Actor,
    intake_id: int,
    decisions: dict[str, dict],
    expected_version: int,
) -> Intake:
    """Score, store responses and the nurse's decisions, and close the intake.

    `decisions` maps a suggestion key to {"accepted": bool, "text": str}; suggestions not
    named are accepted as suggested. Refused (nothing saved) while any chosen instrument
    has unanswered items.
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
    errors = {}
    chosen = []
    for sug in summary.suggestions:
        decision = decisions.get(sug.key, {})
        accepted = bool(decision.get("accepted", True))
        text = str(decision.get("text") or "").strip() or (sug.text if accepted else "")
        if accepted and len(text) > TEXT_LIMIT:
            errors[sug.key] = f"Keep this under {TEXT_LIMIT} characters."
        chosen.append((sug, accepted, text or sug.text))
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
    for sug, accepted, text in chosen:
        s.add(
            IntakeSuggestion(
                intake_id=intake.id,
                patient_id=intake.patient_id,
                kind=sug.kind,
                text=text,
                suggested_text=sug.text,
                source_instrument=sug.source_instrument,
                source_finding=sug.source_finding[:300],
                status=SuggestionStatus.ACCEPTED if accepted else SuggestionStatus.DISMISSED,
                decided_by_id=actor.id,
                decided_at=now,
            )
        )
    intake.status = IntakeStatus.COMPLETED
    intake.completed_at = now
    intake.completed_by_id = actor.id
    intake.updated_by_id = actor.id
    intake.current_step = len(STEPS)
    intake.risk_tier = summary.tier.tier
    intake.risk_reasons = "; ".join(summary.tier.reasons)
    s.flush()
    raise_urgent_alerts(s, actor, intake)
    caregiver_to_family(s, actor, intake)
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
            "accepted": sum(1 for d in decisions.values() if d.get("accepted", True)),
        },
    )
    return intake


def _relationship(text: str | None) -> str:
    """The family-list relationship for what the supports step holds (drafts saved before
    the step used the list hold free text: "Daughter" still finds "daughter")."""
    wanted = fold(text or "")
    return next((r for r in RELATIONSHIPS if fold(r) == wanted), "other")


def caregiver_outcome(
    s: Session, actor: Actor, intake: Intake
) -> tuple[str | None, family.RelatedPersonInput | None]:
    """What completing the intake does with the caregiver it names, in words for the summary,
    and the family-list entry to add (None when there is nothing to add)."""
    supports = (intake.data or {}).get("supports") or {}
    name = (supports.get("caregiver_name") or "").strip()
    if not name:
        return None, None
    people = family.family_of(s, actor, intake.patient_id)
    if any(fold(p.name) == fold(name) for p in people):
        return f"{name} is already in the family list in Contacts.", None
    primary = next((p.name for p in people if p.primary_caregiver), None)
    entry = family.RelatedPersonInput(
        name=name,
        relationship=_relationship(supports.get("caregiver_relationship")),
        phone=supports.get("caregiver_phone") or "",
        primary_caregiver=primary is None,
    )
    if primary is None:
        return f"{name} joins the family list in Contacts as primary caregiver.", entry
    return f"{name} joins the family list in Contacts ({primary} stays primary caregiver).", entry


def caregiver_to_family(s: Session, actor: Actor, intake: Intake) -> None:
    """The caregiver named at intake joins the patient's family in Contacts: no double
    entry, and never a second primary caregiver."""
    _, entry = caregiver_outcome(s, actor, intake)
    if entry is not None:
        family.add_related_person(s, actor, intake.patient_id, entry, region=config.load().region)


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
