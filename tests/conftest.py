"""Shared fixtures.

- `s`: a Session on a fresh in-memory SQLite database per test, or, when
  CAREDESK_TEST_DATABASE_URL is set, the same tests also run on PostgreSQL
  (schema created once; each test rolls back).
- `app_env`: a scratch data folder with a migrated SQLite clinic database and one
  user per role (password `Correct-horse-9`), for AppTest runs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from db.models import Base, Role
from db.session import dispose_all, make_engine
from services.core.identity import Actor

PG_URL = os.environ.get("CAREDESK_TEST_DATABASE_URL")
PASSWORD = "Correct-horse-9"
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Every test gets its own data folder and secret key; nothing touches ./data."""
    monkeypatch.setenv("CAREDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CAREDESK_SECRET_KEY", "test-secret-key")
    monkeypatch.delenv("CAREDESK_DATABASE_URL", raising=False)
    yield


@pytest.fixture(scope="session")
def _pg_engine():
    if not PG_URL:
        yield None
        return
    # A schema of this run's own, so parallel runs on one server never clash.
    schema = f"caredesk_test_{os.getpid()}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(PG_URL)

    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_conn, _record):
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET search_path TO {schema}")
        dbapi_conn.commit()

    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def s(request, _pg_engine) -> Iterator[Session]:
    """A Session on SQLite (always) and PostgreSQL (when configured)."""
    if request.param == "sqlite":
        engine = make_engine("sqlite://")
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            yield session
        engine.dispose()
        return
    conn = _pg_engine.connect()
    trans = conn.begin()
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        yield session
    trans.rollback()
    conn.close()


@functools.cache
def _password_hash() -> str:
    """argon2 is slow on purpose; hash the shared test password once."""
    from services.core.auth import hash_password

    return hash_password(PASSWORD)


def make_user(s: Session, username: str, role: Role = Role.NURSE, display_name: str | None = None):
    from db.models import User
    from services.core.auth import hash_password

    user = User(
        username=username,
        display_name=display_name or username.title(),
        role=role,
        password_hash=hash_password(PASSWORD),
    )
    s.add(user)
    s.flush()
    return user


def actor_for(user) -> Actor:
    return Actor(
        id=user.id, username=user.username, display_name=user.display_name, role=Role(user.role)
    )


@pytest.fixture
def nurse(s) -> Actor:
    return actor_for(make_user(s, "nurse1", Role.NURSE, "Nora Nurse"))


@pytest.fixture
def make_actor(s):
    def _make(role: Role, username: str | None = None) -> Actor:
        return actor_for(make_user(s, username or f"{role.value}-{os.urandom(3).hex()}", role))

    return _make


@pytest.fixture
def app_env(tmp_path):
    """A migrated clinic database under the test's data folder with a user per role."""
    from db import config, migrate
    from db.session import session_scope

    url = config.load().database_url
    migrate.upgrade(url)
    with session_scope(url) as session:
        for role in Role:
            make_user(session, role.value.replace("_", ""), role, f"{role.value.title()} Person")
    yield url
    dispose_all()
