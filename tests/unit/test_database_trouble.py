"""A busy, full or unreachable database: a plain message, nothing half-written, and reads
that never wait for a writer (DESIGN.md §3.14)."""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from db import migrate
from db.models import AppSetting
from db.session import (
    DatabaseBusy,
    ReadOnlyTransaction,
    StorageFull,
    dispose_all,
    get_engine,
    read_scope,
    session_scope,
)

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO app_setting (key, value) VALUES ('holder', 'x')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    migrate.upgrade(url)
    yield url
    dispose_all()


def _hold_write_lock(url: str, seconds: float) -> subprocess.Popen:
    path = migrate.sqlite_path(url)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_read_does_not_wait_while_another_process_holds_the_write_lock(url):
    holder = _hold_write_lock(url, 20)
    try:
        started = time.perf_counter()
        with read_scope(url) as s:
            assert s.scalar(select(AppSetting.value).where(AppSetting.key == "holder")) is None
        assert time.perf_counter() - started < 2  # not the 5 s busy timeout
    finally:
        holder.kill()


def test_a_save_that_cannot_get_the_lock_says_busy_and_writes_nothing(url):
    holder = _hold_write_lock(url, 20)
    try:
        with pytest.raises(DatabaseBusy, match="press Save again"), session_scope(url) as s:
            s.add(AppSetting(key="mine", value="typed"))
    finally:
        holder.kill()
    with read_scope(url) as s:
        assert s.get(AppSetting, "mine") is None


def test_a_reading_transaction_refuses_to_write(url):
    with pytest.raises(ReadOnlyTransaction), read_scope(url) as s:
        s.add(AppSetting(key="sneaky", value="x"))
        s.flush()


def test_a_full_disk_says_so_and_leaves_nothing_half_written(url):
    engine = get_engine(url)

    @event.listens_for(engine, "connect")
    def _tiny(dbapi_conn, _record):  # the file may not grow: as good as a full disk
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()  # new connections get the limit
    with pytest.raises(StorageFull, match="disk .* is full"), session_scope(url) as s:
        s.add(AppSetting(key="first", value="kept only if all fits"))
        for i in range(2000):
            s.add(AppSetting(key=f"k{i}", value="x" * 500))
    event.remove(engine, "connect", _tiny)
    engine.dispose()
    with read_scope(url) as s:
        assert s.get(AppSetting, "first") is None
        assert s.scalar(text("SELECT COUNT(*) FROM app_setting WHERE key LIKE 'k%'")) == 0
    path = Path(migrate.sqlite_path(url))
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
