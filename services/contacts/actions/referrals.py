"""Referral actions: send or draft one, move it along, open it, the board of open ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.base import utcnow
from db.session import read_scope, session_scope
from services.contacts import (
    communications,
    directory_search,
    referral_drafts,
    referral_followups,
    referrals,
)
from services.contacts.referral_status import allowed_next
from services.contacts.referrals import ReferralInput
from services.core.clock import clinic_tz
from services.core.identity import Actor, user_action


@dataclass(frozen=True)
class ReferralDetail:
    id: int
    status: str
    version: int
    next: list[str]
    org: str
    org_id: int | None  # None: a draft whose organization is still to choose
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
            org=ref.organization.name if ref.organization else referrals.TO_CHOOSE,
            org_id=ref.organization_id,
            service=ref.service,
            patient_id=ref.patient_id,
            history=referrals.history_rows(ref, clinic_tz()),
            communications=communications.communication_rows(
                communications.communications(s, actor, referral_id=ref.id), clinic_tz()
            ),
        )


@user_action("patients.read")
def referral_board(actor: Actor, mine_only: bool) -> dict[str, list[dict[str, Any]]]:
    """Open referrals by status. The follow-ups that fell due are created first, in a
    transaction of their own that takes the write lock only when some did."""
    with read_scope() as s:
        due = referral_followups.any_followups_due(s, utcnow().date())
    if due:
        with session_scope() as s:
            referral_followups.create_due_followups(s, utcnow())
    with read_scope() as s:
        return referrals.board(s, actor, owner_user_id=actor.id if mine_only else None)


@dataclass(frozen=True)
class OrgChoice:
    """An organization a referral can go to: its label, its type and whether it answers."""

    id: int
    label: str
    org_type: str
    reachable: bool


@dataclass(frozen=True)
class DraftReferral:
    """A draft as its "send" form starts: its values, version and where it could go."""

    id: int
    version: int
    data: ReferralInput
    choices: list[OrgChoice]  # the suggested organizations first (by its service)


def _choices(orgs) -> list[OrgChoice]:
    return [OrgChoice(o.id, f"{o.name} ({o.org_type})", str(o.org_type), o.reachable) for o in orgs]


@user_action("patients.read")
def referral_targets(actor: Actor, query: str, include: int | None = None) -> list[OrgChoice]:
    """Organizations matching the words (up to 25), for the referral form's picker."""
    with read_scope() as s:
        found = directory_search.search_organizations(s, actor, query).rows if query else []
        extra = directory_search.organizations_by_id(s, [include] if include else [])
        return _choices(list(dict.fromkeys([*extra, *found])))


@user_action("referrals.edit")
def open_draft(actor: Actor, referral_id: int) -> DraftReferral:
    """A draft referral and the organizations that offer its service."""
    with read_scope() as s:
        ref = referrals.get_referral(s, actor, referral_id)
        suggested = directory_search.organizations_for_service(s, ref.service)
        chosen = [ref.organization] if ref.organization is not None else []
        return DraftReferral(
            id=ref.id,
            version=ref.version,
            data=referral_drafts.draft_input(ref),
            choices=_choices(list(dict.fromkeys([*chosen, *suggested]))),
        )


@user_action("referrals.edit")
def send_draft(
    actor: Actor,
    referral_id: int,
    data: ReferralInput,
    *,
    expected_version: int | None,
    acknowledged_consent: bool,
) -> None:
    """Send a draft (e.g. one the intake suggested) once its organization is chosen."""
    with session_scope() as s:
        referral_drafts.send_draft(
            s,
            actor,
            referral_id,
            data,
            expected_version=expected_version,
            acknowledged_consent=acknowledged_consent,
        )
