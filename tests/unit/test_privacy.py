"""PHI stays off the floor: data folder, databases, backups, the key and the audit head are
the owner's only, and database errors never carry the values that caused them."""

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from db import config, migrate
from db.session import make_engine, session_scope
from services.core import audit, backup
from services.core.audit import Action


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_data_folder_databases_backups_key_and_audit_head_are_owner_only(monkeypatch):
    monkeypatch.delenv("CAREDESK_SECRET_KEY")  # generated into the data folder
    settings = config.load()
    url = settings.clinic_database_url
    migrate.upgrade(url)
    with session_scope(url) as s:
        audit.record(s, None, Action.SIGN_IN, username="someone")
    data = settings.data_dir
    db_file = migrate.sqlite_path(url)
    copy = backup.backup(url, backup.default_backup_path(data, url))
    head = audit.head_file(url)
    assert _mode(data) == 0o700
    for path in (db_file, Path(f"{db_file}-wal"), copy, data / "secret.key", head):
        assert path.exists(), path
        assert _mode(path) == 0o600, f"{path.name} is {oct(_mode(path))}"
    assert _mode(copy.parent) == 0o700


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_database_error_does_not_print_the_values(backend, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (name TEXT NOT NULL UNIQUE)"))
        conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": "Rosa Diaz 555-0100"})
    with pytest.raises(StatementError) as exc, engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": "Rosa Diaz 555-0100"})
    assert "Rosa" not in str(exc.value) and "hidden" in str(exc.value)


def test_a_value_longer_than_its_column_is_a_message_at_the_field_and_writes_nothing(s):
    """On PostgreSQL this used to be a DataError that printed the whole row (names, birth
    date, phone) into the log; now nothing that long reaches the database."""
    from datetime import date

    from db.models import Patient
    from services.core.errors import InvalidInput
    from services.core.identity import SYSTEM
    from services.patients import registry

    city_limit = Patient.__table__.c.city.type.length
    data = registry.PatientInput(
        given_name="Rosa", family_name="Diaz", birth_date=date(1950, 1, 2), city="x" * 150
    )
    with pytest.raises(InvalidInput) as exc:
        registry.register_patient(s, SYSTEM, data)
    assert exc.value.errors == {"city": f"Use at most {city_limit:,} characters (this has 150)."}
    assert "Rosa" not in str(exc.value) and "Diaz" not in str(exc.value)
    s.rollback()
    assert s.query(Patient).count() == 0
