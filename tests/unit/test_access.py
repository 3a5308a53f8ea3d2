"""Access ends when an account does: the guard's re-check, and sign-in timing."""

import time

from db.models import Role
from services.core import auth
from tests.conftest import PASSWORD, make_user


def _signed_in(s, username="nora", role=Role.NURSE):
    make_user(s, username, role)
    return auth.sign_in(s, username, PASSWORD).actor


def test_an_unchanged_account_keeps_its_session(s):
    actor = _signed_in(s)
    check = auth.recheck(s, actor)
    assert check.actor == actor and check.message == ""


def test_deactivation_ends_every_open_session(s, make_actor):
    actor = _signed_in(s)
    admin = make_actor(Role.ADMIN)
    auth.set_active(s, admin, actor.id, False)
    check = auth.recheck(s, actor)
    assert check.actor is None and "deactivated" in check.message


def test_a_role_change_takes_effect_at_once(s, make_actor):
    actor = _signed_in(s, "sam", Role.SOCIAL_WORKER)
    auth.change_role(s, make_actor(Role.ADMIN), actor.id, Role.VIEWER)
    check = auth.recheck(s, actor)
    assert check.actor.role == Role.VIEWER and not check.actor.can("clinical.edit")
    assert "Viewer (read only)" in check.message


def test_a_password_reset_ends_sessions_opened_with_the_old_one(s, make_actor):
    actor = _signed_in(s)
    auth.reset_password(s, make_actor(Role.ADMIN), actor.id, "A-new-secret-77")
    check = auth.recheck(s, actor)
    assert check.actor is None and "password was reset" in check.message
    fresh = auth.sign_in(s, "nora", "A-new-secret-77").actor
    assert auth.recheck(s, fresh).actor == fresh


def test_a_removed_account_ends_the_session(s):
    actor = _signed_in(s)
    ghost = type(actor)(id=10_000, username="x", display_name="X", role=Role.NURSE)
    assert auth.recheck(s, ghost).actor is None


def _median_seconds(fn, n=7) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return sorted(times)[n // 2]


def test_an_unknown_name_takes_as_long_as_a_wrong_password(s):
    """Both check one argon2 hash; without the dummy hash the unknown name was ~50x faster."""
    make_user(s, "nora")
    unknown = _median_seconds(lambda: auth.sign_in(s, "nobody", "wrong-one"))
    wrong = _median_seconds(lambda: auth.sign_in(s, "nora", "wrong-one"))
    assert unknown > wrong / 3, (unknown, wrong)
