"""Care-plan page figures: AppTest median of 20 runs, a plan with 30 goals and 300 tasks
against an empty plan.

Run: python bench/bench_care_plan.py   (prints the figures; not a test)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = 20
PASSWORD = "Bench-horse-9"


def build(data_dir: Path) -> dict[str, str]:
    os.environ["CAREDESK_DATA_DIR"] = str(data_dir)
    os.environ["CAREDESK_SECRET_KEY"] = "bench"
    from db import config, migrate
    from db.models import Patient, Role, User
    from db.session import session_scope
    from services.care_plans import goals as plan_goals
    from services.care_plans import interventions
    from services.care_plans import plans as care_plans
    from services.care_plans.goals import GoalInput
    from services.core.auth import hash_password
    from services.core.identity import Actor

    url = config.load().database_url
    migrate.upgrade(url)
    with session_scope(url) as s:
        user = User(
            username="nurse",
            display_name="Bench Nurse",
            role=Role.NURSE,
            password_hash=hash_password(PASSWORD),
        )
        s.add(user)
        s.flush()
        nurse = Actor(user.id, user.username, user.display_name, Role.NURSE)
        mrns = {}
        for label, goals, tasks_per_goal in (("empty", 0, 0), ("full", 30, 10)):
            p = Patient(
                mrn=f"BENCH{label.upper()}",
                given_name="Bench",
                family_name=label.title(),
                birth_date=date(1950, 1, 1),
                search_name=f"bench {label}",
            )
            s.add(p)
            s.flush()
            plan = care_plans.start_plan(s, nurse, p.id, start_on=date.today() - timedelta(days=60))
            for g in range(goals):
                goal = plan_goals.add_goal(
                    s,
                    nurse,
                    plan.id,
                    GoalInput(
                        description=f"Measurable goal number {g + 1}",
                        patients_words=f"What I want, number {g + 1}",
                        lifecycle_status="active",
                        priority_rank=g + 1,
                        target_on=date.today() + timedelta(days=90),
                    ),
                )
                for t in range(tasks_per_goal):
                    interventions.add_goal_task(
                        s,
                        nurse,
                        goal.id,
                        title=f"Task {t + 1} for goal {g + 1}",
                        due_on=date.today() + timedelta(days=t - 3),
                        owner_user_id=nurse.id,
                    )
            mrns[label] = p.mrn
    return mrns


def page_median(mrn: str) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input("nurse")
    inputs["Password"].input(PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    at.switch_page("pages/care_plan.py")
    at.run()
    at.text_input(key="cp_query").input(mrn)
    at.run()  # warm-up
    assert not at.exception, at.exception
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
        assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        mrns = build(Path(tmp) / "data")
        print(f"built the bench database in {time.perf_counter() - started:.1f} s")
        empty = page_median(mrns["empty"])
        full = page_median(mrns["full"])
    print(f"care-plan page, empty plan:                median of {RUNS} runs {empty * 1000:.0f} ms")
    print(f"care-plan page, 30 goals and 300 tasks:    median of {RUNS} runs {full * 1000:.0f} ms")
    print(f"ratio full/empty: {full / empty:.2f}")


if __name__ == "__main__":
    main()
