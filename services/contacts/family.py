"""Family and caregivers (FHIR RelatedPerson) and their consent to share (HIPAA authorization).

Anything that would disclose PHI to a contact calls `consent_problem` first; a non-empty
answer is shown as a warning and the user must confirm before going on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today
from db.models import Patient, RecordStatus, RelatedPerson, ShareConsent
from services.core import audit
from services.core.audit import Action
from services.core.clock import us_date
from services.core.contact_data import normalize_email, normalize_phone
from services.core.errors import Conflict, DomainError, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.versions import check_version

RELATIONSHIPS = [
    "spouse/partner",
    "daughter",
    "son",
    "parent",
    "sibling",
    "grandchild",
    "other relative",
    "friend",
    "neighbour",
    "paid caregiver",
    "guardian",
    "other",
]
# What the patient allowed to be shared; "all health information" covers every purpose.
SCOPES = [
    "all health information",
    "care coordination",
    "appointments and scheduling",
    "billing and insurance",
    "emergencies only",
]
ALL_SCOPE = SCOPES[0]
# The roles a family member can hold for the patient, as the page words them.
ROLES = {
    "primary caregiver": "primary_caregiver",
    "emergency contact": "emergency_contact",
    "health-care proxy": "health_care_proxy",
    "power of attorney": "power_of_attorney",
    "lives with patient": "lives_with_patient",
}


class ConsentNeeded(DomainError):
    """Sharing with this person (or organization) needs the user to confirm first."""


@dataclass
class RelatedPersonInput:
    name: str = ""
    relationship: str = "daughter"
    phone: str = ""
    mobile_phone: str = ""
    email: str = ""
    language: str = "English"
    lives_with_patient: bool = False
    primary_caregiver: bool = False
    emergency_contact: bool = False
    health_care_proxy: bool = False
    power_of_attorney: bool = False


@dataclass
class ConsentInput:
    scope: str = ALL_SCOPE
    given_on: date | None = None
    expires_on: date | None = None
    document_reference: str = ""


def _clean(data: RelatedPersonInput, region: str) -> dict:
    errors = {}
    if not data.name.strip():
        errors["name"] = "Give the person's name."
    if data.relationship not in RELATIONSHIPS:
        errors["relationship"] = "Choose a relationship from the list."
    values = {}
    for f in ("phone", "mobile_phone"):
        try:
            values[f] = normalize_phone(getattr(data, f), region)
        except ValueError as exc:
            errors[f] = str(exc)
    try:
        values["email"] = normalize_email(data.email)
    except ValueError as exc:
        errors["email"] = str(exc)
    if data.emergency_contact and not (values.get("phone") or values.get("mobile_phone")):
        errors.setdefault("phone", "An emergency contact needs a phone number.")
    if errors:
        raise InvalidInput(errors)
    return {
        "name": data.name.strip(),
        "relationship_": data.relationship,
        "language": data.language.strip() or None,
        "lives_with_patient": data.lives_with_patient,
        "primary_caregiver": data.primary_caregiver,
        "emergency_contact": data.emergency_contact,
        "health_care_proxy": data.health_care_proxy,
        "power_of_attorney": data.power_of_attorney,
        **values,
    }


def _snapshot(p: RelatedPerson) -> dict:
    return {
        "name": p.name,
        "relationship": p.relationship_,
        "phone": p.phone,
        "mobile_phone": p.mobile_phone,
        "email": p.email,
        "language": p.language,
        "lives_with_patient": p.lives_with_patient,
        "primary_caregiver": p.primary_caregiver,
        "emergency_contact": p.emergency_contact,
        "health_care_proxy": p.health_care_proxy,
        "power_of_attorney": p.power_of_attorney,
    }


def add_related_person(
    s: Session, actor: Actor, patient_id: int, data: RelatedPersonInput, *, region: str
) -> RelatedPerson:
    require(actor, "referrals.edit")
    if s.get(Patient, patient_id) is None:
        raise NotFound("No such patient.")
    person = RelatedPerson(patient_id=patient_id, **_clean(data, region))
    s.add(person)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="related_person",
        entity_id=person.id,
        patient_id=patient_id,
        category="family",
        detail={"relationship": data.relationship},
    )
    return person


def update_related_person(
    s: Session,
    actor: Actor,
    person_id: int,
    data: RelatedPersonInput,
    expected_version: int,
    *,
    region: str,
) -> RelatedPerson:
    require(actor, "referrals.edit")
    person = get_related_person(s, person_id)
    if person.version != expected_version:
        raise Conflict(
            "Someone else changed this family member since you opened it.",
            theirs=_snapshot(person),
            mine=asdict(data),
        )
    values = _clean(data, region)
    before = _snapshot(person)
    for k, v in values.items():
        setattr(person, k, v)
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="related_person",
        entity_id=person.id,
        patient_id=person.patient_id,
        category="family",
        detail={"changes": audit.changes(before, _snapshot(person))},
    )
    return person


def archive_related_person(
    s: Session, actor: Actor, person_id: int, reason: str, *, version: int | None = None
) -> None:
    require(actor, "referrals.edit")
    if not (reason or "").strip():
        raise InvalidInput({"reason": "Say why they no longer belong on the list."})
    person = get_related_person(s, person_id)
    check_version(
        person, version, "family member", {"status": "archived"},
        ["name", "relationship_", "status"], editing=False,
    )  # fmt: skip
    person.status, person.status_reason = RecordStatus.ARCHIVED, reason.strip()
    s.flush()
    audit.record(
        s,
        actor,
        Action.ARCHIVE,
        entity="related_person",
        entity_id=person.id,
        patient_id=person.patient_id,
        category="family",
        detail={"reason": reason.strip()},
    )


def give_roles(s: Session, actor: Actor, person: RelatedPerson, roles: list[str]) -> list[str]:
    """Add roles to a family member (none are taken away). There is one primary caregiver:
    whoever held it before stops; their names are returned."""
    require(actor, "referrals.edit")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InvalidInput({"roles": f"Unknown role: {', '.join(unknown)}."})
    replaced = []
    if "primary caregiver" in roles:
        for other in family_of(s, actor, person.patient_id):
            if other.id != person.id and other.primary_caregiver:
                before = _snapshot(other)
                other.primary_caregiver = False
                replaced.append(other.name)
                _audit_change(s, actor, other, before)
    before = _snapshot(person)
    for role in roles:
        setattr(person, ROLES[role], True)
    if _snapshot(person) != before:
        _audit_change(s, actor, person, before)
    s.flush()
    return replaced


def _audit_change(s: Session, actor: Actor, person: RelatedPerson, before: dict) -> None:
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="related_person",
        entity_id=person.id,
        patient_id=person.patient_id,
        category="family",
        detail={"changes": audit.changes(before, _snapshot(person))},
    )


def get_related_person(s: Session, person_id: int) -> RelatedPerson:
    person = s.get(RelatedPerson, person_id)
    if person is None:
        raise NotFound("No such family member or caregiver.")
    return person


def family_of(s: Session, actor: Actor, patient_id: int) -> list[RelatedPerson]:
    require(actor, "patients.read")
    return list(
        s.scalars(
            select(RelatedPerson)
            .where(
                RelatedPerson.patient_id == patient_id,
                RelatedPerson.status == RecordStatus.ACTIVE,
            )
            .order_by(RelatedPerson.primary_caregiver.desc(), RelatedPerson.name)
        )
    )


# Consent -----------------------------------------------------------------------------------


def record_consent(
    s: Session, actor: Actor, person_id: int, data: ConsentInput, on: date | None = None
) -> ShareConsent:
    require(actor, "referrals.edit")
    on = on or today()
    person = get_related_person(s, person_id)
    errors = {}
    if data.scope not in SCOPES:
        errors["scope"] = "Choose what may be shared."
    if data.given_on is None:
        errors["given_on"] = "Give the date the patient signed."
    elif data.given_on > on:
        errors["given_on"] = "The signing date cannot be in the future."
    if data.expires_on is not None and data.given_on and data.expires_on <= data.given_on:
        errors["expires_on"] = "The consent must end after it was given."
    if not data.document_reference.strip():
        errors["document_reference"] = (
            "Say where the signed form is (scan name, chart section or file number)."
        )
    if errors:
        raise InvalidInput(errors)
    consent = ShareConsent(
        related_person_id=person.id,
        scope=data.scope,
        given_on=data.given_on,
        expires_on=data.expires_on,
        document_reference=data.document_reference.strip(),
        recorded_by_id=actor.id,
    )
    s.add(consent)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="share_consent",
        entity_id=consent.id,
        patient_id=person.patient_id,
        category="consent",
        detail={"scope": data.scope, "expires_on": data.expires_on},
    )
    return consent


def revoke_consent(s: Session, actor: Actor, consent_id: int, on: date | None = None) -> None:
    require(actor, "referrals.edit")
    consent = s.get(ShareConsent, consent_id)
    if consent is None:
        raise NotFound("No such consent.")
    consent.revoked_on = on or today()
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="share_consent",
        entity_id=consent.id,
        patient_id=consent.related_person.patient_id,
        category="consent",
        detail={"revoked_on": consent.revoked_on},
    )


def current_consent(
    person: RelatedPerson, on: date, purpose: str | None = None
) -> ShareConsent | None:
    """The consent in force on `on` covering `purpose` (any purpose when None)."""
    for c in person.consents:
        if c.given_on > on or c.revoked_on is not None and c.revoked_on <= on:
            continue
        if c.expires_on is not None and c.expires_on < on:
            continue
        if purpose and c.scope not in (ALL_SCOPE, purpose):
            continue
        return c
    return None


def consent_state(person: RelatedPerson, on: date) -> str:
    """A short phrase for tables: 'yes, until 2027-03-01 (care coordination)', 'EXPIRED ...'."""
    current = current_consent(person, on)
    if current is not None:
        until = f"until {us_date(current.expires_on)}" if current.expires_on else "no end date"
        return f"yes, {until} ({current.scope})"
    if not person.consents:
        return "NO CONSENT on file"
    last = person.consents[0]
    if last.revoked_on is not None:
        return f"REVOKED on {last.revoked_on}"
    if last.expires_on is not None and last.expires_on < on:
        return f"EXPIRED on {us_date(last.expires_on)}"
    return "NOT YET VALID"


def consent_problem(
    s: Session, related_person_id: int, *, purpose: str | None = None, on: date | None = None
) -> str | None:
    """Why sharing PHI with this person is not covered today, or None when it is."""
    on = on or today()
    person = get_related_person(s, related_person_id)
    if current_consent(person, on, purpose) is not None:
        return None
    state = consent_state(person, on)
    if state.startswith("yes"):
        return (
            f"{person.name}'s consent does not cover {purpose}. Share only what the "
            "signed authorization allows, or record a new consent."
        )
    return (
        f"{person.name} has no current consent to receive health information "
        f"({state.lower()}). Do not share patient details until the patient signs "
        "an authorization, unless it is an emergency."
    )


def family_rows(people: list[RelatedPerson], on: date) -> list[dict]:
    from services.core.contact_data import display_phone

    rows = []
    for p in people:
        roles = [
            label
            for flag, label in (
                (p.primary_caregiver, "primary caregiver"),
                (p.emergency_contact, "emergency contact"),
                (p.health_care_proxy, "health-care proxy"),
                (p.power_of_attorney, "power of attorney"),
                (p.lives_with_patient, "lives with patient"),
            )
            if flag
        ]
        rows.append(
            {
                "Name": p.name,
                "Relationship": p.relationship_,
                "Phone": display_phone(p.phone or p.mobile_phone),
                "Roles": ", ".join(roles),
                "Consent to share": consent_state(p, on),
                "id": p.id,
                "version": p.version,
            }
        )
    return rows
