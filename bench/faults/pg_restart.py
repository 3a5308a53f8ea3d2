"""Fault harness: PostgreSQL restarts while several sessions save.

Eight threads (as eight signed-in users of one app process) save in a loop through the
services: register a patient with a task, in one transaction. Midway the harness restarts
the PostgreSQL server. A save that fails meanwhile gets CareDesk's plain "cannot reach its
database" error and the user saves again. Afterwards: every acknowledged save is there,
no save is there twice, and the time from the server accepting connections again to
the first save that got through is reported.

It restarts the server, so it is a harness to run by hand (never beside other tests):
    python bench/faults/pg_restart.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )


def run(server_url: str, *, threads: int = 8, seconds: float = 12.0) -> dict:
    from sqlalchemy import create_engine, func, select, text
    from sqlalchemy.engine import make_url

    name = f"caredesk_restart_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    data = tempfile.mkdtemp()
    os.environ.update(CAREDESK_DATA_DIR=data, CAREDESK_DATABASE_URL=url)

    from db import migrate
    from db.models import Patient, Task
    from db.session import DatabaseTrouble, session_scope
    from services.core import auth
    from services.patients.registry import PatientInput, register_patient
    from services.tasks.tasks import create_task

    migrate.upgrade(url)
    with session_scope() as s:
        actor = auth.create_first_admin(
            s, "restart", "Restart", "Brisk-harbor-lantern-82", "Brisk-harbor-lantern-82"
        )

    acked: list[str] = []
    errors: list[float] = []
    unexpected: list[str] = []
    acked_at: list[float] = []
    restart_at: list[float] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def user(n: int) -> None:
        seq = 0
        while time.monotonic() < stop:
            key = f"{n}-{seq}"
            seq += 1
            try:
                with session_scope() as s:
                    p = register_patient(
                        s,
                        actor,
                        PatientInput(
                            given_name="Restart", family_name=key, birth_date=date(1950, 1, 1)
                        ),
                        confirmed_not_duplicate=True,
                    )
                    create_task(
                        s,
                        actor,
                        title=key,
                        due_on=date.today(),
                        patient_id=p.id,
                        owner_user_id=actor.id,
                    )
            except DatabaseTrouble:
                with lock:
                    errors.append(time.monotonic())
                time.sleep(0.2)  # the user reads the message, then saves again
                continue
            except Exception as exc:  # anything else is a finding
                with lock:
                    unexpected.append(f"{type(exc).__name__}: {str(exc)[:120]}")
                continue
            with lock:
                acked.append(key)
                acked_at.append(time.monotonic())

    workers = [threading.Thread(target=user, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    time.sleep(seconds / 3)
    restart_at.append(time.monotonic())
    restart_postgresql()
    back_at = time.monotonic()
    restarted_in = back_at - restart_at[0]
    for w in workers:
        w.join()
    with session_scope() as s:
        names = list(s.scalars(select(Patient.family_name).where(Patient.given_name == "Restart")))
        tasks = list(s.scalars(select(Task.title)))
        doubled = s.scalar(
            select(func.count()).select_from(
                select(Patient.family_name)
                .group_by(Patient.family_name)
                .having(func.count() > 1)
                .subquery()
            )
        )
    # one transaction writes both: an acknowledged save is lost if either is missing
    lost = sorted(set(acked) - (set(names) & set(tasks)))
    after = [t for t in acked_at if t > back_at]
    admin.dispose()  # its pooled connection died with the restart
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    return {
        "acknowledged": len(acked),
        "lost": len(lost),
        "duplicates": doubled,
        "failed_saves_told_to_retry": len(errors),
        "unexpected_errors": unexpected[:5],
        "server_restart_s": round(restarted_in, 2),
        # from the server accepting connections again to the first save that got through
        "first_save_after_server_back_s": round(min(after) - back_at, 2) if after else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    result = run(args.url)
    print(json.dumps(result, indent=2))
    ok = result["lost"] == 0 and result["duplicates"] == 0 and not result["unexpected_errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
