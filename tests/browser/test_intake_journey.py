"""A full intake in a real browser: a draft survives a reload, the summary raises the
suicide-risk alert, and the intake completes with its tier."""

from __future__ import annotations

import re
import time

from sqlalchemy import create_engine, select, text

from services.intake import instruments as assessments
from tests.browser.conftest import go_to, sign_in, wait_ready
from tests.browser.helpers import after_rerun

ANSWERS = {
    "phq9": [1, 1, 1, 1, 1, 1, 1, 1, 1],  # 9, item 9 = 1 -> suicide risk
    "gad7": [1, 1, 1, 0, 0, 0, 0],
    "ahc_hrsn": [0, None, None, None, None, None, None, None, 1, 0, 0, 0, 1, 1, 1, 1],
    "lace": [5, 1, 2, 1],
}


def _fresh_patient(app) -> tuple[int, str]:
    """A demo patient with no intake yet (MRN for the search box)."""
    engine = create_engine(f"sqlite:///{app.data_dir / 'caredesk-demo.sqlite3'}")
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT id, mrn FROM patient WHERE id NOT IN (SELECT patient_id FROM intake) "
                "ORDER BY id LIMIT 1"
            )
        ).first()
    engine.dispose()
    return row.id, row.mrn


STEP = "() => (document.body.innerText.match(/Step \\d+ of \\d+: [^\\n]*/) || [''])[0]"


def _save(page, label="Save and continue"):
    """Save the step and wait for the next one. Waiting for the heading to change (not only
    for the script to stop) matters: right after a click the app can still look idle, and a
    stale copy of the step's form would make the next click ambiguous."""
    before = page.evaluate(STEP)
    page.get_by_role("button", name=label).click()
    page.wait_for_function(f"b => ({STEP})() !== b", arg=before)
    wait_ready(page)


def _starts(label: str) -> re.Pattern:
    """Labels pass through esc(), so match up to the first Markdown character."""
    return re.compile("^" + re.escape(re.split(r"[\\`*_{}\[\]()<>#+\-.!|~:$&]", label)[0]))


def _choose(page, question: str, option: str):
    group = page.get_by_role("radiogroup", name=_starts(question))
    group.get_by_text(option, exact=True).click()


def _open_patient(page, app, mrn: str):
    go_to(page, "Intake assessment")
    page.get_by_label("Find a patient").fill(mrn)
    after_rerun(page, lambda: page.get_by_label("Find a patient").press("Enter"))
    page.get_by_label("Patient", exact=True).click()
    after_rerun(page, page.get_by_role("option").first.click)


def test_full_intake_with_reload_and_suicide_alert(page, demo_app):
    started = time.monotonic()
    _, mrn = _fresh_patient(demo_app)
    sign_in(page, demo_app, "nurse")
    _open_patient(page, demo_app, mrn)
    page.get_by_role("button", name="Start a new intake").click()
    wait_ready(page)
    page.get_by_text("Step 1 of 8: Identity and contact").wait_for()
    _save(page)
    _choose(page, "Where does the patient live?", "home")
    _choose(page, "Getting to appointments", "needs transport")
    _save(page)
    page.get_by_text("Step 3 of 8: Insurance").wait_for()
    page.get_by_role("combobox", name="Insurer").click()
    page.keyboard.type("Medicare")  # not in the demo directory: typed as it is
    page.keyboard.press("Enter")
    page.get_by_label("Member ID").fill("1EG4-TE5-MK73")
    _save(page)
    page.get_by_text("Step 4 of 8: Supports").wait_for()

    # A reload starts a new session: sign in again and resume the draft where it was left.
    page.reload()
    sign_in(page, demo_app, "nurse")
    go_to(page, "Intake assessment")
    page.get_by_label("Resume the intake for").click()
    after_rerun(page, page.get_by_role("option", name=mrn).first.click)
    page.get_by_text("Step 4 of 8: Supports").wait_for()
    _save(page, "Save and go back")
    box = page.get_by_test_id("stSelectbox").filter(has_text="Insurer")
    shown = box.inner_text() + " ".join(
        box.locator("input").evaluate_all("l => l.map(i => i.value)")
    )
    assert "Medicare" in shown  # the insurer typed before the reload is still there
    _save(page)
    _save(page)  # supports: none recorded

    page.get_by_label("What matters most to you right now? (their own words)").fill(
        "Keep living with my cat"
    )
    _choose(page, "How confident are you filling out medical forms by yourself?", "Somewhat")
    _save(page)
    page.get_by_text("Step 6 of 8: Screening").wait_for()
    defs = assessments.shipped()
    for n, (code, values) in enumerate(ANSWERS.items(), start=1):  # one instrument at a time
        page.get_by_text(f"Instrument {n} of {len(ANSWERS)}: {defs[code].title}").wait_for()
        for item, value in zip(defs[code].items, values, strict=True):
            if value is None:
                continue  # "choose all that apply" items default to No
            if item.number:
                page.get_by_label(_starts(item.text)).fill(str(value))
            else:
                _choose(page, item.text, item.label_for(value))
        if n < len(ANSWERS):
            page.get_by_role("button", name="Save and next instrument").click()
            page.get_by_text(f"Instrument {n + 1} of {len(ANSWERS)}").wait_for()
            wait_ready(page)
    _save(page)
    page.get_by_text("Step 7 of 8: Services needed").wait_for()
    _save(page, "Save and see summary")

    page.get_by_text("Step 8 of 8: Summary").wait_for()
    content = page.content()
    assert "SUICIDE RISK" in content and "URGENT" in content
    assert "Risk tier:" in content and "URGENT" in content
    page.screenshot(path=str(demo_app.data_dir.parent / "intake-summary.png"), full_page=True)
    page.get_by_role("button", name="Complete intake").click()
    wait_ready(page)
    page.get_by_text("Accepted suggestions waiting for the care plan").wait_for()
    engine = create_engine(f"sqlite:///{demo_app.data_dir / 'caredesk-demo.sqlite3'}")
    with engine.connect() as conn:
        tier, status = conn.execute(
            select(text("risk_tier, status"))
            .select_from(text("intake"))
            .order_by(text("id DESC"))
            .limit(1)
        ).first()
        stat = conn.execute(  # the urgent safety follow-up, raised today
            text(
                "SELECT count(*) FROM safety_follow_up WHERE status = 'open' "
                "AND date(raised_at) = date('now')"
            )
        ).scalar()
    engine.dispose()
    assert (tier, status) == ("urgent", "completed") and stat >= 1
    print(f"full intake in the browser: {time.monotonic() - started:.0f} s")
