"""Sending a draft referral (one an intake suggested, its organization perhaps still to
choose): the draft's values for its form, then organization, service, urgency, consent and
answer date settled and the referral sent, in one step."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from db.base import today
from db.models import Referral
from services.contacts.family import ConsentNeeded
from services.contacts.referral_status import R
from services.contacts.referrals import (
    ReferralInput,
    checked_input,
    get_referral,
    move_referral,
)
from services.core import audit
from services.core.audit import Action
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor, require


def draft_input(ref: Referral) -> ReferralInput:
    """A saved referral as the values its form starts from."""
    return ReferralInput(
        organization_id=ref.organization_id,
        service=ref.service,
        reason_text=ref.reason_text or "",
        reason_kind=ref.reason_kind or "",
        reason_id=ref.reason_id,
        urgency=ref.urgency,
        consent_recorded=ref.consent_recorded,
        expected_response_by=ref.expected_response_by,
    )


def send_draft(
    s: Session,
    actor: Actor,
    referral_id: int,
    data: ReferralInput,
    *,
    expected_version: int | None,
    acknowledged_consent: bool = False,
    on: date | None = None,
) -> Referral:
    """Finish a draft (organization, service, urgency, consent, answer date) and send it."""
    require(actor, "referrals.edit")
    on = on or today()
    ref = get_referral(s, actor, referral_id)
    if ref.status != R.DRAFT:
        raise InvalidInput({"status": f"This referral was already {ref.status}."})
    if expected_version is not None and ref.version != expected_version:
        raise Conflict(
            "Someone else changed this draft since you opened it.",
            theirs={"status": str(ref.status), "service": ref.service},
            mine={"status": "requested", "service": data.service},
        )
    org = checked_input(s, data, on)
    if not data.consent_recorded and not acknowledged_consent:
        raise ConsentNeeded(
            "The patient's consent to share with this organization is not recorded. "
            "Record it, or confirm that sharing is allowed without it (for treatment)."
        )
    before = {"organization_id": ref.organization_id, "urgency": str(ref.urgency)}
    ref.organization_id = org.id
    ref.service = data.service.strip()
    ref.reason_text = data.reason_text.strip() or ref.reason_text
    ref.urgency = data.urgency
    ref.consent_recorded = data.consent_recorded
    ref.expected_response_by = data.expected_response_by
    s.flush()
    s.refresh(ref, ["organization"])
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="referral",
        entity_id=ref.id,
        patient_id=ref.patient_id,
        category="referral",
        detail={
            "changes": audit.changes(before, {"organization_id": org.id, "urgency": data.urgency})
        },
    )
    return move_referral(
        s,
        actor,
        ref.id,
        R.REQUESTED,
        expected_version=ref.version,
        acknowledged_consent=acknowledged_consent,
        on=on,
    )
