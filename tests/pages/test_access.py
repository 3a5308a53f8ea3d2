"""Access ends when an account does, on the next click of every open session; links to a
patient that does not exist get a plain answer on every page."""

import pytest
from sqlalchemy import select

from db.models import Goal, Role, User
from db.session import session_scope
from services.core import auth
from services.core.identity import Actor
from tests.apptest import signed_in, texts


def _admin_does(change) -> None:
    with session_scope() as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
        change(s, Actor(admin.id, admin.username, admin.display_name, Role(admin.role)))


def _user_id(username: str) -> int:
    with session_scope() as s:
        return s.scalar(select(User.id).where(User.username == username))


def _buttons(at) -> list[str]:
    return [b.label for b in at.button]


def test_deactivating_a_signed_in_nurse_ends_her_open_session_on_the_next_click(app_env):
    nurse = signed_in("nurse", "pages/patients.py")
    assert "Sign out" in _buttons(nurse)
    nurse_id = _user_id("nurse")
    _admin_does(lambda s, admin: auth.set_active(s, admin, nurse_id, False))
    nurse.run()  # her next click
    assert "Sign in" in _buttons(nurse) and "Sign out" not in _buttons(nurse)
    assert "deactivated" in texts(nurse)
    assert not nurse.dataframe  # nothing of the page's data


def test_a_demoted_social_worker_can_no_longer_edit_her_open_care_plan(app_env):
    worker = signed_in("socialworker", "pages/care_plan.py")
    assert "Read only for your role." not in texts(worker)
    worker_id = _user_id("socialworker")
    _admin_does(lambda s, admin: auth.change_role(s, admin, worker_id, "viewer"))
    worker.run()
    shown = texts(worker)
    assert "Viewer (read only)" in shown and "Read only for your role." in shown
    assert worker.session_state["_auth"]["actor"].role == Role.VIEWER
    with session_scope() as s:
        assert s.query(Goal).count() == 0


def test_a_password_reset_signs_out_the_sessions_opened_with_the_old_one(app_env):
    nurse = signed_in("nurse")
    nurse_id = _user_id("nurse")
    _admin_does(lambda s, admin: auth.reset_password(s, admin, nurse_id, "Brand-new-pass-8"))
    nurse.run()
    assert "Sign in" in _buttons(nurse) and "password was reset" in texts(nurse)


def test_the_other_users_sessions_carry_on(app_env):
    viewer = signed_in("viewer")
    nurse_id = _user_id("nurse")
    _admin_does(lambda s, admin: auth.set_active(s, admin, nurse_id, False))
    viewer.run()
    assert "Sign out" in _buttons(viewer)


PAGES = ["pages/calendar.py", "pages/intake.py", "pages/contacts.py", "pages/care_plan.py"]
BAD = ["abc", "1.5", "99999", "-1", "1e3", "9" * 40, "", " 7"]


@pytest.mark.parametrize("page", PAGES)
def test_any_patient_link_value_that_is_not_a_patient_gets_a_plain_answer(app_env, page):
    at = signed_in("nurse", page)
    for value in BAD:
        at.query_params["patient"] = value
        at.run()
        assert not at.exception, (page, value, at.exception)
        assert [e.value for e in at.error] == ["No such patient."], (page, value)
