"""AppTest of the exchange formats on screen: the FHIR import on the Patients page, the
FHIR download on the patient's page and in Contacts, the Spreadsheets page, and the
directory import of an Open Referral (HSDS) zip."""

from __future__ import annotations

import json
from datetime import date

from db.models import Organization, Patient, RelatedPerson
from db.session import session_scope
from services.contacts import directory_export
from services.core.identity import SYSTEM
from services.patients import registry as patients
from tests.apptest import signed_in, texts
from tests.unit.fhir_samples import synthea_like_bundle


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_nurse_imports_a_fhir_file_and_lands_on_the_patient(app_env):
    at = signed_in("nurse", "pages/patients.py")
    _button(at, "Import patients from a FHIR file").click().run()
    assert at.title[0].value == "Import patients from FHIR"
    bundle = json.dumps(synthea_like_bundle(seed=31)).encode()
    at.file_uploader[0].set_value(
        [("patient.json", bundle, "application/json"), ("broken.json", b"{", "application/json")]
    ).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Patients to add": "1",
        "Already in CareDesk": "0",
        "Records left out": "6",
        "Refused": "1",
    }
    shown = texts(at)
    assert "broken.json: This is not a FHIR JSON file" in shown
    assert "is not a valid number: left out" in shown  # a note on the patient
    with session_scope() as s:
        assert s.query(Patient).count() == 0  # the preview saves nothing
    _button(at, "Import 1 patient").click().run()
    assert not at.exception, at.exception
    assert at.session_state["patient_view"] == "summary"
    assert "Imported: 1 added, 0 matched; 1 family member and 1 coverage added." in texts(at)
    with session_scope() as s:
        assert s.query(Patient).count() == 1 and s.query(RelatedPerson).count() == 1
    # the patient's page shows what the file said about conditions, allergies and medicines
    assert "From other records (read only)" in {e.label for e in at.expander}
    assert any("Allergy to penicillin" in d.value.to_string() for d in at.dataframe)


def test_the_import_is_offered_to_clinical_roles_only(app_env):
    at = signed_in("scheduler", "pages/patients.py")
    assert "Import patients from a FHIR file" not in {b.label for b in at.button}


def test_the_patient_page_and_contacts_offer_the_fhir_download(app_env):
    with session_scope() as s:
        pid = patients.register_patient(
            s,
            SYSTEM,
            patients.PatientInput(
                given_name="Ana", family_name="Reyes", birth_date=date(1950, 1, 2)
            ),
        ).id
    for role, offered in (("nurse", True), ("viewer", False)):
        at = signed_in(role, "pages/patients.py")
        at.session_state["patient_id"], at.session_state["patient_view"] = pid, "summary"
        at.session_state["patient_open_on_arrival"] = True
        at.run()
        labels = {b.label for b in at.get("download_button")}
        assert ("Download FHIR record" in labels) is offered, role
    at = signed_in("nurse", "pages/contacts.py")
    at.session_state["contacts_patient_id"] = pid
    at.segmented_control[0].set_value("Patient contacts").run()
    assert "Download FHIR record" in {b.label for b in at.get("download_button")}


def test_the_spreadsheets_page_lists_and_offers_both_files(app_env):
    with session_scope() as s:
        patients.register_patient(
            s,
            SYSTEM,
            patients.PatientInput(
                given_name="Ana", family_name="Reyes", birth_date=date(1950, 1, 2)
            ),
        )
    at = signed_in("admin", "pages/spreadsheets.py")
    assert not at.exception, at.exception
    assert "1 row" in texts(at)
    assert {b.label for b in at.get("download_button")} == {"Download CSV", "Download Excel"}
    at.segmented_control[0].set_value("appointments").run()
    assert {d.label for d in at.date_input} == {"From", "To"}
    assert "0 rows" in texts(at)


def test_the_directory_imports_an_open_referral_zip(app_env):
    with session_scope() as s:
        s.add(
            Organization(
                name="Harbor Meals",
                org_type="food/meals",
                name_key="harbor meals",
                dedupe_key="harbor meals|",
                phone="+16175550100;ext=12",
            )
        )
    with session_scope() as s:
        package = directory_export.zipped(directory_export.export_hsds(s, SYSTEM))
        for o in s.query(Organization).all():
            s.delete(o)
    at = signed_in("scheduler", "pages/contacts.py")
    at.segmented_control[0].set_value("Import").run()
    at.file_uploader[0].set_value(("directory.zip", package, "application/zip")).run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["New"] == "1"
    _button(at, "Import 1 row").click().run()
    with session_scope() as s:
        (o,) = s.query(Organization).all()
        assert (o.name, o.phone) == ("Harbor Meals", "+16175550100;ext=12")
