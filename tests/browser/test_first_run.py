"""The very first start: explore with demo data, or set up for the clinic."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import go_to, sign_in, wait_ready
from tests.browser.helpers import TRAINING, assert_no_app_error, message_below, query, until_shown

GOOD_PASSWORD = "Harbor-lights-42"


def _clinic_users(app) -> list[tuple]:
    db = app.data_dir / "caredesk.sqlite3"
    if not db.exists():
        return []
    return query(db, "SELECT username, display_name, role FROM user_account")


def _first_run_page(pg, app) -> None:
    pg.goto(app.url)
    wait_ready(pg)
    pg.get_by_role("heading", name="Welcome to CareDesk").wait_for()


def _enter_setup_code(pg, app) -> str:
    """The one-time code the server printed in its terminal when setup was first needed."""
    code = (app.data_dir / "setup-code").read_text().strip()
    assert code in app.log.read_text(), "the code is printed where CareDesk was started"
    pg.get_by_label("Setup code").fill(code)
    pg.get_by_label("Setup code").press("Enter")  # the field is outside the form: it reruns
    wait_ready(pg)
    return code


def test_first_start_offers_the_two_choices(page, fresh_app):
    _first_run_page(page, fresh_app)
    expect(page.get_by_role("button", name="Explore with demo data")).to_be_visible()
    expect(page.get_by_role("heading", name="Set up for my clinic")).to_be_visible()
    expect(page.get_by_role("button", name="Create administrator")).to_be_visible()
    expect(page.get_by_label("Setup code")).to_be_visible()
    assert page.get_by_role("button", name="Sign in").count() == 0
    assert TRAINING not in page.locator("body").inner_text()


def test_set_up_for_my_clinic_refuses_a_weak_password_then_creates_the_admin(page, fresh_app):
    _first_run_page(page, fresh_app)
    page.get_by_label("Setup code").fill("WRONG-CODE-0000")
    page.get_by_label("Username").fill("intruder")
    page.get_by_label("Display name").fill("Someone")
    page.get_by_label("Password", exact=True).fill(GOOD_PASSWORD)
    page.get_by_label("Password again").fill(GOOD_PASSWORD)
    page.get_by_role("button", name="Create administrator").click()
    wait_ready(page)
    page.get_by_text("That is not the setup code.").wait_for()
    assert _clinic_users(fresh_app) == []
    _enter_setup_code(page, fresh_app)
    page.get_by_label("Username").fill("jsmith")
    page.get_by_label("Display name").fill("Jordan Smith, RN")
    page.get_by_label("Password", exact=True).fill("short1")
    page.get_by_label("Password again").fill("short1")
    page.get_by_role("button", name="Create administrator").click()
    wait_ready(page)
    assert_no_app_error(page)
    page.get_by_text("Use at least 10 characters.").wait_for()
    rule = message_below(page.get_by_label("Password", exact=True))
    assert "Use at least 10 characters." in rule
    assert _clinic_users(fresh_app) == []
    assert page.get_by_role("button", name="Sign out").count() == 0

    page.get_by_label("Password", exact=True).fill(GOOD_PASSWORD)
    page.get_by_label("Password again").fill(GOOD_PASSWORD)
    page.get_by_role("button", name="Create administrator").click()
    wait_ready(page)
    page.get_by_role("button", name="Sign out").wait_for()
    until_shown(page, "My day")
    assert "Signed in as Jordan Smith, RN" in page.get_by_test_id("stSidebar").inner_text()
    assert _clinic_users(fresh_app) == [("jsmith", "Jordan Smith, RN", "admin")]
    assert TRAINING not in page.locator("body").inner_text()
    assert not (fresh_app.data_dir / "caredesk-demo.sqlite3").exists()

    # The new account works after signing out, and the setup page is gone for good.
    page.get_by_role("button", name="Sign out").click()
    wait_ready(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome to CareDesk")).to_have_count(0)
    sign_in(page, fresh_app, "jsmith", GOOD_PASSWORD)


def test_explore_with_demo_data_builds_the_training_database(page, fresh_app):
    _first_run_page(page, fresh_app)
    _enter_setup_code(page, fresh_app)
    page.get_by_role("button", name="Explore with demo data").click()
    page.get_by_role("heading", name="Sign in to CareDesk").wait_for(timeout=60_000)
    wait_ready(page)
    assert_no_app_error(page)
    demo_db = fresh_app.data_dir / "caredesk-demo.sqlite3"
    assert query(demo_db, "SELECT count(*) FROM patient")[0][0] > 0
    assert _clinic_users(fresh_app) == []  # the clinic's own database stays empty

    text = page.locator("body").inner_text()
    assert TRAINING in text
    accounts = page.get_by_test_id("stTable").inner_text()
    for username in ("admin", "nurse", "socialworker", "scheduler", "viewer"):
        assert username in accounts.split()
    assert "demo" in page.get_by_text("Every demo account uses the password").inner_text()

    # The banner is on every page a signed-in user can reach.
    sign_in(page, fresh_app, "admin", "demo")
    links = page.get_by_test_id("stSidebar").get_by_role("link").all()
    labels = [a.inner_text().split("\n")[-1].strip() for a in links]  # after the icon's name
    assert {"My day", "Patients", "Admin"} <= set(labels)
    for label in labels:
        go_to(page, label)
        assert_no_app_error(page)
        banner = page.get_by_test_id("stAlert").filter(has_text=TRAINING)
        # waits: a page opened from the sidebar may still be drawing after its run ended
        expect(banner, f"no training banner on {label}").to_have_count(1)
        assert banner.is_visible()
