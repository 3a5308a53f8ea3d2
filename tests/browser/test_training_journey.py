"""A trainee works through "Your first morning" and watches the checklist tick itself."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_ready
from tests.browser.helpers import (
    assert_no_app_error,
    choose_patient,
    demo_db,
    open_tab,
    query,
    search,
    until_shown,
)


def _side(pg):
    return pg.get_by_test_id("stSidebar")


def _steps_done(pg, n: int) -> None:
    """The sidebar's checklist shows n steps done (it refreshes itself after a record view)."""
    expect(_side(pg).get_by_text(f"{n} of 6 steps done")).to_be_visible()


def _go(pg, link: str) -> None:
    _side(pg).get_by_role("link", name=link, exact=True).click()
    wait_ready(pg)
    assert_no_app_error(pg)


def _open(pg, name: str, family: str) -> None:
    back = pg.get_by_role("button", name="← Back to search")
    if back.is_visible():
        back.click()
        wait_ready(pg)
    search(pg, name)
    # each trainee's copy carries their username; the name as well, so that a row of the
    # last search still on the page can never be taken for it
    choose_patient(pg, f"{family} · trainee1")


def test_a_trainee_works_through_the_first_morning(page, demo_app):
    pg = page
    sign_in(pg, demo_app, "trainee1", "demo")
    _go(pg, "Training")
    pg.locator(".st-key-scenario_first_morning").get_by_role("button", name="Start").click()
    wait_ready(pg)
    until_shown(pg, "is ready")
    _steps_done(pg, 0)

    _go(pg, "My day")  # step 1 ticks as the page opens
    _steps_done(pg, 1)
    until_shown(pg, "Overdue tasks (1)")  # Walter's water-pill task (the rows are on a canvas)

    _go(pg, "Go to Patients")  # the next step's link
    _open(pg, "walter brooks", "Brooks")
    until_shown(pg, "Brooks · trainee1, Walter")
    _steps_done(pg, 2)  # no click needed: the checklist refreshes itself
    _open(pg, "gloria ramirez", "Ramírez")
    _steps_done(pg, 3)

    _go(pg, "Go to Contacts")  # opens Contacts on the trainee's own Walter
    until_shown(pg, "Brooks · trainee1, Walter")
    open_tab(pg, "Communication log")
    pg.get_by_label("Summary").fill("Takes furosemide every morning; weighs himself daily")
    pg.get_by_role("button", name="Log communication").click()
    wait_ready(pg)
    until_shown(pg, "Communication logged.")
    _steps_done(pg, 4)
    expect(_side(pg).get_by_text("Mark the water-pill task completed").first).to_be_visible()

    walter = query(
        demo_db(demo_app),
        "SELECT c.channel, c.with_kind FROM communication c JOIN patient p ON p.id = c.patient_id "
        "WHERE p.family_name = 'Brooks · trainee1'",
    )
    assert walter == [("phone", "patient")]
