"""My day's sections about reaching out: prior authorizations expiring, referrals past
their answer date, post-discharge calls due and patients not contacted in 30 days; for one
person's work (owner_id) or the whole team (None), like day_sections."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from db.base import utcnow
from db.models import (
    Appointment,
    CareTransition,
    ChecklistState,
    Communication,
    Coverage,
    DischargeItem,
    Organization,
    Patient,
    PriorAuthorization,
    RecordStatus,
    Referral,
    TransitionStatus,
)
from services.contacts.prior_auths import expiring
from services.contacts.referral_status import AWAITING_ANSWER
from services.core import clock
from services.core.text import us_spelling
from services.overview.day_sections import GONE, first_rows, found_and_count, patient_name
from services.overview.worklist import CARE_PLAN, CONTACTS, PATIENTS, DaySection, patient_link

NOT_CONTACTED_DAYS = 30
DISCHARGE_CALL = "call_48_72h"  # the transition checklist's "follow-up call at 48-72 hours"


# ---------------------------------------------------------------- contacts


def prior_auths_expiring(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    stmt = (
        select(
            PriorAuthorization.expires_on, PriorAuthorization.service, Patient, Organization.name
        )
        .join(Patient, Patient.id == PriorAuthorization.patient_id)
        .join(Coverage, Coverage.id == PriorAuthorization.coverage_id)
        .join(Organization, Organization.id == Coverage.payer_id)
        .where(*expiring(on))
        .order_by(PriorAuthorization.expires_on, PriorAuthorization.id)
    )
    if owner_id is not None:
        stmt = stmt.where(Patient.primary_case_manager_id == owner_id)
    found, total = found_and_count(s, stmt, rows=True)
    rows = [
        {
            "Expires": expires_on,
            "In days": (expires_on - on).days,
            "Patient": patient_name(p),
            "Service": service,
            "Payer": payer,
        }
        for expires_on, service, p, payer in found
    ]
    return DaySection(
        key="prior_auths",
        title="Prior authorizations expiring within 14 days",
        rows=rows,
        links=[patient_link(CONTACTS, p.id, "Open the patient's insurance") for *_, p, _ in found],
        total=total,
        empty_text="No prior authorization expires in the next 14 days.",
        urgent=any(r["In days"] <= 3 for r in rows),
        order=40,
    )


def referrals_past_due(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    stmt = (
        select(Referral, Patient)
        .join(Patient, Patient.id == Referral.patient_id)
        .options(joinedload(Referral.organization))
        .where(Referral.status.in_(list(AWAITING_ANSWER)), Referral.expected_response_by < on)
        .order_by(Referral.expected_response_by, Referral.id)
    )
    if owner_id is not None:
        stmt = stmt.where(Referral.owner_user_id == owner_id)
    found, total = found_and_count(s, stmt, rows=True)
    rows = [
        {
            "Answer was due": r.expected_response_by,
            "Days late": (on - r.expected_response_by).days,
            "Patient": p.display_name,
            "To": r.organization.name,
            "Service": r.service,
            "Status": us_spelling(r.status),
        }
        for r, p in found
    ]
    return DaySection(
        key="referrals",
        title="Referrals past their answer date",
        rows=rows,
        links=[patient_link(CONTACTS, p.id, "Open the patient's referrals") for _, p in found],
        total=total,
        empty_text="Every sent referral has been answered or is not yet due.",
        order=41,
    )


# ---------------------------------------------------------------- after discharge, out of touch


def post_discharge_calls(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    """Discharged in the last two weeks, the 48-72 hour call not done, and it is due."""
    stmt = (
        select(CareTransition, Patient)
        .join(Patient, Patient.id == CareTransition.patient_id)
        .join(DischargeItem, DischargeItem.transition_id == CareTransition.id)
        .where(
            CareTransition.status == TransitionStatus.OPEN,
            CareTransition.discharged_on.is_not(None),
            CareTransition.discharged_on >= on - timedelta(days=14),
            CareTransition.discharged_on <= on - timedelta(days=2),
            DischargeItem.item_key == DISCHARGE_CALL,
            DischargeItem.state == ChecklistState.OPEN,
        )
        .order_by(CareTransition.discharged_on, CareTransition.id)
    )
    if owner_id is not None:
        stmt = stmt.where(Patient.primary_case_manager_id == owner_id)
    found, total = found_and_count(s, stmt, rows=True)
    rows = [
        {
            "Discharged": t.discharged_on,
            "From": t.facility,
            "Patient": p.display_name,
            "Call was due": t.discharged_on + timedelta(days=2),
        }
        for t, p in found
    ]
    return DaySection(
        key="post_discharge",
        title="Post-discharge calls due",
        rows=rows,
        links=[patient_link(CARE_PLAN, p.id, "Open the care plan") for _, p in found],
        total=total,
        empty_text="No post-discharge call is due.",
        urgent=bool(found),
        order=42,
    )


def not_contacted(s: Session, owner_id: int | None, on: date, tz: str) -> DaySection:
    """Active patients with no call, message or visit in 30 days (registered before then)."""
    now = utcnow()
    cutoff = now - timedelta(days=NOT_CONTACTED_DAYS)
    last_call = (
        select(Communication.patient_id, func.max(Communication.occurred_at).label("at"))
        .where(Communication.patient_id.is_not(None))
        .group_by(Communication.patient_id)
        .subquery()
    )
    last_visit = (
        select(Appointment.patient_id, func.max(Appointment.start_at).label("at"))
        .where(Appointment.start_at <= now, Appointment.status.not_in(GONE))
        .group_by(Appointment.patient_id)
        .subquery()
    )
    stmt = (
        select(Patient, last_call.c.at, last_visit.c.at)
        .outerjoin(last_call, last_call.c.patient_id == Patient.id)
        .outerjoin(last_visit, last_visit.c.patient_id == Patient.id)
        .options(joinedload(Patient.primary_case_manager))
        .where(
            Patient.status == RecordStatus.ACTIVE,
            Patient.created_at < cutoff,
            or_(last_call.c.at.is_(None), last_call.c.at < cutoff),
            or_(last_visit.c.at.is_(None), last_visit.c.at < cutoff),
        )
    )
    if owner_id is not None:
        stmt = stmt.where(Patient.primary_case_manager_id == owner_id)
    else:
        stmt = stmt.where(Patient.primary_case_manager_id.is_not(None))
    oldest = datetime.min.replace(tzinfo=now.tzinfo)
    found = sorted(
        (
            (p, max((x for x in (a, b) if x is not None), default=None))
            for p, a, b in s.execute(stmt)
        ),
        key=lambda item: (item[1] or oldest, item[0].display_name),
    )
    rows = []
    for p, last in first_rows(found):
        row = {
            "Patient": p.display_name,
            "Last contact": clock.us_date(clock.utc_to_local(last, tz).date()) if last else "never",
        }
        if owner_id is None:
            manager = p.primary_case_manager
            row["Case manager"] = manager.display_name if manager else ""
        rows.append(row)
    return DaySection(
        key="not_contacted",
        title=f"Patients not contacted in {NOT_CONTACTED_DAYS} days",
        rows=rows,
        links=[patient_link(PATIENTS, p.id, "Open the patient") for p, _ in first_rows(found)],
        total=len(found),
        empty_text=f"Everyone was contacted in the last {NOT_CONTACTED_DAYS} days.",
        order=50,
    )
