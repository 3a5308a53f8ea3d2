"""A nurse registers, corrects, edits, archives and restores patients in a real browser."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from db.base import today as clinic_today
from tests.browser.conftest import sign_in, wait_ready
from tests.browser.helpers import (
    assert_no_app_error,
    choose_patient,
    demo_db,
    fill_birth_date,
    main_text,
    message_below,
    open_patient,
    open_patients,
    open_popover,
    query,
    search,
    until_shown,
)


def _register_form(pg) -> None:
    open_patients(pg)
    pg.get_by_role("button", name="Register a patient").click()
    pg.get_by_role("heading", name="Register a patient").wait_for()


def _submit(pg, name: str = "Register patient") -> None:
    pg.get_by_role("button", name=name).click()
    wait_ready(pg)
    assert_no_app_error(pg)


def _count(app, family: str) -> int:
    return query(demo_db(app), "SELECT count(*) FROM patient WHERE family_name = ?", family)[0][0]


def test_bad_input_gets_a_message_next_to_each_field_and_saves_nothing(page, demo_app):
    patients_before = query(demo_db(demo_app), "SELECT count(*) FROM patient")[0][0]
    sign_in(page, demo_app, "nurse")
    _register_form(page)
    page.get_by_label("Family name").fill("Fieldcheck")
    fill_birth_date(page, clinic_today() + timedelta(days=400))
    page.get_by_label("Phone").fill("12345")
    page.get_by_label("Email").fill("not-an-email")
    _submit(page)
    page.get_by_text("Enter the given (first) name.").wait_for()

    assert (
        message_below(page.get_by_label("Given name")) == "error\n\nEnter the given (first) name."
    )
    assert "cannot be in the future" in message_below(
        page.get_by_role("group", name="Date of birth")
    )
    assert "not a valid phone number" in message_below(page.get_by_label("Phone"))
    assert "e-mail address is not valid" in message_below(page.get_by_label("Email"))
    assert message_below(page.get_by_label("Family name")) == ""  # the good field has no error
    # What was typed stays in the form so the nurse only fixes the mistakes.
    assert page.get_by_label("Family name").input_value() == "Fieldcheck"
    assert page.get_by_label("Phone").input_value() == "12345"
    assert query(demo_db(demo_app), "SELECT count(*) FROM patient")[0][0] == patients_before

    # Fixing every field registers the patient and opens the new record.
    page.get_by_label("Given name").fill("Ada")
    fill_birth_date(page, date(1948, 2, 29))
    page.get_by_label("Phone").fill("(617) 555-0134")
    page.get_by_label("Email").fill("ada.fieldcheck@example.org")
    _submit(page)
    page.get_by_text("Patient registered (MRN").first.wait_for()
    rows = query(
        demo_db(demo_app),
        "SELECT given_name, birth_date, phone, email FROM patient WHERE family_name = 'Fieldcheck'",
    )
    assert rows == [("Ada", "1948-02-29", "+16175550134", "ada.fieldcheck@example.org")]
    page.get_by_text("Fieldcheck, Ada · MRN CD").first.wait_for()  # the new record opens


def test_same_name_and_birth_date_warns_and_opens_the_existing_record(page, demo_app):
    sign_in(page, demo_app, "nurse")
    _register_form(page)
    page.get_by_label("Given name").fill("José")
    page.get_by_label("Family name").fill("Duplicado")
    fill_birth_date(page, date(1961, 7, 14))
    _submit(page)
    page.get_by_text("Patient registered (MRN").first.wait_for()
    [(first_id, mrn)] = query(
        demo_db(demo_app), "SELECT id, mrn FROM patient WHERE family_name = 'Duplicado'"
    )

    # Same person typed again, without the accent and in other case.
    _register_form(page)
    page.get_by_label("Given name").fill("jose")
    page.get_by_label("Family name").fill("DUPLICADO")
    fill_birth_date(page, date(1961, 7, 14))
    _submit(page)
    page.get_by_text(
        "A patient with the same name and date of birth is already registered"
    ).wait_for()
    assert _count(demo_app, "DUPLICADO") + _count(demo_app, "Duplicado") == 1
    expect(page.get_by_role("button", name="Register anyway")).to_be_visible()
    page.get_by_role("button", name=f"Open existing record: MRN {mrn}").click()
    wait_ready(page)
    page.get_by_text(f"Duplicado, José · MRN {mrn} · born Jul 14, 1961").first.wait_for()
    expect(page.get_by_role("button", name="Edit details")).to_be_visible()
    assert (
        query(demo_db(demo_app), "SELECT count(*) FROM patient WHERE id > ?", first_id)[0][0] == 0
    )


def _demo_patient(app, offset: int) -> tuple[int, str, str]:
    return query(
        demo_db(app),
        "SELECT id, mrn, given_name FROM patient WHERE status = 'active' ORDER BY id LIMIT 1 OFFSET ?",
        offset,
    )[0]


def test_edit_saves_the_change_and_shows_it(page, demo_app):
    pid, mrn, _ = _demo_patient(demo_app, 3)
    sign_in(page, demo_app, "nurse")
    open_patient(page, mrn)
    page.get_by_role("button", name="Edit details").click()
    wait_ready(page)
    page.get_by_label("Pronouns (optional)").fill("they/them")
    page.get_by_label("City").fill("Lowell")
    _submit(page, "Save changes")
    page.get_by_text("Changes saved.").first.wait_for()
    page.get_by_role("button", name="Edit details").wait_for()  # back on the summary
    assert query(demo_db(demo_app), "SELECT pronouns, city FROM patient WHERE id = ?", pid) == [
        ("they/them", "Lowell")
    ]


def test_archive_needs_a_reason_and_restore_brings_the_patient_back(page, demo_app):
    pid, mrn, _ = _demo_patient(demo_app, 5)
    sign_in(page, demo_app, "nurse")
    open_patient(page, mrn)

    open_popover(page, "Archive")
    page.get_by_role("button", name="Archive this patient").click()
    wait_ready(page)
    open_popover(page, "Archive")
    reason_box = page.get_by_label("Reason for archiving")
    page.get_by_text("Say why this patient is archived").wait_for()
    assert "Say why this patient is archived" in message_below(reason_box)
    assert query(demo_db(demo_app), "SELECT status FROM patient WHERE id = ?", pid) == [("active",)]

    reason_box.fill("Moved to Florida")
    page.get_by_role("button", name="Archive this patient").click()
    wait_ready(page)
    page.get_by_text("Patient archived.").first.wait_for()
    page.get_by_text("This patient is archived.").first.wait_for()
    assert "Reason: Moved to Florida" in main_text(page)
    assert query(
        demo_db(demo_app), "SELECT status, status_reason FROM patient WHERE id = ?", pid
    ) == [("archived", "Moved to Florida")]

    # Archived patients leave the default search and come back with "Include archived".
    page.get_by_role("button", name="← Back to search").click()
    wait_ready(page)
    search(page, mrn)
    until_shown(page, "\n0 patient(s) found")
    page.get_by_test_id("stCheckbox").filter(has_text="Include archived").click()
    until_shown(page, "\n1 patient(s) found")
    choose_patient(page, mrn)
    until_shown(page, "This patient is archived.")  # the record is open
    open_popover(page, "Restore")
    page.get_by_role("button", name="Restore this patient").click()
    wait_ready(page)
    page.get_by_text("Patient restored.").first.wait_for()
    until_shown(page, "This patient is archived.", shown=False)
    assert query(
        demo_db(demo_app), "SELECT status, status_reason FROM patient WHERE id = ?", pid
    ) == [("active", None)]
