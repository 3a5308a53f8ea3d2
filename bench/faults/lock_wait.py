"""Fault figure: how long a read and a save wait while another program holds SQLite's write
lock (a backup tool, a stuck script). Reads should not wait at all (WAL, deferred read
transactions); a save waits the busy timeout, then says "CareDesk is busy".

    python bench/faults/lock_wait.py [--tries 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO app_setting (key, value) VALUES ('holder', 'x')")
print("locked", flush=True)
time.sleep(60)
"""


def main() -> int:
    from sqlalchemy import select

    from db import migrate
    from db.models import AppSetting
    from db.session import DatabaseBusy, dispose_all, read_scope, session_scope

    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clinic.sqlite3"
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE)
        assert holder.stdout.readline().strip() == b"locked"
        reads, saves = [], []
        try:
            for _ in range(args.tries):
                t = time.perf_counter()
                with read_scope(url) as s:
                    s.scalar(select(AppSetting.value).where(AppSetting.key == "anything"))
                reads.append(time.perf_counter() - t)
            for _ in range(3):
                t = time.perf_counter()
                try:
                    with session_scope(url) as s:
                        s.add(AppSetting(key="mine", value="typed"))
                except DatabaseBusy:
                    saves.append(time.perf_counter() - t)
        finally:
            holder.kill()
            dispose_all()
    print(f"read while locked: median {statistics.median(reads) * 1000:.1f} ms, "
          f"max {max(reads) * 1000:.1f} ms ({len(reads)} reads)")  # fmt: skip
    print(f"save while locked: told 'busy' after {statistics.median(saves):.2f} s "
          f"({len(saves)} of 3 saves refused, nothing written)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
