"""FHIR export validated with fhir.resources."""

from __future__ import annotations

import json

from fhir.resources.bundle import Bundle

from services.contacts import family, referrals
from services.contacts import fhir as contacts_fhir
from services.contacts.family import RelatedPersonInput
from services.contacts.referrals import ReferralInput
from tests.unit.contacts_helpers import org, patient


def test_patient_bundle_is_valid_fhir(s, nurse):
    p = patient(s)
    family.add_related_person(
        s,
        nurse,
        p.id,
        RelatedPersonInput(
            name="Lucía Pérez",
            relationship="daughter",
            phone="617-555-0120",
            emergency_contact=True,
        ),
        region="US",
    )
    o = org(s, nurse, name="Harbor Meals", org_type="food/meals", email="intake@example.org")
    ref = referrals.create_referral(
        s,
        nurse,
        p.id,
        ReferralInput(
            organization_id=o.id,
            service="Home-delivered meals",
            reason_text="Food",
            reason_kind="care-plan goal",
            reason_id=3,
            consent_recorded=True,
        ),
        send=True,
    )
    referrals.move_referral(s, nurse, ref.id, "accepted")
    data = json.loads(contacts_fhir.patient_bundle(s, nurse, p.id))
    bundle = Bundle.model_validate(data)
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds == ["Organization", "RelatedPerson", "ServiceRequest", "Task"]
    by_kind = {e["resource"]["resourceType"]: e["resource"] for e in data["entry"]}
    assert by_kind["ServiceRequest"]["status"] == "active"
    assert by_kind["ServiceRequest"]["reason"][0]["reference"]["reference"] == "Goal/3"
    assert by_kind["Task"]["status"] == "accepted"
    assert by_kind["RelatedPerson"]["relationship"][0]["coding"][0]["code"] == "DAU"
    assert by_kind["Organization"]["contact"][0]["telecom"][1]["value"] == "intake@example.org"


def test_every_referral_status_maps_to_valid_resources(s, nurse):
    p = patient(s)
    o = org(s, nurse)
    ref = referrals.create_referral(
        s, nurse, p.id, ReferralInput(organization_id=o.id, service="x", reason_text="y")
    )
    for status in contacts_fhir.REQUEST_STATUS:
        ref.status = status
        request, task = contacts_fhir.referral_resources(ref)
        assert request.status == contacts_fhir.REQUEST_STATUS[status]
        assert task.status == status.replace(" ", "-")
