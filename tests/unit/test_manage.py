"""Operator commands, run as an operator would (a subprocess with the environment)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(os.environ),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_help_lists_every_command():
    out = manage("--help").stdout
    for command in (
        "upgrade",
        "create-user",
        "seed-demo",
        "reset-demo",
        "backup",
        "restore",
        "verify-audit",
    ):
        assert command in out


def test_create_user_from_stdin_and_refuse_a_weak_password():
    assert (
        manage(
            "create-user",
            "head.nurse",
            "--role",
            "nurse",
            "--password-stdin",
            stdin="Strong-enough-42\n",
        ).returncode
        == 0
    )
    weak = manage("create-user", "other", "--role", "nurse", "--password-stdin", stdin="weak\n")
    assert weak.returncode == 2 and "password" in weak.stderr


def _drop_guards(conn) -> None:
    from db import append_only

    for statement in append_only.statements("sqlite", drop=True):
        conn.execute(statement)


def _users(n: int, prefix: str = "user") -> None:
    for i in range(n):
        manage(
            "create-user",
            f"{prefix}{i}",
            "--role",
            "nurse",
            "--password-stdin",
            stdin="Strong-enough-42\n",
        )


def test_verify_audit_fails_on_a_wiped_or_truncated_trail():
    _users(4)
    db = Path(os.environ["CAREDESK_DATA_DIR"]) / "caredesk.sqlite3"
    with sqlite3.connect(db) as conn:
        _drop_guards(conn)
        conn.execute("DELETE FROM audit_event WHERE id > 2")
        conn.execute("UPDATE app_setting SET value = '2:x' WHERE key = 'audit_head'")
    truncated = manage("verify-audit")
    assert truncated.returncode == 1 and "BROKEN" in truncated.stdout
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit_event")
        conn.execute("DELETE FROM app_setting WHERE key = 'audit_head'")
        conn.execute("DELETE FROM user_account")
    wiped = manage("verify-audit")
    assert wiped.returncode == 1 and "empty" in wiped.stdout


def test_a_restore_is_recorded_and_explained_by_verify_audit(tmp_path):
    _users(2)
    backup = tmp_path / "before.sqlite3"
    assert manage("backup", str(backup)).returncode == 0
    _users(3, "later")  # three more events after the backup
    assert "OK (5 events)" in manage("verify-audit").stdout
    assert manage("restore", str(backup)).returncode == 0
    report = manage("verify-audit")
    assert report.returncode == 0, report.stdout
    assert "audit chain OK (3 events)" in report.stdout
    assert "restored before.sqlite3, rolling the trail back from 5 to 2 events" in report.stdout


def test_a_backup_restored_behind_the_apps_back_fails_verify_audit(tmp_path):
    _users(2)
    db = Path(os.environ["CAREDESK_DATA_DIR"]) / "caredesk.sqlite3"
    backup = tmp_path / "old.sqlite3"
    assert manage("backup", str(backup)).returncode == 0
    _users(2, "later")
    from db.migrate import online_backup

    online_backup(backup, db)  # copied over the live database, not through manage.py restore
    report = manage("verify-audit")
    assert report.returncode == 1 and "rolled back" in report.stdout


def test_verify_audit_detects_an_edited_and_a_deleted_row():
    manage(
        "create-user", "a.admin", "--role", "admin", "--password-stdin", stdin="Strong-enough-42\n"
    )
    manage(
        "create-user", "b.nurse", "--role", "nurse", "--password-stdin", stdin="Strong-enough-42\n"
    )
    manage(
        "create-user", "c.nurse", "--role", "nurse", "--password-stdin", stdin="Strong-enough-42\n"
    )
    ok = manage("verify-audit")
    assert ok.returncode == 0 and ok.stdout.strip() == "audit chain OK (3 events)"
    db = Path(os.environ["CAREDESK_DATA_DIR"]) / "caredesk.sqlite3"
    with sqlite3.connect(db) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit_event SET detail = '{}' WHERE id = 2")
        _drop_guards(conn)  # someone with raw access to the file drops the triggers first
        conn.execute("UPDATE audit_event SET detail = '{}' WHERE id = 2")
    edited = manage("verify-audit")
    assert edited.returncode == 1 and "event 2" in edited.stdout
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit_event WHERE id = 2")
    deleted = manage("verify-audit")
    assert deleted.returncode == 1 and "event 2" in deleted.stdout


def test_seed_demo_is_deterministic_and_only_in_a_training_database(tmp_path):
    first = manage("seed-demo", "--patients", "30", "--seed", "7")
    assert first.returncode == 0, first.stderr
    data = Path(os.environ["CAREDESK_DATA_DIR"])
    demo = data / "caredesk-demo.sqlite3"

    def names():
        with sqlite3.connect(demo) as conn:
            return conn.execute(
                "SELECT given_name, family_name, birth_date FROM patient ORDER BY id"
            ).fetchall()

    seeded = names()
    assert len(seeded) == 30
    again = manage("seed-demo", "--patients", "30", "--seed", "7")  # reopens, adds nothing
    assert again.returncode == 0 and "already holds demo data" in again.stdout
    assert names() == seeded
    assert manage("reset-demo").returncode == 0 and not demo.exists()
    assert manage("seed-demo", "--patients", "30", "--seed", "7").returncode == 0
    assert names() == seeded
    # The clinic database has no demo accounts.
    clinic = data / "caredesk.sqlite3"
    if clinic.exists():
        with sqlite3.connect(clinic) as conn:
            assert (
                conn.execute(
                    "SELECT count(*) FROM user_account WHERE username = 'nurse'"
                ).fetchone()[0]
                == 0
            )


def test_seed_demo_refuses_a_database_with_real_accounts():
    from db import config
    from db.session import session_scope
    from services.demo import NotADemoDatabase, seed_demo
    from tests.conftest import make_user

    url = config.load().clinic_database_url
    from db import migrate

    migrate.upgrade(url)
    with session_scope(url) as s:
        make_user(s, "real.nurse")
    with session_scope(url) as s, pytest.raises(NotADemoDatabase):
        seed_demo(s, patients=5)


def test_a_seeded_training_database_is_never_seeded_twice(s):
    from db.models import Organization
    from services.demo import AlreadySeeded, seed_demo

    seed_demo(s, patients=0)  # staff, directory and case conferences, no patients
    before = s.query(Organization).count()
    with pytest.raises(AlreadySeeded):
        seed_demo(s, patients=5)
    assert s.query(Organization).count() == before


def test_backup_and_restore_round_trip_and_refuse_a_bad_backup(tmp_path):
    manage(
        "create-user", "a.admin", "--role", "admin", "--password-stdin", stdin="Strong-enough-42\n"
    )
    target = tmp_path / "b.sqlite3"
    done = manage("backup", str(target))
    assert done.returncode == 0 and target.exists()
    manage(
        "create-user", "later", "--role", "nurse", "--password-stdin", stdin="Strong-enough-42\n"
    )
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    refused = manage("restore", str(bad))
    assert refused.returncode == 1 and "nothing was restored" in refused.stderr
    assert manage("restore", str(target)).returncode == 0
    db = Path(os.environ["CAREDESK_DATA_DIR"]) / "caredesk.sqlite3"
    with sqlite3.connect(db) as conn:
        users = [r[0] for r in conn.execute("SELECT username FROM user_account")]
    assert users == ["a.admin"]


def test_a_missing_database_is_not_silently_replaced_by_an_empty_one(tmp_path):
    _users(1)
    data = Path(os.environ["CAREDESK_DATA_DIR"])
    (data / "caredesk.sqlite3").rename(tmp_path / "moved.sqlite3")
    for suffix in ("-wal", "-shm"):
        (data / f"caredesk.sqlite3{suffix}").unlink(missing_ok=True)
    refused = manage("upgrade")
    assert refused.returncode == 3
    assert (
        "is missing" in refused.stderr and "will not start a new, empty database" in refused.stderr
    )
    assert not (data / "caredesk.sqlite3").exists()
    restored = manage("restore", str(tmp_path / "moved.sqlite3"))
    assert restored.returncode == 0, restored.stderr
    assert manage("verify-audit").returncode == 0
