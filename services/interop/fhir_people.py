"""People and organizations as FHIR R4: Patient (US Core Patient), Practitioner for staff
and outside team members, RelatedPerson with their Consent to share, Coverage and
Organization. The import (fhir_read) reads the same shapes back."""

from __future__ import annotations

from datetime import date

from db.models import (
    CareTeamMember,
    Coverage,
    Organization,
    OrgType,
    Patient,
    RecordStatus,
    RelatedPerson,
    ShareConsent,
    User,
)
from services.interop.fhir_common import (
    INTERPRETER_EXT,
    MRN_SYSTEM,
    PRONOUNS_EXT,
    V2_0131,
    V2_0203,
    V3_ACT,
    V3_ROLE,
    Refs,
    coded,
    day,
    drop_empty,
    language,
    org_address,
    resource_id,
    telecom,
)

GENDERS = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
# CareDesk's relationship -> HL7 v3 RoleCode
ROLE_CODES = {
    "spouse/partner": ("SPS", "spouse"),
    "daughter": ("DAU", "natural daughter"),
    "son": ("SON", "natural son"),
    "parent": ("PRN", "parent"),
    "sibling": ("SIB", "sibling"),
    "grandchild": ("GRNDCHILD", "grandchild"),
    "other relative": ("FAMMEMB", "family member"),
    "friend": ("FRND", "unrelated friend"),
    "neighbour": ("NBOR", "neighbor"),
    "guardian": ("GUARD", "guardian"),
}
# Roles a family member may hold besides the relationship, as RelatedPerson.relationship
FLAGS = {
    "emergency_contact": ((V2_0131, "C", "Emergency Contact"), "emergency contact"),
    "health_care_proxy": (
        (V3_ROLE, "HPOWATT", "healthcare power of attorney"),
        "health-care proxy",
    ),
    "power_of_attorney": ((V3_ROLE, "POWATT", "power of attorney"), "power of attorney"),
    "primary_caregiver": (None, "primary caregiver"),
    "lives_with_patient": (None, "lives with the patient"),
}
# CareDesk organization type -> HL7 organization-type code
ORG_TYPE_CODES = {
    OrgType.INSURER: ("ins", "Insurance Company"),
    OrgType.HOSPITAL: ("prov", "Healthcare Provider"),
    OrgType.HOME_HEALTH: ("prov", "Healthcare Provider"),
    OrgType.SKILLED_NURSING: ("prov", "Healthcare Provider"),
    OrgType.PRIMARY_CARE: ("prov", "Healthcare Provider"),
    OrgType.SPECIALIST: ("prov", "Healthcare Provider"),
    OrgType.BEHAVIOURAL_HEALTH: ("prov", "Healthcare Provider"),
    OrgType.PHARMACY: ("prov", "Healthcare Provider"),
    OrgType.HUMAN_SERVICE: ("cg", "Community Group"),
    OrgType.COMMUNITY: ("cg", "Community Group"),
    OrgType.FOOD: ("cg", "Community Group"),
    OrgType.HOUSING: ("cg", "Community Group"),
}
ORG_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/organization-type"


def _base(kind: str, url: str) -> dict:
    return {"resourceType": kind, "id": resource_id(url)}


def patient_resource(p: Patient, refs: Refs) -> dict:
    names = [{"use": "official", "family": p.family_name, "given": [p.given_name]}]
    if p.preferred_name:
        names.append({"use": "usual", "given": [p.preferred_name]})
    address = {
        "use": "home",
        "line": [p.address_line] if p.address_line else [],
        "city": p.city,
        "state": p.state,
        "postalCode": p.postal_code,
    }
    extension = []
    if p.interpreter_needed:
        extension.append({"url": INTERPRETER_EXT, "valueBoolean": True})
    if p.pronouns:
        extension.append(
            {
                "url": PRONOUNS_EXT,
                "extension": [{"url": "value", "valueCodeableConcept": {"text": p.pronouns}}],
            }
        )
    data = _base("Patient", refs.url("Patient", p.id)) | {
        "extension": extension,
        "identifier": [
            {
                "use": "usual",
                "type": coded(V2_0203, "MR", "Medical record number", "MRN"),
                "system": MRN_SYSTEM,
                "value": p.mrn,
            }
        ],
        "active": p.status == RecordStatus.ACTIVE,
        "name": names,
        "telecom": telecom(p.phone, p.email),
        "gender": GENDERS.get(p.sex or "", "unknown"),
        "birthDate": day(p.birth_date),
        "address": [address],
        "communication": language(p.preferred_language),
    }
    return drop_empty(data)


def practitioner_resource(u: User, refs: Refs) -> dict:
    data = _base("Practitioner", refs.url("Practitioner", u.id)) | {
        "active": bool(u.active),
        "name": [{"text": u.display_name}],
    }
    return drop_empty(data)


def outside_member_resource(m: CareTeamMember, refs: Refs) -> dict:
    """A care-team member from outside the clinic (a named person, maybe with a phone)."""
    data = _base("Practitioner", refs.url("Practitioner", f"member-{m.id}")) | {
        "active": bool(m.active),
        "name": [{"text": m.name}],
        "telecom": telecom(m.phone),
    }
    return drop_empty(data)


def related_person_resource(r: RelatedPerson, refs: Refs) -> dict:
    code = ROLE_CODES.get(r.relationship_)
    relationship = [
        coded(V3_ROLE, code[0], code[1], r.relationship_) if code else {"text": r.relationship_}
    ]
    for flag, (coding, words) in FLAGS.items():
        if getattr(r, flag):
            relationship.append(coded(*coding, words) if coding else {"text": words})
    data = _base("RelatedPerson", refs.url("RelatedPerson", r.id)) | {
        "active": r.status == RecordStatus.ACTIVE,
        "patient": refs.ref("Patient", r.patient_id),
        "relationship": relationship,
        "name": [{"text": r.name}],
        "telecom": telecom(r.phone, r.email, mobile=r.mobile_phone),
        "communication": language(r.language),
    }
    return drop_empty(data)


def consent_resource(c: ShareConsent, person: RelatedPerson, refs: Refs, on: date) -> dict:
    """A HIPAA authorization to share with a family member (R4 Consent, privacy scope)."""
    ended = c.revoked_on or c.expires_on
    current = c.revoked_on is None and (c.expires_on is None or c.expires_on >= on)
    data = _base("Consent", refs.url("Consent", c.id)) | {
        "status": "active" if current else "inactive",
        "scope": coded(
            "http://terminology.hl7.org/CodeSystem/consentscope",
            "patient-privacy",
            "Privacy Consent",
        ),
        "category": [coded("http://loinc.org", "64292-6", "Release of information consent")],
        "patient": refs.ref("Patient", person.patient_id),
        "dateTime": day(c.given_on),
        "performer": [refs.ref("Patient", person.patient_id)],
        "policyRule": coded(V3_ACT, "HIPAAAuth", "HIPAA Authorization for Disclosure"),
        "sourceAttachment": {"title": c.document_reference} if c.document_reference else None,
        "provision": {
            "type": "permit",
            "period": {"start": day(c.given_on), "end": day(ended)},
            "actor": [
                {
                    "role": coded(
                        "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                        "IRCP",
                        "information recipient",
                    ),
                    "reference": refs.ref("RelatedPerson", person.id),
                }
            ],
            "code": [{"text": c.scope}],
        },
    }
    return drop_empty(data)


def coverage_resource(c: Coverage, refs: Refs) -> dict:
    classes = [
        {
            "type": coded("http://terminology.hl7.org/CodeSystem/coverage-class", "plan", "Plan"),
            "value": c.plan_name,
            "name": c.plan_name,
        }
    ]
    if c.group_number:
        classes.insert(
            0,
            {
                "type": coded(
                    "http://terminology.hl7.org/CodeSystem/coverage-class", "group", "Group"
                ),
                "value": c.group_number,
            },
        )
    data = _base("Coverage", refs.url("Coverage", c.id)) | {
        "identifier": [
            {"type": coded(V2_0203, "MB", "Member Number"), "value": c.member_id},
        ],
        "status": "active" if c.status == RecordStatus.ACTIVE else "cancelled",
        "subscriberId": c.member_id,
        "beneficiary": refs.ref("Patient", c.patient_id),
        "period": {"start": day(c.start_on), "end": day(c.end_on)},
        "payor": [refs.ref("Organization", c.payer_id, c.payer.name)],
        "class": classes,
        "order": c.order,
    }
    return drop_empty(data)


def organization_resource(o: Organization, refs: Refs) -> dict:
    code = ORG_TYPE_CODES.get(OrgType(o.org_type))
    kinds = [coded(ORG_TYPE_SYSTEM, code[0], code[1], o.org_type) if code else {"text": o.org_type}]
    data = _base("Organization", refs.url("Organization", o.id)) | {
        "active": o.status == RecordStatus.ACTIVE,
        "type": kinds,
        "name": o.name,
        "telecom": telecom(o.phone, o.email, fax=o.fax, url=o.website),
        "address": org_address(o.address),
    }
    return drop_empty(data)
