"""Downloads that are made only when clicked (the file is built, and the export recorded,
on the click): the patient's FHIR record and a list as Excel, in a real browser."""

from __future__ import annotations

import json
import zipfile

from tests.browser.conftest import go_to, sign_in, wait_ready
from tests.browser.helpers import demo_db, open_patient, query


def test_a_nurse_downloads_the_fhir_record_and_her_caseload(demo_app, page, tmp_path):
    db = demo_db(demo_app)
    (mrn,) = query(db, "SELECT mrn FROM patient WHERE status = 'active' ORDER BY id LIMIT 1")[0]
    sign_in(page, demo_app, "nurse")
    open_patient(page, mrn)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download FHIR record").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    bundle = json.loads(saved.read_text())
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert bundle["entry"][0]["resource"]["identifier"][0]["value"] == mrn
    events = query(db, "SELECT patient_id FROM audit_event WHERE entity = 'fhir_bundle'")
    assert len(events) == 1 and events[0][0] is not None

    go_to(page, "Spreadsheets")
    page.get_by_text("rows", exact=False).first.wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Excel").click()
    sheet = tmp_path / download.value.suggested_filename
    download.value.save_as(sheet)
    assert sheet.name.startswith("caseload-") and zipfile.is_zipfile(sheet)
    wait_ready(page)
    (detail,) = query(db, "SELECT detail FROM audit_event WHERE entity = 'spreadsheet'")[0]
    assert json.loads(detail)["list"] == "caseload"
