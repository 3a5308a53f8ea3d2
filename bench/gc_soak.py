"""Memory soak: Streamlit's full garbage collection after every script run, on and off.

    python bench/gc_soak.py [--seconds 90] [--sessions 6]

Streamlit runs `gc.collect(2)` after every script run (`runner.postScriptGC`, on by
default; DESIGN.md §3.18). This drives `--sessions` signed-in AppTest sessions in one
process against the 5,000-patient clinic that bench/bench_pages.py builds, each moving
through My day, Patients, Care plan, Calendar, Contacts and Intake in turn for
`--seconds`, once with the collection after every run (as the server does it; AppTest
itself skips it) and once without, each in a fresh process. It samples the process's
resident memory every second and prints, per mode: steps done, median and 95th
percentile of a step (the run plus its collection), the time spent collecting, and the
memory at the start, at its peak and at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

STEPS = [
    ("app.py", False),
    ("pages/patients.py", True),
    ("pages/care_plan.py", True),
    ("pages/calendar.py", True),
    ("pages/contacts.py", True),
    ("pages/intake.py", True),
]
USERS = ["nurse", "supervisor", "nurse.okafor", "nurse.tran", "socialworker", "sw.delgado"]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def soak(seconds: float, sessions: int, post_gc: bool) -> dict:
    import bench_pages as pages

    os.environ["CAREDESK_DATA_DIR"] = str(pages.data_dir(5000))
    os.environ["CAREDESK_SECRET_KEY"] = "bench"
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    patient_id = pages._open_patient()
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(rss_mb())
            time.sleep(1)

    start_rss = rss_mb()
    threading.Thread(target=sample, daemon=True).start()
    apps = [pages._opened(USERS[i % len(USERS)], "app.py", None) for i in range(sessions)]
    steps, collecting = [], 0.0
    turn = 0
    ends = time.perf_counter() + seconds
    while time.perf_counter() < ends:
        for n, at in enumerate(apps):
            page, with_patient = STEPS[(turn + n) % len(STEPS)]
            started = time.perf_counter()
            if page != "app.py" and with_patient:
                at.query_params["patient"] = str(patient_id)
            at.switch_page(page)
            at.run()
            if post_gc:  # what ScriptRunner._on_script_finished does after every run
                g = time.perf_counter()
                gc.collect(2)
                collecting += time.perf_counter() - g
            steps.append((time.perf_counter() - started) * 1000)
        turn += 1
    done.set()
    steps.sort()
    return {
        "postScriptGC": post_gc,
        "steps": len(steps),
        "median_ms": round(statistics.median(steps), 1),
        "p95_ms": round(steps[int(len(steps) * 0.95) - 1], 1),
        "collecting_s": round(collecting, 1),
        "rss_start_mb": round(start_rss),
        "rss_peak_mb": round(max(samples)),
        "rss_end_mb": round(samples[-1]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--mode", choices=["on", "off"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(soak(args.seconds, args.sessions, args.mode == "on")))
        return 0
    print(
        f"load average {os.getloadavg()[0]:.2f}; {args.sessions} sessions, {args.seconds:.0f} s each"
    )
    print(
        "| postScriptGC | steps | median ms | p95 ms | collecting s | RSS start / peak / end MB |"
    )
    print("|---|---|---|---|---|---|")
    for mode in ("on", "off"):
        cmd = [sys.executable, __file__, "--mode", mode, "--seconds", str(args.seconds)]
        cmd += ["--sessions", str(args.sessions)]
        env = {**os.environ, "STREAMLIT_LOGGER_LEVEL": "error"}
        out = subprocess.run(
            cmd, check=True, capture_output=True, text=True, env=env
        ).stdout.strip()
        r = json.loads(out.splitlines()[-1])
        print(
            f"| {mode} | {r['steps']} | {r['median_ms']} | {r['p95_ms']} | {r['collecting_s']} "
            f"| {r['rss_start_mb']} / {r['rss_peak_mb']} / {r['rss_end_mb']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
