"""Training figures: starting a scenario, starting one trainee over, reading a checklist
(what the sidebar does on every page), and resetting the whole training database.

Run: python bench/bench_training.py   (prints the figures; not a test)
It works in a scratch data folder and touches nothing else.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TRAINEES = 12


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="caredesk-bench-training-"))
    os.environ["CAREDESK_DATA_DIR"] = str(scratch / "data")
    os.environ["CAREDESK_SECRET_KEY"] = "bench"
    from sqlalchemy import select

    from db.models import Role, User
    from db.session import read_scope, session_scope
    from services.core.identity import Actor
    from services.demo.reset import reset_training_database
    from services.training import runs, trainer

    for patients in (150, 1000, 5000):
        took = reset_training_database(patients)
        print(f"reset the whole training database, {patients:>5} patients: {took:.1f} s")

    with session_scope() as s:
        people = s.scalars(select(User).where(User.username.like("trainee%"))).all()
        trainees = [Actor(u.id, u.username, u.display_name, Role(u.role)) for u in people]
        admin = s.scalar(select(User).where(User.username == "admin"))
        admin = Actor(admin.id, admin.username, admin.display_name, Role(admin.role))
    starts, resets, reads = [], [], []
    for scenario in ("first_morning", "heart_failure_discharge"):
        for actor in trainees[:TRAINEES]:
            with session_scope() as s:
                took, run = timed(lambda a=actor, k=scenario: runs.start(s, a, k).id)
            starts.append(took)
    with read_scope() as s:
        run_ids = [r.id for r in trainer.overview(s, admin)]
    for run_id in run_ids[:TRAINEES]:
        with session_scope() as s:
            took, _ = timed(lambda r=run_id: trainer.start_over(s, admin, r))
        resets.append(took)
    for actor in trainees[:TRAINEES]:
        for _ in range(5):
            with read_scope() as s:
                took, _ = timed(lambda a=actor: runs.my_runs(s, a))
            reads.append(took)
    with read_scope() as s:
        took, found = timed(lambda: trainer.overview(s, admin))
    print(f"start a scenario (the trainee's own copy):      {ms(starts)} ({len(starts)} starts)")
    print(f"start one trainee's scenario over:              {ms(resets)} ({len(resets)} resets)")
    print(f"read a trainee's checklists (sidebar, per page): {ms(reads)}")
    print(f"trainer's view, {len(found)} runs in progress:         {took * 1000:.0f} ms")


if __name__ == "__main__":
    main()
