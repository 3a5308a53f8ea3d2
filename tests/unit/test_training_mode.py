"""Training mode can never receive real data by accident, nor the clinic synthetic data;
resetting the training database keeps people signed in."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from services.core.errors import InvalidInput
from services.core.training_mode import (
    SYNTHETIC_FIELD,
    is_training_database,
    mark_training_database,
    require_synthetic,
)
from tests.unit.test_manage import manage

STRONG = "Strong-enough-42\n"


def _users(db: Path) -> dict[str, tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return {
            u: (i, h)
            for i, u, h in conn.execute("SELECT id, username, password_hash FROM user_account")
        }


def test_an_import_into_the_training_database_needs_a_tick_that_it_is_synthetic(s):
    require_synthetic(s, confirmed_synthetic=False)  # the clinic's database: nothing to ask
    assert not is_training_database(s)
    mark_training_database(s)
    assert is_training_database(s)
    with pytest.raises(InvalidInput) as refused:
        require_synthetic(s, confirmed_synthetic=False)
    assert "synthetic" in refused.value.errors[SYNTHETIC_FIELD]
    require_synthetic(s, confirmed_synthetic=True)


def test_clinic_and_training_backups_never_cross(tmp_path):
    data = Path(os.environ["CAREDESK_DATA_DIR"])
    assert (
        manage(
            "create-user", "boss", "--role", "admin", "--password-stdin", stdin=STRONG
        ).returncode
        == 0
    )
    clinic_backup = tmp_path / "clinic.sqlite3"
    assert manage("backup", str(clinic_backup)).returncode == 0
    assert manage("seed-demo", "--patients", "5").returncode == 0  # now in training mode
    training_backup = tmp_path / "training.sqlite3"
    assert manage("backup", str(training_backup)).returncode == 0

    refused = manage("restore", str(clinic_backup))
    assert refused.returncode == 1 and "TRAINING database" in refused.stderr
    assert "boss" not in _users(data / "caredesk-demo.sqlite3")
    assert manage("restore", str(training_backup)).returncode == 0  # training into training: fine

    assert manage("reset-demo").returncode == 0  # back to the clinic database
    refused = manage("restore", str(training_backup))
    assert refused.returncode == 1 and "cannot replace the clinic's database" in refused.stderr
    assert set(_users(data / "caredesk.sqlite3")) == {"boss"}


def test_resetting_the_training_database_keeps_the_accounts_as_they_were():
    data = Path(os.environ["CAREDESK_DATA_DIR"])
    assert manage("seed-demo", "--patients", "5").returncode == 0
    before = _users(data / "caredesk-demo.sqlite3")
    done = manage("reset-demo", "--patients", "8")
    assert done.returncode == 0 and "reset with 8 synthetic patients" in done.stdout
    after = _users(data / "caredesk-demo.sqlite3")
    assert after == before  # same ids and password hashes: nobody signed in is thrown out
    assert {"nurse", "trainee1", "trainee12"} <= set(after)
    with sqlite3.connect(data / "caredesk-demo.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM patient").fetchone()[0] == 8
    assert (data / "mode").read_text().strip() == "demo"
