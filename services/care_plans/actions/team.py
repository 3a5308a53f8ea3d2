"""Needs, strengths and barriers; the care team."""

from __future__ import annotations

from db.session import session_scope
from services.care_plans import concerns, team
from services.core.identity import Actor, user_action


@user_action("clinical.edit")
def add_concern(
    actor: Actor,
    plan_id: int,
    kind: str,
    text: str,
    *,
    source_kind: str | None = None,
    source_id: int | None = None,
) -> int:
    """A need, strength or barrier, optionally linked to the assessment result behind it."""
    with session_scope() as s:
        row = concerns.add_concern(
            s, actor, plan_id, kind, text, source_kind=source_kind, source_id=source_id
        )
        return row.id


@user_action("clinical.edit")
def take_concern_off_plan(
    actor: Actor, concern_id: int, reason: str, expected_version: int | None = None
) -> int:
    """The item leaves the plan with a reason and stays in its history."""
    with session_scope() as s:
        row = concerns.archive_concern(
            s, actor, concern_id, reason, expected_version=expected_version
        )
        return row.id


@user_action("clinical.edit")
def add_team_member(
    actor: Actor,
    plan_id: int,
    role: str,
    *,
    user_id: int | None = None,
    name: str | None = None,
    organisation: str | None = None,
    phone: str | None = None,
) -> int:
    """A staff member, or a named outside person."""
    with session_scope() as s:
        row = team.add_team_member(
            s,
            actor,
            plan_id,
            role,
            user_id=user_id,
            name=name,
            organisation=organisation,
            phone=phone,
        )
        return row.id


@user_action("clinical.edit")
def remove_team_member(
    actor: Actor, member_id: int, reason: str, expected_version: int | None = None
) -> int:
    with session_scope() as s:
        row = team.remove_team_member(
            s, actor, member_id, reason, expected_version=expected_version
        )
        return row.id
