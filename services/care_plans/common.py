"""What every part of the care plan shares: permissions, audit category, the living plan,
and the small helpers for cleaning text, applying changes, refusing stale saves and
taking a row off the plan."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CarePlan
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.versions import check_version as check_version

EDIT = "clinical.edit"
READ = "clinical.read"
CATEGORY = "care plan"


def clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def record(s, actor, action, entity, row, patient_id, detail=None):
    audit.record(
        s,
        actor,
        action,
        entity=entity,
        entity_id=row.id,
        patient_id=patient_id,
        category=CATEGORY,
        detail=detail,
    )


def apply_changes(row, values: dict) -> dict:
    before = {k: getattr(row, k) for k in values}
    for k, v in values.items():
        setattr(row, k, v)
    return audit.changes(before, values)


def current_plan(s: Session, patient_id: int) -> CarePlan | None:
    return s.scalar(
        select(CarePlan).where(CarePlan.patient_id == patient_id, CarePlan.is_current.is_(True))
    )


def get_plan(s: Session, plan_id: int) -> CarePlan:
    plan = s.get(CarePlan, plan_id)
    if plan is None:
        raise NotFound("No such care plan.")
    return plan


def living_plan(s: Session, plan_id: int) -> CarePlan:
    plan = get_plan(s, plan_id)
    if not plan.is_current:
        raise InvalidInput(
            {"plan": "This plan is history (completed or revoked); it is read only."}
        )
    return plan


def retire(s: Session, actor: Actor, model, row_id: int, reason: str, expected_version: int | None,
           *, label: str, fields: list[str], entity: str, why: str):  # fmt: skip
    """Take a row off the living plan with a reason; it stays as history (never deleted)."""
    require(actor, EDIT)
    row = s.get(model, row_id)
    if row is None:
        raise NotFound(f"No such {label}.")
    plan = living_plan(s, row.plan_id)
    check_version(row, expected_version, label, {"active": False}, fields)
    if not clean(reason):
        raise InvalidInput({"reason": why})
    row.active = False
    row.status_reason = reason.strip()
    s.flush()
    record(s, actor, Action.ARCHIVE, entity, row, plan.patient_id, {"reason": reason})
    return row
