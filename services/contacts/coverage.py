"""Insurance coverage (FHIR Coverage): add, correct and end a patient's plans.

The prior authorizations requested under a coverage are in prior_auths.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today
from db.models import Coverage, Organization, OrgType, Patient, RecordStatus
from services.core import audit
from services.core.audit import Action
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require

ORDERS = {1: "primary", 2: "secondary", 3: "tertiary"}


@dataclass
class CoverageInput:
    payer_id: int | None = None
    plan_name: str = ""
    member_id: str = ""
    group_number: str = ""
    start_on: date | None = None
    end_on: date | None = None
    order: int = 1


def _checked_payer(
    s: Session, patient_id: int, data: CoverageInput, current: Coverage | None = None
) -> Organization:
    """The payer, once every field is valid; refuses a second coverage in the same order at
    the same time. `current` is the coverage being corrected."""
    errors = {}
    payer = s.get(Organization, data.payer_id) if data.payer_id else None
    if payer is None:
        errors["payer_id"] = "Choose the insurer from the directory."
    elif payer.org_type != OrgType.INSURER:
        errors["payer_id"] = "The payer must be an insurer in the directory."
    elif payer.status != RecordStatus.ACTIVE and (current is None or current.payer_id != payer.id):
        errors["payer_id"] = f"{payer.name} was archived in the directory; choose another."
    if not data.plan_name.strip():
        errors["plan_name"] = "Give the plan name."
    if not data.member_id.strip():
        errors["member_id"] = "Give the member id from the insurance card."
    if data.start_on and data.end_on and data.end_on < data.start_on:
        errors["end_on"] = "Coverage cannot end before it starts."
    if data.order not in ORDERS:
        errors["order"] = "Choose primary, secondary or tertiary."
    elif not errors:
        same_order = select(Coverage.id).where(
            Coverage.patient_id == patient_id,
            Coverage.order == data.order,
            Coverage.status == RecordStatus.ACTIVE,
            Coverage.id != (current.id if current is not None else 0),
            # the periods overlap: the other ends after this starts and starts before this ends
            Coverage.end_on.is_(None) | (Coverage.end_on >= (data.start_on or today())),
        )
        if data.end_on is not None:
            same_order = same_order.where(
                Coverage.start_on.is_(None) | (Coverage.start_on <= data.end_on)
            )
        clash = s.scalar(same_order.limit(1))
        if clash:
            errors["order"] = (
                f"The patient already has {ORDERS[data.order]} coverage; end it first "
                "or choose another order."
            )
    if errors:
        raise InvalidInput(errors)
    return payer


def add_coverage(s: Session, actor: Actor, patient_id: int, data: CoverageInput) -> Coverage:
    require(actor, "referrals.edit")
    if s.get(Patient, patient_id) is None:
        raise NotFound("No such patient.")
    payer = _checked_payer(s, patient_id, data)
    cov = Coverage(
        patient_id=patient_id,
        payer_id=payer.id,
        plan_name=data.plan_name.strip(),
        member_id=data.member_id.strip(),
        group_number=data.group_number.strip() or None,
        start_on=data.start_on,
        end_on=data.end_on,
        order=data.order,
    )
    s.add(cov)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="coverage",
        entity_id=cov.id,
        patient_id=patient_id,
        category="coverage",
        detail={"payer": payer.name, "order": data.order},
    )
    return cov


def _coverage_snapshot(c: Coverage) -> dict:
    fields = ("payer_id", "plan_name", "member_id", "group_number", "start_on", "end_on", "order")
    return {k: getattr(c, k) for k in fields}


def get_coverage(s: Session, actor: Actor, coverage_id: int) -> Coverage:
    require(actor, "patients.read")
    cov = s.get(Coverage, coverage_id)
    if cov is None:
        raise NotFound("No such coverage.")
    return cov


def coverage_input(c: Coverage) -> CoverageInput:
    """The saved coverage as form values, for correcting it."""
    return CoverageInput(
        c.payer_id, c.plan_name, c.member_id, c.group_number or "", c.start_on, c.end_on, c.order
    )


def correct_coverage(
    s: Session, actor: Actor, coverage_id: int, data: CoverageInput, version: int | None
) -> Coverage:
    """Fix what was entered (a mistyped member id, a new group number, the real dates)."""
    require(actor, "referrals.edit")
    cov = get_coverage(s, actor, coverage_id)
    payer = _checked_payer(s, cov.patient_id, data, current=cov)
    if version is not None and cov.version != version:
        raise Conflict(
            "Someone else changed this coverage after you opened it. Your entries are still "
            "in the form; start again from the saved version to see theirs."
        )
    before = _coverage_snapshot(cov)
    cov.payer_id = payer.id
    cov.plan_name, cov.member_id = data.plan_name.strip(), data.member_id.strip()
    cov.group_number = data.group_number.strip() or None
    cov.start_on, cov.end_on, cov.order = data.start_on, data.end_on, data.order
    return _changed(s, actor, cov, before)


def end_coverage(
    s: Session, actor: Actor, coverage_id: int, end_on: date, version: int | None = None
) -> Coverage:
    require(actor, "referrals.edit")
    cov = get_coverage(s, actor, coverage_id)
    if cov.start_on and end_on < cov.start_on:
        raise InvalidInput({"end_on": "Coverage cannot end before it starts."})
    if version is not None and cov.version != version:
        raise Conflict("Someone else changed this coverage after you opened it; look again.")
    before = _coverage_snapshot(cov)
    cov.end_on = end_on
    return _changed(s, actor, cov, before)


def _changed(s: Session, actor: Actor, cov: Coverage, before: dict) -> Coverage:
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="coverage",
        entity_id=cov.id,
        patient_id=cov.patient_id,
        category="coverage",
        detail={"changes": audit.changes(before, _coverage_snapshot(cov))},
    )
    return cov


def coverages_of(s: Session, actor: Actor, patient_id: int) -> list[Coverage]:
    require(actor, "patients.read")
    return list(
        s.scalars(
            select(Coverage)
            .where(Coverage.patient_id == patient_id, Coverage.status == RecordStatus.ACTIVE)
            .order_by(Coverage.order, Coverage.start_on.desc())
        )
    )


def coverage_rows(coverages: list[Coverage], on: date) -> list[dict]:
    return [
        {
            "Order": ORDERS.get(c.order, str(c.order)),
            "Payer": c.payer.name,
            "Plan": c.plan_name,
            "Member id": c.member_id,
            "Group": c.group_number or "",
            "From": c.start_on,
            "To": c.end_on,
            "In force": "ended" if c.end_on and c.end_on < on else "yes",
            "id": c.id,
        }
        for c in coverages
    ]
