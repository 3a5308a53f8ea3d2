"""Engines and the one-transaction-per-user-action session scope."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import StaticPool

from db import config

# How long a save waits for another writer before the user is told CareDesk is busy
# (SQLite writes take milliseconds; a lock held longer than this is not normal work).
BUSY_TIMEOUT_MS = 5_000


class DatabaseTrouble(RuntimeError):
    """The database could not do its part; nothing was saved. `str()` is fit to show."""


class DatabaseBusy(DatabaseTrouble):
    def __init__(self):
        super().__init__("CareDesk is busy — your entry is kept, press Save again.")


class StorageFull(DatabaseTrouble):
    def __init__(self):
        super().__init__(
            "The disk that holds CareDesk's database is full, so nothing was saved. Your "
            "entry is kept; ask whoever looks after this computer to free some space."
        )


class SavedMeanwhile(DatabaseTrouble):
    """Two people saved the same record at the very same moment (the version check passed
    for both, the database let only the first through)."""

    def __init__(self):
        super().__init__(
            "Someone else saved this record at the same moment, so nothing of yours was saved. "
            "Your entry is kept; press Save again to compare the two versions."
        )


class DatabaseUnavailable(DatabaseTrouble):
    def __init__(self):
        super().__init__(
            "CareDesk cannot reach its database right now, so nothing was saved. Your "
            "entry is kept; try again in a moment."
        )


def _trouble(exc: DBAPIError) -> DatabaseTrouble | None:
    """Which plain-words problem a driver error is, if it is one a user can wait out."""
    words = str(exc.orig).lower() if exc.orig is not None else ""
    if "locked" in words or "busy" in words or "could not obtain lock" in words:
        return DatabaseBusy()
    if "disk is full" in words or "no space left" in words or "disk full" in words:
        return StorageFull()
    lost = ("connection", "server closed", "terminating", "could not connect", "shutting down")
    if exc.connection_invalidated or (
        isinstance(exc, OperationalError | InterfaceError) and any(w in words for w in lost)
    ):
        return DatabaseUnavailable()
    return None


_engines: dict[tuple[str, bool], Engine] = {}
_lock = threading.Lock()


def _prepare_sqlite(engine: Engine, *, foreign_keys: bool, writes: bool = True) -> None:
    """SQLAlchemy's documented recipe for real SQLite transactions (DESIGN.md §3.4).

    pysqlite's default defers BEGIN until the first write, so "check overlap, then
    insert" races between processes; BEGIN IMMEDIATE takes the write lock up front.
    A reading engine begins deferred instead: in WAL mode its readers never wait for a
    writer (DESIGN.md §3.14).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def make_engine(url: str, *, foreign_keys: bool = True, writes: bool = True) -> Engine:
    if url.startswith("sqlite"):
        kwargs: dict = {}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            kwargs = {
                "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
            }
        # hide_parameters: SQLAlchemy's errors and logs print bound values, i.e. PHI (§3.15).
        engine = create_engine(url, hide_parameters=True, **kwargs)
        _prepare_sqlite(engine, foreign_keys=foreign_keys, writes=writes)
        return engine
    # One process runs every signed-in session's script runs in threads of its own, each
    # holding one connection while it reads: sixteen busy sessions waited on a pool of ten.
    # Two processes take at most 40 of PostgreSQL's default 100 connections.
    return create_engine(
        url, hide_parameters=True, pool_pre_ping=True, pool_size=10, max_overflow=10
    )


def get_engine(url: str | None = None, *, writes: bool = True) -> Engine:
    """One Engine per database URL (and per kind: writing or reading) for the process.

    An Engine holds no patient data. An in-memory SQLite database exists once per
    connection, so there reads share the writing engine.
    """
    url = url or config.load().database_url
    if url in ("sqlite://", "sqlite:///:memory:") or not url.startswith("sqlite"):
        writes = True  # PostgreSQL needs no second engine: its reads never wait on writes
    key = (url, writes)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = make_engine(url, writes=writes)
        return engine


def dispose_all() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction per user action: commit on success, roll back on any error."""
    session = Session(bind=get_engine(url), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        trouble = _trouble(exc)
        if trouble is None:
            raise
        raise trouble from exc
    except StaleDataError as exc:  # version_id_col: the UPDATE found a newer version
        session.rollback()
        raise SavedMeanwhile() from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class ReadOnlyTransaction(RuntimeError):
    """A reading action tried to write: it must use session_scope instead."""


class ReadingSession(Session):
    """read_scope's session: it refuses to flush changes. The refusal is listened for once
    on the class (listening on each new session cost a third of opening it, and a page
    opens a dozen)."""


@event.listens_for(ReadingSession, "before_flush")
def _refuse_writes(session: Session, _flush_context, _instances) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyTransaction("This action only reads; it may not change the database.")


@contextmanager
def read_scope(url: str | None = None) -> Iterator[Session]:
    """A transaction that only reads: begins deferred (never waits for the write lock on
    SQLite), refuses to flush changes, and always ends in a rollback."""
    session = ReadingSession(bind=get_engine(url, writes=False), expire_on_commit=False)
    try:
        yield session
    except DBAPIError as exc:
        trouble = _trouble(exc)
        if trouble is None:
            raise
        raise trouble from exc
    finally:
        session.rollback()
        session.close()
