"""Sign in and out, and the lockout after five wrong passwords, on an app of its own."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import start_app, wait_ready
from tests.browser.helpers import demo_db, main_text, query, until_shown


@pytest.fixture(scope="module")
def own_app(tmp_path_factory):
    """A small training database that only this module signs in to (and locks)."""
    data_dir = tmp_path_factory.mktemp("lockout") / "data"
    data_dir.mkdir()
    app = start_app(data_dir)
    try:
        seeded = app.manage("seed-demo", "--patients", "5")
        assert seeded.returncode == 0, seeded.stderr
        yield app
    finally:
        app.stop()


def _try(pg, username: str, password: str) -> None:
    pg.get_by_label("Username").fill(username)
    pg.get_by_label("Password", exact=True).fill(password)
    pg.get_by_role("button", name="Sign in").click()
    wait_ready(pg)


def _error(pg, expected: str) -> str:
    """The sign-in error, once it says `expected` (the previous attempt's may still show)."""
    alert = pg.get_by_test_id("stAlert").filter(has_text=expected).first
    alert.wait_for()
    return alert.inner_text()


def test_sign_in_shows_my_day_and_sign_out_returns_to_the_form(page, own_app):
    page.goto(own_app.url)
    wait_ready(page)
    _try(page, "socialworker", "demo")
    page.get_by_role("button", name="Sign out").wait_for()
    until_shown(page, "My day")
    assert "Signed in as Sam Social Worker" in page.get_by_test_id("stSidebar").inner_text()
    page.get_by_role("button", name="Sign out").click()
    wait_ready(page)
    page.get_by_role("button", name="Sign in").wait_for()
    expect(page.get_by_test_id("stMain")).not_to_contain_text("My day")
    expect(page.get_by_test_id("stSidebar").get_by_role("link")).to_have_count(0)
    [(last_action, who)] = query(
        demo_db(own_app), "SELECT action, username FROM audit_event ORDER BY id DESC LIMIT 1"
    )
    assert (last_action, who) == ("sign-out", "socialworker")


def test_five_wrong_passwords_lock_the_account(page, own_app):
    page.goto(own_app.url)
    wait_ready(page)
    for _ in range(4):
        _try(page, "viewer", "not-the-password")
        assert _error(page, "Wrong") == "Wrong username or password."
    _try(page, "viewer", "still-wrong")
    assert "this account is now locked for 15 minutes" in _error(page, "now locked")

    # The right password is refused while the account is locked, and says why.
    _try(page, "viewer", "demo")
    message = _error(page, "This account is locked")
    assert "This account is locked after 5 wrong passwords" in message
    assert "Try again in 15 minutes" in message
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert "My day" not in main_text(page)
    [(locked_until,)] = query(
        demo_db(own_app), "SELECT locked_until FROM user_account WHERE username = 'viewer'"
    )
    assert locked_until is not None

    # Another account is not affected.
    _try(page, "scheduler", "demo")
    page.get_by_role("button", name="Sign out").wait_for()


def test_unknown_user_gets_the_same_message_as_a_wrong_password(page, own_app):
    page.goto(own_app.url)
    wait_ready(page)
    _try(page, "nobody.here", "demo")
    assert _error(page, "Wrong") == "Wrong username or password."
