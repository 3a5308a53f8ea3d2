"""Referrals that close the loop (FHIR ServiceRequest + Task, HL7 Gravity SDOH statuses).

A referral is drafted, sent ("requested"), answered by the organization (received,
accepted or rejected), worked (in progress, on hold) and closed (completed, cancelled)
with an outcome; which status may follow which is in referral_status. While the
organization has not answered, follow-up tasks appear at 7, 14 and 30 days after sending
(referral_followups). Reopening a closed referral needs a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from db.base import today
from db.models import (
    Organization,
    Patient,
    RecordStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Urgency,
)
from services.contacts.family import ConsentNeeded
from services.contacts.referral_followups import close_followups
from services.contacts.referral_followups import (
    create_due_followups as create_due_followups,  # its old home: the demo seeder imports it here
)
from services.contacts.referral_services import urgencies_for
from services.contacts.referral_status import (
    AWAITING_ANSWER,
    CLOSED,
    OPEN,
    TRANSITIONS,
    R,
    allowed_next,
)
from services.core import audit
from services.core.audit import Action
from services.core.clock import us_date, utc_to_local
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.text import us_spelling

URGENCIES = [x.value for x in Urgency]
REASON_KINDS = ["intake finding", "care-plan goal"]
DEFAULT_RESPONSE_DAYS = {"routine": 14, "urgent": 3, "asap": 2, "stat": 1}


@dataclass
class ReferralInput:
    organization_id: int | None = None
    service: str = ""
    reason_text: str = ""
    reason_kind: str = ""
    reason_id: int | None = None
    urgency: str = Urgency.ROUTINE.value
    consent_recorded: bool = False
    expected_response_by: date | None = None


def _unreachable(org: Organization) -> bool:
    return not (org.phone or org.fax or org.email)


TO_CHOOSE = "(organization to choose)"


def checked_input(
    s: Session, data: ReferralInput, on: date, *, draft: bool = False
) -> Organization | None:
    """The organization, once every field is valid (a draft may leave it to choose)."""
    errors = {}
    org = s.get(Organization, data.organization_id) if data.organization_id else None
    if org is None:
        if not draft:
            errors["organization_id"] = "Choose the organization to refer to."
    elif org.status != RecordStatus.ACTIVE:
        errors["organization_id"] = "This organization is archived; choose an active one."
    elif _unreachable(org) and not draft:
        errors["organization_id"] = (
            f"{org.name} has no phone, fax or e-mail in the directory, so the referral "
            "could not reach them. Add a way to contact them first."
        )
    if not data.service.strip():
        errors["service"] = "Say which service the patient is referred for."
    elif len(data.service.strip()) > 200:
        errors["service"] = "Keep the service under 200 characters."
    if data.urgency not in URGENCIES:
        errors["urgency"] = "Choose an urgency."
    elif org is not None and data.urgency not in urgencies_for(org.org_type):
        errors["urgency"] = (
            f"A {org.org_type} answers in days: choose routine or urgent. "
            "Same-day answers are for clinical services."
        )
    if data.reason_kind and data.reason_kind not in REASON_KINDS:
        errors["reason_kind"] = "Choose what the referral answers."
    if data.reason_kind and data.reason_id is None:
        errors["reason_id"] = "Choose the finding or goal it answers."
    if not data.reason_kind and not data.reason_text.strip():
        errors["reason_text"] = "Say why the patient is referred."
    if data.expected_response_by is not None and data.expected_response_by < on:
        errors["expected_response_by"] = "The expected answer date cannot be in the past."
    if errors:
        raise InvalidInput(errors)
    return org


def create_referral(
    s: Session,
    actor: Actor,
    patient_id: int,
    data: ReferralInput,
    *,
    send: bool = False,
    acknowledged_consent: bool = False,
    organization_later: bool = False,
    on: date | None = None,
) -> Referral:
    """Draft (or draft and send) a referral. Refused to an organization nobody can reach;
    a draft made for the nurse (from an intake) may leave the organization to choose."""
    require(actor, "referrals.edit")
    on = on or today()
    if s.get(Patient, patient_id) is None:
        raise NotFound("No such patient.")
    org = checked_input(s, data, on, draft=organization_later and not send)
    if send and not data.consent_recorded and not acknowledged_consent:
        raise ConsentNeeded(
            "The patient's consent to share with this organization is not recorded. "
            "Record it, or confirm that sharing is allowed without it (for treatment)."
        )
    ref = Referral(
        patient_id=patient_id,
        organization_id=org.id if org is not None else None,
        service=data.service.strip(),
        reason_text=data.reason_text.strip() or None,
        reason_kind=data.reason_kind or None,
        reason_id=data.reason_id if data.reason_kind else None,
        urgency=data.urgency,
        consent_recorded=data.consent_recorded,
        expected_response_by=data.expected_response_by,
        owner_user_id=actor.id,
        status=R.DRAFT,
    )
    s.add(ref)
    s.flush()
    s.add(ReferralEvent(referral_id=ref.id, to_status=R.DRAFT, by_user_id=actor.id))
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="referral",
        entity_id=ref.id,
        patient_id=patient_id,
        category="referral",
        detail={
            "organization": org.name if org is not None else None,
            "service": ref.service,
            "urgency": ref.urgency,
        },
    )
    if send:
        move_referral(
            s,
            actor,
            ref.id,
            R.REQUESTED,
            expected_version=ref.version,
            acknowledged_consent=acknowledged_consent,
            on=on,
        )
    return ref


def get_referral(s: Session, actor: Actor, referral_id: int) -> Referral:
    require(actor, "patients.read")
    ref = s.get(Referral, referral_id)
    if ref is None:
        raise NotFound("No such referral.")
    return ref


def move_referral(
    s: Session,
    actor: Actor,
    referral_id: int,
    status: str,
    *,
    expected_version: int | None = None,
    reason: str = "",
    outcome: str = "",
    acknowledged_consent: bool = False,
    on: date | None = None,
) -> Referral:
    """Move a referral along; checks the transition and what each step needs."""
    require(actor, "referrals.edit")
    on = on or today()
    ref = get_referral(s, actor, referral_id)
    new = ReferralStatus(status)
    old = ReferralStatus(ref.status)
    if expected_version is not None and ref.version != expected_version:
        raise Conflict(
            "Someone else moved this referral since you opened it.",
            theirs={"status": old.value, "outcome": ref.outcome},
            mine={"status": new.value, "outcome": outcome},
        )
    errors = {}
    if new not in TRANSITIONS[old]:
        errors["status"] = (
            f"A {old} referral cannot become {new}. Next steps: {', '.join(allowed_next(old))}."
        )
    reopening = old in CLOSED
    if reopening and not reason.strip():
        errors["reason"] = "Say why the referral is reopened."
    if new in (R.ON_HOLD, R.REJECTED, R.CANCELLED) and not (reason.strip() or outcome.strip()):
        errors["reason"] = f"Say why the referral is {new}."
    if new in CLOSED and not outcome.strip():
        errors["outcome"] = "Record the outcome (what happened for the patient)."
    if new == R.REQUESTED and ref.organization is None:
        errors["status"] = "Choose the organization first (send the draft from its form)."
    elif new == R.REQUESTED and _unreachable(ref.organization):
        errors["status"] = f"{ref.organization.name} has no phone, fax or e-mail; add one first."
    if errors:
        raise InvalidInput(errors)
    if new == R.REQUESTED and not ref.consent_recorded and not acknowledged_consent:
        raise ConsentNeeded(
            "The patient's consent to share with this organization is not recorded. "
            "Record it, or confirm that sharing is allowed without it (for treatment)."
        )
    before = {"status": old.value, "outcome": ref.outcome}
    ref.status = new
    ref.status_reason = reason.strip() or None
    if new == R.REQUESTED and (ref.sent_on is None or reopening or old == R.DRAFT):
        ref.sent_on = on
        if ref.expected_response_by is None or ref.expected_response_by < on:
            ref.expected_response_by = on + timedelta(days=DEFAULT_RESPONSE_DAYS[ref.urgency])
        ref.answered_on = None
    if old in AWAITING_ANSWER and new not in AWAITING_ANSWER | {R.ON_HOLD}:
        ref.answered_on = on
    if new in CLOSED:
        ref.outcome = outcome.strip()
        ref.closed_on = on
    elif reopening:
        ref.closed_on = None
    if new not in AWAITING_ANSWER:
        close_followups(s, ref, f"Referral is now {new}.")
    s.add(
        ReferralEvent(
            referral_id=ref.id,
            from_status=old,
            to_status=new,
            reason=(reason.strip() or outcome.strip() or None),
            by_user_id=actor.id,
        )
    )
    s.flush()
    detail = {"changes": audit.changes(before, {"status": new.value, "outcome": ref.outcome})}
    if new == R.REQUESTED and not ref.consent_recorded:
        detail["shared_without_recorded_consent"] = True
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="referral",
        entity_id=ref.id,
        patient_id=ref.patient_id,
        category="referral",
        detail=detail,
    )
    return ref


def record_consent_for_referral(s: Session, actor: Actor, referral_id: int) -> Referral:
    require(actor, "referrals.edit")
    ref = get_referral(s, actor, referral_id)
    ref.consent_recorded = True
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="referral",
        entity_id=ref.id,
        patient_id=ref.patient_id,
        category="consent",
        detail={"consent_recorded": True},
    )
    return ref


def referrals_of(s: Session, actor: Actor, patient_id: int) -> list[Referral]:
    require(actor, "patients.read")
    return list(
        s.scalars(
            select(Referral)
            .where(Referral.patient_id == patient_id)
            .options(selectinload(Referral.organization))
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )


def board(s: Session, actor: Actor, *, owner_user_id: int | None = None) -> dict[str, list[dict]]:
    """Every open referral, grouped by status (in workflow order)."""
    require(actor, "patients.read")
    stmt = (
        select(Referral, Patient.family_name, Patient.given_name, Patient.mrn)
        .join(Patient, Patient.id == Referral.patient_id)
        .where(Referral.status.in_(OPEN))
        .options(selectinload(Referral.organization))
        .order_by(Referral.expected_response_by, Referral.id)
    )
    if owner_user_id is not None:
        stmt = stmt.where(Referral.owner_user_id == owner_user_id)
    on = today()
    out: dict[str, list[dict]] = {x.value: [] for x in OPEN}
    for ref, family, given, mrn in s.execute(stmt):
        late = (
            ref.status in AWAITING_ANSWER
            and ref.expected_response_by is not None
            and ref.expected_response_by < on
        )
        out[ref.status].append(
            {
                "Patient": f"{family}, {given} ({mrn})",
                "To": ref.organization.name if ref.organization else TO_CHOOSE,
                "Service": ref.service,
                "Urgency": ref.urgency,
                "Sent": ref.sent_on,
                "Answer due": ref.expected_response_by,
                "Late": "NO ANSWER YET" if late else "",
                "id": ref.id,
            }
        )
    return out


def board_counts(s: Session) -> dict[str, int]:
    counts = dict(
        s.execute(
            select(Referral.status, func.count(Referral.id))
            .where(Referral.status.in_(OPEN))
            .group_by(Referral.status)
        ).all()
    )
    return {x.value: counts.get(x.value, 0) for x in OPEN}


def referral_rows(refs: list[Referral], on: date) -> list[dict]:
    return [
        {
            "To": r.organization.name if r.organization else TO_CHOOSE,
            "Service": r.service,
            "Status": us_spelling(r.status),
            "Urgency": r.urgency,
            "Sent": r.sent_on,
            "Answer due": r.expected_response_by,
            "Outcome": r.outcome or "",
            "Consent": "recorded" if r.consent_recorded else "not recorded",
            "id": r.id,
        }
        for r in refs
    ]


def history_rows(ref: Referral, tz: str) -> list[dict]:
    """Each status change, its time in the clinic's time zone."""
    return [
        {
            "When": us_date(utc_to_local(e.at, tz)),
            "From": e.from_status or "",
            "To": e.to_status,
            "Why / outcome": e.reason or "",
        }
        for e in ref.history
    ]
