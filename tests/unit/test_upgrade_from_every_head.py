"""A database left at any earlier migration, with rows in every table, upgrades to the
newest schema with no row lost and every foreign key intact (SQLite and PostgreSQL)."""

import os
from datetime import UTC, date, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    create_engine,
    inspect,
    text,
)
from sqlalchemy.engine import make_url

from db import migrate
from db.session import make_engine
from tests.conftest import PG_URL

# Every revision, oldest first, except the newest (upgrading it is a no-op).
REVISIONS = [
    r.revision
    for r in reversed(
        list(ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).walk_revisions())
    )
]
EARLIER = REVISIONS[:-1]


def _value(column, row_ids: dict[str, int]):
    """A plausible value for a column: the id of the parent row for a foreign key."""
    if column.foreign_keys:
        parent = next(iter(column.foreign_keys)).column.table.name
        return row_ids.get(parent)
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 2, 3, 4, tzinfo=UTC).replace(tzinfo=None)
    if isinstance(kind, Date):
        return date(2026, 1, 2)
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, Float | Numeric):
        return 1.5
    length = getattr(kind, "length", None) or 20
    return f"v-{column.name}"[:length]


def _fill_every_table(url: str) -> dict[str, int]:
    engine = make_engine(url, foreign_keys=False)
    meta = MetaData()
    meta.reflect(engine)
    row_ids: dict[str, int] = {}
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            values = {}
            for column in table.columns:
                if column.primary_key and isinstance(column.type, Integer):
                    values[column.name] = 1
                else:
                    values[column.name] = _value(column, row_ids)
            conn.execute(table.insert().values(**values))
            row_ids[table.name] = 1
    counts = _counts(engine)
    engine.dispose()
    return counts


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
        return {n: conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one() for n in names}


def _foreign_key_problems(url: str) -> list:
    engine = make_engine(url, foreign_keys=False)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            return []  # PostgreSQL enforces them on every write
    finally:
        engine.dispose()


def _upgrade_and_compare(url: str, revision: str) -> None:
    migrate.upgrade(url, target=revision)
    before = _fill_every_table(url)
    assert all(n == 1 for n in before.values()), before
    migrate.upgrade(url)
    engine = make_engine(url)
    after = _counts(engine)
    engine.dispose()
    lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t, 0) < n}
    assert lost == {}, f"rows lost upgrading from {revision}: {lost}"
    assert _foreign_key_problems(url) == []
    assert not migrate.pending(url)


@pytest.mark.parametrize("revision", EARLIER)
def test_sqlite_upgrades_from_every_earlier_head_without_losing_rows(tmp_path, revision):
    _upgrade_and_compare(f"sqlite:///{tmp_path / 'old.sqlite3'}", revision)


@pytest.fixture
def fresh_pg_url():
    name = f"caredesk_upgrade_{os.getpid()}"
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
@pytest.mark.parametrize("revision", EARLIER)
def test_postgresql_upgrades_from_every_earlier_head_without_losing_rows(fresh_pg_url, revision):
    _upgrade_and_compare(fresh_pg_url, revision)
