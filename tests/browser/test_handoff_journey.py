"""The whole crossing in a real browser: an intake's summary says what changes, the care
plan takes its goals in the patient's words, the draft referral it made is sent from
Contacts (which stays on its tab), a medical appointment is booked with its ride confirmed
in the booking dialog, and the patient's printout in Spanish carries the crisis line and
none of the staff-only work. A screenshot of each step goes to the test's folder."""

from __future__ import annotations

import io
import re
import sqlite3

from pypdf import PdfReader

from tests.browser.conftest import go_to, sign_in, wait_ready
from tests.browser.helpers import (
    after_rerun,
    assert_no_app_error,
    open_tab,
    run_with_app_env,
    settle,
    until_shown,
)

WORDS = "Quiero seguir en mi casa y cocinar para mis nietos"
PREPARE = """
import json, sys
from sqlalchemy import select
from db.models import Coverage, Organization, Patient, User
from db.session import session_scope
from services.core.identity import Actor
from services.intake import draft as drafts

with session_scope() as s:
    nurse = s.scalar(select(User).where(User.username == "nurse"))
    actor = Actor(nurse.id, nurse.username, nurse.display_name, nurse.role)
    p = s.scalar(select(Patient).where(Patient.primary_case_manager_id == nurse.id,
                                       Patient.status == "active").order_by(Patient.id))
    old = drafts.open_draft(s, p.id)
    if old is not None:
        drafts.discard_draft(s, actor, old.id, "journey", old.version)
    # An insurer new to the patient: the summary says it becomes their primary coverage
    # (one the patient already has would be a correction of the member ID instead).
    held = select(Coverage.payer_id).where(Coverage.patient_id == p.id)
    insurer = s.scalar(
        select(Organization)
        .where(Organization.org_type == "insurer", Organization.status == "active",
               Organization.id.not_in(held))
        .order_by(Organization.id)
    )
    intake = drafts.start_intake(s, actor, p.id)
    steps = json.load(sys.stdin)
    steps["insurance"] |= {"payer_id": insurer.id, "payer": insurer.name}
    drafts.save_step(s, actor, intake.id, "identity", {}, intake.version)
    for step, values in steps.items():
        drafts.save_step(s, actor, intake.id, step, values, intake.version)
    print(json.dumps({"id": p.id, "mrn": p.mrn, "family": p.family_name, "insurer": insurer.name}))
"""
STEPS = {
    "living": {"setting": "home", "transport": "needs transport"},
    "insurance": {"member_id": "JRNY-4471"},
    "supports": {
        "caregiver_name": "Lucía Journey",
        "caregiver_relationship": "daughter",
        "caregiver_phone": "(617) 555-0177",
        "involvement": "daily",
        "caregiver_roles": ["primary caregiver"],
    },
    "matters": {"what_matters": WORDS, "language": "Spanish", "literacy": 0},
    "screening": {
        "instruments": ["phq9", "ahc_hrsn"],
        "answers": {
            "phq9": [2, 2, 1, 1, 1, 1, 1, 1, 0],  # moderate: a behavioral health referral
            "ahc_hrsn": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1],  # transportation
        },
    },
    "services": {"needed": ["transportation"]},
}


def _db(app) -> sqlite3.Connection:
    return sqlite3.connect(app.data_dir / "caredesk-demo.sqlite3")


def _shot(pg, app, name: str) -> None:
    pg.screenshot(path=str(app.data_dir.parent / f"handoff-{name}.png"), full_page=True)


def _pick(pg, label: str, text: str, scope=None, reruns: bool = False) -> None:
    """A selectbox: open it, type to filter, take the first match. `reruns`: the choice
    (a new one, outside a form) runs the page again; wait for that run."""
    (scope or pg).get_by_role("combobox", name=label).click()
    pg.keyboard.type(text)
    pick = pg.get_by_role("option").filter(has_text=text).first.click
    after_rerun(pg, pick) if reruns else pick()
    wait_ready(pg)


def test_intake_to_plan_referral_ride_and_printout(page, demo_app):
    pg, app = page, demo_app
    patient = run_with_app_env(app, PREPARE, STEPS)
    sign_in(pg, app, "nurse")

    # Intake: the summary merges transport, says what changes in Contacts, hands on.
    go_to(pg, "Intake assessment")
    _pick(pg, "Resume the intake for", patient["mrn"])
    until_shown(pg, "What completing changes in Contacts")
    wait_ready(pg)  # the lines below that heading come later in the same run
    shown = pg.get_by_test_id("stMain").inner_text()
    assert (
        "Lucía Journey (daughter) joins the family list in Contacts as primary caregiver" in shown
    )
    assert f"{patient['insurer']} (member ID JRNY-4471) becomes" in shown
    assert shown.count("A draft referral for transportation to appointments") == 1
    _shot(pg, app, "1-intake-summary")
    pg.get_by_role("button", name="Start care plan from this intake").click()
    pg.get_by_role("heading", name="Care plan").wait_for()
    until_shown(pg, "added to the plan as proposed")
    with _db(app) as c:  # the goals table is drawn on a canvas: read what it shows
        (said,) = c.execute(
            "SELECT said_by FROM care_goal WHERE patient_id = ? AND patients_words = ?",
            (patient["id"], WORDS),
        ).fetchone()
        coverage = c.execute(
            'SELECT o.name, c."order" FROM coverage c JOIN organization o ON o.id = c.payer_id '
            "WHERE c.patient_id = ? AND c.member_id = 'JRNY-4471' AND c.status = 'active'",
            (patient["id"],),
        ).fetchall()
    assert said == "patient"
    assert coverage == [(patient["insurer"], 1)]  # completing did what the summary said
    _shot(pg, app, "2-care-plan")

    # Contacts: the transport draft goes out; the Referrals tab stays open.
    go_to(pg, "Contacts")
    after_rerun(pg, pg.get_by_test_id("stButtonGroup").get_by_text("Patient contacts").click)
    pg.get_by_label("Find a patient").fill(patient["mrn"])
    after_rerun(pg, lambda: pg.get_by_label("Find a patient").press("Enter"))
    _pick(pg, "Patient", patient["mrn"], reruns=True)
    open_tab(pg, "Referrals")
    _pick(pg, "Draft", "transportation to appointments")
    settle(pg)  # a draft other than the first runs the page again, with a new send form
    pg.get_by_text("Patient consented to share with this organization").first.click()
    pg.get_by_role("button", name="Send referral").click()
    wait_ready(pg)
    until_shown(pg, "Referral sent.")
    assert pg.get_by_role("tab", name="Referrals").get_attribute("aria-selected") == "true"
    _shot(pg, app, "3-referral-sent")

    # Calendar: an outside appointment with its ride confirmed, in the booking dialog.
    go_to(pg, "Calendar")
    settle(pg)  # the widget's own run, a moment after it draws, would close the dialog's list
    pg.get_by_role("button", name="New appointment").click()
    dialog = pg.get_by_role("dialog")
    dialog.wait_for()
    _pick(pg, "Patient", patient["family"], dialog)
    settle(pg)  # the choice runs the dialog again (it is not a form)
    dialog.get_by_test_id("stButtonGroup").get_by_text("Ride confirmed").click()
    wait_ready(pg)
    dialog.get_by_role("combobox", name="Transport vendor").wait_for()
    _shot(pg, app, "4-booking-with-ride")
    dialog.get_by_role("button", name="Book appointment").click()
    until_shown(pg, "Appointment booked. Ride confirmed.")
    assert_no_app_error(pg)
    with _db(app) as c:
        referral = c.execute(
            "SELECT status, organization_id FROM referral WHERE patient_id = ? "
            "AND service = 'transportation to appointments' ORDER BY id DESC",
            (patient["id"],),
        ).fetchone()
        ride = c.execute(
            "SELECT t.confirmed, t.vendor_contact_id FROM transport_booking t JOIN appointment a "
            "ON a.id = t.appointment_id WHERE a.patient_id = ? ORDER BY t.id DESC",
            (patient["id"],),
        ).fetchone()
    assert referral[0] == "requested" and referral[1]
    assert ride[0] == 1 and ride[1]

    # The printout in Spanish, in one click.
    go_to(pg, "Care plan")
    open_tab(pg, "Print")
    pg.get_by_text("Español").click()
    wait_ready(pg)
    button = pg.get_by_test_id("stDownloadButton").filter(has_text="in Español")
    _shot(pg, app, "5-print")
    with pg.expect_download() as download:
        button.click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Mi plan de cuidado" in text and WORDS in text
    assert "al 988" in text and re.search(r"línea directa: \(617\) 555-01\d\d", text)
    for staff_only in ("Post-discharge", "Same-day", "Refer", "My care plan"):
        assert staff_only not in text, staff_only
