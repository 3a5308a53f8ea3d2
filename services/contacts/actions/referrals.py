"""Referral actions: send or draft one, move it along, open it, the board of open ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.base import utcnow
from db.session import read_scope, session_scope
from services.contacts import communications, referral_followups, referrals
from services.contacts.referral_status import allowed_next
from services.contacts.referrals import ReferralInput
from services.core.identity import Actor, user_action


@dataclass(frozen=True)
class ReferralDetail:
    id: int
    status: str
    version: int
    next: list[str]
    org: str
    org_id: int
    service: str
    patient_id: int
    history: list[dict[str, Any]]
    communications: list[dict[str, Any]]


@user_action("referrals.edit")
def create_referral(
    actor: Actor,
    patient_id: int,
    data: ReferralInput,
    *,
    send: bool,
    acknowledged_consent: bool,
) -> int:
    with session_scope() as s:
        return referrals.create_referral(
            s, actor, patient_id, data, send=send, acknowledged_consent=acknowledged_consent
        ).id


@user_action("referrals.edit")
def move_referral(
    actor: Actor,
    referral_id: int,
    status: str,
    *,
    expected_version: int | None = None,
    reason: str = "",
    outcome: str = "",
    acknowledged_consent: bool = False,
) -> None:
    with session_scope() as s:
        referrals.move_referral(
            s,
            actor,
            referral_id,
            status,
            expected_version=expected_version,
            reason=reason,
            outcome=outcome,
            acknowledged_consent=acknowledged_consent,
        )


@user_action("patients.read")
def referral_detail(actor: Actor, referral_id: int) -> ReferralDetail:
    with read_scope() as s:
        ref = referrals.get_referral(s, actor, referral_id)
        return ReferralDetail(
            id=ref.id,
            status=ref.status,
            version=ref.version,
            next=allowed_next(ref.status),
            org=ref.organization.name,
            org_id=ref.organization_id,
            service=ref.service,
            patient_id=ref.patient_id,
            history=referrals.history_rows(ref),
            communications=communications.communication_rows(
                communications.communications(s, actor, referral_id=ref.id)
            ),
        )


@user_action("patients.read")
def referral_board(actor: Actor, mine_only: bool) -> dict[str, list[dict[str, Any]]]:
    """Open referrals by status. A write: the follow-ups that fell due are created first."""
    with session_scope() as s:
        referral_followups.create_due_followups(s, utcnow())
        return referrals.board(s, actor, owner_user_id=actor.id if mine_only else None)
