"""Apply Alembic migrations safely (DESIGN.md §3.6).

On SQLite: back up with the online backup API first, run with foreign keys OFF
(batch table rebuilds would otherwise cascade deletes), then require an empty
`foreign_key_check` and unchanged row counts for every table that existed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from db import config
from db.session import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_checked: set[str] = set()
_lock = threading.Lock()


class MigrationError(RuntimeError):
    pass


class DatabaseMissing(RuntimeError):
    """The database file is gone although this data folder shows one was in use here."""


def check_not_missing(url: str) -> None:
    """Refuse to start a new, empty clinic database where one existed (a moved disk, a
    mistyped CAREDESK_DATABASE_URL): that would silently offer first-run setup to anyone."""
    path = sqlite_path(url)
    settings = config.load()
    if path is None or path.exists() or url == settings.demo_database_url:
        return
    evidence = []
    if settings.audit_head_path(url).exists():
        evidence.append("its audit trail's head")
    backups = sorted((path.parent / "backups").glob(f"{path.stem}-*"))
    if backups:
        evidence.append(f"{len(backups)} backup(s) of it, the newest {backups[-1].name}")
    if evidence:
        raise DatabaseMissing(
            f"CareDesk's database {path} is missing, but this data folder holds "
            f"{' and '.join(evidence)}. CareDesk will not start a new, empty database in its "
            "place. Check CAREDESK_DATABASE_URL, or restore the newest backup with "
            "`python manage.py restore PATH`."
        )


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def pending(url: str) -> bool:
    """True when the database is behind the newest migration."""
    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    engine = make_engine(url, foreign_keys=False)
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()
    return current != heads


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def online_backup(source: Path, target: Path) -> Path:
    """Copy a live SQLite database consistently (never copy the file, §3.7); the copy is
    readable by the owner only, like the database."""
    config.private_file(target)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def _row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url, foreign_keys=False)
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
            return {
                n: conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one() for n in names
            }
    finally:
        engine.dispose()


# Any number, the same in every CareDesk process: the PostgreSQL advisory lock that lets
# one process at a time migrate a database.
MIGRATION_LOCK = 727_274  # not 727_272 (audit trail) nor 727_273 (MRNs)


@contextmanager
def _one_process_at_a_time(url: str) -> Iterator[None]:
    """On PostgreSQL, hold the migration lock for the block. Two app processes on one
    database (README: two processes behind nginx) that start together on a new database
    or a new release would otherwise both create the same tables, and one would fail;
    with it the second waits, then finds the schema current. The lock's connection is in
    autocommit, so it holds no transaction open beside the migration's (which would hold
    up e.g. CREATE INDEX CONCURRENTLY). SQLite takes its write lock instead."""
    if make_url(url).get_backend_name() != "postgresql":
        yield
        return
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
    finally:
        engine.dispose()


def upgrade(url: str, *, target: str = "heads") -> Path | None:
    """Bring the database to the newest schema; returns the pre-migration backup, if any."""
    with _one_process_at_a_time(url):
        return _upgrade(url, target)


def _upgrade(url: str, target: str) -> Path | None:
    check_not_missing(url)
    path = sqlite_path(url)
    backup = None
    before: dict[str, int] = {}
    config.private_dir(config.load().data_dir)
    if path is not None and path.exists() and pending(url):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = online_backup(
            path, path.parent / "backups" / f"{path.stem}-pre-migrate-{stamp}.sqlite3"
        )
        before = _row_counts(url)
    elif path is not None:
        config.private_file(path)  # SQLite gives its -wal and -shm files the same mode
    command.upgrade(alembic_config(url), target)
    if path is not None:
        _check_sqlite(url, before, backup)
    return backup


def _check_sqlite(url: str, before: dict[str, int], backup: Path | None) -> None:
    engine = make_engine(url, foreign_keys=False)
    try:
        with engine.connect() as conn:
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    finally:
        engine.dispose()
    after = _row_counts(url)
    lost = {t: (n, after.get(t)) for t, n in before.items() if t in after and after[t] < n}
    if problems or lost:
        raise MigrationError(
            f"migration left the database inconsistent (foreign keys: {problems[:5]}, "
            f"rows lost: {lost}); restore the backup {backup}"
        )


def ensure_current(url: str) -> None:
    """Upgrade once per process per database (start-up of the app)."""
    with _lock:
        if url in _checked:
            return
        upgrade(url)
        _checked.add(url)
