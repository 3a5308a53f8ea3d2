"""The server's log names no patient, on PostgreSQL too (issue: PHI stays out of logs).

Every demo_app module checks its own log when it stops (SQLite, every journey). Here a
nurse works on a clinic database on PostgreSQL — register, search, open, edit, and a save
refused because someone else saved first — and the log is read afterwards.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from tests.browser.conftest import (
    fresh_pg_database,
    phi_in_log,
    sign_in,
    start_app,
    wait_ready,
)
from tests.browser.helpers import fill_birth_date, open_patient, open_patients, until_shown

PG_URL = os.environ.get("CAREDESK_TEST_DATABASE_URL")
PASSWORD = "Lantern-harbor-7"


@pytest.fixture
def pg_app(tmp_path):
    if not PG_URL:
        pytest.skip("needs CAREDESK_TEST_DATABASE_URL (CI sets it)")
    with fresh_pg_database(PG_URL, "caredesk_logs") as url:
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        app = start_app(data_dir, {"CAREDESK_DATABASE_URL": url})
        try:
            made = app.manage(
                "create-user", "nurse1", "--role", "nurse", "--password-stdin", stdin=PASSWORD
            )
            assert made.returncode == 0, made.stderr
            yield app, url
        finally:
            app.stop()


def _patients(url: str) -> list[tuple[str, str, str, str]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT given_name, family_name, mrn, coalesce(phone, '') FROM patient")
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_a_nurses_work_on_postgresql_leaves_no_patient_details_in_the_log(
    page, browser, pg_app, tmp_path
):
    app, url = pg_app
    sign_in(page, app, "nurse1", PASSWORD)
    open_patients(page)
    page.get_by_role("button", name="Register a patient").click()
    page.get_by_label("Given name").fill("Marisol")
    page.get_by_label("Family name").fill("Quintanilla")
    fill_birth_date(page, date(1957, 3, 9))
    page.get_by_label("Phone").fill("(617) 555-0187")
    page.get_by_role("button", name="Register patient").click()
    page.get_by_text("Patient registered (MRN").first.wait_for()
    [(_, _, mrn, _)] = _patients(url)

    # Two sessions edit the same record; the second save is refused (a Conflict, not a crash).
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    for pg in (page, other):
        if pg is other:
            sign_in(pg, app, "nurse1", PASSWORD)
        open_patient(pg, mrn)
        pg.get_by_role("button", name="Edit details").click()
        wait_ready(pg)
    page.get_by_label("City").fill("Quincy")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Changes saved.").first.wait_for()
    other.get_by_label("City").fill("Braintree")
    other.get_by_role("button", name="Save changes").click()
    until_shown(other, "Someone else saved this patient")
    other.context.close()

    people = _patients(url)
    assert [p[:2] for p in people] == [("Marisol", "Quintanilla")]
    app.stop()
    assert phi_in_log(app.log, people) == [], app.log.read_text()[-2000:]
    # The check itself sees a row printed the way a database error used to print it.
    leaked = tmp_path / "leaked.log"
    leaked.write_text("DataError: [parameters: ('Marisol', 'Quintanilla', '+16175550187')]")
    assert set(phi_in_log(leaked, people)) == {"Quintanilla", "+16175550187"}
