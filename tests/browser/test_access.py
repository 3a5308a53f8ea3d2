"""An administrator deactivates a nurse who is signed in elsewhere: her very next click
lands on the sign-in form with a plain message, and shows no patient data."""

from __future__ import annotations

import pytest

from tests.browser.conftest import go_to, sign_in, wait_ready
from tests.browser.helpers import (
    assert_no_app_error,
    demo_db,
    open_patients,
    open_tab,
    query,
    until_shown,
)


@pytest.fixture
def two_people(browser):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    pages = [c.new_page() for c in contexts]
    yield pages
    for c in contexts:
        c.close()


def test_deactivation_takes_effect_on_the_next_click_of_an_open_session(two_people, demo_app):
    admin, nurse = two_people
    sign_in(nurse, demo_app, "nurse.okafor")
    open_patients(nurse)
    sign_in(admin, demo_app, "admin")
    go_to(admin, "Admin")
    open_tab(admin, "Users")
    account = admin.get_by_test_id("stSelectbox").filter(has_text="Account")
    account.click()
    admin.get_by_role("option").filter(has_text="(nurse.okafor)").first.click()
    wait_ready(admin)
    admin.get_by_role("button", name="Deactivate").click()
    wait_ready(admin)
    until_shown(admin, "Deactivated.")
    assert query(
        demo_db(demo_app), "SELECT active FROM user_account WHERE username = ?", "nurse.okafor"
    ) == [(0,)]

    go_to(nurse, "My day")  # her next click
    nurse.get_by_role("button", name="Sign in").wait_for()
    assert_no_app_error(nurse)
    assert "deactivated" in nurse.locator("body").inner_text()
    assert nurse.get_by_role("button", name="Sign out").count() == 0
    assert nurse.get_by_test_id("stDataFrame").count() == 0
