from datetime import timedelta

import pytest

from db.base import utcnow
from db.models import AuditEvent, Role, User
from services.core import auth
from services.core.errors import InvalidInput, PermissionDenied
from tests.conftest import PASSWORD, make_user


def test_right_password_signs_in_and_is_audited(s):
    make_user(s, "nora", Role.NURSE)
    outcome = auth.sign_in(s, "Nora ", PASSWORD)
    assert outcome.actor is not None and outcome.actor.role == Role.NURSE
    assert s.query(AuditEvent).filter_by(action="sign-in", username="nora").count() == 1


def test_unknown_user_and_wrong_password_get_the_same_message(s):
    make_user(s, "nora")
    unknown = auth.sign_in(s, "nobody", PASSWORD)
    wrong = auth.sign_in(s, "nora", "not-it")
    assert unknown.actor is None and wrong.actor is None
    assert unknown.message == wrong.message == "Wrong username or password."


def test_five_wrong_passwords_lock_for_fifteen_minutes(s):
    user = make_user(s, "nora")
    now = utcnow()
    for _ in range(4):
        assert auth.sign_in(s, "nora", "wrong", now=now).message == "Wrong username or password."
    fifth = auth.sign_in(s, "nora", "wrong", now=now)
    assert "locked" in fifth.message and "15 minutes" in fifth.message
    assert user.locked_until == now + timedelta(minutes=15)
    refused = auth.sign_in(s, "nora", PASSWORD, now=now + timedelta(minutes=14))
    assert refused.actor is None and "locked" in refused.message
    assert auth.sign_in(s, "nora", PASSWORD, now=now + timedelta(minutes=16)).actor is not None


def test_deactivated_account_cannot_sign_in(s, make_actor):
    admin = make_actor(Role.ADMIN)
    user = make_user(s, "gone")
    auth.set_active(s, admin, user.id, False)
    assert auth.sign_in(s, "gone", PASSWORD).actor is None


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short1", False),
        ("onlyletterslong", False),
        ("1234567890", False),
        ("password123", False),
        ("Correct-horse-9", True),
        ("blue kettle 42", True),
    ],
)
def test_password_strength_rules(password, ok):
    assert (auth.password_problems(password, "nora") == []) is ok


def test_first_admin_only_once(s):
    actor = auth.create_first_admin(s, "boss", "The Boss", "Correct-horse-9", "Correct-horse-9")
    assert actor.role == Role.ADMIN
    with pytest.raises(InvalidInput):
        auth.create_first_admin(s, "boss2", "Another", "Correct-horse-9", "Correct-horse-9")


def test_first_admin_field_errors(s):
    with pytest.raises(InvalidInput) as exc:
        auth.create_first_admin(s, "B A D", "", "short", "other")
    assert set(exc.value.errors) == {"username", "display_name", "password", "password_again"}
    assert s.query(User).count() == 0


def test_only_admins_manage_users(s, make_actor):
    nurse = make_actor(Role.NURSE)
    with pytest.raises(PermissionDenied):
        auth.create_user(s, nurse, "x1", "X", "viewer", "Correct-horse-9")


def test_last_admin_cannot_be_demoted_or_deactivated(s, make_actor):
    admin = make_actor(Role.ADMIN)
    with pytest.raises(InvalidInput):
        auth.change_role(s, admin, admin.id, "nurse")
    with pytest.raises(InvalidInput):
        auth.set_active(s, admin, admin.id, False)


def test_reset_password_unlocks(s, make_actor):
    admin = make_actor(Role.ADMIN)
    user = make_user(s, "nora")
    user.locked_until = utcnow() + timedelta(minutes=10)
    auth.reset_password(s, admin, user.id, "Brand-new-pass-7")
    assert user.locked_until is None
    assert auth.sign_in(s, "nora", "Brand-new-pass-7").actor is not None
    changes = s.query(AuditEvent).filter_by(action="user/role change").all()
    assert any("reset" in (e.detail or "") for e in changes)
