"""Intake figures: scoring throughput, one intake's summary, and the demo seeder step.

Run: python bench/bench_intake.py [patients]
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("CAREDESK_SECRET_KEY", "bench")

from sqlalchemy.orm import Session  # noqa: E402

from db.models import Base  # noqa: E402
from db.session import make_engine  # noqa: E402
from services.core.identity import SYSTEM  # noqa: E402
from services.demo import seed_demo  # noqa: E402
from services.intake import draft as drafts
from services.intake import scoring
from services.intake import summary as summaries
from services.patients import registry as patients


def main(size: int) -> None:
    values = [1, 2, 0, 1, 3, 0, 1, 2, 0]
    n = 20_000
    started = time.perf_counter()
    for _ in range(n):
        scoring.score("phq9", values)
    took = time.perf_counter() - started
    print(f"score('phq9', ...): {n / took:,.0f} per second")

    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        p = patients.register_patient(
            s, SYSTEM, patients.PatientInput("Bench", "Patient", date(1950, 1, 1))
        )
        draft = drafts.start_intake(s, SYSTEM, p.id)
        screening = {
            "instruments": ["phq9", "gad7", "ahc_hrsn", "lace"],
            "answers": {
                "phq9": values,
                "gad7": [1] * 7,
                "ahc_hrsn": [0] * 8 + [1, 0, 0, 0, 1, 1, 1, 1],
                "lace": [5, 1, 2, 1],
            },
        }
        drafts.save_step(s, SYSTEM, draft.id, "screening", screening, draft.version)
        started = time.perf_counter()
        for _ in range(50):
            summaries.summarize(s, SYSTEM, draft)
        print(
            f"summary of one intake (4 instruments): {(time.perf_counter() - started) * 20:.1f} ms"
        )

    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    timings: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def progress(_fraction: float, label: str) -> None:
        now = time.perf_counter()
        if last[1]:
            timings[last[1]] = now - last[0]
        last[:] = [now, label]

    with Session(engine) as s:
        seed_demo(s, patients=size, progress=progress)
    print(
        f"demo seed, {size} patients: intake step {timings['Intake assessments']:.1f} s, "
        f"all steps {sum(timings.values()):.1f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
