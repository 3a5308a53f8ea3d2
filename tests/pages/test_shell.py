"""AppTest of the shell: first run, sign-in, idle timeout, sign-out, admin basics."""

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from db import config
from db.models import AuditEvent, User
from db.session import session_scope
from tests.apptest import APP, signed_in, texts


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _setup_code() -> str:
    """What the server printed in its terminal (and keeps in the data folder)."""
    return (config.load().data_dir / "setup-code").read_text().strip()


def test_first_run_offers_both_choices_and_creates_the_first_admin():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    labels = [b.label for b in at.button]
    assert "Explore with demo data" in labels and "Create administrator" in labels
    inputs = {t.label: t for t in at.text_input}
    inputs["Setup code"].input(_setup_code())
    inputs["Username"].input("boss")
    inputs["Display name"].input("Pat Boss")
    inputs["Password"].input("short")
    inputs["Password again"].input("short")
    _button(at, "Create administrator").click().run()
    assert any("at least 10 characters" in e.value for e in at.error)
    with session_scope() as s:
        assert s.query(User).count() == 0
    inputs = {t.label: t for t in at.text_input}
    inputs["Password"].input("Clinic-admin-2026")
    inputs["Password again"].input("Clinic-admin-2026")
    _button(at, "Create administrator").click().run()
    assert not at.exception
    assert "Sign out" in [b.label for b in at.button]
    with session_scope() as s:
        assert s.query(User).one().role == "admin"
    assert not (config.load().data_dir / "setup-code").exists()  # used up


def test_first_run_setup_needs_the_code_printed_in_the_terminal():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Setup code"].input("AAAA-BBBB-CCCC")
    inputs["Username"].input("intruder")
    inputs["Display name"].input("Someone")
    inputs["Password"].input("Clinic-admin-2026")
    inputs["Password again"].input("Clinic-admin-2026")
    _button(at, "Create administrator").click().run()
    assert any("not the setup code" in e.value for e in at.error)
    _button(at, "Explore with demo data").click().run()
    assert any("not the setup code" in e.value for e in at.error)
    with session_scope() as s:
        assert s.query(User).count() == 0
    assert not config.load().demo_mode


def test_explore_with_demo_data_makes_a_training_database():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    {t.label: t for t in at.text_input}["Setup code"].input(_setup_code())
    _button(at, "Explore with demo data").click().run()
    assert not at.exception
    settings = config.load()
    assert settings.demo_mode and settings.database_url == settings.demo_database_url
    assert "TRAINING — synthetic patients" in texts(at)
    demo_table = at.table[0].value
    assert {"admin", "nurse", "socialworker", "scheduler", "viewer"} <= set(demo_table["Username"])
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input("nurse")
    inputs["Password"].input("demo")
    _button(at, "Sign in").click().run()
    assert "Sign out" in [b.label for b in at.button]
    # The clinic's own database stayed empty.
    with session_scope(settings.clinic_database_url) as s:
        assert s.query(User).count() == 0


def test_wrong_password_message_and_audit(app_env):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input("nurse")
    inputs["Password"].input("wrong")
    _button(at, "Sign in").click().run()
    assert [e.value for e in at.error] == ["Wrong username or password."]
    with session_scope() as s:
        assert s.query(AuditEvent).filter_by(action="failed sign-in", username="nurse").count() == 1


def test_idle_timeout_asks_to_sign_in_again_and_keeps_the_session(app_env, monkeypatch):
    at = signed_in("nurse", "pages/patients.py")
    at.session_state["patient_page"] = 3  # something this session chose
    at.session_state["_auth"]["last"] -= timedelta(minutes=16)
    at.run()
    assert "Sign in" in [b.label for b in at.button]
    assert "signed out after 15 minutes" in texts(at)
    assert not at.dataframe
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input("nurse")
    inputs["Password"].input("Correct-horse-9")
    _button(at, "Sign in").click().run()
    assert at.session_state["patient_page"] == 3
    with session_scope() as s:
        assert (
            s.query(AuditEvent)
            .filter(AuditEvent.action == "sign-out", AuditEvent.detail.contains("idle"))
            .count()
            == 1
        )


def test_idle_minutes_come_from_settings(app_env, monkeypatch):
    monkeypatch.setenv("CAREDESK_IDLE_MINUTES", "60")
    at = signed_in("nurse")
    at.session_state["_auth"]["last"] -= timedelta(minutes=16)
    at.run()
    assert "Sign out" in [b.label for b in at.button]


def test_sign_out_clears_the_sign_in(app_env):
    at = signed_in("nurse")
    _button(at, "Sign out").click().run()
    assert "Sign in" in [b.label for b in at.button]
    assert "_auth" not in at.session_state


def test_a_different_user_at_the_same_browser_does_not_inherit_state(app_env):
    at = signed_in("nurse", "pages/patients.py")
    at.session_state["patient_id"] = 12345  # the nurse's open patient
    _button(at, "Sign out").click().run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input("viewer")
    inputs["Password"].input("Correct-horse-9")
    _button(at, "Sign in").click().run()
    assert "patient_id" not in at.session_state


def test_admin_creates_a_user_with_errors_at_fields(app_env):
    at = signed_in("admin", "pages/admin.py")
    inputs = {t.label: t for t in at.text_input}
    inputs["New username"].input("new.nurse")
    inputs["Their display name"].input("")
    inputs["First password (they can be given a new one any time)"].input("Good-password-1")
    _button(at, "Create account").click().run()
    assert any("Enter the name" in e.value for e in at.error)
    inputs = {t.label: t for t in at.text_input}
    inputs["Their display name"].input("New Nurse")
    _button(at, "Create account").click().run()
    with session_scope() as s:
        assert s.query(User).filter_by(username="new.nurse").one().role == "nurse"


def test_secret_key_is_generated_owner_only(monkeypatch, tmp_path):
    monkeypatch.delenv("CAREDESK_SECRET_KEY")
    key = config.load().secret_key
    path = config.load().data_dir / "secret.key"
    assert len(key) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert config.load().secret_key == key


def test_environment_overrides_secrets_file(monkeypatch, tmp_path):
    secrets = config.PROJECT_DIR / ".streamlit" / "secrets.toml"
    assert not secrets.exists(), "tests must not run against a real secrets file"
    monkeypatch.setenv("CAREDESK_REGION", "gb")
    assert config.load().region == "GB"


def test_the_loaded_code_is_set_aside_from_the_garbage_collector():
    """After a page has run, what the process loaded is frozen (gc.freeze): a full
    collection no longer walks the app's modules on every pass (README, Size and speed)."""
    import gc

    gc.unfreeze()  # as a new process: nothing frozen yet
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert not at.exception
        assert gc.get_freeze_count() > 10_000  # the modules and their objects, at least
    finally:
        gc.unfreeze()  # the test process goes on collecting as before
