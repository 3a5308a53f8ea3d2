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
