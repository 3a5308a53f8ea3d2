"""Every page at 50 and at 5,000 patients: the server-side script run, median of 20.

    python bench/bench_pages.py [--runs 20] [--rebuild] [--page calendar]

Two training databases, each seeded with `seed-demo --history full` (a large clinic's
past), are built once into bench/results/ and reused. For each, under AppTest (DESIGN.md
§3.9), every page a case manager can open is run signed in as the demo nurse (her own
caseload) and as the nurse manager (`supervisor`, the whole team's day), with a patient
of the nurse open on the pages that show one; the figure is the median of `--runs`
reruns of the page as it stands, after one warm-up run. It prints milliseconds at each
size and their ratio, and exits 1 when a page takes over 150 ms at 5,000 patients or
over 1.5 times its figure at 50. Run it with `nice`: the machine load is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES = (50, 5000)
LIMIT_MS, LIMIT_RATIO = 150.0, 1.5
PAGES = {
    "My day": "app.py",
    "Patients": "pages/patients.py",
    "Intake": "pages/intake.py",
    "Care plan": "pages/care_plan.py",
    "Calendar": "pages/calendar.py",
    "Contacts": "pages/contacts.py",
    "Spreadsheets": "pages/spreadsheets.py",
    "Training": "pages/training.py",
}
WITH_PATIENT = {"Patients", "Intake", "Care plan", "Calendar", "Contacts"}
WHO = {"nurse": "nurse", "supervisor": "supervisor (team)"}
TEAM = -1  # components.overview.my_day: the whole team's day


def data_dir(patients: int) -> Path:
    return RESULTS / f"pages-{patients}"


def build(patients: int, rebuild: bool) -> float | None:
    """Seed the database once; returns the seconds it took (None when reused)."""
    folder = data_dir(patients)
    if (folder / "caredesk-demo.sqlite3").exists() and not rebuild:
        return None
    if folder.exists():
        for f in folder.iterdir():
            f.unlink()
    env = {**os.environ, "CAREDESK_DATA_DIR": str(folder), "CAREDESK_SECRET_KEY": "bench"}
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "seed-demo",
            "--patients",
            str(patients),
            "--history",
            "full",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    took = time.perf_counter() - started
    (folder / "seeded.json").write_text(json.dumps({"seconds": round(took, 1)}))
    return took


def _open_patient() -> int:
    """A patient of the demo nurse's with a care plan and a completed intake."""
    from sqlalchemy import select

    from db.models import CarePlan, Intake, Patient, User
    from db.session import read_scope

    with read_scope() as s:
        return s.scalar(
            select(Patient.id)
            .join(User, User.id == Patient.primary_case_manager_id)
            .join(CarePlan, CarePlan.patient_id == Patient.id)
            .join(Intake, Intake.patient_id == Patient.id)
            .where(User.username == "nurse", Intake.status == "completed")
            .order_by(Patient.id)
            .limit(1)
        )


def _opened(username: str, page: str, patient_id: int | None):
    """An AppTest session signed in, on the page (with the patient open), warmed up."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input(username)
    inputs["Password"].input("demo")
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    if username == "supervisor" and page == "app.py":
        at.session_state["md_whose"] = TEAM
    if page != "app.py":
        if patient_id is not None:
            at.query_params["patient"] = str(patient_id)
        at.switch_page(page)
    at.run()  # the opening, then one warm-up rerun
    at.run()
    assert not at.exception, at.exception
    return at


def worker(patients: int, only: str | None) -> None:
    """One database per process: open every page as each person, then time one rerun of
    the page named on each line of stdin and answer with its milliseconds."""
    os.environ["CAREDESK_DATA_DIR"] = str(data_dir(patients))
    os.environ["CAREDESK_SECRET_KEY"] = "bench"
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    patient_id = _open_patient()
    sessions = {}
    for who in WHO:
        for label, page in PAGES.items():
            if only and only.lower() not in label.lower():
                continue
            pid = patient_id if label in WITH_PATIENT else None
            sessions[f"{label}|{who}"] = _opened(who, page, pid)
    print(json.dumps(list(sessions)), flush=True)
    for line in sys.stdin:
        at = sessions[line.strip()]
        started = time.perf_counter()
        at.run()
        took = (time.perf_counter() - started) * 1000
        assert not at.exception, at.exception
        print(f"{took:.3f}", flush=True)


def measure(runs: int, only: str | None) -> dict[int, dict[str, float]]:
    """Both sizes side by side, one rerun each in turn, so the machine's load falls on
    both alike; the median of `runs` per page and person."""
    procs = {}
    for n in SIZES:
        cmd = [sys.executable, __file__, "--worker", str(n)] + (["--page", only] if only else [])
        env = {**os.environ, "STREAMLIT_LOGGER_LEVEL": "error"}
        log = open(RESULTS / f"pages-{n}.log", "w")  # noqa: SIM115 - the worker's warnings
        procs[n] = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, env=env
        )
    keys = {n: json.loads(p.stdout.readline()) for n, p in procs.items()}
    times: dict[int, dict[str, list[float]]] = {n: {k: [] for k in keys[n]} for n in SIZES}
    for key in keys[SIZES[0]]:
        for _ in range(runs):
            for n, p in procs.items():
                p.stdin.write(key + "\n")
                p.stdin.flush()
                times[n][key].append(float(p.stdout.readline()))
    for p in procs.values():
        p.stdin.close()
        p.wait()
    return {n: {k: statistics.median(v) for k, v in times[n].items()} for n in SIZES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="seed the databases again")
    parser.add_argument("--page", help="only the pages whose name contains this")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.page)
        return 0
    for n in SIZES:
        took = build(n, args.rebuild)
        if took is not None:
            print(f"seed-demo --patients {n} --history full: {took:.1f} s")
    figures = measure(args.runs, args.page)
    small, large = SIZES
    print(f"AppTest, median of {args.runs} runs, ms; load average {os.getloadavg()[0]:.2f}")
    print(f"| page | signed in as | {small:,} patients | {large:,} patients | ratio |")
    print("|---|---|---|---|---|")
    failed = []
    for key, big in figures[large].items():
        label, who = key.split("|")
        little = figures[small][key]
        ratio = big / little
        bad = big > LIMIT_MS or ratio > LIMIT_RATIO
        if bad:
            failed.append(f"{label} ({WHO[who]})")
        mark = "  << over" if bad else ""
        print(f"| {label} | {WHO[who]} | {little:.1f} | {big:.1f} | {ratio:.2f}x |{mark}")
    if failed:
        print(f"over {LIMIT_MS:.0f} ms or {LIMIT_RATIO}x: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
