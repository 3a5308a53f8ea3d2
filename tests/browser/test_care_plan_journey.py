"""Care plan in a real browser: template with an item left out, a goal in the patient's
words, a review, a teach-back needing reinforcement, both PDFs, and the two-user conflict."""

from __future__ import annotations

import io
import sqlite3

import pytest
from pypdf import PdfReader

from tests.browser.conftest import go_to, sign_in, wait_ready
from tests.browser.helpers import after_rerun, open_section, open_tab, save

WORDS = "I want to plant tomatoes with my grandson"


def _db(app) -> sqlite3.Connection:
    [path] = [p for p in app.data_dir.glob("*.sqlite3") if "demo" in p.name]
    return sqlite3.connect(path)


@pytest.fixture(scope="module")
def target(demo_app):
    """An active patient with a living plan and at least one goal, by MRN."""
    with _db(demo_app) as conn:
        mrn, patient_id, plan_id = conn.execute(
            "SELECT p.mrn, p.id, cp.id FROM patient p JOIN care_plan cp ON cp.patient_id = p.id "
            "WHERE cp.is_current AND p.status = 'active' "
            "AND EXISTS (SELECT 1 FROM care_goal g WHERE g.plan_id = cp.id) "
            # the demo's plans come from their condition's template: not falls risk already
            "AND NOT EXISTS (SELECT 1 FROM care_goal g WHERE g.plan_id = cp.id "
            "AND g.template_key LIKE 'falls_risk:%') ORDER BY p.id LIMIT 1"
        ).fetchone()
    return {"mrn": mrn, "patient_id": patient_id, "plan_id": plan_id}


def _open_plan(pg, app, username, mrn):
    sign_in(pg, app, username)
    go_to(pg, "Care plan")
    pg.get_by_label("Find a patient (name, MRN or date of birth)").fill(mrn)
    after_rerun(pg, lambda: pg.keyboard.press("Enter"))
    pg.get_by_text(f"MRN {mrn}").first.wait_for()


def _field(pg, label, nth=0):
    """A text input or text area by its aria-label (help icons share the visible label)."""
    return pg.locator(f'input[aria-label="{label}"], textarea[aria-label="{label}"]').nth(nth)


def _choose(pg, label, option, reruns=False):
    """A selectbox; `reruns`: outside a form, the choice runs the page again."""
    box = pg.get_by_label(label, exact=True).first
    box.wait_for()
    box.click()
    # Type to filter the list, then take the match (the list can close on a re-render).
    pg.keyboard.type(option)
    pick = pg.get_by_role("option", name=option, exact=True).click
    after_rerun(pg, pick) if reruns else pick()


def test_nurse_journey(page, demo_app, target):
    pg = page
    _open_plan(pg, demo_app, "nurse", target["mrn"])

    # Template: preview, leave the first goal out (untick its box in the grid), add the rest.
    open_section(pg, "Start from a template")
    _choose(pg, "Template", "Falls risk", reruns=True)
    after_rerun(pg, pg.get_by_role("button", name="Preview template").click)
    grid = (
        pg.get_by_test_id("stExpander")
        .filter(has_text="Start from a template")
        .get_by_test_id("stDataFrame")
    )
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The "Add" checkbox of the first row (the grid is a canvas): header and rows are 35 px.
    after_rerun(pg, lambda: pg.mouse.click(box["x"] + 43, box["y"] + 35 + 17))
    pg.get_by_role("button", name="Add the ticked items to the plan").click()
    wait_ready(pg)
    pg.get_by_text("Template added.").first.wait_for()
    with _db(demo_app) as conn:
        keys = {
            k
            for (k,) in conn.execute(
                "SELECT template_key FROM care_goal WHERE plan_id = ? "
                "AND template_key LIKE 'falls_risk:%'",
                (target["plan_id"],),
            )
        }
    assert keys == {"falls_risk:strength_balance", "falls_risk:alert_device"}

    # A goal in the patient's words.
    open_section(pg, "Add a goal in the patient's words")
    _field(pg, "In their own words: what did they say they want?").fill(WORDS)
    _field(pg, "Measurable goal: what will be different, and how will you know?").fill(
        "Tends a vegetable bed twice a week by June"
    )
    save(pg, "Add goal", "Goal added.")

    # A review.
    open_tab(pg, "Reviews")
    open_section(pg, "Record a review")
    _field(pg, "Review note").fill("Reviewed with patient and daughter")
    save(pg, "Save review", "Review saved.")

    # Teach-back that needs reinforcement -> a task.
    open_tab(pg, "Teach-back")
    open_section(pg, "Record teaching")
    _field(pg, "Topic (e.g. daily weights, inhaler use)").fill("Using the walker on stairs")
    _choose(pg, "Teach-back result", "needs reinforcement")
    save(pg, "Save teaching", "A task to teach it again was added.")
    with _db(demo_app) as conn:
        assert conn.execute(
            "SELECT COUNT(*) FROM task WHERE title = 'Teach again: Using the walker on stairs' "
            "AND patient_id = ? AND status = 'requested'",
            (target["patient_id"],),
        ).fetchone() == (1,)

    # Both PDFs download, open, and carry the goal in the patient's words.
    open_tab(pg, "Print")
    for download in (
        "Download patient version in English (PDF)",
        "Download clinician version (PDF)",
    ):
        button = pg.get_by_test_id("stDownloadButton").filter(has_text=download)
        button.wait_for(timeout=30_000)
        with pg.expect_download() as info:  # one click: the file is made as it is asked for
            button.click()
        data = open(info.value.path(), "rb").read()  # noqa: SIM115
        text = " ".join(
            " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages
        )
        assert WORDS in text, download


def test_two_people_editing_one_goal(browser, demo_app, target):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        first, second = (c.new_page() for c in contexts)
        for pg, user in ((first, "nurse"), (second, "socialworker")):
            pg.set_default_timeout(20_000)
            _open_plan(pg, demo_app, user, target["mrn"])
            open_section(pg, "Edit a goal")
        label = "Measurable goal: what will be different, and how will you know?"
        _field(first, label, 1).fill("Version saved first")
        first.get_by_role("button", name="Save goal").click()
        wait_ready(first)
        first.get_by_text("Goal saved.").first.wait_for()
        _field(second, label, 1).fill("Version saved second")
        second.get_by_role("button", name="Save goal").click()
        wait_ready(second)
        second.get_by_text("Someone else saved this goal").first.wait_for()
        with _db(demo_app) as conn:
            saved = [
                d
                for (d,) in conn.execute(
                    "SELECT description FROM care_goal WHERE plan_id = ?", (target["plan_id"],)
                )
            ]
        assert "Version saved first" in saved and "Version saved second" not in saved
    finally:
        for c in contexts:
            c.close()
