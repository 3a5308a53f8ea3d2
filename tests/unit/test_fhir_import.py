"""FHIR R4 import: a generated (Synthea-like) patient; export -> import into a fresh
database -> export gives the same Patient, RelatedPerson and Coverage; duplicates matched
by MRN or by name and birth date; malformed and non-R4 files refused, nothing half-imported."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    AuditEvent,
    Base,
    Coverage,
    Organization,
    OutsideRecordItem,
    Patient,
    RelatedPerson,
    Role,
    User,
)
from db.session import make_engine
from services.contacts import coverage as coverage_service
from services.core.errors import InvalidInput
from services.demo import seed_demo
from services.interop import fhir_export, fhir_import
from services.interop.fhir_import import ImportFailed, apply_import, preview_import
from services.patients import registry
from services.patients.registry import PatientInput
from tests.conftest import actor_for, make_user
from tests.unit.fhir_samples import synthea_like_bundle

KEPT = ("Patient", "RelatedPerson", "Coverage")


def _file(bundle: dict, name: str = "patient.json") -> tuple[str, bytes]:
    return name, json.dumps(bundle).encode()


def _content(bundle: dict) -> dict[str, list]:
    """Patient, RelatedPerson and Coverage without ids, each reference as the type it names."""
    kinds = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}

    def plain(node):
        if isinstance(node, dict):
            out = {k: plain(v) for k, v in node.items() if k != "id"}
            if "reference" in out:
                out["reference"] = kinds[node["reference"]]
            return out
        if isinstance(node, list):
            return [plain(v) for v in node]
        return node

    out: dict[str, list] = {k: [] for k in KEPT}
    for e in bundle["entry"]:
        res = e["resource"]
        if res["resourceType"] in KEPT:
            out[res["resourceType"]].append(json.dumps(plain(res), sort_keys=True))
    return {k: sorted(v) for k, v in out.items()}


def test_export_import_export_round_trip_keeps_patient_family_and_coverage(s):
    seed_demo(s, patients=12, seed=5)
    nurse = actor_for(s.scalars(select(User).where(User.username == "nurse")).one())
    # The demo writes family e-mails under example.test, which CareDesk's own e-mail check
    # refuses (a reserved name): give them a domain a nurse could type, as real data has.
    for person in s.scalars(select(RelatedPerson).where(RelatedPerson.email.is_not(None))):
        person.email = person.email.replace("example.test", "example.org")
    first = [fhir_export.patient_bundle(s, nurse, pid) for pid in s.scalars(select(Patient.id))]
    assert sum(len(_content(b)["RelatedPerson"]) for b in first) > 3
    assert sum(len(_content(b)["Coverage"]) for b in first) > 3
    fresh = make_engine("sqlite://")
    Base.metadata.create_all(fresh)
    with Session(fresh) as t:
        nurse = actor_for(make_user(t, "nurse", Role.NURSE))
        result = apply_import(
            t, nurse, [_file(b, f"{n}.json") for n, b in enumerate(first)], region="US"
        )
        assert (result.created, result.matched, result.refused) == (len(first), 0, 0)
        again = {
            b["entry"][0]["resource"]["identifier"][0]["value"]: _content(b)
            for b in (fhir_export.patient_bundle(t, nurse, pid) for pid in result.patient_ids)
        }
    fresh.dispose()
    for bundle in first:
        mrn = bundle["entry"][0]["resource"]["identifier"][0]["value"]
        for kind in KEPT:
            assert again[mrn][kind] == _content(bundle)[kind], kind


def test_a_generated_synthea_like_patient_comes_in_with_family_and_insurance(s, nurse):
    files = [_file(synthea_like_bundle(seed=3))]
    preview = preview_import(s, nurse, files)
    counts = preview.counts()
    assert (counts["created"], counts["matched"], counts["refused"]) == (1, 0, 0)
    assert counts["ignored"] == 6  # encounter, observation, immunization, claim, ...
    reasons = {kind: why for kind, _, why in preview.files[0].ignored}
    assert "Encounter" in reasons and "billing" in reasons["Claim"]
    (outcome,) = preview.files[0].patients
    assert any("MRN" in note for note in outcome.plan.notes)  # Synthea's 36-character id
    assert any("555-" in note for note in outcome.plan.notes)  # an invalid phone, left out
    assert s.query(Patient).count() == 0  # a preview saves nothing
    result = apply_import(s, nurse, files, region="US")
    p = s.get(Patient, result.patient_ids[0])
    assert p.mrn.startswith("CD") and p.preferred_language == "Spanish"
    assert p.phone and p.phone.startswith("+1617555") and p.city
    (person,) = s.scalars(select(RelatedPerson).where(RelatedPerson.patient_id == p.id))
    assert (person.relationship_, person.emergency_contact) == ("daughter", True)
    (cov,) = s.scalars(select(Coverage).where(Coverage.patient_id == p.id))
    insurer = s.get(Organization, cov.payer_id)
    assert insurer.name == "Bayview Medicare Advantage" and insurer.org_type == "insurer"
    assert cov.plan_name == "Medicare Advantage HMO" and cov.member_id.startswith("BMA")
    kept = s.scalars(select(OutsideRecordItem).where(OutsideRecordItem.patient_id == p.id)).all()
    assert sorted((i.kind, i.text) for i in kept) == [
        ("allergy", "Allergy to penicillin"),
        ("condition", "Diabetes"),
        ("condition", "Hypertension"),
        ("medication", "metformin 500 MG"),
    ]
    events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "fhir_import")).all()
    assert len(events) == 1
    # the same file again: matched, nothing doubled
    again = apply_import(s, nurse, files, region="US")
    assert (again.created, again.matched, again.family_added, again.coverage_added) == (0, 1, 0, 0)
    assert s.query(Patient).count() == 1 and s.query(Organization).count() == 1
    current = s.query(OutsideRecordItem).filter(OutsideRecordItem.replaced_at.is_(None))
    assert current.count() == 4 and s.query(OutsideRecordItem).count() == 8  # replaced, kept


def test_a_patient_with_the_same_name_and_birth_date_is_matched_and_merged_or_left(s, nurse):
    bundle = synthea_like_bundle(seed=4)
    res = bundle["entry"][0]["resource"]
    given, family = res["name"][0]["given"][0], res["name"][0]["family"]
    existing = registry.register_patient(
        s,
        nurse,
        PatientInput(
            given_name=given.upper(),
            family_name=family,
            birth_date=date.fromisoformat(res["birthDate"]),
        ),
    )
    skip = apply_import(s, nurse, [_file(bundle)], duplicates="skip", region="US")
    assert (skip.created, skip.matched) == (0, 1)
    assert existing.address_line is None and s.query(RelatedPerson).count() == 0
    merged = apply_import(s, nurse, [_file(bundle)], region="US")
    assert merged.patient_ids == [existing.id]
    s.refresh(existing)
    assert existing.address_line and existing.preferred_language == "English"  # kept, not blank
    assert s.query(RelatedPerson).count() == 1 and s.query(Patient).count() == 1


def test_an_mrn_that_belongs_to_someone_else_is_refused(s, nurse):
    registry.register_patient(
        s,
        nurse,
        PatientInput(
            given_name="Other", family_name="Person", birth_date=date(1980, 1, 1), mrn="A-1"
        ),
    )
    bundle = synthea_like_bundle(seed=5)
    bundle["entry"][0]["resource"]["identifier"][1]["value"] = "A-1"
    preview = preview_import(s, nurse, [_file(bundle)])
    (outcome,) = preview.files[0].patients
    assert outcome.action == "refuse" and "MRN A-1 already belongs" in outcome.reason
    assert preview.counts()["refused"] == 1


def test_malformed_and_non_r4_files_are_refused_whole(s, nurse):
    good = synthea_like_bundle(seed=6)
    r5 = synthea_like_bundle(seed=8)
    r5["entry"][1]["resource"]["description"] = "An R5 Organization.description"
    coverage = next(e for e in r5["entry"] if e["resource"]["resourceType"] == "Coverage")
    coverage["resource"]["kind"] = "insurance"  # R5 Coverage.kind
    files = [
        ("broken.json", b'{"resourceType": "Bundle", "entry": [{'),
        _file(r5, "r5.json"),
        ("notes.json", b'{"resourceType": "Basic"}'),
        _file(good, "good.json"),
    ]
    preview = preview_import(s, nurse, files)
    refused = {f.name: f.refused for f in preview.files if f.refused}
    assert set(refused) == {"broken.json", "r5.json", "notes.json"}
    assert "JSON" in refused["broken.json"] and "R4" in refused["r5.json"]
    assert preview.counts()["refused"] == 3 and preview.counts()["created"] == 1
    result = apply_import(s, nurse, files, region="US")
    assert result.created == 1 and s.query(Patient).count() == 1  # the good file only


def test_a_failure_while_saving_imports_nothing(s, nurse, monkeypatch):
    files = [
        _file(synthea_like_bundle(seed=9), "a.json"),
        _file(synthea_like_bundle(seed=10), "b.json"),
    ]
    calls = []

    def failing(session, actor, patient_id, data):
        calls.append(patient_id)
        if len(calls) == 2:
            raise InvalidInput({"member_id": "Give the member id from the insurance card."})
        return real(session, actor, patient_id, data)

    real = coverage_service.add_coverage
    monkeypatch.setattr(coverage_service, "add_coverage", failing)
    with pytest.raises(ImportFailed) as exc, s.begin_nested():
        apply_import(s, nurse, files, region="US")
    assert "nothing was imported" in str(exc.value)
    assert s.query(Patient).count() == 0 and s.query(Coverage).count() == 0


def test_a_single_patient_resource_is_read_too(s, nurse):
    patient = synthea_like_bundle(seed=12)["entry"][0]["resource"]
    preview = fhir_import.preview_import(s, nurse, [_file(patient)])
    assert preview.counts() == {"created": 1, "matched": 0, "ignored": 0, "refused": 0}
