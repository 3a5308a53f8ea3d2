"""Transitions of care: a hospital or facility stay, its discharge checklist, LACE,
and the long-term-care placement tracker.

A transition closes only when every checklist item is done or marked not applicable
with a reason.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.base import utcnow
from db.models import (
    CareTransition,
    ChecklistState,
    DischargeItem,
    LtcPlacement,
    Patient,
    PlacementStatus,
    Role,
    TransitionStatus,
    User,
)
from services.care_plans.common import CATEGORY, EDIT, check_version, clean, current_plan
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require

DISCHARGE_CHECKLIST = [
    ("meds_reconciled", "Medications reconciled"),
    ("follow_up_7d", "Follow-up visit within 7 days booked"),
    ("home_health", "Home health ordered"),
    ("equipment", "Equipment delivered"),
    ("transport", "Transport arranged"),
    ("caregiver_taught", "Caregiver taught"),
    ("call_48_72h", "Follow-up call at 48-72 hours scheduled"),
]


def lace_score(length_of_stay_days: int, acute: bool, charlson: int, ed_visits_6m: int) -> int:
    """LACE index for 30-day readmission or death (van Walraven 2010): 0-19."""
    if min(length_of_stay_days, charlson, ed_visits_6m) < 0:
        raise ValueError("LACE inputs cannot be negative")
    los = length_of_stay_days
    length = 0 if los < 1 else los if los <= 3 else 4 if los <= 6 else 5 if los <= 13 else 7
    comorbidity = charlson if charlson <= 3 else 5
    return length + (3 if acute else 0) + comorbidity + min(ed_visits_6m, 4)


def _get(s: Session, transition_id: int) -> CareTransition:
    row = s.get(CareTransition, transition_id)
    if row is None:
        raise NotFound("No such transition.")
    return row


def record_transition(
    s: Session,
    actor: Actor,
    patient_id: int,
    *,
    facility: str,
    admitted_on: date | None,
    discharged_on: date | None = None,
    reason: str = "",
    lace: int | None = None,
    lace_source: str | None = None,
) -> CareTransition:
    """A stay with its discharge checklist (every item open to start)."""
    require(actor, EDIT)
    if s.get(Patient, patient_id) is None:
        raise NotFound("No such patient.")
    errors = {}
    if not clean(facility):
        errors["facility"] = "Name the hospital or facility."
    if admitted_on is None:
        errors["admitted_on"] = "Give the admission date."
    elif discharged_on is not None and discharged_on < admitted_on:
        errors["discharged_on"] = "Discharge cannot be before admission."
    if lace is not None and not 0 <= lace <= 19:
        errors["lace"] = "A LACE score is 0 to 19."
    if errors:
        raise InvalidInput(errors)
    plan = current_plan(s, patient_id)
    row = CareTransition(
        patient_id=patient_id,
        plan_id=plan.id if plan else None,
        facility=facility.strip(),
        admitted_on=admitted_on,
        discharged_on=discharged_on,
        reason=clean(reason),
        lace_score=lace,
        lace_source=(lace_source or "computed") if lace is not None else None,
        created_by_id=actor.id,
    )
    s.add(row)
    s.flush()
    for i, (key, label) in enumerate(DISCHARGE_CHECKLIST):
        s.add(DischargeItem(transition_id=row.id, item_key=key, label=label, position=i))
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="care_transition",
        entity_id=row.id,
        patient_id=patient_id,
        category=CATEGORY,
        detail={"facility": row.facility, "lace": lace},
    )
    return row


def set_checklist_item(
    s: Session,
    actor: Actor,
    item_id: int,
    state: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> DischargeItem:
    require(actor, EDIT)
    item = s.get(DischargeItem, item_id)
    if item is None:
        raise NotFound("No such checklist item.")
    check_version(item, expected_version, "checklist item", {"state": state}, ["state", "reason"])
    if item.transition.status == TransitionStatus.CLOSED:
        raise InvalidInput({"checklist": "This transition is closed."})
    try:
        state = ChecklistState(state)
    except ValueError:
        raise InvalidInput(
            {f"item.{item.item_key}": "Choose open, done or not applicable."}
        ) from None
    if state == ChecklistState.NOT_APPLICABLE and not clean(reason):
        raise InvalidInput({f"item.{item.item_key}": "Say why this item does not apply."})
    before = {"state": item.state, "reason": item.reason}
    item.state = state
    item.reason = clean(reason)
    item.updated_at = utcnow()
    item.updated_by_id = actor.id
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="discharge_item",
        entity_id=item.id,
        patient_id=item.transition.patient_id,
        category=CATEGORY,
        detail={"changes": audit.changes(before, {"state": state, "reason": item.reason})},
    )
    return item


def close_transition(
    s: Session,
    actor: Actor,
    transition_id: int,
    *,
    discharged_on: date | None = None,
    expected_version: int | None = None,
) -> CareTransition:
    """Refused while any checklist item is still open, or without a discharge date."""
    require(actor, EDIT)
    row = _get(s, transition_id)
    check_version(row, expected_version, "transition", {"status": "closed"}, ["status"])
    discharged_on = discharged_on or row.discharged_on
    errors = {}
    open_items = [i.label for i in row.items if i.state == ChecklistState.OPEN]
    if open_items:
        errors["checklist"] = (
            "Every item must be done or marked not applicable first. Still open: "
            + "; ".join(open_items)
        )
    if discharged_on is None:
        errors["discharged_on"] = "Give the discharge date."
    elif discharged_on < row.admitted_on:
        errors["discharged_on"] = "Discharge cannot be before admission."
    if row.status == TransitionStatus.CLOSED:
        errors["status"] = "This transition is already closed."
    if errors:
        raise InvalidInput(errors)
    row.discharged_on = discharged_on
    row.status = TransitionStatus.CLOSED
    row.closed_at = utcnow()
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="care_transition",
        entity_id=row.id,
        patient_id=row.patient_id,
        category=CATEGORY,
        detail={"changes": {"status": {"before": "open", "after": "closed"}}},
    )
    return row


def transitions_for(s: Session, patient_id: int) -> list[CareTransition]:
    return list(
        s.scalars(
            select(CareTransition)
            .options(selectinload(CareTransition.items))
            .where(CareTransition.patient_id == patient_id)
            .order_by(CareTransition.admitted_on.desc(), CareTransition.id.desc())
        )
    )


# ---------------------------------------------------------------- long-term-care placement


def _placement_errors(s: Session, facility, applied_on, status, social_worker_id) -> dict:
    errors = {}
    if not clean(facility):
        errors["facility"] = "Name the long-term-care facility."
    if applied_on is None:
        errors["applied_on"] = "Give the date the application went in."
    if status not in list(PlacementStatus):
        errors["status"] = "Choose a status from the list."
    worker = s.get(User, social_worker_id) if social_worker_id is not None else None
    if worker is None or worker.role not in (Role.SOCIAL_WORKER, Role.NURSE, Role.ADMIN):
        errors["social_worker_id"] = "Choose the social worker responsible."
    return errors


def add_placement(
    s: Session,
    actor: Actor,
    patient_id: int,
    *,
    facility: str,
    applied_on: date | None,
    social_worker_id: int | None,
    status: str = PlacementStatus.APPLIED,
    notes: str = "",
) -> LtcPlacement:
    require(actor, EDIT)
    if s.get(Patient, patient_id) is None:
        raise NotFound("No such patient.")
    errors = _placement_errors(s, facility, applied_on, status, social_worker_id)
    if errors:
        raise InvalidInput(errors)
    row = LtcPlacement(
        patient_id=patient_id,
        facility=facility.strip(),
        applied_on=applied_on,
        status=PlacementStatus(status),
        social_worker_id=social_worker_id,
        notes=clean(notes),
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="ltc_placement",
        entity_id=row.id,
        patient_id=patient_id,
        category=CATEGORY,
        detail={"facility": row.facility, "status": row.status},
    )
    return row


def update_placement(
    s: Session,
    actor: Actor,
    placement_id: int,
    *,
    status: str,
    notes: str = "",
    expected_version: int | None = None,
) -> LtcPlacement:
    require(actor, EDIT)
    row = s.get(LtcPlacement, placement_id)
    if row is None:
        raise NotFound("No such placement.")
    check_version(
        row, expected_version, "placement", {"status": status, "notes": notes}, ["status", "notes"]
    )
    if status not in list(PlacementStatus):
        raise InvalidInput({"status": "Choose a status from the list."})
    before = {"status": row.status, "notes": row.notes}
    row.status = PlacementStatus(status)
    row.notes = clean(notes)
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="ltc_placement",
        entity_id=row.id,
        patient_id=row.patient_id,
        category=CATEGORY,
        detail={"changes": audit.changes(before, {"status": row.status, "notes": row.notes})},
    )
    return row


def placements_for(s: Session, patient_id: int) -> list[LtcPlacement]:
    return list(
        s.scalars(
            select(LtcPlacement)
            .where(LtcPlacement.patient_id == patient_id)
            .order_by(LtcPlacement.applied_on.desc(), LtcPlacement.id.desc())
        )
    )


def save_checklist(
    s: Session,
    actor: Actor,
    transition_id: int,
    states: dict[int, tuple[str, str]],
    *,
    close: bool = False,
    discharged_on: date | None = None,
) -> CareTransition:
    """One save from the checklist form: changed items, then (optionally) close."""
    row = _get(s, transition_id)
    errors: dict[str, str] = {}
    for item in row.items:
        if item.id not in states:
            continue
        state, reason = states[item.id]
        if state != item.state or (clean(reason)) != item.reason:
            try:
                set_checklist_item(s, actor, item.id, state, reason=reason)
            except InvalidInput as exc:
                errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    if close:
        close_transition(s, actor, row.id, discharged_on=discharged_on)
    return row
