"""The agency directory: organizations and the people in them; add, correct, verify, archive.

Finding entries is in directory_search, the file export in directory_export, the CSV
import in directory_import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.base import today, utcnow
from db.models import (
    Appointment,
    Communication,
    ContactMethod,
    ContactPerson,
    Coverage,
    Organization,
    OrgType,
    RecordStatus,
    Referral,
    TransportBooking,
)
from services.core import audit
from services.core.audit import Action
from services.core.contact_data import normalize_email, normalize_phone
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.text import fold
from services.core.versions import check_version

STALE_AFTER = timedelta(days=365)  # entries not verified for 12 months are flagged
ORG_TYPES = [t.value for t in OrgType]
CONTACT_METHODS = [m.value for m in ContactMethod]
# Column order for CSV/Excel import and export.
COLUMNS = [
    "name",
    "type",
    "services",
    "phone",
    "fax",
    "email",
    "address",
    "website",
    "hours",
    "languages",
    "eligibility_notes",
    "accepted_insurers",
    "last_verified_on",
]


@dataclass
class OrgInput:
    """What the organization form (or one CSV row) gives. Blank strings mean 'not given'."""

    name: str = ""
    org_type: str = OrgType.HUMAN_SERVICE.value
    services: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    address: str = ""
    website: str = ""
    hours: str = ""
    languages: str = ""
    eligibility_notes: str = ""
    accepted_insurers: str = ""
    last_verified_on: date | None = None

    @classmethod
    def from_org(cls, o: Organization) -> OrgInput:
        return cls(
            **{
                f.name: (getattr(o, f.name) if getattr(o, f.name) is not None else "")
                for f in fields(cls)
                if f.name != "last_verified_on"
            },
            last_verified_on=o.last_verified_on,
        )


@dataclass
class PersonInput:
    name: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""
    preferred_method: str = ""


def is_stale(org: Organization, on: date | None = None) -> bool:
    """Never verified, or verified more than 12 months ago."""
    on = on or today()
    return org.last_verified_on is None or on - org.last_verified_on > STALE_AFTER


def search_text(name: str, org_type: str, services: str | None) -> str:
    return fold(f"{name} {org_type} {services or ''}")


def dedupe_key(name: str, address: str | None) -> str:
    return f"{fold(name)}|{fold(address)}"[:500]


def clean_org(data: OrgInput, region: str, on: date | None = None) -> dict:
    """Checked, normalized column values; InvalidInput with one message per field."""
    on = on or today()
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "Give the organization's name."
    elif len(name) > 200:
        errors["name"] = "Keep the name under 200 characters."
    org_type = (data.org_type or "").strip().lower()
    if org_type not in ORG_TYPES:
        errors["org_type"] = f"Choose a type from the list ({', '.join(ORG_TYPES[:3])}, ...)."
    values: dict = {}
    for field, normalizer in (
        ("phone", lambda v: normalize_phone(v, region)),
        ("fax", lambda v: normalize_phone(v, region)),
        ("email", normalize_email),
    ):
        try:
            values[field] = normalizer(getattr(data, field))
        except ValueError as exc:
            errors[field] = str(exc)
    website = (data.website or "").strip()
    if website and " " in website:
        errors["website"] = "A web address has no spaces."
    if data.last_verified_on is not None and data.last_verified_on > on:
        errors["last_verified_on"] = "The verification date cannot be in the future."
    if errors:
        raise InvalidInput(errors)
    text = {
        k: ((getattr(data, k) or "").strip() or None)
        for k in (
            "services",
            "address",
            "hours",
            "languages",
            "eligibility_notes",
            "accepted_insurers",
        )
    }
    return {
        "name": name,
        "org_type": org_type,
        "website": website or None,
        "last_verified_on": data.last_verified_on,
        **values,
        **text,
        "search_text": search_text(name, org_type, text["services"]),
        "name_key": fold(name)[:200],
        "dedupe_key": dedupe_key(name, text["address"]),
    }


def _snapshot(o: Organization) -> dict:
    return {k: v for k, v in asdict(OrgInput.from_org(o)).items()}


def find_duplicate(s: Session, name: str, address: str | None) -> Organization | None:
    return s.scalars(
        select(Organization)
        .where(Organization.dedupe_key == dedupe_key(name, address))
        .order_by(Organization.id)
        .limit(1)
    ).first()


def create_organization(s: Session, actor: Actor, data: OrgInput, *, region: str) -> Organization:
    require(actor, "contacts.edit")
    values = clean_org(data, region)
    same = find_duplicate(s, values["name"], values["address"])
    if same is not None:
        raise InvalidInput(
            {"name": f"{same.name} at this address is already in the directory (#{same.id})."}
        )
    org = Organization(**values)
    s.add(org)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="organization",
        entity_id=org.id,
        category="directory",
        detail={"name": org.name},
    )
    return org


def get_organization(s: Session, actor: Actor, org_id: int) -> Organization:
    require(actor, "patients.read")
    org = s.get(Organization, org_id)
    if org is None:
        raise NotFound("No such organization.")
    return org


def update_organization(
    s: Session, actor: Actor, org_id: int, data: OrgInput, expected_version: int, *, region: str
) -> Organization:
    require(actor, "contacts.edit")
    org = get_organization(s, actor, org_id)
    if org.version != expected_version:
        raise Conflict(
            "Someone else changed this organization since you opened it.",
            theirs=_snapshot(org),
            mine=asdict(data),
        )
    values = clean_org(data, region)
    same = find_duplicate(s, values["name"], values["address"])
    if same is not None and same.id != org.id:
        raise InvalidInput({"name": f"Another entry has this name and address (#{same.id})."})
    before = _snapshot(org)
    for k, v in values.items():
        setattr(org, k, v)
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="organization",
        entity_id=org.id,
        category="directory",
        detail={"changes": audit.changes(before, _snapshot(org))},
    )
    return org


# What a stale one-click action shows the user changed (name, phone, address, status).
_SHOWN = ["name", "phone", "address", "status", "last_verified_on"]


def mark_verified(
    s: Session, actor: Actor, org_id: int, on: date | None = None, *, version: int | None = None
) -> Organization:
    """The details were checked with the organization, as the screen showed them."""
    require(actor, "contacts.edit")
    org = get_organization(s, actor, org_id)
    check_version(org, version, "entry", {}, _SHOWN, editing=False)
    before = org.last_verified_on
    org.last_verified_on = on or today()
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="organization",
        entity_id=org.id,
        category="directory",
        detail={"changes": audit.changes({"verified": before}, {"verified": org.last_verified_on})},
    )
    return org


def has_history(s: Session, org_id: int) -> bool:
    """Referrals, communications, coverage, appointments or rides point at it: it can only
    be archived."""
    return bool(
        s.scalar(
            select(
                exists().where(Referral.organization_id == org_id)
                | exists().where(Communication.organization_id == org_id)
                | exists().where(Coverage.payer_id == org_id)
                | exists().where(Appointment.provider_contact_id == org_id)
                | exists().where(TransportBooking.vendor_contact_id == org_id)
            )
        )
    )


def remove_organization(
    s: Session, actor: Actor, org_id: int, reason: str, *, version: int | None = None
) -> str:
    """Delete an entry nobody used; archive one that anything points at (has_history).

    Returns "deleted" or "archived".
    """
    require(actor, "contacts.edit")
    if not (reason or "").strip():
        raise InvalidInput({"reason": "Say why this organization is being removed."})
    org = get_organization(s, actor, org_id)
    check_version(org, version, "entry", {"status": "removed"}, _SHOWN, editing=False)
    if has_history(s, org_id):
        org.status = RecordStatus.ARCHIVED
        org.status_reason = reason.strip()
        org.archived_at = utcnow()
        s.flush()
        audit.record(
            s,
            actor,
            Action.ARCHIVE,
            entity="organization",
            entity_id=org.id,
            category="directory",
            detail={"reason": reason.strip()},
        )
        return "archived"
    name = org.name
    for person in list(org.people):
        s.delete(person)
    s.delete(org)
    s.flush()
    audit.record(
        s,
        actor,
        Action.ARCHIVE,
        entity="organization",
        entity_id=org_id,
        category="directory",
        detail={"reason": reason.strip(), "deleted": True, "name": name},
    )
    return "deleted"


def restore_organization(
    s: Session, actor: Actor, org_id: int, *, version: int | None = None
) -> Organization:
    require(actor, "contacts.edit")
    org = get_organization(s, actor, org_id)
    check_version(org, version, "entry", {"status": "active"}, _SHOWN, editing=False)
    org.status, org.status_reason, org.archived_at = RecordStatus.ACTIVE, None, None
    s.flush()
    audit.record(
        s, actor, Action.RESTORE, entity="organization", entity_id=org.id, category="directory"
    )
    return org


# People within an organization -------------------------------------------------------------


def add_person(
    s: Session, actor: Actor, org_id: int, data: PersonInput, *, region: str
) -> ContactPerson:
    require(actor, "contacts.edit")
    org = get_organization(s, actor, org_id)
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["person_name"] = "Give the person's name."
    values = {}
    try:
        values["phone"] = normalize_phone(data.phone, region)
    except ValueError as exc:
        errors["person_phone"] = str(exc)
    try:
        values["email"] = normalize_email(data.email)
    except ValueError as exc:
        errors["person_email"] = str(exc)
    method = (data.preferred_method or "").strip() or None
    if method and method not in CONTACT_METHODS:
        errors["preferred_method"] = "Choose a contact method from the list."
    elif method == "phone" and not values.get("phone") and not errors.get("person_phone"):
        errors["person_phone"] = "Preferred by phone: give a direct phone number."
    elif method == "email" and not values.get("email") and not errors.get("person_email"):
        errors["person_email"] = "Preferred by e-mail: give an e-mail address."
    if errors:
        raise InvalidInput(errors)
    person = ContactPerson(
        organization_id=org.id,
        name=data.name.strip(),
        role=data.role.strip() or None,
        preferred_method=method,
        **values,
    )
    s.add(person)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="contact_person",
        entity_id=person.id,
        category="directory",
        detail={"organization_id": org.id},
    )
    return person
