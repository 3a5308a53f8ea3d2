"""Contacts on the home-page worklist and the patient summary.

Worklist: referral follow-ups are created (idempotently) when My day opens; prior
authorizations expiring within 14 days and referrals past their expected answer date are
listed. Summary: family and caregivers with their consent state, coverage and prior
authorizations, open referrals and recent communications.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.base import today, utcnow
from db.models import Patient, Referral
from services.contacts import communications, coverage, family, prior_auths, referrals
from services.contacts.referral_followups import any_followups_due, create_due_followups
from services.contacts.referral_status import AWAITING_ANSWER, OPEN
from services.core.clock import clinic_tz
from services.core.identity import Actor
from services.core.sections import SummarySection, WorklistSection
from services.core.text import us_spelling


def _own_caseload(actor: Actor) -> bool:
    """Case managers see their own patients' items; other roles see the clinic's."""
    return actor.role in ("nurse", "social_worker")


def create_referral_followups(s: Session, actor: Actor, on: date) -> None:
    """Runs first, so the follow-up tasks it creates are on 'My tasks' the same time."""
    create_due_followups(s, utcnow())


def referral_followups_due(s: Session) -> bool:
    """Whether create_referral_followups has anything to create (a light read: the pages
    that list follow-ups ask first, and take the write lock only when the answer is yes)."""
    return any_followups_due(s, utcnow().date())


def prior_auths_expiring_section(s: Session, actor: Actor, on: date) -> WorklistSection:
    rows = []
    for pa in prior_auths.expiring_prior_auths(s, on):
        patient = s.get(Patient, pa.patient_id)
        if _own_caseload(actor) and patient.primary_case_manager_id != actor.id:
            continue
        rows.append(
            {
                "Expires": pa.expires_on,
                "In days": (pa.expires_on - on).days,
                "Patient": patient.display_name,
                "Service": pa.service,
                "Payer": pa.coverage.payer.name,
                "Reference": pa.reference_number or "",
            }
        )
    return WorklistSection(
        "Prior authorizations expiring within 14 days",
        rows,
        empty_text="No prior authorization expires in the next 14 days.",
        urgent=any(r["In days"] <= 3 for r in rows),
        order=40,
    )


def referrals_unanswered_section(s: Session, actor: Actor, on: date) -> WorklistSection:
    stmt = (
        select(Referral, Patient)
        .join(Patient, Patient.id == Referral.patient_id)
        .where(
            Referral.status.in_(list(AWAITING_ANSWER)),
            Referral.expected_response_by < on,
        )
        .options(selectinload(Referral.organization))
        .order_by(Referral.expected_response_by)
        .limit(200)
    )
    if _own_caseload(actor):
        stmt = stmt.where(Referral.owner_user_id == actor.id)
    rows = [
        {
            "Answer was due": r.expected_response_by,
            "Patient": p.display_name,
            "To": r.organization.name if r.organization else "",
            "Service": r.service,
            "Status": us_spelling(r.status),
        }
        for r, p in s.execute(stmt)
    ]
    return WorklistSection(
        "Referrals waiting for an answer past their date",
        rows,
        empty_text="Every sent referral has been answered or is not yet due.",
        order=45,
    )


def family_section(s: Session, actor: Actor, patient: Patient) -> SummarySection:
    on = today()
    rows = family.family_rows(family.family_of(s, actor, patient.id), on)
    missing = [r["Name"] for r in rows if not r["Consent to share"].startswith("yes")]
    return SummarySection(
        "Family and caregivers",
        rows,
        empty_text="No family members or caregivers recorded.",
        alert=(
            "No current consent to share health information with: " + ", ".join(missing)
            if missing
            else None
        ),
        order=50,
    )


def coverage_section(s: Session, actor: Actor, patient: Patient) -> SummarySection:
    rows = coverage.coverage_rows(coverage.coverages_of(s, actor, patient.id), today())
    return SummarySection("Insurance", rows, empty_text="No insurance recorded.", order=55)


def prior_auths_section(s: Session, actor: Actor, patient: Patient) -> SummarySection:
    on = today()
    rows = prior_auths.prior_auth_rows(prior_auths.prior_auths_of(s, actor, patient.id), on)
    soon = [r["Service"] for r in rows if r["Check"]]
    return SummarySection(
        "Prior authorizations",
        rows,
        empty_text="No prior authorizations.",
        alert=("Prior authorization expiring soon: " + ", ".join(soon)) if soon else None,
        order=56,
    )


def referrals_section(s: Session, actor: Actor, patient: Patient) -> SummarySection:
    refs = [r for r in referrals.referrals_of(s, actor, patient.id) if r.status in OPEN]
    return SummarySection(
        "Open referrals",
        referrals.referral_rows(refs, today()),
        empty_text="No open referrals.",
        order=60,
    )


def communications_section(s: Session, actor: Actor, patient: Patient) -> SummarySection:
    comms = communications.communications(s, actor, patient_id=patient.id, limit=5)
    return SummarySection(
        "Recent communications",
        communications.communication_rows(comms, clinic_tz()),
        empty_text="No calls or messages logged.",
        order=65,
    )
