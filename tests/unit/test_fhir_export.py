"""FHIR R4 export: every resource of every demo patient valid with fhir.resources' R4B
models, every reference resolvable, the R5-only shapes of the old export gone."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Patient, Referral, Role, User
from services.contacts import referrals
from services.core.errors import PermissionDenied
from services.demo import seed_demo
from services.interop import fhir_export
from services.interop.fhir_common import MRN_SYSTEM, validation_problems
from tests.conftest import actor_for

EVERY_KIND = {
    "Patient",
    "Practitioner",
    "Organization",
    "RelatedPerson",
    "Consent",
    "Coverage",
    "CareTeam",
    "CarePlan",
    "Goal",
    "Condition",
    "Task",
    "ServiceRequest",
    "Appointment",
    "Communication",
    "QuestionnaireResponse",
    "Observation",
}


@pytest.fixture
def demo(s):
    seed_demo(s, patients=30, seed=11)
    return s


@pytest.fixture
def nurse(demo):
    """The demo's nurse (a user made before seeding would make it refuse the database)."""
    return actor_for(demo.scalars(select(User).where(User.username == "nurse")).one())


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_every_resource_of_every_demo_patient_is_valid_r4(demo, nurse):
    # An on-hold referral with a reason crashed the old (R5) export: make sure there is one.
    ref = demo.scalars(select(Referral).where(Referral.status == "requested")).first()
    referrals.move_referral(demo, nurse, ref.id, "on hold", reason="waiting for a bed")
    kinds: Counter = Counter()
    for pid in demo.scalars(select(Patient.id)):
        bundle = fhir_export.patient_bundle(demo, nurse, pid, check=False)
        assert validation_problems(bundle) == []
        assert fhir_export.unresolved(bundle) == []
        assert bundle["type"] == "collection"
        urls = [e["fullUrl"] for e in bundle["entry"]]
        assert all(u.startswith("urn:uuid:") for u in urls) and len(set(urls)) == len(urls)
        assert bundle["entry"][0]["resource"]["resourceType"] == "Patient"
        kinds.update(e["resource"]["resourceType"] for e in bundle["entry"])
    assert set(kinds) >= EVERY_KIND
    bundle = fhir_export.patient_bundle(demo, nurse, ref.patient_id)
    held = [t for t in _resources(bundle, "Task") if t.get("statusReason")]
    assert any(
        t["status"] == "on-hold" and t["statusReason"]["text"] == "waiting for a bed" for t in held
    )


def test_the_patient_carries_mrn_and_us_core_demographics(demo, nurse):
    p = demo.scalars(select(Patient).order_by(Patient.id)).first()
    bundle = fhir_export.patient_bundle(demo, nurse, p.id)
    (patient,) = _resources(bundle, "Patient")
    (mrn,) = patient["identifier"]
    assert mrn["system"] == MRN_SYSTEM and mrn["value"] == p.mrn
    assert mrn["type"]["coding"][0]["code"] == "MR"
    assert patient["name"][0] == {
        "use": "official",
        "family": p.family_name,
        "given": [p.given_name],
    }
    assert patient["birthDate"] == p.birth_date.isoformat() and patient["gender"]
    language = patient["communication"][0]["language"]
    assert language["text"] == p.preferred_language
    assert language["coding"][0]["system"] == "urn:ietf:bcp:47"


def test_no_r5_shapes_and_scores_carry_loinc(demo, nurse):
    loinc = Counter()
    for pid in demo.scalars(select(Patient.id)):
        bundle = fhir_export.patient_bundle(demo, nurse, pid, check=False)
        for org in _resources(bundle, "Organization"):
            assert "description" not in org
        for request in _resources(bundle, "ServiceRequest"):
            assert "concept" not in request["code"] and "reason" not in request
        for goal in _resources(bundle, "Goal"):
            assert goal["expressedBy"]
        for obs in _resources(bundle, "Observation"):
            assert obs["category"][0]["coding"][0]["code"] == "survey"
            loinc.update(c["code"] for c in obs["code"].get("coding", []))
            qr = obs["derivedFrom"][0]["reference"]
            assert qr in {e["fullUrl"] for e in bundle["entry"]}
    assert loinc["44261-6"] and loinc["70274-6"]  # PHQ-9 and GAD-7 totals


def test_the_export_is_audited_and_refused_to_read_only_roles(demo, nurse, make_actor):
    pid = demo.scalars(select(Patient.id)).first()
    fhir_export.patient_bundle(demo, nurse, pid)
    event = demo.scalars(select(AuditEvent).where(AuditEvent.entity == "fhir_bundle")).one()
    assert event.action == "export" and event.patient_id == pid
    with pytest.raises(PermissionDenied):
        fhir_export.patient_bundle(demo, make_actor(Role.VIEWER), pid)
