"""Sign in and out in a real browser; a deep link while signed out shows only the sign-in form."""

from tests.browser.conftest import sign_in, wait_ready


def test_sign_in_and_out(page, demo_app):
    sign_in(page, demo_app, "nurse")
    assert (
        page.get_by_role("heading", name="My day").first.is_visible() or "My day" in page.content()
    )
    assert "TRAINING" in page.content()
    page.get_by_role("button", name="Sign out").click()
    wait_ready(page)
    page.get_by_role("button", name="Sign in").wait_for()
