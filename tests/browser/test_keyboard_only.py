"""Keyboard only: a nurse who cannot use a mouse signs in, does a whole intake, books an
appointment and logs a call with Tab, Shift+Tab, Enter, Space, the arrow keys and typing.

The page is watched for any mouse or touch press (none may happen); each step looks at the
page only to know when the wanted control has the focus. The calendar grid itself is not
driven by keyboard (FullCalendar's time slots take no focus): the appointment is booked
through the page's own "New appointment" form, which is.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.browser.conftest import wait_ready
from tests.browser.helpers import after_rerun, demo_db, query, settle, until_page
from tests.browser.keyboard import (
    add_choice,
    choose,
    focused,
    pick_radio,
    pick_segment,
    press,
    press_and_rerun,
    tab_to,
    type_into,
)

# Counts every real mouse, pointer or touch press in the page, from its first load on.
COUNT_PRESSES = """
window.__pointerPresses = 0;
for (const kind of ['mousedown', 'pointerdown', 'touchstart']) {
    window.addEventListener(kind, e => { if (e.isTrusted) window.__pointerPresses += 1; }, true);
}
"""
CLINIC_TZ = "America/New_York"  # the demo clinic's
STEP = "() => (document.body.innerText.match(/Step \\d+ of \\d+: [^\\n]*/) || [''])[0]"


def _patient_without_intake(app) -> tuple[int, str, str]:
    pid, mrn, family = query(
        demo_db(app),
        "SELECT id, mrn, family_name FROM patient WHERE status = 'active' "
        "AND id NOT IN (SELECT patient_id FROM intake) ORDER BY id LIMIT 1",
    )[0]
    return pid, mrn, family


def _next_sunday_far_off() -> date:
    """A day with nothing booked yet (the demo books weekdays around today)."""
    day = date.today() + timedelta(days=300)
    return day + timedelta(days=(6 - day.weekday()))


def _nav(pg, label: str) -> None:
    press(pg, pg.get_by_test_id("stSidebar").get_by_role("link", name=label))
    until_page(pg, label)


def _save_step(pg, label: str = "Save and continue") -> None:
    """Save an intake step with Enter on its button, and wait for the next step."""
    before = pg.evaluate(STEP)
    press(pg, pg.get_by_role("button", name=label))
    pg.wait_for_function(f"b => ({STEP})() !== b", arg=before)
    wait_ready(pg)


def _find_patient(pg, mrn: str, combobox: str = "Patient") -> None:
    type_into(pg, pg.get_by_label("Find a patient"), mrn)
    after_rerun(pg, lambda: pg.keyboard.press("Enter"))
    choose(pg, pg.get_by_role("combobox", name=combobox), mrn)
    wait_ready(pg)


def _intake(pg, mrn: str) -> None:
    _nav(pg, "Intake assessment")
    _find_patient(pg, mrn)
    press_and_rerun(pg, pg.get_by_role("button", name="Start a new intake"))
    pg.get_by_text("Step 1 of 8: Identity and contact").wait_for()
    _save_step(pg)
    pick_radio(pg, pg.get_by_role("radiogroup", name="Where does the patient live?"), "home")
    pick_radio(pg, pg.get_by_role("radiogroup", name="Getting to appointments"), "needs transport")
    _save_step(pg)
    pg.get_by_text("Step 3 of 8: Insurance").wait_for()
    tab_to(pg, pg.get_by_role("combobox", name="Insurer"))
    pg.keyboard.type("Medicare")  # not in the directory: typed as it is
    pg.keyboard.press("Enter")
    type_into(pg, pg.get_by_label("Member ID"), "1EG4-TE5-MK73")
    _save_step(pg)
    _save_step(pg)  # supports: none recorded
    words = pg.get_by_label("What matters most to you right now? (their own words)")
    type_into(pg, words, "Keep living with my cat")
    confident = pg.get_by_role("radiogroup", name=re.compile("^How confident are you filling"))
    pick_radio(pg, confident, "Somewhat")
    _save_step(pg)
    # Screening: one instrument chosen in the list (Backspace takes the proposed ones off).
    pg.get_by_text("Step 6 of 8: Screening").wait_for()
    settle(pg)
    chooser = pg.locator("details").filter(has_text="Instruments for this patient")
    if chooser.get_attribute("open") is None:
        press(pg, chooser.locator("summary"))
    add_choice(
        pg, pg.get_by_role("combobox", name="Instruments for this patient"), "PHQ-2", clear=6
    )
    press_and_rerun(pg, pg.get_by_role("button", name="Use these instruments"))
    pg.get_by_text("Instrument 1 of 1").wait_for()
    for question in ("Little interest or pleasure in doing things", "Feeling down, depressed"):
        pick_radio(pg, pg.get_by_role("radiogroup", name=re.compile(question)), "Several days")
    _save_step(pg)
    _save_step(pg, "Save and see summary")
    pg.get_by_text("Step 8 of 8: Summary").wait_for()
    press_and_rerun(pg, pg.get_by_role("button", name="Complete intake"))
    pg.get_by_text("Intake completed.").first.wait_for()


def _book(pg, mrn: str, day: date) -> None:
    _nav(pg, "Calendar")
    settle(pg)  # the calendar widget asks for a run once it has drawn
    press_and_rerun(pg, pg.get_by_role("button", name="New appointment"))
    settle(pg)
    dialog = pg.get_by_role("dialog")
    type_into(pg, dialog.get_by_role("textbox", name="Find another patient"), mrn)
    after_rerun(pg, lambda: pg.keyboard.press("Enter"))
    # The dialog is not a form: the patient chosen, and each field left, run it again;
    # the next field is already there, so each waits for that run (which may also move
    # the focus: Tab finds the field again).
    choose(pg, dialog.get_by_role("combobox", name="Patient"), mrn)
    settle(pg)
    tab_to(pg, dialog.get_by_role("spinbutton", name="month, Date"))
    pg.keyboard.type(day.strftime("%m%d%Y"))  # the US order: month, day, year
    hour = dialog.get_by_role("spinbutton", name="hour, Start")
    tab_to(pg, hour)
    settle(pg)
    tab_to(pg, hour)
    pg.keyboard.type("1030")
    provider = dialog.get_by_role("combobox", name="Provider or facility")
    tab_to(pg, provider)
    settle(pg)
    tab_to(pg, provider)
    pg.keyboard.type("Dr. Lin's office")
    pg.keyboard.press("Enter")
    settle(pg)
    press(pg, dialog.get_by_role("button", name="Book appointment"))
    pg.get_by_text("Appointment booked.").first.wait_for()
    wait_ready(pg)


def _log_call(pg, mrn: str) -> None:
    _nav(pg, "Contacts")
    pick_segment(pg, pg.get_by_role("radiogroup", name="Show"), "Patient contacts")
    _find_patient(pg, mrn)
    log = pg.get_by_role("tab", name="Communication log")
    for _ in range(6):  # the arrow keys move along the tabs; each opens (and runs) its tab
        if log.get_attribute("aria-selected") == "true":
            break
        # The run a tab starts redraws what is below the tabs and may leave the focus on the
        # page: it goes back to the selected tab (no key pressed when it is still there).
        tab_to(pg, pg.get_by_role("tab", selected=True))
        after_rerun(pg, lambda: pg.keyboard.press("ArrowRight"))
    assert log.get_attribute("aria-selected") == "true", f"focus on {focused(pg)}"
    summary = pg.locator("summary").filter(has_text="Log a call, e-mail or visit")
    if summary.locator("xpath=..").get_attribute("open") is None:
        press_and_rerun(pg, summary)
    form = pg.get_by_test_id("stForm")
    choose(pg, form.get_by_role("combobox", name="Direction"), "incoming")  # he called
    type_into(pg, form.get_by_label("Summary"), "Reminded him of the visit; he will go.")
    type_into(pg, form.get_by_label("Outcome"), "confirmed")
    press(pg, form.get_by_role("button", name="Log communication"))
    pg.get_by_text("Communication logged.").first.wait_for()


def test_intake_booking_and_a_call_with_the_keyboard_alone(page, demo_app):
    started = time.monotonic()
    pid, mrn, _ = _patient_without_intake(demo_app)
    day = _next_sunday_far_off()
    page.add_init_script(COUNT_PRESSES)
    page.goto(demo_app.url)
    page.get_by_role("button", name="Sign in").wait_for()
    wait_ready(page)
    type_into(page, page.get_by_label("Username"), "nurse")
    type_into(page, page.get_by_label("Password", exact=True), "demo")
    page.keyboard.press("Enter")  # the form signs in on Enter
    page.get_by_role("button", name="Sign out").wait_for()
    wait_ready(page)

    _intake(page, mrn)
    _book(page, mrn, day)
    _log_call(page, mrn)

    assert page.evaluate("window.__pointerPresses") == 0  # not one mouse or touch press
    db = demo_db(demo_app)
    assert query(db, "SELECT status FROM intake WHERE patient_id = ?", pid) == [("completed",)]
    booked = query(
        db,
        "SELECT start_at, provider FROM appointment WHERE patient_id = ? AND provider = ?",
        pid,
        "Dr. Lin's office",
    )
    assert len(booked) == 1
    start = datetime.fromisoformat(booked[0][0]).replace(tzinfo=UTC)
    local = start.astimezone(ZoneInfo(CLINIC_TZ))
    assert (local.date(), local.hour, local.minute) == (day, 10, 30)
    assert query(
        db, "SELECT channel, direction FROM communication WHERE patient_id = ? AND summary = ?",
        pid, "Reminded him of the visit; he will go.",
    ) == [("phone", "incoming")]  # fmt: skip
    print(f"intake, booking and call by keyboard: {time.monotonic() - started:.0f} s")
