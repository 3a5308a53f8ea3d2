"""Backups and restores: SQLite online backup API, pg_dump/pg_restore for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from db import config
from db.migrate import online_backup, sqlite_path
from services.core.training_mode import TRAINING_KEY


class BackupError(RuntimeError):
    pass


def default_backup_path(data_dir: Path, url: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".sqlite3" if sqlite_path(url) else ".dump"
    return data_dir / "backups" / f"caredesk-{stamp}{suffix}"


def integrity_problems(path: Path) -> list[str]:
    """Empty when the SQLite file passes integrity_check and foreign_key_check."""
    if not path.is_file():
        return [f"{path} does not exist"]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            fks = conn.execute("PRAGMA foreign_key_check").fetchall()
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [f"not a readable SQLite database: {exc}"]
    problems = [] if result == ["ok"] else result
    if fks:
        problems.append(f"{len(fks)} broken foreign keys")
    if "patient" not in tables or "alembic_version" not in tables:
        problems.append("this is not a CareDesk database")
    return problems


def is_training_backup(path: Path) -> bool:
    """True when the SQLite file is a copy of the training database (it marks itself)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT value FROM app_setting WHERE key = ?", (TRAINING_KEY,)
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return bool(row and row[0] == "yes")


def mixing_problem(url: str, source: Path) -> str | None:
    """Why this backup must not replace this database: real records never go into the
    training database, nor synthetic ones (with their `demo` accounts) into the clinic's."""
    into_training = url == config.load().demo_database_url
    from_training = is_training_backup(source)
    if into_training and not from_training:
        return (
            "CareDesk is in training mode, so this would restore into the TRAINING database, "
            "where trainees practice, and this backup is not of the training database. "
            "Nothing was restored. Leave training mode first (Admin → Settings), then restore."
        )
    if from_training and not into_training:
        return (
            "This backup is of the training database (synthetic patients, demo accounts with "
            "the password demo); it cannot replace the clinic's database. Nothing was restored."
        )
    return None


def backup(url: str, target: Path) -> Path:
    path = sqlite_path(url)
    if path is not None:
        online_backup(path, target)
        problems = integrity_problems(target)
        if problems:
            raise BackupError("; ".join(problems))
        return target
    if make_url(url).get_backend_name() == "postgresql":
        config.private_file(target)
        _pg("pg_dump", "--format=custom", f"--file={target}", _libpq(url))
        return target
    raise BackupError(f"backups are not supported for {make_url(url).get_backend_name()}")


def restore(url: str, source: Path) -> None:
    """Replace the database with a backup; refuses a backup that fails its checks."""
    path = sqlite_path(url)
    if path is not None:
        problems = integrity_problems(source)
        if problems:
            raise BackupError(
                "The backup failed its checks, nothing was restored: " + "; ".join(problems)
            )
        mixing = mixing_problem(url, source)
        if mixing:
            raise BackupError(mixing)
        # Keep what is there now, in case the restore was a mistake.
        if path.exists():
            online_backup(path, path.parent / "backups" / f"{path.stem}-before-restore.sqlite3")
        online_backup(source, path)
        return
    if make_url(url).get_backend_name() == "postgresql":
        _pg("pg_restore", "--list", str(source))  # refuses an unreadable archive
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            f"--dbname={_libpq(url)}",
            str(source),
        )
        return
    raise BackupError(f"restore is not supported for {make_url(url).get_backend_name()}")


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} is not installed on this machine (install the PostgreSQL client tools)."
        )
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[:500]}")
