"""Needs, strengths and barriers on the plan, each linked to the assessment behind it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ConcernKind, Goal, PlanConcern
from services.care_plans.common import EDIT, clean, living_plan, record, retire
from services.core.audit import Action
from services.core.errors import InvalidInput
from services.core.identity import Actor, require


def add_concern(
    s: Session,
    actor: Actor,
    plan_id: int,
    kind: str,
    text: str,
    *,
    goal_id: int | None = None,
    source_kind: str | None = None,
    source_id: int | None = None,
    template_key: str | None = None,
) -> PlanConcern:
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    errors = {}
    try:
        kind = ConcernKind(kind)
    except ValueError:
        errors["kind"] = "Choose need, strength or barrier."
    if not clean(text):
        errors["text"] = "Describe the need, strength or barrier."
    if (source_kind is None) != (source_id is None):
        errors["source"] = "Link an assessment result by both its kind and its id."
    if goal_id is not None and (g := s.get(Goal, goal_id)) is not None and g.plan_id != plan.id:
        errors["goal_id"] = "That goal belongs to another plan."
    if errors:
        raise InvalidInput(errors)
    row = PlanConcern(
        plan_id=plan.id,
        kind=kind,
        text=text.strip(),
        goal_id=goal_id,
        source_kind=clean(source_kind),
        source_id=source_id,
        template_key=template_key,
    )
    s.add(row)
    s.flush()
    record(
        s,
        actor,
        Action.CREATE,
        "care_plan_concern",
        row,
        plan.patient_id,
        {"kind": kind, "source": source_kind, "source_id": source_id},
    )
    return row


def archive_concern(
    s: Session, actor: Actor, concern_id: int, reason: str, *, expected_version: int | None
) -> PlanConcern:
    return retire(
        s, actor, PlanConcern, concern_id, reason, expected_version,
        label="item", fields=["text", "active"], entity="care_plan_concern",
        why="Say why this is no longer on the plan.",
    )  # fmt: skip


def concerns(s: Session, plan_id: int, *, active_only: bool = True) -> list[PlanConcern]:
    stmt = select(PlanConcern).where(PlanConcern.plan_id == plan_id)
    if active_only:
        stmt = stmt.where(PlanConcern.active.is_(True))
    return list(s.scalars(stmt.order_by(PlanConcern.kind, PlanConcern.id)))
