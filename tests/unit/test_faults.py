"""Faults that lose nothing: writers killed with SIGKILL mid-burst (bench/faults/)."""

import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.faults import kill_writers  # noqa: E402

PG_URL = os.environ.get("CAREDESK_TEST_DATABASE_URL")


@pytest.fixture
def fresh_pg_database():
    """A database of this test's own on the PostgreSQL server, dropped afterwards."""
    name = f"caredesk_faults_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _assert_nothing_lost(totals):
    assert totals.acknowledged > 10, "the writers got going before they were killed"
    assert totals.lost == 0, totals.as_dict()
    assert totals.problems == [], totals.problems


def test_killed_writers_lose_no_acknowledged_save_on_sqlite():
    _assert_nothing_lost(kill_writers.run(rounds=2, writers=3, seed=7))


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs CAREDESK_TEST_DATABASE_URL")
def test_killed_writers_lose_no_acknowledged_save_on_postgresql(fresh_pg_database):
    _assert_nothing_lost(kill_writers.run(rounds=2, writers=3, database_url=fresh_pg_database))


def test_a_backup_taken_during_writes_restores_whole_into_a_fresh_folder(tmp_path, monkeypatch):
    import signal
    import subprocess

    from db import config, migrate
    from db.session import dispose_all, session_scope
    from services.core import audit, backup

    env = dict(os.environ, CAREDESK_SECRET_KEY="backup-test-key", PYTHONPATH=str(kill_writers.ROOT))
    env["CAREDESK_DATA_DIR"] = str(tmp_path / "live")
    kill_writers._prepare(env)
    writer = subprocess.Popen(
        [sys.executable, "-c", kill_writers.WRITER, "0", "0"],
        cwd=kill_writers.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(30):  # let it get going
            writer.stdout.readline()
        live = f"sqlite:///{tmp_path / 'live' / 'caredesk.sqlite3'}"
        copy = backup.backup(live, tmp_path / "copy.sqlite3")  # while the writer writes
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("CAREDESK_DATA_DIR", str(fresh))  # a new clinic folder, same key
    monkeypatch.setenv("CAREDESK_SECRET_KEY", "backup-test-key")
    url = config.load().clinic_database_url
    backup.restore(url, copy)
    migrate.upgrade(url)
    counts = {}
    for name, target in (("copy", f"sqlite:///{copy}"), ("restored", url)):
        with session_scope(target) as s:
            counts[name] = {
                t: s.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
                for t in ("patient", "task", "audit_event")
            }
            report = audit.verify(s)
            assert report.ok, report
    dispose_all()
    assert counts["copy"] == counts["restored"] and counts["copy"]["patient"] >= 10
    assert backup.integrity_problems(Path(migrate.sqlite_path(url))) == []
