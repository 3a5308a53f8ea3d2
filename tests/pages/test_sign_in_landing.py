"""Where signing in lands: on My day, or on the page a link asked for (when the role may use
it), or back where an idle timeout interrupted the same person; never on the previous
user's page."""

from __future__ import annotations

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from tests.apptest import APP, texts
from tests.conftest import PASSWORD


def _sign_in(at: AppTest, username: str) -> AppTest:
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input(username)
    inputs["Password"].input(PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def _title(at: AppTest) -> str:
    return at.title[0].value if at.title else ""


def test_a_link_to_a_page_lands_there_after_signing_in(app_env):
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page("pages/calendar.py")  # opened from a link or a bookmark
    at.run()
    assert "Sign in to CareDesk" in texts(at)
    _sign_in(at, "scheduler")
    assert _title(at) == "Calendar"


def test_a_link_to_a_page_the_role_cannot_use_lands_on_my_day(app_env):
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page("pages/admin.py")
    at.run()
    _sign_in(at, "scheduler")
    assert _title(at) != "Admin" and "not available for your role" not in texts(at)


def test_the_next_person_lands_on_my_day_not_on_the_previous_users_page(app_env):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    _sign_in(at, "admin")
    at.switch_page("pages/admin.py")
    at.run()
    assert _title(at) == "Admin"
    next(b for b in at.button if b.label == "Sign out").click().run()
    _sign_in(at, "scheduler")
    assert _title(at) != "Admin" and "not available for your role" not in texts(at)


def test_after_an_idle_timeout_the_same_person_carries_on_where_they_were(app_env):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    _sign_in(at, "nurse")
    at.switch_page("pages/contacts.py")
    at.run()
    at.session_state["_auth"]["last"] -= timedelta(hours=2)
    at.run()
    assert "signed out after" in texts(at)
    _sign_in(at, "nurse")
    assert _title(at) == "Contacts"
