"""Migration 0009_safety: open same-day STAT tasks an intake raised become one urgent safety
follow-up per patient and concern; downgrading reopens them."""

from __future__ import annotations

import os
from datetime import date

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db import migrate
from db.session import make_engine
from tests.conftest import PG_URL

ROWS = [  # (patient, title, status)
    (1, "Same-day: Suicide risk: PHQ-9 item 9 answered above 0. Assess safety today.", "requested"),
    (1, "Same-day: Suicide risk: PHQ-9 item 9 answered above 0. Assess safety today.", "requested"),
    (1, "Same-day: Interpersonal safety concern (HITS 11 or more)", "in progress"),
    (2, "Same-day: Suicide risk: PHQ-9 item 9 answered above 0. Assess safety today.", "completed"),
]


def _carry_over(url: str) -> None:
    migrate.upgrade(url, target="0008_audit_append_only")
    engine = make_engine(url)
    with engine.begin() as conn:
        for pid in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO patient (id, mrn, given_name, family_name, birth_date, "
                    "preferred_language, interpreter_needed, search_name, status, version, "
                    "created_at, updated_at) VALUES (:id, :mrn, 'A', 'B', :d, 'English', false, "
                    "'a b', 'active', 1, :t, :t)"
                ),
                {"id": pid, "mrn": f"CD{pid}", "d": date(1950, 1, 1), "t": "2026-01-01 00:00:00"},
            )
        for pid, title, status in ROWS:
            conn.execute(
                text(
                    "INSERT INTO task (patient_id, title, owner_kind, due_on, priority, status, "
                    "source_kind, source_id, version, created_at, updated_at) VALUES (:p, :title, "
                    "'staff', :d, 'stat', :status, 'intake', 7, 1, :t, :t)"
                ),
                {
                    "p": pid,
                    "title": title,
                    "status": status,
                    "d": date(2026, 1, 1),
                    "t": "2026-01-02 03:04:05",
                },
            )
    engine.dispose()
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        made = conn.execute(
            text(
                "SELECT patient_id, concern, status, open_key, reason FROM safety_follow_up ORDER BY concern"
            )
        ).all()
        tasks = conn.execute(text("SELECT status, status_reason FROM task ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r[:4]) for r in made] == [
        (1, "interpersonal safety", "open", "1:interpersonal safety"),
        (1, "suicide risk", "open", "1:suicide risk"),
    ]
    assert made[1][4].startswith("Suicide risk: PHQ-9 item 9")
    assert [t[0] for t in tasks] == ["cancelled", "cancelled", "cancelled", "completed"]
    assert "safety follow-up" in tasks[0][1]
    command.downgrade(migrate.alembic_config(url), "0008_audit_append_only")
    engine = make_engine(url)
    with engine.connect() as conn:
        statuses = conn.execute(text("SELECT status FROM task ORDER BY id")).scalars().all()
    engine.dispose()
    assert statuses == ["requested", "requested", "requested", "completed"]  # reopened


def test_sqlite_carries_open_alert_tasks_over(tmp_path):
    _carry_over(f"sqlite:///{tmp_path / 'm.sqlite3'}")


@pytest.fixture
def fresh_pg_url():
    name = f"caredesk_safety_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs CAREDESK_TEST_DATABASE_URL")
def test_postgresql_carries_open_alert_tasks_over(fresh_pg_url):
    _carry_over(fresh_pg_url)
