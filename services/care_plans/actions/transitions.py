"""Hospital and facility stays with their discharge checklists; long-term-care placements."""

from __future__ import annotations

from datetime import date

from db.session import session_scope
from services.care_plans import transitions
from services.core.identity import Actor, user_action


@user_action("clinical.edit")
def record_stay(
    actor: Actor,
    patient_id: int,
    *,
    facility: str,
    admitted_on: date | None,
    discharged_on: date | None = None,
    reason: str = "",
    lace: int | None = None,
    lace_source: str | None = None,
) -> int:
    """A stay, with its discharge checklist open."""
    with session_scope() as s:
        row = transitions.record_transition(
            s,
            actor,
            patient_id,
            facility=facility,
            admitted_on=admitted_on,
            discharged_on=discharged_on,
            reason=reason,
            lace=lace,
            lace_source=lace_source,
        )
        return row.id


@user_action("clinical.edit")
def save_checklist(
    actor: Actor,
    transition_id: int,
    states: dict[int, tuple[str, str]],
    *,
    close: bool = False,
    discharged_on: date | None = None,
) -> int:
    """The changed checklist items, then (when asked) closing the transition."""
    with session_scope() as s:
        row = transitions.save_checklist(
            s, actor, transition_id, states, close=close, discharged_on=discharged_on
        )
        return row.id


@user_action("clinical.edit")
def add_placement(
    actor: Actor,
    patient_id: int,
    *,
    facility: str,
    applied_on: date | None,
    social_worker_id: int | None,
    status: str,
    notes: str = "",
) -> int:
    with session_scope() as s:
        row = transitions.add_placement(
            s,
            actor,
            patient_id,
            facility=facility,
            applied_on=applied_on,
            social_worker_id=social_worker_id,
            status=status,
            notes=notes,
        )
        return row.id


@user_action("clinical.edit")
def update_placement(
    actor: Actor,
    placement_id: int,
    *,
    status: str,
    notes: str = "",
    expected_version: int | None = None,
) -> int:
    with session_scope() as s:
        row = transitions.update_placement(
            s, actor, placement_id, status=status, notes=notes, expected_version=expected_version
        )
        return row.id
