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
