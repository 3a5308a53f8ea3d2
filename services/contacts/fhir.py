"""FHIR (R5, via fhir.resources) export of a patient's liaison contacts: the organizations
referred to, family and caregivers (RelatedPerson), and referrals as ServiceRequest + Task
(the Task carries the HL7 Gravity SDOH status)."""

from __future__ import annotations

import json

from fhir.resources.bundle import Bundle
from fhir.resources.organization import Organization as FhirOrganization
from fhir.resources.relatedperson import RelatedPerson as FhirRelatedPerson
from fhir.resources.servicerequest import ServiceRequest
from fhir.resources.task import Task as FhirTask
from sqlalchemy.orm import Session

from db.models import Organization, Referral, RelatedPerson
from services.contacts import family, referrals
from services.core import audit
from services.core.audit import Action
from services.core.identity import Actor, require

# Gravity referral status -> ServiceRequest.status
REQUEST_STATUS = {
    "draft": "draft",
    "requested": "active",
    "received": "active",
    "accepted": "active",
    "in progress": "active",
    "on hold": "on-hold",
    "completed": "completed",
    "rejected": "revoked",
    "cancelled": "revoked",
}
V3_ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ROLE_CODES = {
    "spouse/partner": "SPS",
    "daughter": "DAU",
    "son": "SON",
    "parent": "PRN",
    "sibling": "SIB",
    "grandchild": "GRNDCHILD",
    "other relative": "FAMMEMB",
    "friend": "FRND",
    "neighbour": "NBOR",
    "guardian": "GUARD",
}


def _telecom(phone=None, fax=None, email=None, url=None) -> list[dict]:
    out = []
    for system, value in (("phone", phone), ("fax", fax), ("email", email), ("url", url)):
        if value:
            out.append({"system": system, "value": value})
    return out


def organization_resource(o: Organization) -> FhirOrganization:
    data = {
        "resourceType": "Organization",
        "id": f"org-{o.id}",
        "active": o.status == "active",
        "name": o.name,
        "type": [{"text": o.org_type}],
    }
    telecom = _telecom(o.phone, o.fax, o.email, o.website)
    contact = {}
    if telecom:
        contact["telecom"] = telecom
    if o.address:
        contact["address"] = {"text": o.address}
    if contact:
        data["contact"] = [contact]
    if o.services:
        data["description"] = o.services
    return FhirOrganization.model_validate(data)


def related_person_resource(p: RelatedPerson) -> FhirRelatedPerson:
    code = ROLE_CODES.get(p.relationship_)
    relationship = [{"text": p.relationship_}]
    if code:
        relationship[0]["coding"] = [{"system": V3_ROLE, "code": code}]
    if p.emergency_contact:
        relationship.append({"text": "emergency contact"})
    if p.health_care_proxy:
        relationship.append({"text": "health-care proxy"})
    data = {
        "resourceType": "RelatedPerson",
        "id": f"rp-{p.id}",
        "active": p.status == "active",
        "patient": {"reference": f"Patient/{p.patient_id}"},
        "relationship": relationship,
        "name": [{"text": p.name}],
        "telecom": _telecom(p.phone, None, p.email)
        + (
            [{"system": "phone", "value": p.mobile_phone, "use": "mobile"}]
            if p.mobile_phone
            else []
        ),
    }
    if p.language:
        data["communication"] = [{"language": {"text": p.language}, "preferred": True}]
    return FhirRelatedPerson.model_validate(data)


def referral_resources(r: Referral) -> tuple[ServiceRequest, FhirTask]:
    request = {
        "resourceType": "ServiceRequest",
        "id": f"referral-{r.id}",
        "status": REQUEST_STATUS[r.status],
        "intent": "order",
        "priority": r.urgency,
        "subject": {"reference": f"Patient/{r.patient_id}"},
        "code": {"concept": {"text": r.service}},
    }
    if r.organization_id is not None:  # a draft may not have its organization yet
        request["performer"] = [{"reference": f"Organization/org-{r.organization_id}"}]
    if r.sent_on:
        request["authoredOn"] = r.sent_on.isoformat()
    reasons = []
    if r.reason_kind and r.reason_id:
        kind = "Observation" if r.reason_kind == "intake finding" else "Goal"
        reasons.append({"reference": {"reference": f"{kind}/{r.reason_id}"}})
    if r.reason_text:
        reasons.append({"concept": {"text": r.reason_text}})
    if reasons:
        request["reason"] = reasons
    task = {
        "resourceType": "Task",
        "id": f"referral-task-{r.id}",
        "status": r.status.replace(" ", "-"),
        "intent": "order",
        "focus": {"reference": f"ServiceRequest/referral-{r.id}"},
        "for": {"reference": f"Patient/{r.patient_id}"},
        "priority": r.urgency,
    }
    if r.organization_id is not None:
        task["owner"] = {"reference": f"Organization/org-{r.organization_id}"}
    if r.status_reason:
        task["statusReason"] = {"text": r.status_reason}
    if r.outcome:
        task["output"] = [{"type": {"text": "outcome"}, "valueString": r.outcome}]
    return ServiceRequest.model_validate(request), FhirTask.model_validate(task)


def patient_bundle(s: Session, actor: Actor, patient_id: int) -> str:
    """A FHIR collection Bundle (JSON) of the patient's family, referrals and their orgs."""
    require(actor, "patients.read")
    resources = [related_person_resource(p) for p in family.family_of(s, actor, patient_id)]
    orgs = {}
    for r in referrals.referrals_of(s, actor, patient_id):
        if r.organization is not None:
            orgs[r.organization_id] = r.organization
        resources.extend(referral_resources(r))
    resources[:0] = [organization_resource(o) for o in orgs.values()]
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": res.model_dump(exclude_none=True)} for res in resources],
        }
    )
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="fhir_bundle",
        patient_id=patient_id,
        category="referral",
        detail={"resources": len(resources)},
    )
    return json.dumps(json.loads(bundle.model_dump_json(exclude_none=True)), indent=2)
