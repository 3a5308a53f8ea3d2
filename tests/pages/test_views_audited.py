"""Every page that shows a patient records one "view" in the audit trail per opening —
arriving with the patient, or turning to them — and none for the reruns in between."""

import json

import pytest
from sqlalchemy import select

from db.models import AuditEvent
from db.session import session_scope
from tests.apptest import signed_in
from tests.pages.test_patients_page import _seed


def _views(pid: int) -> list[str]:
    with session_scope() as s:
        details = s.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "view patient", AuditEvent.patient_id == pid
            )
        ).all()
    return [json.loads(d)["page"] for d in details]


@pytest.mark.parametrize(
    "page, where",
    [
        ("pages/patients.py", "Patients"),
        ("pages/intake.py", "Intake assessment"),
        ("pages/contacts.py", "Contacts"),
    ],
)
def test_one_view_per_opening(app_env, page, where):
    pid = _seed()
    at = signed_in("nurse")
    at.query_params["patient"] = str(pid)
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    assert _views(pid) == [where]
    at.run()
    at.run()  # clicks on the same page are reruns, not openings
    assert _views(pid) == [where]
    at.switch_page("app.py")
    at.run()
    at.query_params["patient"] = str(pid)
    at.switch_page(page)
    at.run()  # coming back is a new opening
    assert _views(pid) == [where, where]
