"""The urgent safety follow-up in a real browser: PHQ-9 item 9 answered above 0 at intake,
the alert on My day, on the patient's page, the care plan and the calendar; the safety
plan made, printed; the follow-up completed and gone from My day."""

from __future__ import annotations

import io
import re
import time

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import go_to, sign_in, wait_ready
from tests.browser.helpers import (
    after_rerun,
    demo_db,
    header_link,
    main_text,
    open_section,
    query,
    until_page,
    until_shown,
)

ALERT = "URGENT SAFETY FOLLOW-UP: SUICIDE RISK"
ITEM_9 = "Thoughts that you would be better off dead or of hurting yourself in some way"


def _choose(page, question: str, option: str) -> None:
    group = page.get_by_role("radiogroup", name=re.compile("^" + re.escape(question[:20])))
    group.get_by_text(option, exact=True).click()


def _pick(page, label: str, option: str, reruns: bool = False) -> None:
    """A selectbox; `reruns`: outside a form, the choice runs the page again."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    pick = page.get_by_role("option", name=option).first.click
    after_rerun(page, pick) if reruns else pick()


def _click(page, name: str, done: str) -> None:
    """Press a button and wait for the confirmation it leads to."""
    page.get_by_role("button", name=name).click()
    until_shown(page, done)
    wait_ready(page)


def _header_link(page, label: str, title: str = "") -> None:
    header_link(page, label, title)
    expect(page.get_by_text(ALERT).first).to_be_visible()


def test_item_9_to_a_printed_safety_plan_and_a_completed_follow_up(page, demo_app):
    started = time.monotonic()
    pid, mrn = query(
        demo_db(demo_app),
        "SELECT id, mrn FROM patient WHERE id NOT IN (SELECT patient_id FROM intake) "
        "AND id NOT IN (SELECT patient_id FROM safety_follow_up) ORDER BY id LIMIT 1",
    )[0]
    # The intake, opened for this patient; straight to the screening step, item 9 only.
    sign_in(page, demo_app, "nurse", path=f"intake?patient={pid}")
    page.get_by_role("button", name="Start a new intake").click()
    page.get_by_text("Step 1 of 8: Identity and contact").wait_for()
    wait_ready(page)
    open_section(page, "Jump to another step, or discard this draft")
    _pick(page, "Go to step", "6. Screening", reruns=True)
    page.get_by_text("Step 6 of 8: Screening").wait_for()
    # One instrument at a time, PHQ-9 first: saving it raises the alert at once.
    page.get_by_text(re.compile(r"^Instrument 1 of \d+: PHQ-9")).wait_for()
    _choose(page, ITEM_9, "More than half the days")
    page.get_by_role("button", name="Save and next instrument").click()
    page.get_by_text(re.compile(r"^Instrument 2 of \d+")).wait_for()
    wait_ready(page)
    expect(page.get_by_text(ALERT).first).to_be_visible()  # the intake's own header

    # My day: the alert first, with the 988 Lifeline; it opens the patient.
    go_to(page, "My day")
    card = page.locator("[class*='st-key-md_safety_'][class*='_card']").filter(has_text=mrn)
    expect(card.get_by_text(ALERT)).to_be_visible()
    assert "988" in card.inner_text()
    card.get_by_role("link", name="Open the patient").click()
    wait_ready(page)
    page.get_by_text(f"MRN {mrn}").first.wait_for()
    expect(page.get_by_text(ALERT).first).to_be_visible()
    # The same alert on the patient's care plan and calendar (the header's links).
    _header_link(page, "Care plan", "Care plan")
    _header_link(page, "Calendar", "Calendar")
    _header_link(page, "Record")

    # The safety plan, made with the patient, then printed for them.
    page.get_by_role("textbox", name="Warning signs").fill("Not sleeping\nStaying in bed")
    page.get_by_role("textbox", name="Things I can do on my own").fill("Walk the dog")
    page.get_by_role("textbox", name="Making my surroundings safer").fill(
        "Daughter keeps the pills"
    )
    _click(page, "Save the safety plan (reviewed with the patient)", "Safety plan saved.")
    page.get_by_role("button", name="Prepare the printout").click()
    wait_ready(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="Download the safety plan (PDF)").click()
    pdf = PdfReader(io.BytesIO(open(got.value.path(), "rb").read()))  # noqa: SIM115
    printed = " ".join(p.extract_text() for p in pdf.pages)
    assert "My safety plan" in printed and "Walk the dog" in printed and "988" in printed

    # The assessment, the supervisor told, and the outcome.
    for question, answer in (
        ("Thoughts of suicide now", "wishes to be dead, no active thoughts"),
        ("Has a plan (how, when or where)", "no"),
        ("Intends to act on the thoughts", "no"),
        ("Can get firearms, stored medicines", "no"),
        ("Past suicide attempt", "never"),
        ("Risk level (your judgment)", "low"),
    ):
        _choose(page, question, answer)
    page.get_by_label("Note").fill("Passive thoughts at night; no plan or intent.")
    _click(page, "Save the assessment", "Safety assessment recorded.")
    _click(page, "Log it in the communication log", "Logged in the communication log.")
    _pick(page, "Outcome", "safety plan in place")
    page.get_by_label("What happens next").fill("Plan given; check-in call on Monday")
    _click(page, "Complete the follow-up", "Safety follow-up completed.")

    go_to(page, "My day")
    until_page(page, "My day")
    assert f"MRN {mrn}" not in main_text(page)
    (status,) = query(
        demo_db(demo_app), "SELECT status FROM safety_follow_up WHERE patient_id = ?", pid
    )[0]
    assert status == "completed"
    print(f"safety journey in the browser: {time.monotonic() - started:.0f} s")
