"""Migrations: the schema they build matches the models, on SQLite and PostgreSQL, safely."""

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from db import migrate
from db.models import Base
from db.session import make_engine
from tests.conftest import PG_URL


def _assert_matches_models(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_sqlite_upgrade_builds_the_model_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    assert migrate.upgrade(url) is None  # nothing to back up on a new database
    _assert_matches_models(url)
    assert not migrate.pending(url)


REBUILD_MIGRATION = """
from alembic import op
import sqlalchemy as sa

revision = "9999_rebuild_patient"
down_revision = {heads!r}
branch_labels = None
depends_on = None


def upgrade():
    # A batch rebuild of the patient table: with foreign keys ON this would cascade
    # into the rows that point at patients (DESIGN.md 3.6).
    with op.batch_alter_table("patient", recreate="always") as batch:
        batch.add_column(sa.Column("nickname", sa.String(40)))


def downgrade():
    with op.batch_alter_table("patient", recreate="always") as batch:
        batch.drop_column("nickname")
"""


def test_sqlite_upgrade_backs_up_first_and_a_table_rebuild_keeps_child_rows(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO patient (id, mrn, given_name, family_name, birth_date, preferred_language, "
                "interpreter_needed, search_name, status, version, created_at, updated_at) VALUES "
                "(1, 'CD1', 'A', 'B', :d, 'English', 0, 'a b', 'active', 1, :t, :t)"
            ),
            {"d": date(1950, 1, 1), "t": "2026-01-01 00:00:00"},
        )
        conn.execute(
            text(
                "INSERT INTO task (patient_id, title, owner_kind, due_on, priority, status, version, "
                "created_at, updated_at) VALUES (1, 'Call', 'patient', :d, 'routine', 'requested', 1, "
                ":t, :t)"
            ),
            {"d": date(2026, 1, 1), "t": "2026-01-01 00:00:00"},
        )
    engine.dispose()
    # A newer release ships one more migration that rebuilds the patient table.
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts)
    heads = tuple(migrate.ScriptDirectory.from_config(migrate.alembic_config(url)).get_heads())
    (scripts / "versions" / "9999_rebuild_patient.py").write_text(
        REBUILD_MIGRATION.format(heads=heads if len(heads) > 1 else heads[0])
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    assert migrate.pending(url)
    backup = migrate.upgrade(url)
    assert backup is not None and backup.exists()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT count(*) FROM patient").fetchone()[0] == 1
    with sqlite3.connect(tmp_path / "m.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM task").fetchone()[0] == 1
        assert "nickname" in [r[1] for r in conn.execute("PRAGMA table_info(patient)")]


def test_sqlite_connections_have_the_safety_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    engine.dispose()


def test_migration_connections_turn_foreign_keys_off(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}", foreign_keys=False)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
    engine.dispose()


def test_sqlite_writes_take_the_lock_up_front(tmp_path):
    """BEGIN IMMEDIATE: a second writer waits at BEGIN, not at its first write."""
    path = tmp_path / "lock.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with engine.connect() as conn:
        conn.begin()
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
        conn.rollback()
    engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="needs CAREDESK_TEST_DATABASE_URL")
def test_postgresql_upgrade_builds_the_model_schema():
    import os

    schema = f"caredesk_mig_{os.getpid()}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    try:
        migrate.upgrade(url)
        _assert_matches_models(url)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.mark.skipif(not PG_URL, reason="needs CAREDESK_TEST_DATABASE_URL")
def test_two_processes_starting_together_on_postgresql_migrate_one_after_the_other():
    """Two app processes on one database (README: two processes behind nginx) each bring
    the schema up to date at start-up; started together on a new database or a new
    release, the second waits for the first, then finds nothing left to do."""
    import os
    import subprocess
    import sys
    import time

    schema = f"caredesk_mig2_{os.getpid()}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    # Both wait for the same moment after their imports, then migrate.
    start = time.time() + 4
    code = (
        "import sys, time; from db import migrate; "
        "time.sleep(max(0, float(sys.argv[2]) - time.time())); migrate.upgrade(sys.argv[1])"
    )
    root = Path(__file__).resolve().parents[2]
    try:
        both = [
            subprocess.Popen(
                [sys.executable, "-c", code, url, str(start)],
                cwd=root,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        errors = [p.communicate(timeout=120)[1] for p in both]
        assert [p.returncode for p in both] == [0, 0], errors
        _assert_matches_models(url)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
