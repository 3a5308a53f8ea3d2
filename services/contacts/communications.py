"""The communication log (FHIR Communication): calls, e-mails, faxes, letters and visits.

A follow-up date becomes a Task for the person who logged it. Talking about a patient
with a family member who has no current consent needs the user to confirm first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today, utcnow
from db.models import (
    Channel,
    Communication,
    ConsentBasis,
    ContactPerson,
    Direction,
    Organization,
    Patient,
    Referral,
    RelatedPerson,
    User,
    WithKind,
)
from services.contacts.family import ConsentNeeded, consent_problem
from services.core import audit
from services.core.audit import Action
from services.core.clock import us_date, utc_to_local
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require
from services.tasks.tasks import create_task

CHANNELS = [c.value for c in Channel]
DIRECTIONS = [d.value for d in Direction]
WITH_KINDS = [w.value for w in WithKind]
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class CommunicationInput:
    with_kind: str = WithKind.ORGANIZATION.value
    patient_id: int | None = None
    organization_id: int | None = None
    contact_person_id: int | None = None
    related_person_id: int | None = None
    referral_id: int | None = None
    staff_user_id: int | None = None  # with a colleague (WithKind.STAFF)
    channel: str = Channel.PHONE.value
    direction: str = Direction.OUTGOING.value
    occurred_at: datetime | None = None
    summary: str = ""
    outcome: str = ""
    follow_up_on: date | None = None
    follow_up_title: str = ""
    extra: dict = field(default_factory=dict)


def log_communication(
    s: Session,
    actor: Actor,
    data: CommunicationInput,
    *,
    acknowledged_consent: bool = False,
    no_phi_shared: bool = False,
    on: date | None = None,
) -> Communication:
    """Log one contact. With a family member who has no current consent on file the user
    says first what covered it: consent verified at contact (`acknowledged_consent`) or no
    PHI shared; either is recorded with the entry and in the audit trail."""
    require(actor, "contacts.edit")
    on = on or today()
    errors: dict[str, str] = {}
    if data.with_kind not in WITH_KINDS:
        errors["with_kind"] = "Choose who the communication was with."
    if data.channel not in CHANNELS:
        errors["channel"] = "Choose how (phone, e-mail, ...)."
    if data.direction not in DIRECTIONS:
        errors["direction"] = "Choose incoming or outgoing."
    if not data.summary.strip():
        errors["summary"] = "Write a short summary of what was said."
    when = data.occurred_at or utcnow()
    if when.tzinfo is None:
        errors["occurred_at"] = "Give the time with its time zone."
    elif when > utcnow().replace(microsecond=0) + CLOCK_SKEW:
        errors["occurred_at"] = "The time cannot be in the future."
    if data.follow_up_on is not None and data.follow_up_on < on:
        errors["follow_up_on"] = "The follow-up date cannot be in the past."
    patient = s.get(Patient, data.patient_id) if data.patient_id else None
    if data.patient_id and patient is None:
        errors["patient_id"] = "No such patient."
    referral = s.get(Referral, data.referral_id) if data.referral_id else None
    if data.referral_id and referral is None:
        errors["referral_id"] = "No such referral."
    if referral is not None:
        patient = patient or s.get(Patient, referral.patient_id)
    org = person = related = None
    name = ""
    kind = data.with_kind
    if kind == WithKind.ORGANIZATION:
        org_id = data.organization_id or (referral.organization_id if referral else None)
        org = s.get(Organization, org_id) if org_id else None
        if org is None:
            errors["organization_id"] = "Choose the organization."
        else:
            name = org.name
    elif kind == WithKind.CONTACT:
        person = s.get(ContactPerson, data.contact_person_id) if data.contact_person_id else None
        if person is None:
            errors["contact_person_id"] = "Choose the person."
        else:
            org, name = person.organization, f"{person.name} ({person.organization.name})"
    elif kind == WithKind.FAMILY:
        related = s.get(RelatedPerson, data.related_person_id) if data.related_person_id else None
        if related is None:
            errors["related_person_id"] = "Choose the family member or caregiver."
        else:
            name = f"{related.name} ({related.relationship_})"
            patient = patient or s.get(Patient, related.patient_id)
            if patient.id != related.patient_id:
                errors["related_person_id"] = "This person is not listed for this patient."
    elif kind == WithKind.PATIENT:
        if patient is None:
            errors["patient_id"] = "Choose the patient."
        else:
            name = patient.display_name
    elif kind == WithKind.STAFF:
        colleague = s.get(User, data.staff_user_id) if data.staff_user_id else None
        if colleague is None or not colleague.active:
            errors["staff_user_id"] = "Choose the colleague."
        else:
            name = colleague.display_name
    if errors:
        raise InvalidInput(errors)
    # Any conversation about the patient with a family member may disclose PHI.
    problem = consent_problem(s, related.id, on=on) if related is not None else None
    if problem and not (acknowledged_consent or no_phi_shared):
        raise ConsentNeeded(problem)
    basis = None
    if related is not None:
        basis = ConsentBasis.ON_FILE if not problem else ConsentBasis.VERIFIED
        if problem and no_phi_shared:
            basis = ConsentBasis.NO_PHI
    comm = Communication(
        patient_id=patient.id if patient else None,
        with_kind=kind,
        organization_id=org.id if org else None,
        contact_person_id=person.id if person else None,
        related_person_id=related.id if related else None,
        referral_id=referral.id if referral else None,
        with_name=name[:200],
        channel=data.channel,
        direction=data.direction,
        occurred_at=when,
        summary=data.summary.strip(),
        outcome=data.outcome.strip() or None,
        follow_up_on=data.follow_up_on,
        disclosed_without_consent=basis == ConsentBasis.VERIFIED and bool(problem),
        consent_basis=basis,
        by_user_id=actor.id,
    )
    s.add(comm)
    s.flush()
    if data.follow_up_on is not None:
        task = create_task(
            s,
            actor,
            title=(data.follow_up_title.strip() or f"Follow up: {data.channel} with {name}")[:200],
            due_on=data.follow_up_on,
            patient_id=comm.patient_id,
            owner_user_id=actor.id,
            description=comm.summary[:2000],
            source_kind="communication",
            source_id=comm.id,
            permission="contacts.edit",
        )
        comm.follow_up_task_id = task.id
        s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="communication",
        entity_id=comm.id,
        patient_id=comm.patient_id,
        category="communication",
        detail={
            "with": kind,
            "channel": data.channel,
            "follow_up_on": data.follow_up_on,
            **({"consent": str(basis)} if basis else {}),
            **({"consent_warning_overridden": problem} if problem and not no_phi_shared else {}),
        },
    )
    return comm


def communications(
    s: Session,
    actor: Actor,
    *,
    patient_id: int | None = None,
    organization_id: int | None = None,
    referral_id: int | None = None,
    limit: int = 50,
) -> list[Communication]:
    require(actor, "patients.read")
    if patient_id is None and organization_id is None and referral_id is None:
        raise NotFound("Say whose communications to show.")
    stmt = select(Communication)
    if patient_id is not None:
        stmt = stmt.where(Communication.patient_id == patient_id)
    if organization_id is not None:
        stmt = stmt.where(Communication.organization_id == organization_id)
    if referral_id is not None:
        stmt = stmt.where(Communication.referral_id == referral_id)
    return list(
        s.scalars(
            stmt.order_by(Communication.occurred_at.desc(), Communication.id.desc()).limit(limit)
        )
    )


def communication_rows(comms: list[Communication], tz: str) -> list[dict]:
    """The log as table rows, times in the clinic's time zone."""
    return [
        {
            "When": us_date(utc_to_local(c.occurred_at, tz)),
            "With": c.with_name,
            "How": c.channel,
            "Direction": c.direction,
            "Summary": c.summary,
            "Outcome": c.outcome or "",
            "Follow-up": c.follow_up_on,
            "Consent": c.consent_basis or "",
            "id": c.id,
        }
        for c in comms
    ]
