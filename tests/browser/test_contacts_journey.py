"""Contacts in a real browser: import a CSV with one bad row, send a referral and take it to
completed, log a call whose follow-up becomes a task."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import go_to, sign_in, wait_ready
from tests.browser.helpers import after_rerun, open_section, open_tab


def _db(app) -> sqlite3.Connection:
    return sqlite3.connect(app.data_dir / "caredesk-demo.sqlite3")


@pytest.fixture(scope="module")
def quiet_patient(demo_app) -> tuple[int, str]:
    """An active demo patient with no referrals yet."""
    with _db(demo_app) as c:
        return c.execute(
            "SELECT id, mrn FROM patient WHERE status = 'active' AND id NOT IN "
            "(SELECT patient_id FROM referral) ORDER BY id LIMIT 1"
        ).fetchone()


def _view(page, name: str) -> None:
    after_rerun(page, page.get_by_test_id("stButtonGroup").get_by_text(name, exact=True).click)


def _choose(page, label: str, option: str, in_form: bool = False) -> None:
    """A selectbox: type to filter the options, Enter takes the first match (steadier than a
    mouse pick). Outside a form the choice reruns the page: wait for that run to end."""
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True)).last
    wait_ready(page)
    if option in box.locator("input").input_value():  # a picker proposing the first match
        return
    for attempt in range(3):  # a rerun landing as the list opens closes it again
        wait_ready(page)
        box.locator("input").click()
        page.keyboard.type(option)
        try:
            page.get_by_role("option", name=option).first.wait_for(timeout=8_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    if in_form:
        page.keyboard.press("Enter")
        expect(box.locator("input")).to_have_value(option)
    else:
        after_rerun(page, lambda: page.keyboard.press("Enter"))


def _find(page, label: str, text: str) -> None:
    page.get_by_label(label).fill(text)
    after_rerun(page, lambda: page.keyboard.press("Enter"))


def _open_patient(page, mrn: str, tab: str) -> None:
    _view(page, "Patient contacts")
    _find(page, "Find a patient", mrn)
    _choose(page, "Patient", mrn)
    open_tab(page, tab)


def test_import_csv_with_one_bad_row(page, demo_app, tmp_path):
    csv = tmp_path / "agencies.csv"
    csv.write_text(
        "name,type,services,phone,email\n"
        "Journey Meals Program,food/meals,home-delivered meals,(617) 555-0161,meals@example.org\n"
        "Journey Ride Service,transport vendor,wheelchair van,(617) 555-0162,\n"
        "Journey Broken Row,spaceship,,12345,not-an-email\n"
    )
    sign_in(page, demo_app, "scheduler")
    go_to(page, "Contacts")
    _view(page, "Import")
    page.locator("input[type=file]").set_input_files(str(csv))
    wait_ready(page)
    page.get_by_text("Rows with problems", exact=True).first.wait_for()
    problems = page.get_by_test_id("stText").filter(has_text="Line 4:").inner_text()
    assert "Journey Broken Row" in problems and "phone" in problems
    page.get_by_role("button", name="Import 2 rows").click()
    wait_ready(page)
    page.get_by_text("Imported: 2 added, 0 merged, 0 skipped, 1 not imported.").first.wait_for()
    with _db(demo_app) as c:
        names = [
            r[0] for r in c.execute("SELECT name FROM organization WHERE name LIKE 'Journey%'")
        ]
    assert sorted(names) == ["Journey Meals Program", "Journey Ride Service"]


def test_send_a_referral_and_take_it_to_completed(page, demo_app, quiet_patient):
    pid, mrn = quiet_patient
    with _db(demo_app) as c:
        org = c.execute(
            "SELECT name FROM organization WHERE org_type = 'food/meals' AND phone IS NOT NULL "
            "ORDER BY id LIMIT 1"
        ).fetchone()[0]
    sign_in(page, demo_app, "nurse")
    go_to(page, "Contacts")
    _open_patient(page, mrn, "Referrals")
    open_section(page, "New referral")
    _find(page, "Find the organization", org)
    _choose(page, "Refer to", org)
    page.get_by_label("Service requested").fill("Home-delivered meals")
    page.get_by_label("Reason").fill("Lives alone, cannot shop or cook")
    page.get_by_text("Patient consented to share with this organization").click()
    page.get_by_role("button", name="Send referral").click()
    wait_ready(page)
    page.get_by_text("Referral sent.").first.wait_for()
    for status in ("received", "accepted", "in progress", "completed"):
        open_tab(page, "Referrals")
        open_section(page, "Move a referral along")
        _choose(page, "New status", status, in_form=True)
        if status == "completed":
            page.get_by_label("Outcome (needed to close)").fill("Meals started Monday, 5 a week")
        page.get_by_role("button", name="Save status").click()
        wait_ready(page)
        page.get_by_text(f"Referral is now {status}.").first.wait_for()
    with _db(demo_app) as c:
        status, outcome = c.execute(
            "SELECT status, outcome FROM referral WHERE patient_id = ?", (pid,)
        ).fetchone()
        steps = [
            r[0]
            for r in c.execute(
                "SELECT to_status FROM referral_event e JOIN referral r ON r.id = e.referral_id "
                "WHERE r.patient_id = ? ORDER BY e.id",
                (pid,),
            )
        ]
    assert (status, outcome) == ("completed", "Meals started Monday, 5 a week")
    assert steps == ["draft", "requested", "received", "accepted", "in progress", "completed"]


def test_log_a_call_with_a_follow_up_that_becomes_a_task(page, demo_app, quiet_patient):
    pid, mrn = quiet_patient
    due = (datetime.now(UTC) + timedelta(days=3)).date()
    sign_in(page, demo_app, "nurse")
    go_to(page, "Contacts")
    _open_patient(page, mrn, "Communication log")
    open_section(page, "Log a call, e-mail or visit")
    page.get_by_label("Summary", exact=True).fill("Called patient about meal delivery start")
    page.get_by_label("Outcome", exact=True).fill("Patient agreed to Monday start")
    for part, value in (("year", due.year), ("month", due.month), ("day", due.day)):
        segment = page.get_by_role("spinbutton", name=f"{part}, Follow-up date (becomes a task)")
        segment.click()
        page.keyboard.type(f"{value:02d}")
    page.get_by_label("Follow-up task", exact=True).fill("Check first meal was delivered")
    page.get_by_role("button", name="Log communication").click()
    wait_ready(page)
    page.get_by_text("Communication logged.").first.wait_for()
    with _db(demo_app) as c:
        task = c.execute(
            "SELECT t.title, t.due_on, t.source_kind FROM task t JOIN communication m "
            "ON m.follow_up_task_id = t.id WHERE m.patient_id = ?",
            (pid,),
        ).fetchone()
    assert task == ("Check first meal was delivered", due.isoformat(), "communication")
    go_to(page, "My day")
    page.get_by_text("Overdue tasks").first.wait_for()
