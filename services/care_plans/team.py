"""The care team: internal staff or named outside people, optionally linked to the directory."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import CareTeamMember, TeamRole
from services.care_plans.common import EDIT, clean, living_plan, record, retire
from services.core.audit import Action
from services.core.errors import InvalidInput
from services.core.identity import Actor, require


def add_team_member(
    s: Session,
    actor: Actor,
    plan_id: int,
    role: str,
    *,
    user_id: int | None = None,
    name: str | None = None,
    organisation: str | None = None,
    phone: str | None = None,
    contact_kind: str | None = None,
    contact_id: int | None = None,
) -> CareTeamMember:
    """A team member is an internal user or a named outside person (directory link optional)."""
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    errors = {}
    try:
        role = TeamRole(role)
    except ValueError:
        errors["role"] = "Choose a role from the list."
    if user_id is None and not clean(name):
        errors["member"] = "Choose a staff member or write the outside person's name."
    if user_id is not None and clean(name):
        errors["member"] = "Choose a staff member or an outside person, not both."
    if errors:
        raise InvalidInput(errors)
    row = CareTeamMember(
        plan_id=plan.id,
        role=role,
        user_id=user_id,
        name=clean(name),
        organisation=clean(organisation),
        phone=clean(phone),
        contact_kind=clean(contact_kind),
        contact_id=contact_id,
    )
    s.add(row)
    s.flush()
    record(s, actor, Action.CREATE, "care_team_member", row, plan.patient_id, {"role": role})
    return row


def remove_team_member(
    s: Session, actor: Actor, member_id: int, reason: str, *, expected_version: int | None
) -> CareTeamMember:
    return retire(
        s, actor, CareTeamMember, member_id, reason, expected_version,
        label="team member", fields=["role", "active"], entity="care_team_member",
        why="Say why this person leaves the team.",
    )  # fmt: skip


def team(s: Session, plan_id: int) -> list[CareTeamMember]:
    return list(
        s.scalars(
            select(CareTeamMember)
            .options(selectinload(CareTeamMember.user))
            .where(CareTeamMember.plan_id == plan_id, CareTeamMember.active.is_(True))
            .order_by(CareTeamMember.id)
        )
    )


def member_label(m: CareTeamMember) -> str:
    who = m.user.display_name if m.user else (m.name or "")
    return f"{who} ({m.organisation})" if m.organisation else who
