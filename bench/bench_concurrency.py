"""Sixteen busy case managers at once against the 5,000-patient clinic, for two minutes.

    python bench/bench_concurrency.py [--seconds 120] [--sessions 16] [--think 1.0]
        [--lockstep] [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--server | --nginx | --app URL [--pid PID ...]]

Where the sessions run: by default each is an AppTest session in a thread of this
process. `--server` starts CareDesk (`streamlit run app.py`) and drives each session
over the server's websocket with a light client that speaks the browser's protocol
(bench/streamlit_client.py), so the server is measured as a clinic runs it, from its own
process; `--nginx` (with `--url`) starts two processes on the PostgreSQL database behind
nginx (deploy/nginx-caredesk.conf) and drives them through nginx; `--app` drives one
already running.

Each session is a nurse, signed in, in a thread of its own (a server, too, holds every
tab's session in one process and runs each script run in a thread of its own). Each
loops through a mixed day: My day; open one of her patients on the Patients page; add a
task to the patient's care plan; book an appointment for the patient; search for
patients; save an edit of the patient's record; with `--think` seconds between steps on
average (a nurse reads before she clicks): each pause is drawn between half and one and
a half times it, and each session starts within the first pause, from a fixed seed, so
the sessions click at independent moments as sixteen people do. `--lockstep` makes
every pause exactly `--think` and starts all sessions at once: all sixteen then click
at the same instant, every step, the worst case rather than a day. The page steps are
real script runs of the app; the writes and the search call the same user actions the
pages call on a click (services/*/actions.py) from this process, each in its own
transaction, so that every write is known and acknowledged.

What it measures: the time of each script run (p50/p95; on a server, from the request
to the server's "script finished"), each write's and search's time, every error, the
writes lost (each acknowledged task, appointment and record edit read back afterwards
from a fresh connection), and the serving processes' CPU time and resident memory (at
the start, at its peak and per signed-in session). What it does not: the browser's
rendering (bench_browser.py and bench_nginx.py have real browsers); the writes are the
actions alone, not the form runs around them.

SQLite: a copy of the clinic bench_pages.py builds (bench/results/pages-5000), so its
numbers are not disturbed. PostgreSQL (`--url` names the server): the same clinic seeded
once into its own database, caredesk_bench_5000, kept for the next run (`--rebuild`
seeds it again). It exits 1 over a p95 script run of 300 ms, on any error or any lost
write. Run it with `nice`: the machine's load average is printed too.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import app_server  # noqa: E402 - beside this file

LIMIT_P95_MS = 300.0
PG_DATABASE = "caredesk_bench_5000"
SCRIPT_RUNS: list[float] = []  # ms of every script run, timed in its own thread


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def prepare_sqlite() -> str:
    """A fresh copy of the 5,000-patient clinic; the data directory to run against."""
    import bench_pages as pages

    pages.build(5000, rebuild=False)
    source, copy = pages.data_dir(5000), RESULTS / "concurrency-sqlite"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy)
    os.environ["CAREDESK_DATA_DIR"] = str(copy)
    return "SQLite"


def prepare_postgresql(server_url: str, rebuild: bool) -> str:
    """The clinic seeded once into its own database on the server (kept between runs)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(server_url).set(database=PG_DATABASE).render_as_string(hide_password=False)
    data = RESULTS / "pg-5000"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_DATABASE}
        )
        if rebuild or not exists or not (data / "seeded").exists():
            conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
            exists = False
    admin.dispose()
    env = {**os.environ, "CAREDESK_DATA_DIR": str(data), "CAREDESK_DATABASE_URL": url}
    if not exists:
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        print("seeding the 5,000-patient clinic into PostgreSQL (once)...", flush=True)
        subprocess.run(  # manage.py seed-demo seeds the SQLite training database only
            [sys.executable, __file__, "--seed", url],
            cwd=ROOT,
            env={**env, "CAREDESK_SECRET_KEY": "bench"},
            check=True,
        )
        (data / "seeded").write_text("5000\n")
    os.environ.update(CAREDESK_DATA_DIR=str(data), CAREDESK_DATABASE_URL=url)
    return "PostgreSQL"


def seed(url: str) -> None:
    """The clinic of bench_pages.py (seed-demo --patients 5000 --history full) into `url`."""
    from db import migrate
    from db.session import session_scope
    from services.demo import seed_demo

    migrate.upgrade(url)
    with session_scope(url) as s:
        seed_demo(s, patients=5000, history=True)


@dataclass
class Nurse:
    """One session's person and the patient she works on (her own, no one else's)."""

    username: str
    patient_id: int
    goal_id: int


@dataclass
class Tally:
    runs: list[float] = field(default_factory=list)  # script runs, ms
    by_page: dict[str, list[float]] = field(default_factory=dict)  # the same, per page
    calls: list[float] = field(default_factory=list)  # writes and searches, ms
    errors: list[str] = field(default_factory=list)
    tasks: list[tuple[int, str]] = field(default_factory=list)  # acknowledged: id, title
    visits: list[tuple[int, str]] = field(default_factory=list)
    addresses: dict[int, str] = field(default_factory=dict)  # patient -> last saved
    lock: threading.Lock = field(default_factory=threading.Lock)


def nurses(sessions: int) -> list[Nurse]:
    """For each session, an active nurse and one of her patients with a current care
    plan goal; no two sessions share a patient (their edits would be conflicts)."""
    from sqlalchemy import select

    from db.models import CarePlan, Goal, Patient, Role, User
    from db.session import read_scope

    with read_scope() as s:
        with_goals = (
            select(User.username)
            .join(Patient, Patient.primary_case_manager_id == User.id)
            .join(CarePlan, CarePlan.patient_id == Patient.id)
            .join(Goal, Goal.plan_id == CarePlan.id)
            .where(User.active, User.role == Role.NURSE, CarePlan.is_current.is_(True))
        )
        staff = sorted(set(s.scalars(with_goals)))
        chosen: list[Nurse] = []
        for n in range(sessions):
            username = staff[n % len(staff)]
            taken = [c.patient_id for c in chosen] or [0]
            row = s.execute(
                select(Patient.id, Goal.id)
                .join(User, User.id == Patient.primary_case_manager_id)
                .join(CarePlan, CarePlan.patient_id == Patient.id)
                .join(Goal, Goal.plan_id == CarePlan.id)
                .where(User.username == username, CarePlan.is_current.is_(True))
                .where(Patient.id.not_in(taken))
                .order_by(Patient.id)
                .limit(1)
            ).first()
            chosen.append(Nurse(username, row[0], row[1]))
        return chosen


def one_runtime():
    """Let AppTest sessions run at once in threads, as a server's sessions do.

    AppTest builds a stand-in Streamlit Runtime for each run, sets it as the process's
    one Runtime and clears it afterwards; it also sets a config option around the run and
    forgets whether the app has a pages/ directory before each, and compiles the pages
    again on every run (a new script cache each time; CPython 3.11's parser is not safe
    in two threads at once): two sessions running at once would undo each other's. Here,
    as on a server, one stand-in Runtime and one script cache serve every session, the
    pages/ directory is known once, and AppTest's own per-run swaps go where nobody reads
    them. Returns the context to run the sessions in."""
    from contextlib import nullcontext
    from unittest.mock import MagicMock

    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.runtime import Runtime
    from streamlit.runtime.caching.storage.dummy_cache_storage import (
        MemoryCacheStorageManager,
    )
    from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test
    from streamlit.testing.v1.util import patch_config_options

    shared = MagicMock(spec=Runtime)
    shared.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    shared.cache_storage_manager = MemoryCacheStorageManager()
    bidi = BidiComponentManager()
    bidi.discover_and_register_components(start_file_watching=False)
    shared.bidi_component_registry = bidi
    shared.dataframe_source_mgr = DataframeSourceManager()
    Runtime._instance = shared

    class PerRunRuntime:  # where AppTest's per-run stand-ins go
        _instance = None

    class OncePagesManager(PagesManager):  # AppTest's reset lands here, not on the base
        pass

    PagesManager.uses_pages_directory = (ROOT / "pages").is_dir()
    app_test.Runtime = PerRunRuntime
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    plain_run = LocalScriptRunner._run_script

    def timed_run(self, rerun_data) -> None:
        started = time.perf_counter()
        try:
            plain_run(self, rerun_data)
        finally:  # list.append is atomic: no lock needed
            SCRIPT_RUNS.append((time.perf_counter() - started) * 1000)

    LocalScriptRunner._run_script = timed_run
    app_test.PagesManager = OncePagesManager
    one_cache = app_test.ScriptCache()
    app_test.ScriptCache = lambda: one_cache
    app_test.patch_config_options = lambda options: nullcontext()
    return patch_config_options({"global.appTest": True})


def actor_of(username: str):
    from sqlalchemy import select

    from db.models import User
    from db.session import read_scope
    from services.core.identity import Actor

    with read_scope() as s:
        u = s.scalar(select(User).where(User.username == username))
        return Actor(u.id, u.username, u.display_name, u.role)


class AppTestTab:
    """A nurse's tab as an AppTest session in this process; opening a page returns the
    step's milliseconds as AppTest sees them and the exceptions the run raised."""

    def __init__(self, who: Nurse) -> None:
        from bench_pages import _opened

        self.at = _opened(who.username, "app.py", None)

    def open(self, path: str, **params: str) -> tuple[float, list[str]]:
        for k, v in params.items():
            self.at.query_params[k] = v
        self.at.switch_page(path)
        started = time.perf_counter()
        self.at.run()
        return (time.perf_counter() - started) * 1000, [e.message for e in self.at.exception]


class ServerTab:
    """A nurse's tab on a running server, over its websocket (bench/streamlit_client.py);
    the step's milliseconds are the server's script run and the loopback round trip."""

    def __init__(self, who: Nurse, url: str) -> None:
        from streamlit_client import Session

        self.session = Session(url)
        signed = self.session.sign_in(who.username, "demo")
        if "Sign out" not in signed.labels:
            raise RuntimeError(f"{who.username} could not sign in on {url}")

    def open(self, path: str, **params: str) -> tuple[float, list[str]]:
        page = "" if path == "app.py" else Path(path).stem
        drawn = self.session.run(page, urlencode(params))
        SCRIPT_RUNS.append(drawn.ms)
        return drawn.ms, drawn.exceptions


def signed_in(who: Nurse, url: str | None):
    """A tab signed in that has been on both of its pages once (as a nurse's session
    is after her first minute), so the clock starts on sessions that are under way."""
    tab = ServerTab(who, url) if url else AppTestTab(who)
    tab.open("pages/patients.py", patient=str(who.patient_id))
    tab.open("app.py")
    return tab


def first_free_day() -> date:
    """Where this run's bookings go: past any earlier run's (PostgreSQL's clinic is kept),
    each session a month of its own, so no booking is a double booking."""
    from sqlalchemy import func, select

    from db.models import Appointment
    from db.session import read_scope

    with read_scope() as s:
        last = s.scalar(
            select(func.max(Appointment.start_at)).where(Appointment.title.like("Bench visit%"))
        )
    soonest = date.today() + timedelta(days=400)
    return max(soonest, last.date() + timedelta(days=30)) if last else soonest


def session_loop(
    n: int, who: Nurse, tab, ends: float, think: float, lockstep: bool, tally: Tally
) -> None:
    """One nurse's mixed day, step after step until the time is up."""
    pauses = random.Random(n)  # per session: the same pauses on every run

    def pause() -> float:
        return think if lockstep else pauses.uniform(0.5 * think, 1.5 * think)

    from services.care_plans.actions import goals
    from services.patients import actions as patients
    from services.scheduling import actions as scheduling
    from services.scheduling.validation import AppointmentInput

    actor = actor_of(who.username)
    base = datetime.combine(first_free_day() + timedelta(days=30 * n), datetime.min.time())
    seq = 0

    def page(path: str, **params: str) -> None:
        try:
            took, raised = tab.open(path, **params)
        except Exception as exc:  # noqa: BLE001 - a lost connection is an error too
            took, raised = 0.0, [f"{type(exc).__name__}: {exc}"]
        with tally.lock:
            tally.runs.append(took)
            tally.by_page.setdefault(path, []).append(took)
            tally.errors += [f"{path}: {message}" for message in raised[:1]]

    def call(what: str, fn) -> None:
        started = time.perf_counter()
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - every failure is counted and named
            with tally.lock:
                tally.errors.append(f"{what}: {type(exc).__name__}: {exc}")
        with tally.lock:
            tally.calls.append((time.perf_counter() - started) * 1000)

    def add_task() -> None:
        title = f"Bench call {n}-{seq}"
        task_id = goals.add_task(
            actor, who.goal_id, title=title, due_on=date.today() + timedelta(days=3),
            owner_kind="staff", owner_user_id=actor.id, owner_name=None, repeat_every_days=None,
        )  # fmt: skip
        with tally.lock:
            tally.tasks.append((task_id, title))

    def book() -> None:
        title = f"Bench visit {n}-{seq}"
        start = (base + timedelta(days=seq // 40, minutes=480 + 15 * (seq % 40))).replace(
            tzinfo=UTC
        )
        data = AppointmentInput(
            kind="medical appointment", patient_id=who.patient_id, title=title,
            start=start, end=start + timedelta(minutes=10), staff_id=actor.id,
        )  # fmt: skip
        visit_id = scheduling.book_appointment(actor, data)
        with tally.lock:
            tally.visits.append((visit_id, title))

    def save() -> None:
        from dataclasses import replace

        rec = patients.patient_details(actor, who.patient_id)
        address = f"{100 + n} Bench Street, unit {seq}"
        patients.update_patient(
            actor, who.patient_id, replace(rec.values, address_line=address), rec.version
        )
        with tally.lock:
            tally.addresses[who.patient_id] = address

    steps = [
        lambda: page("app.py"),
        lambda: page("pages/patients.py", patient=str(who.patient_id)),
        lambda: call("add a task", add_task),
        lambda: call("book an appointment", book),
        lambda: call("search", lambda: patients.find_patients(actor, "an")),
        lambda: call("save the record", save),
    ]
    if not lockstep:
        time.sleep(pauses.uniform(0, think))
    while time.perf_counter() < ends:
        for step in steps:
            if time.perf_counter() >= ends:
                break
            step()
            time.sleep(pause())
        seq += 1


def lost_writes(tally: Tally) -> list[str]:
    """Every acknowledged write, read back from a fresh connection."""
    from sqlalchemy import select

    from db.models import Appointment, Patient, Task
    from db.session import read_scope

    lost = []
    with read_scope() as s:
        tasks = dict(
            s.execute(select(Task.id, Task.title).where(Task.title.like("Bench call%"))).all()
        )
        visits = dict(
            s.execute(
                select(Appointment.id, Appointment.title).where(
                    Appointment.title.like("Bench visit%")
                )
            ).all()
        )
        lost += [f"task {t}" for i, t in tally.tasks if tasks.get(i) != t]
        lost += [f"appointment {t}" for i, t in tally.visits if visits.get(i) != t]
        for pid, address in tally.addresses.items():
            if s.get(Patient, pid).address_line != address:
                lost += [f"record edit {address}"]
    return lost


@dataclass
class Served:
    """Where the sessions run: in this process (AppTest), or on server processes at `url`
    (one this benchmark started, or several behind nginx, named by `pids`)."""

    url: str | None = None
    pids: list[int] = field(default_factory=list)

    def cpu(self) -> float:
        return sum(app_server.cpu_seconds(p) for p in self.pids) if self.url else cpu_seconds()

    def rss(self) -> float:
        return sum(app_server.rss_mb(p) for p in self.pids) if self.url else rss_mb()


def run(seconds: float, sessions: int, think: float, lockstep: bool, served: Served) -> dict:
    tally = Tally()
    cast = nurses(sessions)
    if served.url:
        return _run(seconds, sessions, think, lockstep, tally, cast, served)
    with one_runtime():
        return _run(seconds, sessions, think, lockstep, tally, cast, served)


def _run(
    seconds: float,
    sessions: int,
    think: float,
    lockstep: bool,
    tally: Tally,
    cast: list[Nurse],
    served: Served,
) -> dict:
    rss_start = served.rss()
    first = signed_in(cast[0], served.url)  # the first session also loads the app's code
    rss_one = served.rss()
    tabs = [first] + [signed_in(who, served.url) for who in cast[1:]]
    rss_all = served.rss()
    cpu_start = served.cpu()
    SCRIPT_RUNS.clear()  # the sign-ins and first visits are not counted
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(served.rss())
            time.sleep(0.5)

    threading.Thread(target=sample, daemon=True).start()
    started = time.perf_counter()
    ends = started + seconds
    threads = [
        threading.Thread(target=session_loop, args=(n, who, tab, ends, think, lockstep, tally))
        for n, (who, tab) in enumerate(zip(cast, tabs, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    done.set()
    runs, calls = sorted(SCRIPT_RUNS) or [0.0], sorted(tally.calls) or [0.0]
    steps = sorted(tally.runs) or [0.0]

    def p95(xs: list[float]) -> float:
        return xs[max(0, int(len(xs) * 0.95) - 1)]

    return {
        "script runs": len(runs),
        "p50 ms": statistics.median(runs),
        "p95 ms": p95(runs),
        "step p50 ms": statistics.median(steps),
        "step p95 ms": p95(steps),
        "writes and searches": len(calls),
        "call p50 ms": statistics.median(calls),
        "call p95 ms": p95(calls),
        "by page": {k: (statistics.median(v), p95(sorted(v))) for k, v in tally.by_page.items()},
        "errors": tally.errors,
        "acknowledged": len(tally.tasks) + len(tally.visits) + len(tally.addresses),
        "lost": lost_writes(tally),
        "cpu": (served.cpu() - cpu_start) / wall,
        "rss start": rss_start,
        "rss signed in": rss_all,
        "rss peak": max(samples),
        "rss end": samples[-1],
        # each session past the first: its state, widgets and cached pages
        "per session": (rss_all - rss_one) / max(1, sessions - 1),
    }


def start_servers(count: int, *, nginx: bool):
    """`count` CareDesk processes on this run's database, the same secrets on each, as
    the README's deployment section has a clinic start them; with nginx in front."""
    from tests.browser.conftest import start_app
    from tests.browser.nginx_proxy import start_nginx

    data = Path(os.environ["CAREDESK_DATA_DIR"])
    shared = {
        k: v for k, v in os.environ.items() if k in ("CAREDESK_DATABASE_URL", "CAREDESK_SECRET_KEY")
    }
    shared["STREAMLIT_SERVER_COOKIE_SECRET"] = "bench-concurrency-cookie-secret"
    apps = [start_app(data, shared) for _ in range(count)]
    ports = [int(a.url.rsplit(":", 1)[1]) for a in apps]
    return apps, start_nginx(data.parent / "nginx-concurrency", ports) if nginx else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between steps")
    parser.add_argument(
        "--lockstep", action="store_true", help="every session clicks at the same instant"
    )
    parser.add_argument("--url", help="a PostgreSQL server (default: SQLite)")
    parser.add_argument(
        "--server",
        action="store_true",
        help="start CareDesk (streamlit run) and drive its websocket, not AppTest sessions",
    )
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="with --url: two CareDesk processes behind nginx (deploy/nginx-caredesk.conf)",
    )
    parser.add_argument(
        "--app", help="drive CareDesk already running at this address (e.g. nginx's)"
    )
    parser.add_argument(
        "--pid", type=int, action="append", default=[], help="a server process to measure"
    )
    parser.add_argument("--rebuild", action="store_true", help="seed PostgreSQL's clinic again")
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(args.seed)
        return 0
    if args.nginx and not args.url:
        parser.error("--nginx needs --url: two processes share one PostgreSQL")
    os.environ.setdefault("CAREDESK_SECRET_KEY", "bench")
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    os.chdir(ROOT)
    database = prepare_postgresql(args.url, args.rebuild) if args.url else prepare_sqlite()
    served, apps, proxy = Served(args.app, args.pid), [], None
    try:
        if args.server or args.nginx:
            apps, proxy = start_servers(2 if args.nginx else 1, nginx=args.nginx)
            served = Served(proxy.url if proxy else apps[0].url, [a.process.pid for a in apps])
        r = run(args.seconds, args.sessions, args.think, args.lockstep, served)
    finally:
        if proxy:
            proxy.stop()
        for app in apps:
            app.stop()
    where = f"on {served.url} over its websocket" if served.url else "in AppTest sessions"
    print(
        f"{database}, {where}, {args.sessions} sessions, {args.seconds:.0f} s, {args.think:g} s between "
        f"steps{' in lockstep' if args.lockstep else ' on average'}; load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"script runs (server side): {r['script runs']}, p50 {r['p50 ms']:.0f} ms, "
        f"p95 {r['p95 ms']:.0f} ms; page steps as the client sees them: "
        f"p50 {r['step p50 ms']:.0f} ms, p95 {r['step p95 ms']:.0f} ms"
    )
    print(
        "page steps per page: "
        + "; ".join(f"{k} p50 {a:.0f} ms, p95 {b:.0f} ms" for k, (a, b) in r["by page"].items())
    )
    print(
        f"writes and searches: {r['writes and searches']}, p50 {r['call p50 ms']:.0f} ms, "
        f"p95 {r['call p95 ms']:.0f} ms"
    )
    print(
        f"errors: {len(r['errors'])}; writes acknowledged: {r['acknowledged']}, "
        f"lost: {len(r['lost'])}; server CPU {r['cpu']:.2f} cores"
    )
    print(
        f"RSS: {r['rss start']:.0f} MB before, {r['rss signed in']:.0f} MB with every session "
        f"signed in ({r['per session']:.1f} MB per session), peak {r['rss peak']:.0f} MB, "
        f"end {r['rss end']:.0f} MB"
    )
    for problem in (r["errors"] + r["lost"])[:10]:
        print("  " + problem)
    bad = r["p95 ms"] > LIMIT_P95_MS or r["errors"] or r["lost"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
