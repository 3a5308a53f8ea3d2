"""Fault harness: kill -9 writers in the middle of a burst of saves; nothing acknowledged is lost.

Several writer processes save through the services as the app does (register a patient
and give them a task, in one transaction, audited), each printing ACK after its commit
returns. The harness kills every writer with SIGKILL at a random moment, then checks
the database: every acknowledged save is there (lost = 0 is the bar), saves that were
under way are indeterminate (either outcome is fine), integrity_check and
foreign_key_check pass (SQLite) and the audit chain verifies. Then the next round.

    python bench/faults/kill_writers.py [--rounds 20] [--writers 4] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WRITER = """
import sys
from datetime import date
from sqlalchemy import select
from db.models import Role, User
from db.session import session_scope
from services.core.identity import Actor
from services.patients.registry import PatientInput, register_patient
from services.tasks.tasks import create_task

writer, start = sys.argv[1], int(sys.argv[2])
with session_scope() as s:
    u = s.scalar(select(User).where(User.username == "faults"))
    actor = Actor(u.id, u.username, u.display_name, Role(u.role))
seq = start
while True:
    print(f"BEGIN {writer} {seq}", flush=True)
    with session_scope() as s:
        p = register_patient(
            s, actor, PatientInput(given_name=f"W{writer}", family_name=f"Seq{seq}",
                                   birth_date=date(1950, 1, 1)), confirmed_not_duplicate=True)
        create_task(s, actor, title=f"call {writer}-{seq}", due_on=date.today(), patient_id=p.id,
                    owner_user_id=actor.id)
    print(f"ACK {writer} {seq}", flush=True)
    seq += 1
"""


@dataclass
class Round:
    acknowledged: set[tuple[str, int]] = field(default_factory=set)
    begun: set[tuple[str, int]] = field(default_factory=set)


@dataclass
class Totals:
    rounds: int = 0
    acknowledged: int = 0
    lost: int = 0
    indeterminate: int = 0
    indeterminate_kept: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rounds": self.rounds,
            "acknowledged": self.acknowledged,
            "lost": self.lost,
            "indeterminate": self.indeterminate,
            "indeterminate_kept": self.indeterminate_kept,
            "problems": self.problems,
        }


def _prepare(env: dict) -> None:
    code = """
from db import config, migrate
from db.session import session_scope
from services.core import auth
url = config.load().database_url
migrate.upgrade(url)
with session_scope() as s:
    if not auth.has_users(s):
        auth.create_first_admin(s, "faults", "Fault harness", "Kill-nine-77x", "Kill-nine-77x")
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def _read(proc: subprocess.Popen, writer: str, state: Round) -> None:
    for line in proc.stdout:
        kind, who, seq = line.split()
        (state.acknowledged if kind == "ACK" else state.begun).add((who, int(seq)))


def _check(env: dict, saves: list[tuple[str, int]]) -> dict:
    code = """
import json, sys
from sqlalchemy import func, select, text
from db.models import Patient, Task
from db.session import session_scope
from services.core import audit
saves = json.load(sys.stdin)
out = {"present": [], "problems": []}
with session_scope() as s:
    names = {(p.given_name[1:], p.family_name[3:]) for p in s.scalars(select(Patient))}
    tasks = set(s.scalars(select(Task.title)))
    for writer, seq in saves:
        if (writer, str(seq)) in names and f"call {writer}-{seq}" in tasks:
            out["present"].append([writer, seq])
        elif (writer, str(seq)) in names or f"call {writer}-{seq}" in tasks:
            out["problems"].append(f"half a save: {writer}-{seq}")
    if s.get_bind().dialect.name == "sqlite":
        ok = s.execute(text("PRAGMA integrity_check")).scalar()
        if ok != "ok":
            out["problems"].append(f"integrity_check: {ok}")
        fk = s.execute(text("PRAGMA foreign_key_check")).fetchall()
        if fk:
            out["problems"].append(f"foreign_key_check: {len(fk)} rows")
    report = audit.verify(s)
    if not report.ok:
        out["problems"].append(f"audit: {report.reason} at {report.bad_id}")
    out["events"] = report.count
print(json.dumps(out))
"""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        input=json.dumps(saves),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def run(rounds: int, writers: int, *, database_url: str | None = None, seed: int = 1) -> Totals:
    rng = random.Random(seed)
    totals = Totals()
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, CAREDESK_DATA_DIR=data, PYTHONPATH=str(ROOT))
        env.pop("CAREDESK_SECRET_KEY", None)
        if database_url:
            env["CAREDESK_DATABASE_URL"] = database_url
        else:
            env.pop("CAREDESK_DATABASE_URL", None)
        _prepare(env)
        next_seq = {str(w): 0 for w in range(writers)}
        for _ in range(rounds):
            state = Round()
            procs = []
            for w in range(writers):
                proc = subprocess.Popen(
                    [sys.executable, "-c", WRITER, str(w), str(next_seq[str(w)])],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
                reader = threading.Thread(target=_read, args=(proc, str(w), state), daemon=True)
                reader.start()
                procs.append((proc, reader))
            deadline = time.monotonic() + 60  # start-up: wait until every writer is saving
            while (
                len({w for w, _ in state.acknowledged}) < writers
                and time.monotonic() < deadline
                and all(proc.poll() is None for proc, _ in procs)
            ):
                time.sleep(0.05)
            time.sleep(rng.uniform(0.2, 1.5))  # then kill at a random moment of the burst
            for proc, _ in procs:
                proc.send_signal(signal.SIGKILL)
            for w, (proc, reader) in enumerate(procs):
                proc.wait()
                reader.join(timeout=5)
                if proc.returncode != -signal.SIGKILL:
                    totals.problems.append(f"writer {w} stopped by itself (exit {proc.returncode})")
            pending = state.begun - state.acknowledged
            result = _check(env, sorted(state.acknowledged | pending))
            present = {tuple(x) for x in result["present"]}
            totals.rounds += 1
            totals.acknowledged += len(state.acknowledged)
            totals.lost += len(state.acknowledged - present)
            totals.indeterminate += len(pending)
            totals.indeterminate_kept += len(pending & present)
            totals.problems += result["problems"]
            for w in next_seq:
                mine = [seq for who, seq in state.begun if who == w]
                next_seq[w] = max(mine, default=next_seq[w] - 1) + 1
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--postgres", metavar="URL", help="run against this PostgreSQL database")
    args = parser.parse_args()
    started = time.perf_counter()
    totals = run(args.rounds, args.writers, database_url=args.postgres)
    print(json.dumps(totals.as_dict(), indent=2))
    print(f"took {time.perf_counter() - started:.0f} s")
    return 0 if totals.lost == 0 and not totals.problems else 1


if __name__ == "__main__":
    sys.exit(main())
