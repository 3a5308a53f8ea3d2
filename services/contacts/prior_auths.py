"""Prior authorizations: requested under a coverage, decided by the payer, renewed before
they expire; the ones expiring within 14 days reach the worklist."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Coverage, PriorAuthorization, PriorAuthStatus
from services.core import audit
from services.core.audit import Action
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.text import us_spelling
from services.core.versions import check_version

EXPIRY_WARNING = timedelta(days=14)
PA_STATUSES = [x.value for x in PriorAuthStatus]
# status -> statuses it may move to
PA_TRANSITIONS: dict[PriorAuthStatus, set[PriorAuthStatus]] = {
    PriorAuthStatus.DRAFT: {PriorAuthStatus.SUBMITTED},
    PriorAuthStatus.SUBMITTED: {PriorAuthStatus.APPROVED, PriorAuthStatus.DENIED},
    PriorAuthStatus.DENIED: {PriorAuthStatus.APPEALED},
    PriorAuthStatus.APPEALED: {PriorAuthStatus.APPROVED, PriorAuthStatus.DENIED},
    PriorAuthStatus.APPROVED: {PriorAuthStatus.EXPIRED},
    PriorAuthStatus.EXPIRED: set(),
}


@dataclass
class PriorAuthInput:
    service: str = ""
    requested_on: date | None = None
    reference_number: str = ""
    notes: str = ""


def get_prior_auth(s: Session, actor: Actor, pa_id: int) -> PriorAuthorization:
    require(actor, "patients.read")
    pa = s.get(PriorAuthorization, pa_id)
    if pa is None:
        raise NotFound("No such prior authorization.")
    return pa


def _check_request(data: PriorAuthInput) -> None:
    errors = {}
    if not data.service.strip():
        errors["service"] = "Say which service needs authorization."
    if data.requested_on is None:
        errors["requested_on"] = "Give the date it was requested."
    if errors:
        raise InvalidInput(errors)


def request_prior_auth(
    s: Session, actor: Actor, coverage_id: int, data: PriorAuthInput
) -> PriorAuthorization:
    require(actor, "referrals.edit")
    cov = s.get(Coverage, coverage_id)
    if cov is None:
        raise NotFound("No such coverage.")
    _check_request(data)
    pa = PriorAuthorization(
        coverage_id=cov.id,
        patient_id=cov.patient_id,
        service=data.service.strip(),
        requested_on=data.requested_on,
        reference_number=data.reference_number.strip() or None,
        notes=data.notes.strip() or None,
        status=PriorAuthStatus.SUBMITTED
        if data.reference_number.strip()
        else PriorAuthStatus.DRAFT,
    )
    s.add(pa)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="prior_authorization",
        entity_id=pa.id,
        patient_id=cov.patient_id,
        category="coverage",
        detail={"service": pa.service, "status": pa.status},
    )
    return pa


def prior_auth_input(pa: PriorAuthorization) -> PriorAuthInput:
    return PriorAuthInput(pa.service, pa.requested_on, pa.reference_number or "", pa.notes or "")


def correct_prior_auth(
    s: Session, actor: Actor, pa_id: int, data: PriorAuthInput, version: int | None
) -> PriorAuthorization:
    """Fix the request's details; its status moves only through set_prior_auth_status."""
    require(actor, "referrals.edit")
    pa = get_prior_auth(s, actor, pa_id)
    _check_request(data)
    if version is not None and pa.version != version:
        raise Conflict(
            "Someone else changed this authorization after you opened it. Your entries are "
            "still in the form; start again from the saved version to see theirs."
        )
    before = asdict(prior_auth_input(pa))
    pa.service, pa.requested_on = data.service.strip(), data.requested_on
    pa.reference_number = data.reference_number.strip() or None
    pa.notes = data.notes.strip() or None
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="prior_authorization",
        entity_id=pa.id,
        patient_id=pa.patient_id,
        category="coverage",
        detail={"changes": audit.changes(before, asdict(prior_auth_input(pa)))},
    )
    return pa


def set_prior_auth_status(
    s: Session,
    actor: Actor,
    pa_id: int,
    status: str,
    *,
    decision_on: date | None = None,
    approved_units: int | None = None,
    expires_on: date | None = None,
    reference_number: str | None = None,
    version: int | None = None,
) -> PriorAuthorization:
    """Record the payer's move, on the authorization as the screen showed it (`version`)."""
    require(actor, "referrals.edit")
    pa = s.get(PriorAuthorization, pa_id)
    if pa is None:
        raise NotFound("No such prior authorization.")
    check_version(
        pa, version, "prior authorization", {"status": status, "expires_on": expires_on},
        ["status", "decision_on", "expires_on", "reference_number"], editing=False,
    )  # fmt: skip
    new = PriorAuthStatus(status)
    errors = {}
    if new not in PA_TRANSITIONS[PriorAuthStatus(pa.status)]:
        errors["status"] = f"A {pa.status} authorization cannot become {new}."
    if new in (PriorAuthStatus.APPROVED, PriorAuthStatus.DENIED) and decision_on is None:
        errors["decision_on"] = "Give the date of the payer's decision."
    if new == PriorAuthStatus.APPROVED:
        if expires_on is None:
            errors["expires_on"] = "Give the date the authorization expires."
        elif decision_on and expires_on < decision_on:
            errors["expires_on"] = "It cannot expire before it was approved."
        if approved_units is not None and approved_units < 1:
            errors["approved_units"] = "Approved units or visits must be 1 or more."
    if new == PriorAuthStatus.SUBMITTED and not (reference_number or pa.reference_number):
        errors["reference_number"] = "Give the payer's reference number for the request."
    if errors:
        raise InvalidInput(errors)
    before = {"status": pa.status, "expires_on": pa.expires_on}
    pa.status = new
    if decision_on is not None:
        pa.decision_on = decision_on
    if approved_units is not None:
        pa.approved_units = approved_units
    if expires_on is not None:
        pa.expires_on = expires_on
    if reference_number:
        pa.reference_number = reference_number.strip()
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="prior_authorization",
        entity_id=pa.id,
        patient_id=pa.patient_id,
        category="coverage",
        detail={
            "changes": audit.changes(before, {"status": pa.status, "expires_on": pa.expires_on})
        },
    )
    return pa


def effective_status(pa: PriorAuthorization, on: date) -> str:
    if pa.status == PriorAuthStatus.APPROVED and pa.expires_on and pa.expires_on < on:
        return PriorAuthStatus.EXPIRED.value
    return str(pa.status)


def expiring(on: date, within: timedelta = EXPIRY_WARNING) -> tuple:
    """The terms of an approved authorization expiring from `on` up to `within` ahead, for
    queries that join it to more (My day lists them with the patient and the payer)."""
    return (
        PriorAuthorization.status == PriorAuthStatus.APPROVED,
        PriorAuthorization.expires_on >= on,
        PriorAuthorization.expires_on <= on + within,
    )


def expiring_prior_auths(
    s: Session, on: date, *, within: timedelta = EXPIRY_WARNING, patient_id: int | None = None
) -> list[PriorAuthorization]:
    """Approved authorizations that expire from today up to `within` days ahead."""
    stmt = select(PriorAuthorization).where(*expiring(on, within))
    if patient_id is not None:
        stmt = stmt.where(PriorAuthorization.patient_id == patient_id)
    return list(s.scalars(stmt.order_by(PriorAuthorization.expires_on, PriorAuthorization.id)))


def prior_auths_of(s: Session, actor: Actor, patient_id: int) -> list[PriorAuthorization]:
    require(actor, "patients.read")
    return list(
        s.scalars(
            select(PriorAuthorization)
            .where(PriorAuthorization.patient_id == patient_id)
            .order_by(PriorAuthorization.requested_on.desc(), PriorAuthorization.id.desc())
        )
    )


def prior_auth_rows(pas: list[PriorAuthorization], on: date) -> list[dict]:
    rows = []
    for p in pas:
        status = effective_status(p, on)
        soon = (
            status == "approved"
            and p.expires_on is not None
            and p.expires_on - on <= EXPIRY_WARNING
        )
        rows.append(
            {
                "Service": p.service,
                "Payer": p.coverage.payer.name,
                "Requested": p.requested_on,
                "Reference": p.reference_number or "",
                "Status": us_spelling(status),
                "Units/visits": p.approved_units,
                "Expires": p.expires_on,
                "Check": "EXPIRES SOON - renew" if soon else "",
                "id": p.id,
                "version": p.version,
            }
        )
    return rows
